//! What OAuth Console remembers between sessions: profiles and settings in a
//! JSON file in the app's config folder (non-secret data only, see
//! [`profile`] and [`file`]), secrets in the OS keychain ([`vault`]), and
//! the tokens obtained per profile ([`tokens`]).
//!
//! [`ProfileStore`] owns the file: it loads it once, and every change goes
//! through it and is written atomically before it counts. Operations that
//! copy or remove secrets take the [`Vault`]. The app passes the folder and
//! `now` in; nothing here reads the clock or knows where the app lives.

pub mod file;
pub mod profile;
#[cfg(target_os = "linux")]
mod secret_service;
pub mod tokens;
pub mod vault;

pub use profile::{AppData, GrantType, Profile, ProfileKind, Settings};
pub use tokens::{TokenMeta, TokenSummary};
pub use vault::{
    Kept, Keychain, KeychainStatus, MemoryStore, SecretKind, SecretStore, StoreFailure, Vault,
};

use crate::error::{Error, Result};
use crate::secret::Secret;
use profile::{new_id, profile_name, CURRENT_VERSION};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Something the user must be told once, in the same shape as an error:
/// the settings file was kept aside, the keychain is unavailable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
}

/// The profiles and settings, as loaded from and saved to the settings file.
#[derive(Debug)]
pub struct ProfileStore {
    path: PathBuf,
    data: AppData,
}

impl ProfileStore {
    /// Loads `dir`/`profiles.json`, creating `dir` if needed. A file that
    /// cannot be read or parsed is renamed aside with a time stamp and the
    /// app starts afresh, with a notice to show; a file from a newer version
    /// is copied aside and loaded as far as this version understands it.
    /// Always ends with at least one profile and a valid last profile.
    pub fn open(dir: &Path, now: SystemTime) -> Result<(ProfileStore, Option<Notice>)> {
        std::fs::create_dir_all(dir).map_err(|e| storage("create the folder", dir, &e))?;
        let path = dir.join(file::FILE_NAME);
        file::remove_stale_temp_files(&path);
        let (mut data, notice) = match file::read(&path) {
            file::Found::Missing => (AppData::default(), None),
            file::Found::Bytes(bytes) => match serde_json::from_slice::<AppData>(&bytes) {
                Ok(data) if data.version > CURRENT_VERSION => {
                    let copy = file::copy_aside(&path, &format!("v{}", data.version), now)
                        .map_err(|e| storage("keep a copy of", &path, &e))?;
                    (data, Some(newer_notice(&copy)))
                }
                Ok(data) => (data, None),
                Err(e) => {
                    let aside = file::move_aside(&path, "corrupt", now)
                        .map_err(|e| storage("move aside the unreadable", &path, &e))?;
                    (
                        AppData::default(),
                        Some(kept_aside_notice(
                            &aside,
                            &format!("it is not valid settings JSON ({e})"),
                        )),
                    )
                }
            },
            file::Found::Unreadable(e) => {
                let aside = file::move_aside(&path, "unreadable", now)
                    .map_err(|e| storage("move aside the unreadable", &path, &e))?;
                (
                    AppData::default(),
                    Some(kept_aside_notice(
                        &aside,
                        &format!("it could not be read ({e})"),
                    )),
                )
            }
        };
        normalize(&mut data)?;
        for profile in &mut data.profiles {
            // Their values were kept in memory by an earlier session and
            // are gone with it.
            profile.tokens.retain(|token| !token.session_only);
        }
        Ok((ProfileStore { path, data }, notice))
    }

    /// The settings file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn data(&self) -> &AppData {
        &self.data
    }

    /// Writes `data` atomically and keeps it. Values of `Authorization`
    /// headers are blanked: they are credentials and never go to the file.
    pub fn save(&mut self, mut data: AppData) -> Result<()> {
        data.version = data.version.max(CURRENT_VERSION);
        normalize(&mut data)?;
        for profile in &mut data.profiles {
            let requests = std::iter::once(&mut profile.request)
                .chain(profile.saved_requests.iter_mut().map(|s| &mut s.request));
            for header in requests.flat_map(|r| r.headers.iter_mut()) {
                if header.carries_credentials() {
                    header.value.clear();
                }
            }
        }
        let mut bytes = serde_json::to_vec_pretty(&data)
            .map_err(|e| Error::Internal(format!("could not write the settings as JSON: {e}")))?;
        bytes.push(b'\n');
        file::write_atomic(&self.path, &bytes).map_err(|e| storage("save", &self.path, &e))?;
        self.data = data;
        Ok(())
    }

    /// The profile the app shows: the last used one.
    pub fn current(&self) -> &Profile {
        // `normalize` guarantees the last profile id names a profile.
        self.data
            .profile(&self.data.last_profile_id)
            .unwrap_or(&self.data.profiles[0])
    }

    pub fn profile(&self, id: &str) -> Result<&Profile> {
        self.data.profile(id).ok_or_else(|| not_found(id))
    }

    /// Saves the fields the user edited. The id and the tokens list are the
    /// store's own and are kept as stored.
    pub fn update_profile(&mut self, profile: Profile) -> Result<()> {
        let mut data = self.data.clone();
        let stored = data
            .profile_mut(&profile.id)
            .ok_or_else(|| not_found(&profile.id))?;
        let tokens = std::mem::take(&mut stored.tokens);
        *stored = Profile { tokens, ..profile };
        stored.name = profile_name(&stored.name)?;
        self.save(data)
    }

    pub fn update_settings(&mut self, settings: Settings) -> Result<()> {
        let mut data = self.data.clone();
        data.settings = settings;
        self.save(data)
    }

    /// A new empty profile, which becomes the current one.
    pub fn create_profile(&mut self, name: &str) -> Result<&Profile> {
        let profile = Profile::new(name)?;
        let id = profile.id.clone();
        let mut data = self.data.clone();
        data.profiles.push(profile);
        data.last_profile_id = id.clone();
        self.save(data)?;
        self.profile(&id)
    }

    pub fn rename_profile(&mut self, id: &str, name: &str) -> Result<()> {
        let name = profile_name(name)?;
        let mut data = self.data.clone();
        data.profile_mut(id).ok_or_else(|| not_found(id))?.name = name;
        self.save(data)
    }

    /// A copy of the profile named "<name> (copy)", with its secrets copied
    /// in the vault; it becomes the current one. Saved tokens are not
    /// copied: refresh tokens rotate, so two profiles sharing one would
    /// invalidate each other.
    pub fn duplicate_profile(&mut self, vault: &Vault, id: &str) -> Result<&Profile> {
        let source = self.profile(id)?;
        let copy = Profile {
            id: new_id()?,
            name: format!("{} (copy)", source.name),
            tokens: Vec::new(),
            ..source.clone()
        };
        let copied = copy_secrets(vault, source, &copy.id);
        if let Err(e) = copied {
            forget_secrets(vault, &copy);
            return Err(e);
        }
        let new_id = copy.id.clone();
        let mut data = self.data.clone();
        let position = data
            .profiles
            .iter()
            .position(|p| p.id == id)
            .map_or(data.profiles.len(), |i| i + 1);
        data.profiles.insert(position, copy);
        data.last_profile_id = new_id.clone();
        if let Err(e) = self.save(data) {
            if let Some(copy) = self.data.profile(&new_id).cloned() {
                forget_secrets(vault, &copy);
            }
            return Err(e);
        }
        self.profile(&new_id)
    }

    /// Removes the profile and its secrets, including its saved tokens'.
    /// The profile next to it becomes current if it was. The only profile
    /// cannot be deleted.
    pub fn delete_profile(&mut self, vault: &Vault, id: &str) -> Result<()> {
        let profile = self.profile(id)?;
        if self.data.profiles.len() == 1 {
            return Err(Error::LastProfile);
        }
        for account in secret_accounts(profile) {
            vault.delete_account(&account)?;
        }
        let mut data = self.data.clone();
        let index = data.profiles.iter().position(|p| p.id == id).unwrap_or(0);
        data.profiles.retain(|p| p.id != id);
        if data.last_profile_id == id {
            data.last_profile_id = data.profiles[index.min(data.profiles.len() - 1)].id.clone();
        }
        self.save(data)
    }

    /// Makes the profile current; the app reopens on it.
    pub fn switch_profile(&mut self, id: &str) -> Result<&Profile> {
        self.profile(id)?;
        let mut data = self.data.clone();
        data.last_profile_id = id.to_owned();
        self.save(data)?;
        self.profile(id)
    }

    /// "Remember password": on moves the password from memory to the
    /// keychain, off removes it from the keychain and keeps it in memory for
    /// this session.
    pub fn set_remember_password(&mut self, vault: &Vault, id: &str, remember: bool) -> Result<()> {
        self.profile(id)?;
        if let Some(password) = vault.get(id, SecretKind::Password)? {
            if remember {
                vault.put(id, SecretKind::Password, &password)?;
            } else {
                vault.put_for_session(id, SecretKind::Password, &password)?;
            }
        }
        let mut data = self.data.clone();
        if let Some(profile) = data.profile_mut(id) {
            profile.remember_password = remember;
        }
        self.save(data)
    }

    /// Keeps the password as the profile says: in the keychain when
    /// "Remember password" is on, in memory for the session otherwise.
    pub fn put_password(&self, vault: &Vault, id: &str, password: &Secret) -> Result<Kept> {
        if self.profile(id)?.remember_password {
            vault.put(id, SecretKind::Password, password)
        } else {
            vault.put_for_session(id, SecretKind::Password, password)?;
            Ok(Kept::Session)
        }
    }
}

/// Every keychain account a profile may use.
fn secret_accounts(profile: &Profile) -> Vec<String> {
    let own = SecretKind::ALL
        .iter()
        .map(|kind| vault::profile_account(&profile.id, *kind));
    let tokens = profile.tokens.iter().flat_map(|token| {
        tokens::TOKEN_KINDS
            .iter()
            .map(move |kind| vault::token_account(&profile.id, &token.id, *kind))
    });
    own.chain(tokens).collect()
}

fn copy_secrets(vault: &Vault, from: &Profile, to_id: &str) -> Result<()> {
    for kind in SecretKind::ALL {
        let Some(secret) = vault.get(&from.id, kind)? else {
            continue;
        };
        if vault.is_session_only(&from.id, kind) {
            vault.put_for_session(to_id, kind, &secret)?;
        } else {
            vault.put(to_id, kind, &secret)?;
        }
    }
    Ok(())
}

/// Best-effort removal after a failed operation; the first error is the one
/// the user sees.
fn forget_secrets(vault: &Vault, profile: &Profile) {
    for account in secret_accounts(profile) {
        let _ = vault.delete_account(&account);
    }
}

/// Makes loaded or edited data usable: a current version, at least one
/// profile, unique non-empty ids and names, a last profile that exists.
fn normalize(data: &mut AppData) -> Result<()> {
    data.version = CURRENT_VERSION.max(data.version);
    if data.profiles.is_empty() {
        data.profiles.push(Profile::new("Default")?);
    }
    let mut seen = HashSet::new();
    for profile in &mut data.profiles {
        if profile.id.is_empty() || !seen.insert(profile.id.clone()) {
            profile.id = new_id()?;
            seen.insert(profile.id.clone());
        }
        if profile.name.trim().is_empty() {
            profile.name = "Unnamed".into();
        }
    }
    if data.profile(&data.last_profile_id).is_none() {
        data.last_profile_id = data.profiles[0].id.clone();
    }
    Ok(())
}

fn storage(action: &'static str, path: &Path, error: &std::io::Error) -> Error {
    Error::Storage {
        action,
        path: path.display().to_string(),
        detail: error.to_string(),
    }
}

fn not_found(id: &str) -> Error {
    Error::NotFound {
        what: "profile",
        id: id.to_owned(),
    }
}

fn kept_aside_notice(aside: &Path, why: &str) -> Notice {
    Notice {
        code: "settings_kept_aside".into(),
        message: format!(
            "Your saved profiles could not be loaded: {why}. The file was kept as {} and OAuth Console started with a new profile.",
            aside.display()
        ),
        hint: Some("Nothing was deleted. To recover a profile, open the kept file in a text editor and copy its values; the secrets are still in the system keychain.".into()),
    }
}

fn newer_notice(copy: &Path) -> Notice {
    Notice {
        code: "settings_from_newer_version".into(),
        message: format!(
            "Your saved profiles were written by a newer version of OAuth Console; settings this version does not know are ignored. A copy of the file was kept as {}.",
            copy.display()
        ),
        hint: Some("Update OAuth Console to use every setting again.".into()),
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    /// JSON that looks like a settings file with odd values in it.
    fn settings_file() -> impl Strategy<Value = Value> {
        let odd = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::String),
            Just(json!([])),
            Just(json!({})),
        ];
        let profile = prop::collection::vec(
            (
                prop::sample::select(
                    &[
                        "id",
                        "name",
                        "kind",
                        "grantType",
                        "tokenUrl",
                        "clientAuth",
                        "scope",
                        "loginMode",
                        "followAuthorization",
                        "trustedHosts",
                        "request",
                        "savedRequests",
                        "tokens",
                        "oracle",
                        "rememberPassword",
                    ][..],
                ),
                odd.clone(),
            ),
            0..6,
        )
        .prop_map(|fields| {
            Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
        });
        prop_oneof![
            (
                prop::option::of(0u32..5),
                prop::collection::vec(prop_oneof![profile, odd.clone()], 0..4),
                odd.clone(),
                odd,
            )
                .prop_map(|(version, profiles, last, settings)| {
                    json!({
                        "version": version,
                        "profiles": profiles,
                        "lastProfileId": last,
                        "settings": settings,
                    })
                }),
            any::<i64>().prop_map(Value::from),
            "\\PC{0,20}".prop_map(Value::String),
        ]
    }

    struct Dir(PathBuf);

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the settings file holds, the app opens with at least one
        /// profile and a valid current one, or a typed error; an unreadable
        /// file is kept aside with a notice, never lost.
        #[test]
        fn any_settings_file_loads_as_profiles_or_is_kept_aside(
            file in prop_oneof![
                settings_file().prop_map(|v| v.to_string().into_bytes()),
                prop::collection::vec(any::<u8>(), 0..64),
            ],
        ) {
            let dir = Dir(std::env::temp_dir().join(format!(
                "oc-store-prop-{}-{}",
                std::process::id(),
                new_id().unwrap()
            )));
            std::fs::create_dir_all(&dir.0).unwrap();
            std::fs::write(dir.0.join(file::FILE_NAME), &file).unwrap();
            let (store, notice) = ProfileStore::open(&dir.0, SystemTime::UNIX_EPOCH).unwrap();
            prop_assert!(!store.data().profiles.is_empty());
            prop_assert_eq!(&store.current().id, &store.data().last_profile_id);
            let ids: HashSet<&str> = store.data().profiles.iter().map(|p| p.id.as_str()).collect();
            prop_assert_eq!(ids.len(), store.data().profiles.len(), "ids are unique");
            let parsed = serde_json::from_slice::<AppData>(&file).is_ok();
            if !parsed {
                let notice = notice.expect("a file that is not settings JSON is reported");
                prop_assert!(!notice.code.is_empty());
                let kept = std::fs::read_dir(&dir.0)
                    .unwrap()
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
                    .count();
                prop_assert_eq!(kept, 1, "the unreadable file is kept aside");
            }
        }
    }
}
