//! Integration tests of `oauth-console-core` against a real third-party OAuth
//! 2.0 server (django-oauth-toolkit, started on 127.0.0.1 by `make test`;
//! see `tests/idp/`; RFC 7523 against Authlib in the same server, RFC 8705
//! against node-oidc-provider beside it). No window, no Tauri.

mod authlib;
mod authorization_code;
mod bodies;
mod client_assertion;
mod client_credentials;
mod device_code;
mod id_token;
mod idp;
mod implicit;
mod introspection;
mod jwt_assertion;
#[path = "../keychain_session.rs"]
mod keychain_session;
mod mtls_provider;
mod oracle;
mod oracle_admin;
mod password;
mod redirects;
mod refresh;
mod send;
mod store;
mod tls_client_auth;
