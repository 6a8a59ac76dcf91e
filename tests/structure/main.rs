//! Checks of the code's shape that read the sources instead of running them: no non-test
//! function over 80 lines, the layers of `shared/src` as `docs/architecture.md` draws them, and
//! the SDK clients each function binary links, and one list of a customer's fields.

mod clock;
mod customer_fields;
mod features;
mod function_length;
mod keys;
mod layers;
mod sources;
