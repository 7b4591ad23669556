//! End-to-end tests through the real window: tauri-driver and WebKitWebDriver
//! drive the built app under Xvfb, in a D-Bus session with an unlocked
//! gnome-keyring, against the test identity server. `make test` sets all of
//! that up (scripts/test.sh); the tests find fields by their labels and
//! buttons by their text, as a user does.

mod app;
mod assertion;
mod bodies;
mod client_credentials;
mod collections;
mod clipboard;
mod device_code;
mod discovery;
mod docs_screenshot;
mod grants;
mod implicit;
#[path = "../keychain_session.rs"]
mod keychain_session;
mod matrix;
mod network;
mod oic_admin;
mod oracle;
mod private_keychain;
mod profiles;
mod robustness;
mod sandbox;
mod saved_requests;
mod stored_profile;
mod token_checks;
mod token_curl;
mod workspace;
