//! The Falco filter language: lexer, parser and compiled evaluator.
