//! Alert outputs: one module per sink behind one small trait.
