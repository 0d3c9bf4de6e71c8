//! Alerts raised by rules, in Falco's text and JSON forms.
