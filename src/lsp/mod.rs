//! The language server: translates between the protocol and the analysis.
