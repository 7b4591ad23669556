//! The desktop shell: builds the Tauri app, holds the state the commands
//! share, and registers the commands. All OAuth and HTTP logic is in
//! `oauth-console-core`; nothing here speaks a protocol.

mod clipboard;
mod commands;
mod error;
mod shelf;
mod webkit;

use oauth_console_core::cancel::InFlight;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::store::{History, Notice, ProfileStore, Settings, Vault};
use tauri::Manager;
use oauth_console_sandbox::Sandbox;

/// What every command can reach.
pub struct AppState {
    /// The one HTTP client; Settings → Network swaps it (read it with
    /// [`AppState::http`]).
    pub http: std::sync::RwLock<HttpClient>,
    /// Requests in flight, for Cancel.
    pub in_flight: InFlight,
    /// Tokens obtained in this session, by id.
    pub tokens: shelf::TokenShelf,
    /// The last few responses, for the viewer, Copy and Save.
    pub responses: shelf::ResponseShelf,
    /// The built-in sandbox, once started.
    pub sandbox: tokio::sync::Mutex<Option<Sandbox>>,
    /// Profiles, settings and saved tokens' metadata (the settings file in
    /// the app's config folder); lock with [`AppState::store`]. Settings
    /// such as `auto_refresh` and `header_prefix` are read from here.
    pub store: std::sync::Mutex<ProfileStore>,
    /// Secrets: the OS keychain, or memory for the session when it is
    /// unavailable. Its calls block: use them from a blocking thread.
    pub vault: Vault,
    /// What the window must tell the user since the start (a settings file
    /// kept aside, network settings that could not be applied).
    pub notices: std::sync::Mutex<Vec<Notice>>,
    /// Each profile's History (the last sends, without credentials), in
    /// `history/` beside the settings file. Its calls block on the disk.
    pub history: History,
    keychain_checked: std::sync::OnceLock<()>,
    /// Held by every step that reads "Remember password" and then puts the
    /// password in the keychain or in memory (see [`AppState::placing_passwords`]).
    placing_passwords: std::sync::Mutex<()>,
}

/// How often deletions that wait for the keychain are tried again.
const KEYCHAIN_RETRY: std::time::Duration = std::time::Duration::from_secs(60);

impl AppState {
    /// The profile store, locked. Keep the guard short: never hold it
    /// across a keychain call (the store's operations that touch the vault
    /// come in steps for that: plan locked, keychain unlocked, commit
    /// locked).
    pub fn store(&self) -> std::sync::MutexGuard<'_, ProfileStore> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One at a time: the steps that read a profile's "Remember password"
    /// and then keep a password by it (a typed or imported password, the
    /// move when the setting changes). The window saves the profile and the
    /// password each after its own pause in typing, so both can run at
    /// once; without this, the password could be kept in memory by the old
    /// setting while the move to the keychain found nothing yet to move.
    /// Unlike the store's lock, this one may be held across keychain calls:
    /// only these steps wait on it.
    pub fn placing_passwords(&self) -> std::sync::MutexGuard<'_, ()> {
        self.placing_passwords.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The "Clear copied token after" setting, for every secret copy.
    pub fn clipboard_clear_seconds(&self) -> u64 {
        self.store().data().settings.clipboard_clear_seconds
    }

    /// Reaches the keychain once, so the window can say whether secrets will
    /// outlive the session. Blocking; later calls return at once.
    pub fn check_keychain(&self) {
        self.keychain_checked.get_or_init(|| {
            // The deletions an earlier session had to leave queued.
            let queued = self.store().pending_deletions().to_vec();
            self.vault.queue_deletions(queued);
            self.vault.check();
            self.record_pending();
            // Secrets saved before they were bound to an origin.
            let unbound = self.store().unbound_secrets();
            let bound = oauth_console_core::store::saved_among(&self.vault, unbound)
                .and_then(|saved| self.store().bind_secrets(saved));
            self.tell_error(bound);
        });
    }

    /// When deletions wait for the keychain: checks whether it is back,
    /// which does them, and records what is left.
    pub fn retry_deletions(&self) {
        if self.vault.pending().is_empty() {
            return;
        }
        self.vault.check();
        self.record_pending();
    }

    /// Writes the queue of deletions to the settings file (without holding
    /// the store while the keychain answers: the callers check first).
    fn record_pending(&self) {
        let recorded = self.store().record_pending(&self.vault);
        self.tell_error(recorded);
    }

    /// An error of a background step, as a notice for the window.
    fn tell_error(&self, outcome: oauth_console_core::Result<()>) {
        if let Err(e) = outcome {
            self.tell_ipc_error(oauth_console_core::IpcError::from(e));
        }
    }

    /// An error of a background step, already in the window's shape, as a notice.
    fn tell_ipc_error(&self, e: oauth_console_core::IpcError) {
        self.notices.lock().unwrap_or_else(|p| p.into_inner()).push(Notice {
            code: e.code,
            message: e.message,
            hint: e.hint,
        });
    }

    /// The HTTP client in effect (a cheap clone sharing its connection pool).
    pub fn http(&self) -> HttpClient {
        self.http.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Uses `client` for every request from now on.
    pub fn set_http(&self, client: HttpClient) {
        *self.http.write().unwrap_or_else(|p| p.into_inner()) = client;
    }
}

pub fn run() {
    commands::bench::step("run() entered");
    tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(commands::grants::SignIns::default())
        .manage(commands::device::DeviceFlows::default())
        .on_page_load(|_webview, payload| {
            commands::bench::step(match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page load started (shell)",
                tauri::webview::PageLoadEvent::Finished => "page load finished (shell)",
            });
        })
        .setup(|app| {
            commands::bench::step("setup begins");
            // The state is built here because the settings file lives in the
            // app's config folder, known once the app exists. No command runs
            // before `setup` returns.
            let now = std::time::SystemTime::now();
            let config_dir = app.path().app_config_dir().ok();
            let vault = Vault::keychain();
            let commands::profiles::Opened { store, mut notices } =
                commands::profiles::open_store(config_dir, &vault, now);
            let http = startup_http(&store.data().settings, &mut notices);
            let history_dir = store.path().parent().map(|dir| dir.join(oauth_console_core::store::history::DIR_NAME));
            let history = History::new(history_dir.unwrap_or_else(|| oauth_console_core::store::history::DIR_NAME.into()));
            app.manage(AppState {
                http: std::sync::RwLock::new(http),
                in_flight: InFlight::default(),
                tokens: shelf::TokenShelf::default(),
                responses: shelf::ResponseShelf::default(),
                sandbox: tokio::sync::Mutex::new(None),
                store: std::sync::Mutex::new(store),
                vault,
                notices: std::sync::Mutex::new(notices),
                history,
                keychain_checked: std::sync::OnceLock::new(),
                placing_passwords: std::sync::Mutex::new(()),
            });
            let handle = app.handle().clone();
            app.state::<AppState>().tokens.on_replace(move |_shelf_id, saved, token| {
                let app = handle.clone();
                std::thread::spawn(move || commands::profiles::resave_refreshed(&app, saved, token));
            });
            // The keychain check may wait up to 10 s for a locked keychain:
            // off the main thread, before the window asks for it.
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                let state = handle.state::<AppState>();
                state.check_keychain();
                // Deletions the keychain could not do wait for it to be back.
                loop {
                    std::thread::sleep(KEYCHAIN_RETRY);
                    state.retry_deletions();
                }
            });
            if let Some(window) = app.get_webview_window("main") {
                webkit::lighten(&window);
            }
            commands::login_window::keep_login_session_off_disk(app.handle());
            commands::bench::step("setup done");
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::tokens::request_token,
            commands::tokens::cancel_request,
            commands::tokens::reveal_token,
            commands::grants::start_authorization,
            commands::grants::complete_authorization,
            commands::grants::copy_authorization_url,
            commands::grants::open_authorization_url,
            commands::grants::refresh_token,
            commands::grants::copy_refresh_request_as_curl,
            commands::grants::copy_code_exchange_as_curl,
            commands::device::start_device_code,
            commands::device::copy_device_value,
            commands::device::open_verification_url,
            commands::device::copy_device_request_as_curl,
            commands::login_window::clear_login_session,
            commands::sandbox::sandbox_start,
            commands::sandbox::sandbox_key_pair,
            commands::keys::import_key_pair,
            commands::keys::generate_key_pair,
            commands::keys::save_certificate,
            commands::keys::assertion_preview,
            commands::send::send_request,
            commands::send::response_body,
            commands::send::copy_response_body,
            commands::send::save_response_body,
            commands::send::follow_redirect_once,
            commands::send::save_body_to_file,
            commands::send::choose_save_path,
            commands::send::choose_body_file,
            commands::send::copy_request_as_curl,
            commands::history::history_list,
            commands::history::history_entry,
            commands::history::clear_history,
            commands::bench::ui_ready,
            commands::profiles::app_state,
            commands::profiles::save_profile,
            commands::profiles::create_profile,
            commands::profiles::rename_profile,
            commands::profiles::duplicate_profile,
            commands::profiles::delete_profile,
            commands::profiles::switch_profile,
            commands::profiles::save_settings,
            commands::secrets::put_secret,
            commands::collections::import_curl,
            commands::collections::import_postman,
            commands::collections::choose_import_file,
            commands::collections::choose_export_file,
            commands::collections::export_postman,
            commands::secrets::secret_saved,
            commands::saved_tokens::list_tokens,
            commands::saved_tokens::rename_token,
            commands::saved_tokens::delete_token,
            commands::saved_tokens::delete_expired_tokens,
            commands::saved_tokens::load_token,
            commands::saved_tokens::copy_token,
            commands::saved_tokens::use_token,
            commands::oracle::oracle_preview,
            commands::oracle::oracle_help,
            commands::oracle::oracle_instance_url,
            commands::oracle::oic_refusal_hint,
            commands::oic_admin::oic_admin_request,
            commands::oic_admin::oic_admin,
            commands::oic_admin::oic_admin_export,
            commands::oic_admin::oic_choose_archive_path,
            commands::oic_admin::oic_choose_archive_file,
            commands::network::network_settings,
            commands::network::update_network_settings,
            commands::network::choose_ca_bundle,
            commands::network::copy_token_request_as_curl,
            commands::discovery::discover,
            commands::token_checks::introspect_token,
            commands::token_checks::revoke_token,
            commands::token_checks::verify_token_signature,
        ])
        .run(tauri::generate_context!())
        .expect("OAuth Console could not start");
}

/// The HTTP client for the saved network settings. A CA bundle that cannot
/// be loaded (missing, not PEM, not a regular file) never stops the start:
/// the client is built without it, certificate checks on with the built-in
/// roots, the rest of the settings kept, and the user is told. Other
/// settings that cannot be used (a proxy URL that does not parse): the
/// defaults.
fn startup_http(settings: &Settings, notices: &mut Vec<Notice>) -> HttpClient {
    let error = match HttpClient::new(settings.network.clone()) {
        Ok(client) => return client,
        Err(e) => oauth_console_core::IpcError::from(e),
    };
    if let Some(path) = settings.network.ca_bundle_path() {
        let without_bundle = HttpSettings {
            ca_bundle: None,
            ..settings.network.clone()
        };
        if let Ok(client) = HttpClient::new(without_bundle) {
            notices.push(Notice {
                code: "ca_bundle_not_loaded".into(),
                message: format!(
                    "The CA bundle {} was not loaded, so only the built-in trusted roots are used (certificate checks stay on): {}",
                    path.display(),
                    error.message
                ),
                hint: error.hint.or_else(|| Some("Open Settings → Network and choose a PEM file, or clear CA bundle.".into())),
            });
            return client;
        }
    }
    notices.push(Notice {
        code: "network_settings_not_applied".into(),
        message: format!("Your network settings could not be applied, so the defaults are used: {}", error.message),
        hint: error.hint.or_else(|| Some("Open Settings and correct the network settings.".into())),
    });
    HttpClient::new(HttpSettings::default()).expect("the default HTTP client could not be built")
}
