//! Fields: what a filter can read from an event, and the values they yield.
