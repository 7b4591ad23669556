//! One file per grant type. Each builds its request with `oauth2` and hands it
//! to the shared exchange path in [`crate::token`].

pub mod client_credentials;
