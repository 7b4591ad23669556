//! Profiles, saved tokens and secrets across restarts: the settings file with
//! an in-memory secret store, the file's atomic write under SIGKILL, and the
//! real Secret Service (gnome-keyring in the D-Bus session `make test`
//! provides). To run these by hand:
//!
//! ```text
//! export RUSTUP_HOME=$HOME/.rustup CARGO_HOME=$HOME/.cargo HOME=$(mktemp -d)
//! export XDG_RUNTIME_DIR=$HOME/run && mkdir -m 700 $XDG_RUNTIME_DIR
//! scripts/test-session.sh cargo test -p oauth-console-core --test core store
//! ```

use oauth_console_core::store::file::FILE_NAME;
use oauth_console_core::store::profile::{
    CodeChallengeMethod, FollowAuthorization, Header, LoginMode, OracleFields, RequestDraft,
    SavedRequest, ScopeKind,
};
use oauth_console_core::store::vault::SERVICE;
use oauth_console_core::store::{
    AppData, GrantType, Kept, KeychainStatus, MemoryStore, ProfileKind, ProfileStore, SecretKind,
    SecretStore, StoreFailure, Vault,
};
use oauth_console_core::{ClientAuth, Error, Secret, Token};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NOW: u64 = 1_700_000_000;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

/// A fresh folder under the system's temp folder, removed at the end.
struct TestDir(PathBuf);

impl TestDir {
    fn new(tag: &str) -> TestDir {
        let dir = std::env::temp_dir().join(format!(
            "oc-store-{tag}-{}-{}",
            std::process::id(),
            random_id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TestDir(dir)
    }

    fn file(&self) -> PathBuf {
        self.0.join(FILE_NAME)
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn random_id() -> String {
    oauth_console_core::store::profile::new_id().unwrap()
}

fn open(dir: &TestDir) -> ProfileStore {
    let (store, notice) = ProfileStore::open(&dir.0, now()).unwrap();
    assert_eq!(notice, None, "a valid file loads without a notice");
    store
}

/// An in-memory keychain that outlives a [`Vault`], as the OS keychain
/// outlives the app.
#[derive(Clone, Default)]
struct Shared(Arc<MemoryStore>);

impl SecretStore for Shared {
    fn get(&self, account: &str) -> Result<Option<Secret>, StoreFailure> {
        self.0.get(account)
    }
    fn set(&self, account: &str, secret: &Secret) -> Result<(), StoreFailure> {
        self.0.set(account, secret)
    }
    fn delete(&self, account: &str) -> Result<(), StoreFailure> {
        self.0.delete(account)
    }
}

fn vault(keychain: &Shared) -> Vault {
    Vault::new(keychain.clone(), Duration::from_secs(5))
}

/// A keychain that is locked for good.
struct Locked;

impl SecretStore for Locked {
    fn get(&self, _: &str) -> Result<Option<Secret>, StoreFailure> {
        Err(StoreFailure::Unavailable("the keychain is locked".into()))
    }
    fn set(&self, _: &str, _: &Secret) -> Result<(), StoreFailure> {
        Err(StoreFailure::Unavailable("the keychain is locked".into()))
    }
    fn delete(&self, _: &str) -> Result<(), StoreFailure> {
        Err(StoreFailure::Unavailable("the keychain is locked".into()))
    }
}

fn token(issued_at: u64, lifetime: Option<u64>, access: &str, refresh: Option<&str>) -> Token {
    Token {
        access_token: Secret::new(access),
        token_type: "Bearer".into(),
        expires_in: lifetime,
        issued_at,
        expires_at: lifetime.map(|l| issued_at + l),
        scope: Some("https://fake-aud.example:443urn:opc:resource:consumer::all".into()),
        refresh_token: refresh.map(Secret::new),
        id_token: None,
        extra: Default::default(),
        warnings: Vec::new(),
    }
}

fn file_text(dir: &TestDir) -> String {
    std::fs::read_to_string(dir.file()).unwrap()
}

// ---------------------------------------------------------------- profiles

#[test]
fn the_first_start_has_one_default_profile_and_no_notice() {
    let dir = TestDir::new("first");
    let (store, notice) = ProfileStore::open(&dir.0, now()).unwrap();
    assert_eq!(notice, None);
    assert_eq!(store.data().profiles.len(), 1);
    assert_eq!(store.current().name, "Default");
    assert_eq!(store.data().settings.timeout_seconds, 30);
    assert!(!dir.file().exists(), "opening alone writes nothing");
}

#[test]
fn a_profile_with_every_field_set_survives_a_restart() {
    let dir = TestDir::new("roundtrip");
    let mut store = open(&dir);
    let id = store.create_profile("OIC dev").unwrap().id.clone();
    let mut profile = store.profile(&id).unwrap().clone();
    profile.kind = ProfileKind::Oracle;
    profile.grant_type = GrantType::AuthorizationCode;
    profile.token_url = "https://idcs-fake.identity.oraclecloud.com/oauth2/v1/token".into();
    profile.auth_url = "https://idcs-fake.identity.oraclecloud.com/oauth2/v1/authorize".into();
    profile.callback_url = "http://127.0.0.1:53682/callback".into();
    profile.client_id = "fake-client-id".into();
    profile.client_auth = ClientAuth::RequestBody;
    profile.scope =
        "https://fake-aud.example:443urn:opc:resource:consumer::all offline_access".into();
    profile.request_refresh_token = true;
    profile.username = "fake.user@example.com".into();
    profile.state = "fixed-state".into();
    profile.code_challenge_method = CodeChallengeMethod::Plain;
    profile.login_mode = LoginMode::Paste;
    profile.oracle = Some(OracleFields {
        identity_domain_url: "https://idcs-fake.identity.oraclecloud.com".into(),
        oic_url: "https://fake-oic.integration.ocp.oraclecloud.com".into(),
        instance_name: "fake-instance".into(),
        audience: "https://fake-aud.example:443".into(),
        scope_kind: ScopeKind::Api,
    });
    profile.follow_authorization = FollowAuthorization::Never;
    profile.trusted_hosts = vec!["design.example".into(), "runtime.example".into()];
    profile.request = RequestDraft {
        method: "POST".into(),
        url: "https://fake-oic.example/ic/api/integration/v1/integrations".into(),
        headers: vec![Header {
            name: "Accept".into(),
            value: "application/json".into(),
            enabled: false,
        }],
        body_kind: "json".into(),
        body: "{\"a\": 1}".into(),
    };
    profile.saved_requests = vec![SavedRequest {
        id: random_id(),
        name: "List integrations".into(),
        request: RequestDraft {
            url: "https://fake-oic.example/ic/api/integration/v1/integrations?limit=5".into(),
            ..RequestDraft::default()
        },
    }];
    store.update_profile(profile.clone()).unwrap();
    let mut settings = store.data().settings.clone();
    settings.proxy = Some("http://127.0.0.1:3128".into());
    settings.clipboard_clear_seconds = 15;
    settings.auto_refresh = false;
    store.update_settings(settings).unwrap();
    let before = store.data().clone();

    let reopened = open(&dir);
    assert_eq!(
        reopened.data(),
        &before,
        "every field reads back as written"
    );
    assert_eq!(
        reopened.current(),
        &profile,
        "the app reopens on the last used profile"
    );
    let json: serde_json::Value = serde_json::from_str(&file_text(&dir)).unwrap();
    assert_eq!(json["version"], 1, "the file carries its version");
    assert_eq!(json["lastProfileId"], id.as_str());
    assert_eq!(json["settings"]["clipboardClearSeconds"], 15);
}

#[test]
fn create_rename_duplicate_switch_and_delete_keep_profiles_and_secrets_together() {
    let dir = TestDir::new("ops");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let first = store.current().id.clone();
    let prod = store.create_profile("  Prod  ").unwrap().clone();
    assert_eq!(prod.name, "Prod");
    assert_eq!(store.current().id, prod.id, "a new profile becomes current");
    assert!(matches!(
        store.create_profile(" "),
        Err(Error::MissingField { .. })
    ));

    store.rename_profile(&prod.id, "Production").unwrap();
    vault
        .put(
            &prod.id,
            SecretKind::ClientSecret,
            &Secret::new("fake-secret-1"),
        )
        .unwrap();
    store
        .update_profile({
            let mut p = store.profile(&prod.id).unwrap().clone();
            p.remember_password = true;
            p
        })
        .unwrap();
    store
        .put_password(&vault, &prod.id, &Secret::new("fake-password-1"))
        .unwrap();
    store
        .save_token(
            &vault,
            &prod.id,
            &token(NOW, Some(3600), "fake-access-1", Some("fake-refresh-1")),
            None,
        )
        .unwrap();

    let copy = store.duplicate_profile(&vault, &prod.id).unwrap().clone();
    assert_eq!(copy.name, "Production (copy)");
    assert_ne!(copy.id, prod.id);
    assert!(
        copy.tokens.is_empty(),
        "saved tokens are not shared between profiles"
    );
    assert_eq!(store.current().id, copy.id);
    assert_eq!(
        vault.get(&copy.id, SecretKind::ClientSecret).unwrap(),
        Some(Secret::new("fake-secret-1")),
        "the secret is copied"
    );
    assert_eq!(
        vault.get(&copy.id, SecretKind::Password).unwrap(),
        Some(Secret::new("fake-password-1"))
    );
    assert!(
        !vault.is_session_only(&copy.id, SecretKind::Password),
        "a remembered password stays remembered"
    );
    let order: Vec<_> = store
        .data()
        .profiles
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(order, ["Default", "Production", "Production (copy)"]);

    assert_eq!(store.switch_profile(&first).unwrap().name, "Default");
    assert!(matches!(
        store.switch_profile("no-such-id"),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(open(&dir).current().id, first, "switching is remembered");

    store.switch_profile(&prod.id).unwrap();
    store.delete_profile(&vault, &prod.id).unwrap();
    assert!(store.profile(&prod.id).is_err());
    assert_eq!(store.current().id, copy.id, "the neighbour becomes current");
    for kind in SecretKind::ALL {
        assert_eq!(
            vault.get(&prod.id, kind).unwrap(),
            None,
            "{kind:?} of a deleted profile is removed"
        );
    }
    assert_eq!(
        keychain
            .0
            .get(&format!("{}/client_secret", copy.id))
            .unwrap(),
        Some(Secret::new("fake-secret-1")),
        "the copy keeps its own"
    );
    assert_eq!(
        vault.get(&copy.id, SecretKind::Password).unwrap(),
        Some(Secret::new("fake-password-1")),
        "deleting the original does not touch the copy"
    );

    store.delete_profile(&vault, &first).unwrap();
    let err = store.delete_profile(&vault, &copy.id).unwrap_err();
    assert_eq!(err.code(), "last_profile", "the only profile stays");
    assert_eq!(open(&dir).data().profiles.len(), 1);
}

#[test]
fn deleting_a_profile_removes_the_values_of_its_saved_tokens() {
    let dir = TestDir::new("deltokens");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let id = store.create_profile("Doomed").unwrap().id.clone();
    let meta = store
        .save_token(
            &vault,
            &id,
            &token(NOW, Some(60), "fake-access-2", Some("fake-refresh-2")),
            None,
        )
        .unwrap();
    store.delete_profile(&vault, &id).unwrap();
    for kind in ["access_token", "refresh_token"] {
        let account = format!("{id}/token/{}/{kind}", meta.id);
        assert_eq!(
            keychain.0.get(&account).unwrap(),
            None,
            "{account} is removed with its profile"
        );
    }
}

#[test]
fn the_password_is_kept_for_the_session_unless_remembered() {
    let dir = TestDir::new("password");
    let keychain = Shared::default();
    let mut store = open(&dir);
    let id = store.create_profile("Password grant").unwrap().id.clone();
    let password = Secret::new("fake-password-2");
    {
        let session = vault(&keychain);
        assert!(!store.current().remember_password, "off by default");
        assert_eq!(
            store.put_password(&session, &id, &password).unwrap(),
            Kept::Session
        );
        assert_eq!(
            session.get(&id, SecretKind::Password).unwrap(),
            Some(password.clone()),
            "usable during the session"
        );
        assert_eq!(
            keychain.0.get(&format!("{id}/password")).unwrap(),
            None,
            "not in the keychain"
        );
    }
    assert_eq!(
        vault(&keychain).get(&id, SecretKind::Password).unwrap(),
        None,
        "gone after a restart"
    );

    let session = vault(&keychain);
    store.put_password(&session, &id, &password).unwrap();
    store.set_remember_password(&session, &id, true).unwrap();
    assert_eq!(
        keychain.0.get(&format!("{id}/password")).unwrap(),
        Some(password.clone()),
        "remembering moves it to the keychain"
    );
    assert!(open(&dir).profile(&id).unwrap().remember_password);
    assert_eq!(
        vault(&keychain).get(&id, SecretKind::Password).unwrap(),
        Some(password.clone()),
        "and it survives a restart"
    );

    store.set_remember_password(&session, &id, false).unwrap();
    assert_eq!(
        keychain.0.get(&format!("{id}/password")).unwrap(),
        None,
        "forgetting removes it from the keychain"
    );
    assert_eq!(
        session.get(&id, SecretKind::Password).unwrap(),
        Some(password),
        "but keeps it for this session"
    );
}

#[test]
fn authorization_header_values_are_never_written_to_the_file() {
    let dir = TestDir::new("authheader");
    let mut store = open(&dir);
    let mut profile = store.current().clone();
    profile.request.headers = vec![
        Header {
            name: "authorization".into(),
            value: "Bearer fake-pasted-token".into(),
            enabled: true,
        },
        Header {
            name: "X-Trace".into(),
            value: "kept".into(),
            enabled: true,
        },
    ];
    profile.saved_requests = vec![SavedRequest {
        id: random_id(),
        name: "saved".into(),
        request: RequestDraft {
            headers: vec![Header {
                name: "Proxy-Authorization".into(),
                value: "Basic fake-proxy-credentials".into(),
                enabled: true,
            }],
            ..RequestDraft::default()
        },
    }];
    store.update_profile(profile).unwrap();
    let text = file_text(&dir);
    assert!(
        !text.contains("fake-pasted-token") && !text.contains("fake-proxy-credentials"),
        "{text}"
    );
    let headers = open(&dir).current().request.headers.clone();
    assert_eq!(
        headers[0].name, "authorization",
        "the header itself is kept"
    );
    assert_eq!(headers[0].value, "");
    assert_eq!(headers[1].value, "kept");
}

// ---------------------------------------------------------------- the file

#[test]
fn a_corrupt_file_is_kept_aside_and_the_user_is_told() {
    let dir = TestDir::new("corrupt");
    let garbage = b"{\"version\": 1, \"profiles\": [{\"name\": \"half-writ";
    std::fs::write(dir.file(), garbage).unwrap();
    let (mut store, notice) = ProfileStore::open(&dir.0, now()).unwrap();
    let notice = notice.expect("the user is told");
    assert_eq!(notice.code, "settings_kept_aside");
    let aside = dir.0.join("profiles.json.corrupt-20231114T221320Z");
    assert!(
        notice.message.contains(&aside.display().to_string()),
        "the notice names the kept file: {}",
        notice.message
    );
    assert!(notice.hint.is_some());
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        garbage,
        "kept byte for byte"
    );
    assert_eq!(store.data().profiles.len(), 1, "the app starts afresh");

    store.create_profile("New").unwrap();
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        garbage,
        "saving never overwrites the kept file"
    );
    assert_eq!(open(&dir).current().name, "New");
}

#[test]
fn a_file_of_the_wrong_shape_is_kept_aside_too() {
    let dir = TestDir::new("shape");
    std::fs::write(dir.file(), b"{\"profiles\": 5}").unwrap();
    let (_, notice) = ProfileStore::open(&dir.0, now()).unwrap();
    assert_eq!(notice.expect("told").code, "settings_kept_aside");
    assert!(dir
        .0
        .join("profiles.json.corrupt-20231114T221320Z")
        .exists());
}

#[test]
fn an_unreadable_file_is_kept_aside_and_the_user_is_told() {
    let dir = TestDir::new("unreadable");
    // A folder where the file should be cannot be read, even as root.
    std::fs::create_dir(dir.file()).unwrap();
    std::fs::write(dir.file().join("inside"), b"x").unwrap();
    let (mut store, notice) = ProfileStore::open(&dir.0, now()).unwrap();
    let notice = notice.expect("the user is told");
    assert_eq!(notice.code, "settings_kept_aside");
    assert!(
        notice.message.contains("could not be read"),
        "{}",
        notice.message
    );
    assert!(
        dir.0
            .join("profiles.json.unreadable-20231114T221320Z/inside")
            .exists(),
        "kept with its content"
    );
    store.create_profile("Works again").unwrap();
    assert!(dir.file().is_file());
}

#[test]
fn a_file_from_a_newer_version_is_copied_aside_and_loaded() {
    let dir = TestDir::new("newer");
    let text = r#"{"version": 2, "lastProfileId": "p2", "futureSetting": true,
        "profiles": [{"id": "p1", "name": "One"}, {"id": "p2", "name": "Two", "grantType": "device_code", "tokenUrl": "https://x.example/t"}]}"#;
    std::fs::write(dir.file(), text).unwrap();
    let (store, notice) = ProfileStore::open(&dir.0, now()).unwrap();
    assert_eq!(notice.expect("told").code, "settings_from_newer_version");
    assert_eq!(
        std::fs::read_to_string(dir.0.join("profiles.json.v2-20231114T221320Z")).unwrap(),
        text
    );
    assert_eq!(store.current().name, "Two");
    assert_eq!(store.current().token_url, "https://x.example/t");
    assert_eq!(
        store.current().grant_type,
        GrantType::ClientCredentials,
        "an unknown grant falls back"
    );
}

#[test]
fn an_older_file_without_a_version_loads_with_defaults() {
    let dir = TestDir::new("older");
    std::fs::write(
        dir.file(),
        r#"{"profiles": [{"name": "Old", "clientId": "fake-id"}]}"#,
    )
    .unwrap();
    let mut store = open(&dir);
    assert_eq!(store.current().client_id, "fake-id");
    assert!(
        !store.current().id.is_empty(),
        "a profile without an id gets one"
    );
    assert_eq!(store.data().settings.header_prefix, "Bearer");
    store
        .rename_profile(&store.current().id.clone(), "Renamed")
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&file_text(&dir)).unwrap();
    assert_eq!(json["version"], 1, "written back with the current version");
}

/// Set for the child process of the kill test: the folder to save into.
const KILL_CHILD_DIR: &str = "OC_STORE_KILL_TEST_DIR";
const CHILD_READY: &str = "oc-store-child-ready";

/// A large file (about 500 KB) so that a kill often lands mid-write.
fn kill_test_data(variant: u8) -> AppData {
    let mut data = AppData::default();
    for i in 0..150 {
        let mut profile =
            oauth_console_core::store::Profile::new(&format!("v{variant}-{i}")).unwrap();
        profile.id = format!("{i:016x}");
        profile.request.body = format!("{variant}").repeat(3000);
        data.profiles.push(profile);
    }
    data.last_profile_id = format!("{:016x}", variant);
    data
}

/// Not a test of its own: the kill test runs this binary again with
/// `--ignored --exact` and `OC_STORE_KILL_TEST_DIR` set, and this saves in a
/// loop until killed. It stops by itself after 10 s so that it never
/// outlives a stopped run.
#[test]
#[ignore = "the child process of a_save_killed_at_any_moment_leaves_a_file_that_parses"]
fn the_kill_test_child_saves_in_a_loop_until_killed() {
    let dir = std::env::var(KILL_CHILD_DIR)
        .expect("run by a_save_killed_at_any_moment_leaves_a_file_that_parses, which sets OC_STORE_KILL_TEST_DIR");
    let (mut store, _) = ProfileStore::open(Path::new(&dir), SystemTime::now()).unwrap();
    let variants = [kill_test_data(0), kill_test_data(1)];
    // On a line of its own: with --nocapture the harness has already
    // printed "test <name> ... " without a line break.
    println!("\n{CHILD_READY}");
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        for data in &variants {
            store.save(data.clone()).unwrap();
        }
    }
}

#[test]
fn a_save_killed_at_any_moment_leaves_a_file_that_parses() {
    let dir = TestDir::new("kill");
    let (mut store, _) = ProfileStore::open(&dir.0, now()).unwrap();
    store.save(kill_test_data(0)).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut seen = [0usize; 2];
    let mut temp_files_seen = 0;
    for round in 0..100 {
        let mut child = Command::new(&exe)
            .args([
                "--ignored",
                "--exact",
                "store::the_kill_test_child_saves_in_a_loop_until_killed",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(KILL_CHILD_DIR, &dir.0)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the test binary starts again as the child");
        let stdout = child.stdout.take().unwrap();
        let ready = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line.trim() == CHILD_READY);
        assert!(ready, "round {round}: the child stopped before saving");
        let mut random = [0u8; 4];
        getrandom::fill(&mut random).unwrap();
        std::thread::sleep(Duration::from_micros(
            u64::from(u32::from_le_bytes(random)) % 30_000,
        ));
        child.kill().unwrap();
        child.wait().unwrap();

        let bytes = std::fs::read(dir.file())
            .unwrap_or_else(|e| panic!("round {round}: the file is gone: {e}"));
        let data: AppData = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("round {round}: the file does not parse: {e}"));
        assert_eq!(
            data.profiles.len(),
            150,
            "round {round}: a whole file, old or new"
        );
        let variant = usize::from(data.profiles[0].name.starts_with("v1-"));
        let prefix = format!("v{variant}-");
        assert!(
            data.profiles.iter().all(|p| p.name.starts_with(&prefix)),
            "round {round}: never a mix of two saves"
        );
        seen[variant] += 1;
        temp_files_seen += std::fs::read_dir(&dir.0)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
    }
    eprintln!("kill test: old/new content {seen:?}, half-written temporary files left by kills: {temp_files_seen}");
    let (store, notice) = ProfileStore::open(&dir.0, now()).unwrap();
    assert_eq!(notice, None, "the file loads without a notice");
    assert_eq!(store.data().profiles.len(), 150);
    let names: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        names,
        [FILE_NAME],
        "opening removes temporary files left by killed writes"
    );
}

// ---------------------------------------------------------------- tokens

#[test]
fn saved_tokens_survive_a_restart_and_expired_ones_show_as_expired() {
    let dir = TestDir::new("tokens");
    let keychain = Shared::default();
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let first = token(NOW - 7200, Some(3600), "fake-access-old", None);
    let second = token(
        NOW - 60,
        Some(3600),
        "fake-access-new",
        Some("fake-refresh-new"),
    );
    let old = store
        .save_token(&vault(&keychain), &id, &first, None)
        .unwrap();
    let new = store
        .save_token(&vault(&keychain), &id, &second, Some("  Mine  "))
        .unwrap();
    assert_eq!(
        old.name, "Client credentials 2023-11-14 20:13 UTC",
        "the default name is the grant and the time"
    );
    assert_eq!(new.name, "Mine");

    let store = open(&dir);
    let list = store.tokens(&id, now()).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].meta.id, new.id, "newest first");
    assert!(!list[0].expired);
    assert_eq!(list[0].expires_in, Some(3540));
    assert!(list[0].meta.has_refresh_token);
    assert_eq!(
        list[0].meta.scope.as_deref(),
        Some("https://fake-aud.example:443urn:opc:resource:consumer::all")
    );
    assert!(list[1].expired, "the old one shows as expired");
    assert_eq!(list[1].expires_in, Some(0));
    let row = serde_json::to_value(&list[0]).unwrap();
    assert_eq!(row["tokenType"], "Bearer");
    assert_eq!(row["grantType"], "client_credentials");
    assert_eq!(row["expired"], false);

    let loaded = store
        .load_token(&vault(&keychain), &id, &new.id)
        .unwrap()
        .expect("values come back from the keychain");
    assert_eq!(loaded.access_token, Secret::new("fake-access-new"));
    assert_eq!(loaded.refresh_token, Some(Secret::new("fake-refresh-new")));
    assert_eq!(loaded.id_token, None);
    assert_eq!(loaded.expires_at, second.expires_at);
    assert_eq!(loaded.expires_in, Some(3600));
    assert_eq!(loaded.issued_at, second.issued_at);
    assert!(matches!(
        store.load_token(&vault(&keychain), &id, "nope"),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn tokens_can_be_renamed_deleted_one_by_one_or_all_expired() {
    let dir = TestDir::new("deltoken");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let expired_a = store
        .save_token(
            &vault,
            &id,
            &token(NOW - 7200, Some(60), "fake-a", Some("fake-ra")),
            None,
        )
        .unwrap();
    let expired_b = store
        .save_token(
            &vault,
            &id,
            &token(NOW - 100, Some(100), "fake-b", None),
            None,
        )
        .unwrap();
    let live = store
        .save_token(&vault, &id, &token(NOW, Some(60), "fake-c", None), None)
        .unwrap();
    let forever = store
        .save_token(
            &vault,
            &id,
            &token(NOW - 99_999, None, "fake-d", None),
            None,
        )
        .unwrap();

    store.rename_token(&id, &live.id, "Renamed").unwrap();
    assert!(matches!(
        store.rename_token(&id, &live.id, " "),
        Err(Error::MissingField { .. })
    ));
    assert_eq!(
        open(&dir)
            .tokens(&id, now())
            .unwrap()
            .iter()
            .find(|t| t.meta.id == live.id)
            .unwrap()
            .meta
            .name,
        "Renamed"
    );

    assert_eq!(store.delete_expired(&vault, &id, now()).unwrap(), 2);
    let left: Vec<_> = store
        .tokens(&id, now())
        .unwrap()
        .into_iter()
        .map(|t| t.meta.id)
        .collect();
    assert_eq!(
        left,
        [live.id.clone(), forever.id.clone()],
        "a token without expiry is never expired"
    );
    for gone in [&expired_a, &expired_b] {
        assert!(
            matches!(
                store.load_token(&vault, &id, &gone.id),
                Err(Error::NotFound { .. })
            ),
            "its entry is gone"
        );
        assert_eq!(
            keychain
                .0
                .get(&format!("{id}/token/{}/access_token", gone.id))
                .unwrap(),
            None,
            "and its value"
        );
    }
    assert_eq!(
        keychain
            .0
            .get(&format!("{id}/token/{}/refresh_token", expired_a.id))
            .unwrap(),
        None
    );
    assert_eq!(store.delete_expired(&vault, &id, now()).unwrap(), 0);

    store.delete_token(&vault, &id, &live.id).unwrap();
    assert_eq!(
        keychain
            .0
            .get(&format!("{id}/token/{}/access_token", live.id))
            .unwrap(),
        None
    );
    assert_eq!(open(&dir).tokens(&id, now()).unwrap().len(), 1);
    assert!(matches!(
        store.delete_token(&vault, &id, &live.id),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn no_secret_reaches_the_settings_file() {
    let dir = TestDir::new("nosecret");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let id = store.current().id.clone();
    vault
        .put(&id, SecretKind::ClientSecret, &Secret::new("fake-cs-value"))
        .unwrap();
    store.set_remember_password(&vault, &id, true).unwrap();
    store
        .put_password(&vault, &id, &Secret::new("fake-pw-value"))
        .unwrap();
    let mut with_id = token(NOW, Some(60), "fake-at-value", Some("fake-rt-value"));
    with_id.id_token = Some(Secret::new("fake-idt-value"));
    store.save_token(&vault, &id, &with_id, None).unwrap();
    let text = file_text(&dir);
    for secret in [
        "fake-cs-value",
        "fake-pw-value",
        "fake-at-value",
        "fake-rt-value",
        "fake-idt-value",
    ] {
        assert!(!text.contains(secret), "{secret} is in the settings file");
    }
    assert!(text.contains("\"hasIdToken\": true"));
}

#[test]
fn with_the_keychain_locked_tokens_last_for_the_session_only() {
    let dir = TestDir::new("locked");
    let vault = Vault::new(Locked, Duration::from_secs(5));
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let meta = store
        .save_token(
            &vault,
            &id,
            &token(NOW, Some(3600), "fake-session-at", None),
            None,
        )
        .unwrap();
    assert!(meta.session_only);
    assert!(
        matches!(vault.status(), KeychainStatus::Unavailable { reason } if reason.contains("locked"))
    );
    let loaded = store
        .load_token(&vault, &id, &meta.id)
        .unwrap()
        .expect("usable in this session");
    assert_eq!(loaded.access_token, Secret::new("fake-session-at"));
    assert!(
        !file_text(&dir).contains("fake-session-at"),
        "never written in plain text"
    );
    assert!(
        open(&dir).tokens(&id, now()).unwrap().is_empty(),
        "after a restart the token is gone, not listed without values"
    );
}

// ---------------------------------------------------------------- the real keychain

/// The real Secret Service tests need the D-Bus session with an unlocked
/// gnome-keyring that `make test` provides; without it they fail.
fn real_keychain() -> Vault {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "DBUS_SESSION_BUS_ADDRESS is not set: the real Secret Service tests need a D-Bus session with an unlocked gnome-keyring. Run `make test`, or see the top of tests/core/store.rs"
    );
    crate::keychain_session::require();
    let vault = Vault::keychain();
    if let KeychainStatus::Unavailable { reason } = vault.check() {
        panic!("the Secret Service of this D-Bus session is not usable: {reason}. Start an unlocked gnome-keyring (see the top of tests/core/store.rs)");
    }
    vault
}

fn secret_tool_lookup(account: &str) -> Option<String> {
    let output = Command::new("timeout")
        .args(["10", "secret-tool", "lookup", "service", SERVICE, "username", account])
        .output()
        .expect("secret-tool (package libsecret-tools) reads the Secret Service independently of the app");
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => Some(String::from_utf8_lossy(&output.stdout).into_owned()),
        // Not found: secret-tool answers 1 and says nothing.
        Some(1) if stderr.trim().is_empty() => None,
        _ => panic!(
            "{}",
            crate::keychain_session::explain(&format!("secret-tool lookup failed: {stderr}"))
        ),
    }
}

#[test]
fn secrets_round_trip_through_the_real_secret_service() {
    let vault = real_keychain();
    let profile = random_id();
    let secret = Secret::new("fake-real-client-secret");
    assert_eq!(
        vault
            .put(&profile, SecretKind::ClientSecret, &secret)
            .unwrap(),
        Kept::Keychain,
        "{}",
        crate::keychain_session::explain("the secret went to memory, not the keychain")
    );
    let account = format!("{profile}/client_secret");
    assert_eq!(
        secret_tool_lookup(&account).as_deref(),
        Some("fake-real-client-secret"),
        "stored under service and account"
    );
    assert_eq!(
        Vault::keychain()
            .get(&profile, SecretKind::ClientSecret)
            .unwrap(),
        Some(secret),
        "a new session reads it back"
    );
    assert_eq!(
        vault.get(&profile, SecretKind::RefreshToken).unwrap(),
        None,
        "a missing entry is None"
    );
    vault.delete(&profile, SecretKind::ClientSecret).unwrap();
    assert_eq!(
        secret_tool_lookup(&account),
        None,
        "deleted from the Secret Service"
    );
    assert_eq!(
        Vault::keychain()
            .get(&profile, SecretKind::ClientSecret)
            .unwrap(),
        None
    );
}

#[test]
fn a_long_token_survives_a_restart_in_the_real_secret_service() {
    let vault = real_keychain();
    let dir = TestDir::new("realtoken");
    let mut store = open(&dir);
    let id = store.current().id.clone();
    // Longer than Windows' 2,560-byte limit, like an identity domain's JWT.
    let access = format!("eyFAKE.{}.fake-signature", "x".repeat(3000));
    let meta = store
        .save_token(
            &vault,
            &id,
            &token(NOW, Some(3600), &access, Some("fake-real-refresh")),
            None,
        )
        .unwrap();
    assert!(
        !meta.session_only,
        "{}",
        crate::keychain_session::explain("the token's values went to memory, not the keychain")
    );
    assert!(!file_text(&dir).contains("fake-real-refresh"));

    let restarted = open(&dir);
    let loaded = restarted
        .load_token(&Vault::keychain(), &id, &meta.id)
        .unwrap()
        .expect("the values are in the keychain");
    assert_eq!(loaded.access_token.expose(), access);
    assert_eq!(loaded.refresh_token, Some(Secret::new("fake-real-refresh")));

    let account = format!("{id}/token/{}/access_token", meta.id);
    let head = secret_tool_lookup(&account).expect("the head entry exists");
    assert!(
        !head.contains("xxxx"),
        "a long value is stored in parts, the head holds only a marker"
    );
    assert!(
        secret_tool_lookup(&format!("{account}#3")).is_some(),
        "3,000 bytes take four parts"
    );
    let mut store = restarted;
    store.delete_token(&vault, &id, &meta.id).unwrap();
    for part in ["", "#0", "#1", "#2", "#3"] {
        assert_eq!(
            secret_tool_lookup(&format!("{account}{part}")),
            None,
            "{account}{part} is removed"
        );
    }
    assert_eq!(
        secret_tool_lookup(&format!("{id}/token/{}/refresh_token", meta.id)),
        None
    );
}

#[test]
fn duplicating_and_deleting_a_profile_copy_and_remove_real_keychain_entries() {
    let vault = real_keychain();
    let dir = TestDir::new("realops");
    let mut store = open(&dir);
    let id = store.create_profile("Real").unwrap().id.clone();
    vault
        .put(&id, SecretKind::ClientSecret, &Secret::new("fake-real-cs"))
        .unwrap();
    let copy = store.duplicate_profile(&vault, &id).unwrap().id.clone();
    assert_eq!(
        secret_tool_lookup(&format!("{copy}/client_secret")).as_deref(),
        Some("fake-real-cs")
    );
    store.delete_profile(&vault, &id).unwrap();
    assert_eq!(secret_tool_lookup(&format!("{id}/client_secret")), None);
    assert_eq!(
        secret_tool_lookup(&format!("{copy}/client_secret")).as_deref(),
        Some("fake-real-cs")
    );
    store.delete_profile(&vault, &copy).unwrap();
    assert_eq!(secret_tool_lookup(&format!("{copy}/client_secret")), None);
}

#[test]
fn an_unremembered_password_never_reaches_the_real_keychain() {
    let vault = real_keychain();
    let dir = TestDir::new("realpw");
    let mut store = open(&dir);
    let id = store.current().id.clone();
    store
        .put_password(&vault, &id, &Secret::new("fake-real-pw"))
        .unwrap();
    assert_eq!(secret_tool_lookup(&format!("{id}/password")), None);
    store.set_remember_password(&vault, &id, true).unwrap();
    assert_eq!(
        secret_tool_lookup(&format!("{id}/password")).as_deref(),
        Some("fake-real-pw")
    );
    store.set_remember_password(&vault, &id, false).unwrap();
    assert_eq!(secret_tool_lookup(&format!("{id}/password")), None);
    assert_eq!(
        vault.get(&id, SecretKind::Password).unwrap(),
        Some(Secret::new("fake-real-pw")),
        "still usable this session"
    );
}

/// Set for the child process of the no-keychain test: the folder to use.
const NO_KEYCHAIN_DIR: &str = "OC_STORE_NO_KEYCHAIN_DIR";

/// Not a test of its own: run again (`--ignored --exact`) with no reachable
/// D-Bus session, this is the app's start with no keychain at all.
#[test]
#[ignore = "the child process of without_a_keychain_secrets_stay_in_memory_and_never_reach_the_disk"]
fn the_no_keychain_child_keeps_secrets_in_memory() {
    let dir = std::env::var(NO_KEYCHAIN_DIR).expect(
        "run by without_a_keychain_secrets_stay_in_memory_and_never_reach_the_disk, which sets OC_STORE_NO_KEYCHAIN_DIR",
    );
    let vault = Vault::keychain();
    let status = vault.check();
    let KeychainStatus::Unavailable { reason } = &status else {
        panic!("with no D-Bus session the keychain must be unavailable, got {status:?}")
    };
    assert!(reason.contains("no keychain could be reached"), "{reason}");
    let notice = status.notice().expect("a banner");
    assert!(
        notice.message.contains("this session only"),
        "{}",
        notice.message
    );
    let (mut store, _) = ProfileStore::open(Path::new(&dir), now()).unwrap();
    let id = store.current().id.clone();
    assert_eq!(
        vault
            .put(
                &id,
                SecretKind::ClientSecret,
                &Secret::new("fake-nokeychain-cs")
            )
            .unwrap(),
        Kept::Session
    );
    assert_eq!(
        vault.get(&id, SecretKind::ClientSecret).unwrap(),
        Some(Secret::new("fake-nokeychain-cs"))
    );
    let meta = store
        .save_token(
            &vault,
            &id,
            &token(NOW, Some(60), "fake-nokeychain-at", None),
            None,
        )
        .unwrap();
    assert!(meta.session_only);
    println!("no-keychain-child-ok");
}

#[test]
fn without_a_keychain_secrets_stay_in_memory_and_never_reach_the_disk() {
    let dir = TestDir::new("nokeychain");
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "store::the_no_keychain_child_keeps_secrets_in_memory",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(NO_KEYCHAIN_DIR, &dir.0)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/oauth-console-test-bus",
        )
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("no-keychain-child-ok"),
        "the child without a keychain failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = file_text(&dir);
    assert!(
        !text.contains("fake-nokeychain"),
        "no fallback to plain text: {text}"
    );
    assert!(open(&dir)
        .tokens(&open(&dir).current().id, now())
        .unwrap()
        .is_empty());
}
