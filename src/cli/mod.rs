//! The command line: `planls check`, and later `schedule` and `export`.
