//! OAuth Console's core: the OAuth 2.0 grants, the token-exchange path, the
//! HTTP client and the error vocabulary shared with the UI.
//!
//! This crate has no Tauri dependency. It is driven by thin Tauri commands in
//! `src-tauri/` and tested on its own (unit tests beside the code, integration
//! tests in `tests/core/` against a real third-party OAuth server).

pub mod assertion;
pub mod callback;
pub mod discovery;
pub mod cancel;
pub mod collections;
pub mod error;
pub mod expiry;
pub mod grants;
pub mod hints;
pub mod http;
pub mod id_token;
pub mod introspection;
pub mod jwt;
pub mod keys;
pub mod oracle;
pub mod response;
pub mod secret;
pub mod send;
pub mod store;
pub mod token;

pub use error::{Error, IpcError, Result};
pub use secret::Secret;
pub use grants::{request_token, TokenRequest};
pub use token::{ClientAuth, Token, TokenView};

#[cfg(test)]
pub(crate) mod testing;
