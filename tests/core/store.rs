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

use oauth_console_core::grants::authorization_code::CodeChallengeMethod;
use oauth_console_core::oracle::ScopeKind;
use oauth_console_core::send::{ApiRequest, FollowAuthorization, NameValue, RequestBody};
use oauth_console_core::store::file::FILE_NAME;
use oauth_console_core::store::profile::{LoginMode, OracleFields, SavedRequest, CURRENT_VERSION};
use oauth_console_core::store::vault::{profile_account, token_account, SERVICE};
use oauth_console_core::store::{
    AppData, GrantType, Kept, KeychainStatus, MemoryStore, ProfileKind, ProfileStore, Removal,
    SavedSecret, SecretKind, SecretStore, StoreFailure, Vault,
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

/// A keychain that answers every call with the same failure: locked for
/// good ([`locked`]), or every entry damaged ([`StoreFailure::Failed`]).
struct Refusing(StoreFailure);

impl SecretStore for Refusing {
    fn get(&self, _: &str) -> Result<Option<Secret>, StoreFailure> {
        Err(self.0.clone())
    }
    fn set(&self, _: &str, _: &Secret) -> Result<(), StoreFailure> {
        Err(self.0.clone())
    }
    fn delete(&self, _: &str) -> Result<(), StoreFailure> {
        Err(self.0.clone())
    }
}

fn locked() -> Refusing {
    Refusing(StoreFailure::Unavailable("the keychain is locked".into()))
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
        id_token_check: None,
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
    assert_eq!(store.data().settings.network.timeout.as_secs(), 30);
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
    profile.request = ApiRequest {
        method: "POST".into(),
        url: "https://fake-oic.example/ic/api/integration/v1/integrations".into(),
        headers: vec![NameValue {
            name: "Accept".into(),
            value: "application/json".into(),
            enabled: false,
            secret: false,
        }],
        body: RequestBody::Json {
            text: "{\"a\": 1}".into(),
        },
        follow_authorization: FollowAuthorization::Off,
        trusted_hosts: vec!["design.example".into(), "runtime.example".into()],
    };
    profile.saved_requests = vec![SavedRequest {
        id: random_id(),
        name: "List integrations".into(),
        folder: None,
        description: String::new(),
        uses_profile_token: false,
        request: ApiRequest {
            url: "https://fake-oic.example/ic/api/integration/v1/integrations?limit=5".into(),
            ..ApiRequest::default()
        },
    }];
    store
        .update_profile(&vault(&Shared::default()), profile.clone())
        .unwrap();
    let mut settings = store.data().settings.clone();
    settings.network.proxy = Some("http://127.0.0.1:3128".into());
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
    assert_eq!(
        json["version"], CURRENT_VERSION,
        "the file carries its version"
    );
    assert_eq!(json["lastProfileId"], id.as_str());
    assert_eq!(json["settings"]["clipboardClearSeconds"], 15);
}

/// Every choice of every select the window has, as its `<option value>`s
/// spell them (ui/index.html, ui/js/oracle.js `profile-type` and
/// `oracle-scope-kind`, the request panel's `method`, `body-kind` and
/// `follow-authorization`).
const WINDOW_CHOICES: &[(&str, &[&str])] = &[
    ("kind", &["generic", "oracle", "sandbox"]),
    (
        "grantType",
        &["client_credentials", "password", "authorization_code", "device_code", "jwt_assertion"],
    ),
    ("keyIdKind", &["alias", "x5t"]),
    ("loginMode", &["window", "browser", "paste"]),
    ("codeChallengeMethod", &["S256", "plain", "off"]),
    ("clientAuth", &["basic_header", "request_body", "client_assertion"]),
    ("scopeKind", &["all", "api"]),
    (
        "method",
        &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    ),
    ("bodyKind", &["none", "json", "form", "text"]),
    ("followAuthorization", &["off", "trusted", "any"]),
];

/// The `round`-th choice of the select `name`, going round its options.
fn choice(name: &str, round: usize) -> &'static str {
    let (_, options) = WINDOW_CHOICES
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a select of the window");
    options[round % options.len()]
}

fn window_body(kind: &str, round: usize) -> serde_json::Value {
    match kind {
        "none" => serde_json::json!({"kind": "none"}),
        "form" => serde_json::json!({"kind": "form", "fields": [
            {"name": "grant", "value": format!("a b&c={round}"), "enabled": true},
            {"name": "off", "value": "", "enabled": false}
        ]}),
        text => serde_json::json!({"kind": text, "text": format!("{{\"round\": {round}}}")}),
    }
}

/// A profile exactly as the window's `save_profile` sends it: every panel's
/// fields (`collectProfile` in ui/js/parts.js), with the `round`-th choice of
/// every select and a value in every text field and checkbox.
fn profile_as_the_window_sends_it(id: &str, round: usize) -> serde_json::Value {
    let request = |kind: &str, method: &str| {
        serde_json::json!({
            "method": method,
            "url": format!("https://fake-oic.example/ic/api/integration/v1/connections?round={round}"),
            "headers": [
                {"name": "Accept", "value": "application/json", "enabled": true},
                {"name": "X-Off", "value": format!("{round}"), "enabled": false}
            ],
            "body": window_body(kind, round),
            "followAuthorization": choice("followAuthorization", round),
            "trustedHosts": ["oraclecloud.com", format!("design-{round}.example:8443")]
        })
    };
    let mut saved = request(choice("bodyKind", round + 1), choice("method", round + 1));
    saved["id"] = serde_json::json!(format!("saved-{round}"));
    saved["name"] = serde_json::json!(format!("Saved {round}"));
    saved["folder"] = serde_json::json!(format!("sub-{round}"));
    serde_json::json!({
        "id": id,
        "name": format!("Window {round}"),
        "kind": choice("kind", round),
        "grantType": choice("grantType", round),
        "tokenUrl": "https://idcs-fake.identity.oraclecloud.com/oauth2/v1/token",
        "authUrl": "https://idcs-fake.identity.oraclecloud.com/oauth2/v1/authorize",
        "callbackUrl": "http://127.0.0.1:53682/callback",
        "deviceUrl": "https://idcs-fake.identity.oraclecloud.com/oauth2/v1/device",
        "introspectionUrl": format!("https://idcs-fake.identity.oraclecloud.com/oauth2/v1/introspect?round={round}"),
        "revocationUrl": format!("https://login.fake.example/revoke/{round}"),
        "certificate": "-----BEGIN CERTIFICATE-----\nZmFrZQ==\n-----END CERTIFICATE-----",
        "keyId": format!("fake-alias-{round}"),
        "keyIdKind": choice("keyIdKind", round),
        "assertionAudience": "https://identity.oraclecloud.com/",
        "assertionLifetimeSecs": 120 + round,
        "clientId": format!("fake-client-{round}"),
        "clientAuth": choice("clientAuth", round),
        "scope": "https://fake-aud.example:443urn:opc:resource:consumer::all",
        "requestRefreshToken": round % 2 == 0,
        "username": "fake.user@example.com",
        "rememberPassword": round % 2 == 1,
        "state": format!("state-{round}"),
        "nonce": format!("nonce-{round}"),
        "codeChallengeMethod": choice("codeChallengeMethod", round),
        "loginMode": choice("loginMode", round),
        "oracle": {
            "identityDomainUrl": "https://idcs-fake.identity.oraclecloud.com",
            "oicUrl": "https://fake-oic.integration.ocp.oraclecloud.com",
            "instanceName": format!("fake-instance-{round}"),
            "audience": "https://fake-aud.example:443",
            "scopeKind": choice("scopeKind", round)
        },
        "request": request(choice("bodyKind", round), choice("method", round)),
        "savedRequests": [saved],
        "savedFolders": [
            {"id": format!("folder-{round}"), "name": format!("Folder {round}")},
            {"id": format!("sub-{round}"), "name": "Sub", "parent": format!("folder-{round}")}
        ],
        "tokens": []
    })
}

#[test]
fn a_profile_as_the_window_sends_it_comes_back_the_same_after_a_restart_for_every_choice() {
    let rounds = WINDOW_CHOICES
        .iter()
        .map(|(_, options)| options.len())
        .max()
        .unwrap();
    for round in 0..rounds {
        let dir = TestDir::new("window");
        let keychain = Shared::default();
        let mut store = open(&dir);
        let id = store.current().id.clone();
        let sent = profile_as_the_window_sends_it(&id, round);
        // What the `save_profile` command does with the window's JSON.
        let profile: oauth_console_core::store::Profile =
            serde_json::from_value(sent.clone()).expect("the window's profile is read");
        store.update_profile(&vault(&keychain), profile).unwrap();
        drop(store);

        let reopened = open(&dir);
        // What the window gets back at the next start (`app_state`).
        let loaded = reopened
            .profile_with_secrets(&vault(&keychain), &id)
            .unwrap();
        let loaded = serde_json::to_value(loaded).unwrap();
        for (field, value) in sent.as_object().unwrap() {
            assert_eq!(
                &loaded[field], value,
                "round {round}: {field} comes back as the window sent it"
            );
        }
    }
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
    let remembered = {
        let mut p = store.profile(&prod.id).unwrap().clone();
        p.remember_password = true;
        p
    };
    store.update_profile(&vault, remembered).unwrap();
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

/// The app edits a profile in three steps so that no store lock is held
/// across a keychain call; what changed in the store between the first and
/// the last step is kept, and a profile deleted meanwhile leaves no
/// credential behind.
#[test]
fn a_profile_edit_planned_before_other_changes_keeps_them_and_leaves_nothing_behind() {
    let dir = TestDir::new("planned");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let id = store.create_profile("Edited").unwrap().id.clone();
    let mut edited = store.current().clone();
    edited.request.headers = vec![NameValue::new("X-API-Key", "fake-planned-key")];
    let update = store.plan_update(edited.clone()).unwrap();
    update.write_secrets(&vault).unwrap();
    // Meanwhile (the lock was free), a token was saved to the profile.
    let meta = store
        .save_token(&vault, &id, &token(NOW, Some(60), "fake-access-3", None), None)
        .unwrap();
    store.commit_update(&vault, update).unwrap();
    let stored = store.profile(&id).unwrap();
    assert_eq!(stored.tokens.len(), 1, "the token saved meanwhile is kept");
    assert_eq!(stored.tokens[0].id, meta.id);
    let account = format!("{id}/request/panel/header/x-api-key");
    assert_eq!(keychain.0.get(&account).unwrap().map(|s| s.expose().to_owned()), Some("fake-planned-key".into()));
    assert!(!file_text(&dir).contains("fake-planned-key"), "the value stays out of the file");

    // Planned, written, and the profile deleted before the last step.
    edited.request.headers = vec![NameValue::new("X-Other-Token", "fake-orphan-key")];
    let update = store.plan_update(edited).unwrap();
    update.write_secrets(&vault).unwrap();
    store.delete_profile(&vault, &id).unwrap();
    assert!(matches!(store.commit_update(&vault, update), Err(Error::NotFound { .. })));
    vault.retry_pending();
    let orphan = format!("{id}/request/panel/header/x-other-token");
    assert_eq!(keychain.0.get(&orphan).unwrap(), None, "no credential of a deleted profile is left in the keychain");
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
fn typed_credentials_go_to_the_keychain_and_never_to_the_file_and_come_back_on_load() {
    let dir = TestDir::new("credentials");
    let keychain = Shared::default();
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let mut profile = store.current().clone();
    let mut marked = NameValue::new("X-Tenant", "fake-marked-value");
    marked.secret = true;
    profile.request.headers = vec![
        NameValue::new("authorization", "Bearer fake-pasted-token"),
        NameValue::new("Cookie", "session=fake-cookie-value"),
        NameValue::new("X-API-Key", "fake-api-key-value"),
        NameValue::new("Ocp-Apim-Subscription-Key", "fake-subscription-value"),
        marked,
        NameValue::new("X-Trace", "kept"),
    ];
    profile.request.body = RequestBody::Form {
        fields: vec![
            NameValue::new("grant_type", "password"),
            NameValue::new("password", "fake-form-password"),
            NameValue::new("client_secret", "fake-form-client-secret"),
            NameValue::new("assertion", "fake-form-assertion"),
        ],
    };
    let saved_id = random_id();
    profile.saved_requests = vec![SavedRequest {
        id: saved_id.clone(),
        name: "saved".into(),
        folder: None,
        description: String::new(),
        uses_profile_token: false,
        request: ApiRequest {
            headers: vec![NameValue::new(
                "Proxy-Authorization",
                "Basic fake-proxy-credentials",
            )],
            ..ApiRequest::default()
        },
    }];
    let typed = profile.clone();
    store.update_profile(&vault(&keychain), profile).unwrap();

    let text = file_text(&dir);
    for value in [
        "fake-pasted-token",
        "fake-cookie-value",
        "fake-api-key-value",
        "fake-subscription-value",
        "fake-marked-value",
        "fake-form-password",
        "fake-form-client-secret",
        "fake-form-assertion",
        "fake-proxy-credentials",
    ] {
        assert!(!text.contains(value), "{value} is in the file:\n{text}");
    }
    assert!(text.contains("kept"), "other values stay in the file");
    assert_eq!(
        keychain
            .0
            .get(&format!("{id}/request/panel/header/x-api-key"))
            .unwrap()
            .map(|s| s.expose().to_owned()),
        Some("fake-api-key-value".into()),
        "the keychain holds the value"
    );

    let reopened = open(&dir);
    let stored = &reopened.current().request.headers;
    assert_eq!(stored[1].name, "Cookie", "the row itself is kept");
    assert_eq!(stored[1].value, "", "the file holds no value");
    assert!(stored[1].secret, "but a reference to the keychain");
    let loaded = reopened
        .profile_with_secrets(&vault(&keychain), &id)
        .unwrap();
    let values = |request: &ApiRequest| -> Vec<String> {
        let mut all: Vec<String> = request.headers.iter().map(|h| h.value.clone()).collect();
        if let RequestBody::Form { fields } = &request.body {
            all.extend(fields.iter().map(|f| f.value.clone()));
        }
        all
    };
    assert_eq!(values(&loaded.request), values(&typed.request));
    assert_eq!(
        values(&loaded.saved_requests[0].request),
        values(&typed.saved_requests[0].request)
    );
}

#[test]
fn a_duplicated_profile_has_its_own_copy_of_the_request_credentials() {
    let dir = TestDir::new("credential-copy");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let original = store.create_profile("Original").unwrap().id.clone();
    let mut profile = store.profile(&original).unwrap().clone();
    profile.request.headers = vec![NameValue::new("Cookie", "fake-cookie-value")];
    store.update_profile(&vault, profile).unwrap();

    let copy = store
        .duplicate_profile(&vault, &original)
        .unwrap()
        .id
        .clone();
    store.delete_profile(&vault, &original).unwrap();
    assert_eq!(
        keychain
            .0
            .get(&format!("{original}/request/panel/header/cookie"))
            .unwrap(),
        None,
        "the original's entry goes with it"
    );
    let loaded = store.profile_with_secrets(&vault, &copy).unwrap();
    assert_eq!(
        loaded.request.headers[0].value, "fake-cookie-value",
        "the copy keeps its own"
    );
}

#[test]
fn a_credential_row_left_empty_keeps_its_value_and_a_removed_row_loses_it() {
    let dir = TestDir::new("credential-rows");
    let keychain = Shared::default();
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let mut profile = store.current().clone();
    profile.request.headers = vec![
        NameValue::new("Cookie", "fake-cookie-value"),
        NameValue::new("X-API-Key", "fake-api-key-value"),
    ];
    store.update_profile(&vault(&keychain), profile).unwrap();

    // The window saves again with the rows as stored (empty values).
    let again = store.current().clone();
    store.update_profile(&vault(&keychain), again).unwrap();
    let loaded = store.profile_with_secrets(&vault(&keychain), &id).unwrap();
    assert_eq!(loaded.request.headers[0].value, "fake-cookie-value");

    let mut fewer = loaded.clone();
    fewer.request.headers.remove(0);
    store.update_profile(&vault(&keychain), fewer).unwrap();
    assert_eq!(
        keychain
            .0
            .get(&format!("{id}/request/panel/header/cookie"))
            .unwrap(),
        None,
        "the removed row's entry is deleted"
    );
    let loaded = store.profile_with_secrets(&vault(&keychain), &id).unwrap();
    assert_eq!(
        loaded.request.headers[0].value, "fake-api-key-value",
        "the other row keeps its value"
    );
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
    let text = r#"{"version": 99, "lastProfileId": "p2", "futureSetting": true,
        "profiles": [{"id": "p1", "name": "One"}, {"id": "p2", "name": "Two", "grantType": "saml2_bearer", "tokenUrl": "https://x.example/t"}]}"#;
    std::fs::write(dir.file(), text).unwrap();
    let (store, notice) = ProfileStore::open(&dir.0, now()).unwrap();
    assert_eq!(notice.expect("told").code, "settings_from_newer_version");
    assert_eq!(
        std::fs::read_to_string(dir.0.join("profiles.json.v99-20231114T221320Z")).unwrap(),
        text
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let copy = dir.0.join("profiles.json.v99-20231114T221320Z");
        let mode = std::fs::metadata(copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            format!("{mode:o}"),
            "600",
            "the copy is readable by this user only"
        );
    }
    assert_eq!(store.current().name, "Two");
    assert_eq!(store.current().token_url, "https://x.example/t");
    assert_eq!(
        store.current().grant_type,
        GrantType::ClientCredentials,
        "an unknown grant falls back"
    );
}

#[cfg(unix)]
#[test]
fn the_fallback_folder_is_new_private_and_not_named_after_the_process() {
    use std::os::unix::fs::PermissionsExt;
    let a = oauth_console_core::store::temporary_folder().unwrap();
    let b = oauth_console_core::store::temporary_folder().unwrap();
    let cleanup = [TestDir(a.clone()), TestDir(b.clone())];
    assert_ne!(a, b, "a new folder each time");
    for dir in [&a, &b] {
        assert!(dir.starts_with(std::env::temp_dir()));
        let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(format!("{mode:o}"), "700", "{}", dir.display());
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert_ne!(name, format!("oauth-console-{}", std::process::id()));
    }
    // The store opens in it.
    let (store, notice) = ProfileStore::open(&a, now()).unwrap();
    assert_eq!(notice, None);
    assert!(store.path().starts_with(&a));
    drop(cleanup);
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
    assert_eq!(
        json["version"], CURRENT_VERSION,
        "written back with the current version"
    );
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
        profile.request.body = RequestBody::Text {
            text: format!("{variant}").repeat(3000),
        };
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
fn a_refreshed_token_replaces_the_saved_one_in_place_and_the_old_refresh_token_is_gone() {
    let dir = TestDir::new("replace");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let old = token(
        NOW - 3600,
        Some(3600),
        "fake-access-1",
        Some("fake-refresh-1"),
    );
    let saved = store.save_token(&vault, &id, &old, Some("Mine")).unwrap();
    let mut fresh = token(NOW, Some(1800), "fake-access-2", Some("fake-refresh-2"));
    fresh.id_token = Some(Secret::new("fake-id-2"));

    let meta = store.replace_token(&vault, &id, &saved.id, &fresh).unwrap();
    assert_eq!(meta.id, saved.id, "the same id");
    assert_eq!(meta.name, "Mine", "the same name");

    let store = open(&dir);
    let list = store.tokens(&id, now()).unwrap();
    assert_eq!(list.len(), 1, "replaced, not added: {list:?}");
    assert_eq!(list[0].meta.expires_at, Some(NOW + 1800));
    assert!(list[0].meta.has_id_token);
    let loaded = store.load_token(&vault, &id, &saved.id).unwrap().unwrap();
    assert_eq!(loaded.access_token.expose(), "fake-access-2");
    assert_eq!(
        loaded.refresh_token.as_ref().map(Secret::expose),
        Some("fake-refresh-2"),
        "the rotated refresh token is the one kept"
    );
    assert_eq!(
        loaded.id_token.as_ref().map(Secret::expose),
        Some("fake-id-2")
    );
}

#[test]
fn a_refreshed_token_without_refresh_token_removes_the_old_one_from_the_keychain() {
    let dir = TestDir::new("replace-none");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let old = token(
        NOW - 3600,
        Some(3600),
        "fake-access-1",
        Some("fake-refresh-1"),
    );
    let saved = store.save_token(&vault, &id, &old, None).unwrap();
    let fresh = token(NOW, Some(1800), "fake-access-2", None);
    store.replace_token(&vault, &id, &saved.id, &fresh).unwrap();
    assert_eq!(
        keychain
            .0
            .get(&format!("{id}/token/{}/refresh_token", saved.id))
            .unwrap(),
        None,
        "no stale refresh token is left behind"
    );
    assert!(!store.tokens(&id, now()).unwrap()[0].meta.has_refresh_token);
}

#[test]
fn a_replacement_the_keychain_refuses_is_an_error_and_the_saved_token_stays_listed() {
    let dir = TestDir::new("replace-broken");
    let keychain = Shared::default();
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let old = token(
        NOW - 3600,
        Some(3600),
        "fake-access-1",
        Some("fake-refresh-1"),
    );
    let saved = store
        .save_token(&vault(&keychain), &id, &old, None)
        .unwrap();
    // Every entry fails on its own (not a locked keychain): an error to pass on.
    let broken = Vault::new(
        Refusing(StoreFailure::Failed("the entry is damaged".into())),
        Duration::from_secs(5),
    );
    let fresh = token(NOW, Some(1800), "fake-access-2", Some("fake-refresh-2"));
    let err = store
        .replace_token(&broken, &id, &saved.id, &fresh)
        .unwrap_err();
    assert_eq!(err.code(), "keychain", "reported, not swallowed");
    let list = open(&dir).tokens(&id, now()).unwrap();
    assert_eq!(list.len(), 1, "nothing was deleted");
    assert_eq!(list[0].meta.id, saved.id);
}

#[test]
fn a_deleted_token_reads_as_gone_at_once_and_its_values_leave_the_keychain_in_a_later_step() {
    let dir = TestDir::new("remove-then-delete");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let saved = store
        .save_token(&vault, &id, &token(NOW, Some(3600), "fake-access-1", Some("fake-refresh-1")), None)
        .unwrap();
    let access = token_account(&id, &saved.id, SecretKind::AccessToken);
    let refresh = token_account(&id, &saved.id, SecretKind::RefreshToken);

    // The step under the store's lock: no keychain call.
    let queued = store.remove_token(&vault, &id, &saved.id).unwrap();
    assert!(queued.contains(&access) && queued.contains(&refresh), "{queued:?}");
    assert!(store.tokens(&id, now()).unwrap().is_empty(), "gone from the list");
    assert!(keychain.get(&access).unwrap().is_some(), "still in the keychain until the next step");
    let reopened = open(&dir);
    assert!(
        reopened.pending_deletions().contains(&access),
        "the file records the deletion, so a crash now still removes the values at the next start"
    );

    // The step without the lock, then the file again.
    assert_eq!(vault.delete_queued(&queued), Removal::Done);
    assert_eq!(keychain.get(&access).unwrap(), None);
    assert_eq!(keychain.get(&refresh).unwrap(), None);
    store.record_pending(&vault).unwrap();
    assert!(open(&dir).pending_deletions().is_empty(), "nothing left to delete at the next start");
}

#[test]
fn a_token_deleted_while_its_refresh_was_being_written_stays_deleted_and_the_new_values_go_too() {
    let dir = TestDir::new("replace-deleted");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let saved = store
        .save_token(&vault, &id, &token(NOW - 60, Some(3600), "fake-access-1", Some("fake-refresh-1")), None)
        .unwrap();
    let fresh = token(NOW, Some(3600), "fake-access-2", Some("fake-refresh-2"));

    let before = store.token_meta_of(&id, &saved.id).unwrap();
    let after = oauth_console_core::store::tokens::write_replacement(&vault, &id, &before, &fresh).unwrap();
    // Meanwhile, Manage Tokens' Delete.
    store.delete_token(&vault, &id, &saved.id).unwrap();
    let committed = store.commit_replacement(&vault, &id, after);

    assert!(matches!(committed, Err(Error::NotFound { .. })), "{committed:?}");
    assert!(store.tokens(&id, now()).unwrap().is_empty(), "not brought back");
    vault.retry_pending();
    let access = token_account(&id, &saved.id, SecretKind::AccessToken);
    assert_eq!(keychain.get(&access).unwrap(), None, "the values written for it are removed");
}

#[test]
fn a_deleted_profile_is_gone_from_the_file_before_its_secrets_leave_the_keychain() {
    let dir = TestDir::new("remove-profile");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let first = store.current().id.clone();
    let doomed = store.create_profile("Doomed").unwrap().id.clone();
    store
        .put_secret(&vault, &doomed, SecretKind::ClientSecret, &Secret::new("fake-client-secret"), "")
        .unwrap();
    let account = profile_account(&doomed, SecretKind::ClientSecret);
    assert!(keychain.get(&account).unwrap().is_some());

    let queued = store.remove_profile(&vault, &doomed).unwrap();
    assert!(queued.contains(&account), "{queued:?}");
    assert!(store.profile(&doomed).is_err(), "gone from the store");
    assert_eq!(store.current().id, first, "the profile next to it is current");
    assert_eq!(
        vault.get(&doomed, SecretKind::ClientSecret).unwrap(),
        None,
        "a queued secret reads as gone even while the keychain still holds it"
    );
    assert!(open(&dir).pending_deletions().contains(&account));

    assert_eq!(vault.delete_queued(&queued), Removal::Done);
    assert_eq!(keychain.get(&account).unwrap(), None);
}

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
        old.name, "Client Credentials 2023-11-14 20:13 UTC",
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

    let mut deleted = store.delete_expired(&vault, &id, now()).unwrap();
    deleted.sort();
    let mut expected = vec![expired_a.id.clone(), expired_b.id.clone()];
    expected.sort();
    assert_eq!(deleted, expected, "the ids of the deleted tokens come back");
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
    assert!(store.delete_expired(&vault, &id, now()).unwrap().is_empty());

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
    let vault = Vault::new(locked(), Duration::from_secs(5));
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

// ---------------------------------------------------------------- secrets bound to an origin

const TOKEN_URL_A: &str = "https://idcs-fake-a.identity.oraclecloud.com/oauth2/v1/token";

#[test]
fn a_saved_secret_is_given_back_only_for_the_origin_it_was_saved_for() {
    let dir = TestDir::new("origin");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let id = store.current().id.clone();
    for kind in [SecretKind::ClientSecret, SecretKind::Password] {
        store
            .put_secret(
                &vault,
                &id,
                kind,
                &Secret::new("fake-bound-secret"),
                TOKEN_URL_A,
            )
            .unwrap();
    }
    let store = open(&dir);
    for kind in [SecretKind::ClientSecret, SecretKind::Password] {
        assert_eq!(
            store
                .saved_secret(
                    &vault,
                    &id,
                    kind,
                    "https://idcs-fake-a.identity.oraclecloud.com:443/oauth2/v1/other"
                )
                .unwrap(),
            SavedSecret::Ready(Secret::new("fake-bound-secret")),
            "the same origin, after a restart"
        );
        for elsewhere in [
            "https://idcs-fake-b.identity.oraclecloud.com/oauth2/v1/token",
            "https://idcs-fake-a.identity.oraclecloud.com:8443/oauth2/v1/token",
            "http://idcs-fake-a.identity.oraclecloud.com/oauth2/v1/token",
            "not a url",
        ] {
            let saved = store.saved_secret(&vault, &id, kind, elsewhere).unwrap();
            assert!(
                matches!(&saved, SavedSecret::ForOtherOrigin { saved_for, .. }
                    if saved_for == "https://idcs-fake-a.identity.oraclecloud.com"),
                "{elsewhere}: {saved:?}"
            );
            assert_eq!(
                serde_json::to_value(saved.state()).unwrap(),
                serde_json::json!({
                    "state": "other_origin",
                    "savedFor": "https://idcs-fake-a.identity.oraclecloud.com"
                }),
                "what the window is told: no value, the origin it was saved for"
            );
            let err = saved.usable(kind).unwrap_err();
            assert_eq!(err.code(), "secret_for_other_origin");
            let ipc = oauth_console_core::IpcError::from(err);
            assert!(
                ipc.message
                    .contains("https://idcs-fake-a.identity.oraclecloud.com"),
                "the message says which origin it was saved for: {}",
                ipc.message
            );
            assert!(!ipc.message.contains("fake-bound-secret"));
            assert!(ipc.hint.unwrap().contains("again"));
        }
    }
}

#[test]
fn a_secret_saved_before_origins_were_recorded_is_still_given_back() {
    let dir = TestDir::new("origin-legacy");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let store = open(&dir);
    let id = store.current().id.clone();
    vault
        .put(
            &id,
            SecretKind::ClientSecret,
            &Secret::new("fake-old-secret"),
        )
        .unwrap();
    assert_eq!(
        store
            .saved_secret(&vault, &id, SecretKind::ClientSecret, TOKEN_URL_A)
            .unwrap(),
        SavedSecret::Ready(Secret::new("fake-old-secret"))
    );
}

#[test]
fn a_secret_saved_before_origins_were_recorded_is_bound_to_its_profiles_token_url_at_start() {
    let dir = TestDir::new("origin-bind");
    let keychain = Shared::default();
    let vault = vault(&keychain);
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let mut profile = store.current().clone();
    profile.token_url = TOKEN_URL_A.into();
    store.update_profile(&vault, profile).unwrap();
    // As an earlier version saved it: in the keychain, no origin recorded.
    vault
        .put(
            &id,
            SecretKind::ClientSecret,
            &Secret::new("fake-old-secret"),
        )
        .unwrap();

    store.bind_unbound_secrets(&vault).unwrap();
    let store = open(&dir);
    assert_eq!(
        store
            .saved_secret(&vault, &id, SecretKind::ClientSecret, TOKEN_URL_A)
            .unwrap(),
        SavedSecret::Ready(Secret::new("fake-old-secret"))
    );
    assert!(matches!(
        store
            .saved_secret(
                &vault,
                &id,
                SecretKind::ClientSecret,
                "https://idcs-fake-b.identity.oraclecloud.com/oauth2/v1/token"
            )
            .unwrap(),
        SavedSecret::ForOtherOrigin { .. }
    ));
    assert_eq!(
        store
            .saved_secret(&vault, &id, SecretKind::Password, TOKEN_URL_A)
            .unwrap(),
        SavedSecret::None,
        "no password, nothing bound"
    );
}

// ---------------------------------------------------------------- deletions while the keychain is down

/// A keychain that can be switched off (locked, missing) and on again.
#[derive(Clone, Default)]
struct Flaky {
    inner: Shared,
    down: Arc<std::sync::atomic::AtomicBool>,
}

impl Flaky {
    fn set_down(&self, down: bool) {
        self.down.store(down, std::sync::atomic::Ordering::SeqCst);
    }

    fn check(&self) -> Result<(), StoreFailure> {
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            Err(StoreFailure::Unavailable("the keychain is locked".into()))
        } else {
            Ok(())
        }
    }

    fn holds(&self, account: &str) -> bool {
        self.inner.0.get(account).unwrap().is_some()
    }
}

impl SecretStore for Flaky {
    fn get(&self, account: &str) -> Result<Option<Secret>, StoreFailure> {
        self.check()?;
        self.inner.get(account)
    }
    fn set(&self, account: &str, secret: &Secret) -> Result<(), StoreFailure> {
        self.check()?;
        self.inner.set(account, secret)
    }
    fn delete(&self, account: &str) -> Result<(), StoreFailure> {
        self.check()?;
        self.inner.delete(account)
    }
}

/// What the app does at start: queue what the file lists, check the
/// keychain (which does the deletions when it answers), record what is left.
fn start_session(dir: &TestDir, keychain: &Flaky) -> (ProfileStore, Vault) {
    let mut store = open(dir);
    let vault = Vault::new(keychain.clone(), Duration::from_secs(5));
    vault.queue_deletions(store.pending_deletions().to_vec());
    vault.check();
    store.record_pending(&vault).unwrap();
    (store, vault)
}

#[test]
fn forgetting_a_secret_while_the_keychain_is_down_says_it_is_still_there_and_retries_when_it_is_back(
) {
    let dir = TestDir::new("forget-down");
    let keychain = Flaky::default();
    let (mut store, vault) = start_session(&dir, &keychain);
    let id = store.current().id.clone();
    let account = format!("{id}/client_secret");
    store
        .put_secret(
            &vault,
            &id,
            SecretKind::ClientSecret,
            &Secret::new("fake-forgotten-secret"),
            TOKEN_URL_A,
        )
        .unwrap();

    keychain.set_down(true);
    let removal = store
        .forget_secret(&vault, &id, SecretKind::ClientSecret)
        .unwrap();
    assert_eq!(removal, Removal::Pending, "never reported as done");
    assert!(keychain.holds(&account), "it is indeed still there");
    let notice = removal.notice("The forgotten client secret").unwrap();
    assert_eq!(notice.code, "keychain_deletion_pending");
    assert!(notice.message.contains("still in the system keychain"));
    assert!(!notice.message.contains("fake-forgotten-secret"));
    assert_eq!(
        store
            .saved_secret(&vault, &id, SecretKind::ClientSecret, TOKEN_URL_A)
            .unwrap(),
        SavedSecret::None,
        "a forgotten secret is not used"
    );
    assert!(
        file_text(&dir).contains(&account),
        "the file keeps the account name for the next start"
    );

    // A restart while the keychain is still down: still queued.
    let (_, _) = start_session(&dir, &keychain);
    assert!(keychain.holds(&account));
    assert!(file_text(&dir).contains(&account));

    // The keychain is back: the next start does the deletion.
    keychain.set_down(false);
    let (store, _) = start_session(&dir, &keychain);
    assert!(
        !keychain.holds(&account),
        "deleted once the keychain is back"
    );
    assert!(store.pending_deletions().is_empty());
    assert!(!file_text(&dir).contains(&account));
}

#[test]
fn a_keychain_that_comes_back_during_the_session_gets_the_queued_deletions_at_the_next_check() {
    let dir = TestDir::new("back-in-session");
    let keychain = Flaky::default();
    let (mut store, vault) = start_session(&dir, &keychain);
    let id = store.current().id.clone();
    let other = store.create_profile("Other").unwrap().id.clone();
    vault
        .put(
            &other,
            SecretKind::ClientSecret,
            &Secret::new("fake-other-secret"),
        )
        .unwrap();
    keychain.set_down(true);
    let removal = store.delete_profile(&vault, &other).unwrap();
    assert_eq!(removal, Removal::Pending);
    assert!(keychain.holds(&format!("{other}/client_secret")));
    assert_eq!(store.data().profiles.len(), 1, "the profile itself is gone");
    assert_eq!(store.current().id, id);

    keychain.set_down(false);
    assert_eq!(vault.check(), KeychainStatus::Available);
    assert!(!keychain.holds(&format!("{other}/client_secret")));
    store.record_pending(&vault).unwrap();
    assert!(store.pending_deletions().is_empty());
}

#[test]
fn turning_remember_password_off_while_the_keychain_is_down_says_the_password_is_still_there() {
    let dir = TestDir::new("remember-down");
    let keychain = Flaky::default();
    let (mut store, vault) = start_session(&dir, &keychain);
    let id = store.current().id.clone();
    store.set_remember_password(&vault, &id, true).unwrap();
    store
        .put_secret(
            &vault,
            &id,
            SecretKind::Password,
            &Secret::new("fake-remembered-password"),
            TOKEN_URL_A,
        )
        .unwrap();
    assert!(keychain.holds(&format!("{id}/password")));

    keychain.set_down(true);
    let removal = store.set_remember_password(&vault, &id, false).unwrap();
    assert_eq!(removal, Removal::Pending);
    assert!(!store.current().remember_password);
    assert!(keychain.holds(&format!("{id}/password")));

    keychain.set_down(false);
    vault.check();
    assert!(!keychain.holds(&format!("{id}/password")));
}

#[test]
fn a_deletion_with_the_keychain_available_is_done_at_once() {
    let dir = TestDir::new("forget-up");
    let keychain = Flaky::default();
    let (mut store, vault) = start_session(&dir, &keychain);
    let id = store.current().id.clone();
    store
        .put_secret(
            &vault,
            &id,
            SecretKind::ClientSecret,
            &Secret::new("fake-s"),
            TOKEN_URL_A,
        )
        .unwrap();
    assert_eq!(
        store
            .forget_secret(&vault, &id, SecretKind::ClientSecret)
            .unwrap(),
        Removal::Done
    );
    assert!(!keychain.holds(&format!("{id}/client_secret")));
    assert!(!file_text(&dir).contains("pendingDeletions"));
}

#[test]
fn a_secret_variable_is_kept_in_the_keychain_and_a_plain_one_in_the_file() {
    let dir = TestDir::new("variables");
    let keychain = Shared::default();
    let mut store = open(&dir);
    let id = store.current().id.clone();
    let mut profile = store.current().clone();
    let mut secret = NameValue::new("password", "test-secret-not-real");
    secret.secret = true;
    profile.variables = vec![NameValue::new("baseUrl", "https://oic.example"), secret];
    store.update_profile(&vault(&keychain), profile).unwrap();

    let file = std::fs::read_to_string(dir.file()).unwrap();
    assert!(file.contains("https://oic.example"), "a plain variable is in the file");
    assert!(!file.contains("test-secret-not-real"), "a secret variable's value is not in the file");
    let kept = keychain.0.get(&format!("{id}/variable/password")).unwrap();
    assert_eq!(kept.map(|s| s.expose().to_owned()).as_deref(), Some("test-secret-not-real"));
    let loaded = open(&dir).profile_with_secrets(&vault(&keychain), &id).unwrap();
    assert_eq!(loaded.variables[1].value, "test-secret-not-real", "read back from the keychain after a restart");
    assert!(loaded.variables[1].secret);

    let mut fewer = loaded.clone();
    fewer.variables.truncate(1);
    store.update_profile(&vault(&keychain), fewer).unwrap();
    assert_eq!(keychain.0.get(&format!("{id}/variable/password")).unwrap(), None, "a removed secret variable leaves the keychain");
}
