//! Declares the app's commands so that each is granted explicitly, one by one,
//! in `src-tauri/capabilities/` (to the main window only).

const COMMANDS: &[&str] = &["request_token", "cancel_request"];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/*.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
