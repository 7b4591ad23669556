//! One file per grant type. Each builds its request with `oauth2` and hands it
//! to the shared exchange path in [`crate::token`].

pub mod authorization_code;
pub mod client_credentials;
pub mod password;
pub mod refresh_token;
