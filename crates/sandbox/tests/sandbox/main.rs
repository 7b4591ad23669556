//! End-to-end tests of the sandbox over real HTTP on 127.0.0.1: one binary,
//! one module per area.

mod authorization_code;
mod client_credentials;
mod echo;
mod implicit;
mod lifecycle;
mod malformed;
mod oic;
mod paging;
mod password;
mod refresh;
mod support;
mod token_errors;
