//! Tauri commands, one module per panel. Each command takes its state, calls
//! the core and turns the error into `{code, message, hint}`. No protocol
//! logic lives here.

pub mod bench;
pub mod grants;
pub mod network;
pub mod oracle;
pub mod profiles;
pub mod sandbox;
pub mod send;
pub mod tokens;
