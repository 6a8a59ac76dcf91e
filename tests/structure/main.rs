//! Checks of the code's shape that read the sources instead of running them: no non-test
//! function over 80 lines, and the layers of `shared/src` as `docs/architecture.md` draws them.

mod function_length;
mod layers;
mod sources;
