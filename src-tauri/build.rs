//! Declares the app's commands so that each is granted explicitly, one by one,
//! in `src-tauri/capabilities/` (to the main window only).

const COMMANDS: &[&str] = &[
    "request_token",
    "cancel_request",
    "reveal_token",
    "start_authorization",
    "complete_authorization",
    "copy_authorization_url",
    "open_authorization_url",
    "refresh_token",
    "copy_refresh_request_as_curl",
    "copy_code_exchange_as_curl",
    "start_device_code",
    "copy_device_value",
    "open_verification_url",
    "copy_device_request_as_curl",
    "clear_login_session",
    "sandbox_start",
    "sandbox_key_pair",
    "import_key_pair",
    "generate_key_pair",
    "save_certificate",
    "assertion_preview",
    "ui_ready",
    "app_state",
    "save_profile",
    "create_profile",
    "rename_profile",
    "duplicate_profile",
    "delete_profile",
    "switch_profile",
    "save_settings",
    "put_secret",
    "import_curl",
    "import_postman",
    "choose_import_file",
    "choose_export_file",
    "export_postman",
    "secret_saved",
    "list_tokens",
    "rename_token",
    "delete_token",
    "delete_expired_tokens",
    "load_token",
    "copy_token",
    "use_token",
    "send_request",
    "response_body",
    "copy_response_body",
    "save_response_body",
    "follow_redirect_once",
    "save_body_to_file",
    "choose_save_path",
    "choose_body_file",
    "copy_request_as_curl",
    "history_list",
    "history_entry",
    "clear_history",
    "oracle_preview",
    "oracle_help",
    "oracle_instance_url",
    "oic_refusal_hint",
    "oic_admin_request",
    "oic_admin",
    "oic_admin_export",
    "oic_choose_archive_path",
    "oic_choose_archive_file",
    "network_settings",
    "update_network_settings",
    "choose_ca_bundle",
    "copy_token_request_as_curl",
    "discover",
    "introspect_token",
    "revoke_token",
    "verify_token_signature",
];

fn main() {
    bundle_ui();
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/*.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}

/// The window's code, bundled by esbuild into `target/ui-dist` (tauri.conf.json's
/// `frontendDist`) before tauri-build embeds it: `scripts/bundle-ui.mjs`.
fn bundle_ui() {
    for path in ["ui", "scripts/bundle-ui.mjs", "package-lock.json"] {
        println!("cargo:rerun-if-changed={path}");
    }
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let status = std::process::Command::new("node")
        .arg(root.join("scripts/bundle-ui.mjs"))
        .current_dir(&root)
        .status();
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => panic!(
            "bundling the window (node scripts/bundle-ui.mjs) failed ({status}); see the messages above. \
             If esbuild is missing, run scripts/node-modules.sh (make run and make test do)."
        ),
        Err(e) => panic!(
            "could not run Node.js to bundle the window ({e}): install Node.js and npm \
             (scripts/deps.sh run does), then scripts/node-modules.sh"
        ),
    }
}
