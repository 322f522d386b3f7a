//! The `Request`/`Response` contract shared by the CLI, the wasm API and the tests, with strict
//! parsing: unknown fields, unknown names, bad shapes and out-of-range values are errors that
//! name the field.

pub mod json;
mod limits;
pub(crate) mod parse;
mod request;
mod response;

pub use limits::Limits;
pub use parse::params_from_value;
pub use request::{BackendChoice, CompareTo, Outputs, Request};
pub use response::{Backend, Response};
