//! Integration tests live in `api/`; this package has no library code.
