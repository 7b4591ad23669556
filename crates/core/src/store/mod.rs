//! What OAuth Console remembers between sessions: profiles and settings in a
//! JSON file in the app's config folder (non-secret data only, see
//! [`profile`] and [`file`]), secrets in the OS keychain ([`vault`]), and
//! the tokens obtained per profile ([`tokens`]).
//!
//! [`ProfileStore`] owns the file: it loads it once, and every change goes
//! through it and is written atomically before it counts. Operations that
//! copy or remove secrets take the [`Vault`]. The app passes the folder and
//! `now` in; nothing here reads the clock or knows where the app lives.

pub mod credentials;
pub mod file;
pub mod history;
pub mod profile;
pub mod saved_tree;
#[cfg(target_os = "linux")]
mod secret_service;
pub mod tokens;
pub mod vault;

pub use history::{History, HistoryEntry, HistoryRow, Outcome};
pub use profile::{AppData, GrantType, Layout, Profile, ProfileKind, ResponsePosition, Settings, Theme};
pub use tokens::{TokenMeta, TokenSummary};
pub use vault::{
    Kept, Keychain, KeychainStatus, MemoryStore, Removal, SecretKind, SecretStore, StoreFailure,
    Vault,
};

use crate::error::{Error, Result};
use crate::secret::Secret;
use profile::{new_id, profile_name, CURRENT_VERSION};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A profile edit planned under the store's lock ([`ProfileStore::plan_update`]),
/// whose keychain writes run without it ([`ProfileUpdate::write_secrets`]),
/// then stored ([`ProfileStore::commit_update`]). Its `Debug` shows no value.
#[derive(Debug)]
pub struct ProfileUpdate {
    profile: Profile,
    /// `(account, value)` of each credential row that has a value.
    puts: Vec<(String, Secret)>,
    /// Accounts of credential rows that are gone.
    deletes: std::collections::BTreeSet<String>,
}

impl ProfileUpdate {
    /// The keychain calls of the edit; hold no store lock across this.
    pub fn write_secrets(&self, vault: &Vault) -> Result<()> {
        for (account, value) in &self.puts {
            vault.put_account(account, value)?;
        }
        for gone in &self.deletes {
            vault.delete_account(gone)?;
        }
        Ok(())
    }
}

/// A profile copy planned under the store's lock
/// ([`ProfileStore::plan_duplicate`]), whose secrets are copied without it.
/// Its `Debug` shows no value (a profile holds none).
#[derive(Debug, Clone)]
pub struct ProfileCopy {
    source: Profile,
    copy: Profile,
}

impl ProfileCopy {
    pub fn id(&self) -> &str {
        &self.copy.id
    }

    /// The source's secrets copied to the copy's accounts. Keychain calls
    /// only: hold no store lock across this. On an error the secrets
    /// copied so far are removed again.
    pub fn write_secrets(&self, vault: &Vault) -> Result<()> {
        copy_secrets(vault, &self.source, &self.copy.id).inspect_err(|_| self.forget(vault))
    }

    /// Removes the copied secrets of a copy that was not stored. Keychain
    /// calls only, best effort.
    pub fn forget(&self, vault: &Vault) {
        forget_secrets(vault, &self.copy);
    }
}

/// A client secret or password that may be in the keychain without the
/// origin it was saved for ([`ProfileStore::unbound_secrets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnboundSecret {
    profile_id: String,
    kind: SecretKind,
    origin: String,
}

/// The second step of [`ProfileStore::bind_unbound_secrets`]: those of
/// `unbound` the vault holds. Keychain calls only: hold no store lock
/// across this.
pub fn saved_among(vault: &Vault, unbound: Vec<UnboundSecret>) -> Result<Vec<UnboundSecret>> {
    let mut saved = Vec::new();
    for secret in unbound {
        if vault.get(&secret.profile_id, secret.kind)?.is_some() {
            saved.push(secret);
        }
    }
    Ok(saved)
}

/// The vault's queue of deletions with `accounts` added, as the file
/// records it before they are forgotten.
fn with_queued(vault: &Vault, accounts: &[String]) -> Vec<String> {
    let mut pending: std::collections::BTreeSet<String> = vault.pending().into_iter().collect();
    pending.extend(accounts.iter().cloned());
    pending.into_iter().collect()
}

/// Moves the profile's password to the keychain ("Remember password" on)
/// or to memory for the session (off). Keychain calls only: hold no store
/// lock across this.
pub fn move_password(vault: &Vault, id: &str, remember: bool) -> Result<Removal> {
    let password = vault.get(id, SecretKind::Password)?;
    Ok(match (password, remember) {
        (Some(password), true) => {
            vault.put(id, SecretKind::Password, &password)?;
            Removal::Done
        }
        (Some(password), false) => vault.put_for_session(id, SecretKind::Password, &password)?,
        (None, true) => Removal::Done,
        // Not readable now does not mean not in the keychain.
        (None, false) => vault.delete(id, SecretKind::Password)?,
    })
}

/// The profile with the values of its credential rows read back from the
/// vault (see [`ProfileStore::profile_with_secrets`]), for a profile copied
/// out of the store: keychain calls only, hold no store lock across this.
pub fn with_secrets(vault: &Vault, mut profile: Profile) -> Result<Profile> {
    for credentials::Row { account, value, .. } in credentials::rows(&mut profile) {
        if value.is_empty() {
            if let Some(kept) = vault.get_account(&account)? {
                *value = kept.expose().to_owned();
            }
        }
    }
    Ok(profile)
}

/// Keeps a client secret or password the user typed: in the keychain, or
/// (a password not remembered) in memory for the session. Keychain calls
/// only: hold no store lock across this; then
/// [`ProfileStore::record_secret_origin`].
pub fn keep_secret(
    vault: &Vault,
    id: &str,
    kind: SecretKind,
    secret: &Secret,
    remember_password: bool,
) -> Result<Kept> {
    match kind {
        SecretKind::ClientSecret => vault.put(id, kind, secret),
        SecretKind::Password if remember_password => vault.put(id, kind, secret),
        SecretKind::Password => {
            vault.put_for_session(id, kind, secret)?;
            Ok(Kept::Session)
        }
        SecretKind::PrivateKey => {
            // Only a key that loads is kept; its certificate stays in the profile.
            crate::keys::PrivateKey::from_pem(secret.expose()).map_err(Error::Key)?;
            vault.put(id, kind, secret)
        }
        _ => Err(Error::NotASavedSecret),
    }
}

/// [`ProfileStore::saved_secret`] for a profile copied out of the store:
/// keychain calls only, hold no store lock across this.
pub fn saved_secret_of(vault: &Vault, profile: &Profile, kind: SecretKind, token_url: &str) -> Result<SavedSecret> {
    let Some(secret) = vault.get(&profile.id, kind)? else {
        return Ok(SavedSecret::None);
    };
    match (
        profile.saved_for.get(kind),
        origin_of(or_profiles(token_url, profile)),
    ) {
        // Saved before secrets were bound to an origin.
        (None, _) => Ok(SavedSecret::Ready(secret)),
        (Some(saved), Some(now)) if *saved == now => Ok(SavedSecret::Ready(secret)),
        (Some(saved), now) => Ok(SavedSecret::ForOtherOrigin {
            saved_for: saved.clone(),
            now: now.unwrap_or_default(),
        }),
    }
}

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
            file::Found::Bytes(bytes) => match parse(&bytes) {
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

    /// Writes `data` atomically and keeps it. Values of credential rows
    /// ([`credentials`]) and a proxy password are blanked: they never go to
    /// the file. ([`ProfileStore::update_profile`] moves the rows' values
    /// to the vault first.)
    pub fn save(&mut self, mut data: AppData) -> Result<()> {
        data.version = data.version.max(CURRENT_VERSION);
        normalize(&mut data)?;
        data.settings = data.settings.without_proxy_password();
        for profile in &mut data.profiles {
            drop(credentials::take_values(profile));
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
    /// store's own and are kept as stored. The values of credential rows go
    /// to the vault ([`credentials`]); a credential row left empty keeps its
    /// saved value, and the entry of a row that is gone is removed.
    ///
    /// This holds `self` across keychain calls; the app, whose store sits
    /// behind a lock, uses the three steps instead: [`Self::plan_update`]
    /// (locked), [`ProfileUpdate::write_secrets`] (not locked),
    /// [`Self::commit_update`] (locked).
    pub fn update_profile(&mut self, vault: &Vault, profile: Profile) -> Result<()> {
        let update = self.plan_update(profile)?;
        update.write_secrets(vault)?;
        self.commit_update(vault, update)
    }

    /// The first step of [`Self::update_profile`]: the profile as it will be
    /// stored (credential values taken out) and what goes to the vault. No
    /// keychain call.
    pub fn plan_update(&self, profile: Profile) -> Result<ProfileUpdate> {
        let stored = self.profile(&profile.id)?;
        let before = credentials::accounts(stored);
        let mut edited = Profile {
            tokens: Vec::new(),
            saved_for: Default::default(),
            ..profile
        };
        edited.name = profile_name(&edited.name)?;
        saved_tree::tidy(&mut edited);
        let puts = credentials::take_values(&mut edited);
        let after = credentials::accounts(&edited);
        let deletes = before.difference(&after).cloned().collect();
        Ok(ProfileUpdate {
            profile: edited,
            puts,
            deletes,
        })
    }

    /// The last step of [`Self::update_profile`]: stores the planned
    /// profile, with the tokens and the secrets' origins as they are now
    /// (they may have changed since the plan), and saves. A credential entry
    /// that another save added meanwhile and this profile no longer has is
    /// queued for deletion (no keychain call here). When the profile was
    /// deleted meanwhile, the entries just written are queued for deletion.
    pub fn commit_update(&mut self, vault: &Vault, update: ProfileUpdate) -> Result<()> {
        let ProfileUpdate {
            profile, puts, deletes,
        } = update;
        let mut data = self.data.clone();
        let Some(stored) = data.profile_mut(&profile.id) else {
            vault.queue_deletions(puts.into_iter().map(|(account, _)| account));
            return Err(not_found(&profile.id));
        };
        let now_there = credentials::accounts(stored);
        let after = credentials::accounts(&profile);
        let tokens = std::mem::take(&mut stored.tokens);
        let saved_for = std::mem::take(&mut stored.saved_for);
        *stored = Profile {
            tokens,
            saved_for,
            ..profile
        };
        vault.queue_deletions(
            now_there
                .difference(&after)
                .filter(|account| !deletes.contains(*account))
                .cloned()
                .collect::<Vec<_>>(),
        );
        data.pending_deletions = vault.pending();
        self.save(data)
    }

    /// The profile with the values of its credential rows read back from
    /// the vault, for the window (which showed them when they were typed).
    /// A value the vault no longer has stays empty.
    pub fn profile_with_secrets(&self, vault: &Vault, id: &str) -> Result<Profile> {
        with_secrets(vault, self.profile(id)?.clone())
    }

    pub fn update_settings(&mut self, mut settings: Settings) -> Result<()> {
        settings.layout = settings.layout.clamped();
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
    ///
    /// The app's steps: [`Self::plan_duplicate`] (locked),
    /// [`ProfileCopy::write_secrets`] (not locked),
    /// [`Self::commit_duplicate`] (locked), and [`ProfileCopy::forget`]
    /// (not locked) when the commit fails.
    pub fn duplicate_profile(&mut self, vault: &Vault, id: &str) -> Result<&Profile> {
        let copy = self.plan_duplicate(id)?;
        copy.write_secrets(vault)?;
        let new_id = copy.id().to_owned();
        if let Err(e) = self.commit_duplicate(copy.clone()) {
            copy.forget(vault);
            return Err(e);
        }
        self.profile(&new_id)
    }

    /// The first step of [`Self::duplicate_profile`]: the copy, with a new
    /// id and name. No keychain call.
    pub fn plan_duplicate(&self, id: &str) -> Result<ProfileCopy> {
        let source = self.profile(id)?.clone();
        let copy = Profile {
            id: new_id()?,
            name: format!("{} (copy)", source.name),
            tokens: Vec::new(),
            ..source.clone()
        };
        Ok(ProfileCopy { source, copy })
    }

    /// The last step of [`Self::duplicate_profile`]: the copy goes after
    /// its source (at the end if the source was deleted meanwhile) and
    /// becomes current. No keychain call.
    pub fn commit_duplicate(&mut self, copy: ProfileCopy) -> Result<()> {
        let ProfileCopy { source, copy } = copy;
        let new_id = copy.id.clone();
        let mut data = self.data.clone();
        let position = data
            .profiles
            .iter()
            .position(|p| p.id == source.id)
            .map_or(data.profiles.len(), |i| i + 1);
        data.profiles.insert(position, copy);
        data.last_profile_id = new_id;
        self.save(data)
    }

    /// Removes the profile and its secrets, including its saved tokens'.
    /// The profile next to it becomes current if it was. The only profile
    /// cannot be deleted.
    ///
    /// When the keychain is unavailable the profile still goes, its secrets'
    /// deletion is queued (and kept in the file, by account name, for the
    /// next start), and the answer is [`Removal::Pending`].
    ///
    /// The app's steps: [`Self::remove_profile`] (locked),
    /// [`Vault::delete_queued`] (not locked), [`Self::record_pending`]
    /// (locked).
    pub fn delete_profile(&mut self, vault: &Vault, id: &str) -> Result<Removal> {
        let accounts = self.remove_profile(vault, id)?;
        let removal = vault.delete_queued(&accounts);
        self.record_pending(vault)?;
        Ok(removal)
    }

    /// The first step of [`Self::delete_profile`]: the profile leaves the
    /// file, and its secrets are forgotten and queued for deletion from the
    /// keychain (recorded in the file, so a crash before the deletion still
    /// removes them at the next start). Returns the queued accounts. No
    /// keychain call.
    pub fn remove_profile(&mut self, vault: &Vault, id: &str) -> Result<Vec<String>> {
        let profile = self.profile(id)?;
        if self.data.profiles.len() == 1 {
            return Err(Error::LastProfile);
        }
        let accounts = secret_accounts(profile);
        let mut data = self.data.clone();
        data.pending_deletions = with_queued(vault, &accounts);
        let index = data.profiles.iter().position(|p| p.id == id).unwrap_or(0);
        data.profiles.retain(|p| p.id != id);
        if data.last_profile_id == id {
            data.last_profile_id = data.profiles[index.min(data.profiles.len() - 1)].id.clone();
        }
        self.save(data)?;
        vault.forget_later(accounts.iter().cloned());
        Ok(accounts)
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
    /// this session. Off while the keychain is unavailable answers
    /// [`Removal::Pending`]: the keychain copy is still there until the
    /// keychain is back.
    pub fn set_remember_password(
        &mut self,
        vault: &Vault,
        id: &str,
        remember: bool,
    ) -> Result<Removal> {
        self.profile(id)?;
        let removal = move_password(vault, id, remember)?;
        self.commit_remember_password(vault, id, remember)?;
        Ok(removal)
    }

    /// The last step of [`Self::set_remember_password`], after
    /// [`move_password`] (which the app calls without the store's lock):
    /// stores the choice. No keychain call.
    pub fn commit_remember_password(&mut self, vault: &Vault, id: &str, remember: bool) -> Result<()> {
        let mut data = self.data.clone();
        data.profile_mut(id).ok_or_else(|| not_found(id))?.remember_password = remember;
        data.pending_deletions = vault.pending();
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

    /// Keeps a client secret or password the user typed, bound to the
    /// origin of the Access Token URL it was typed with (blank: the
    /// profile's): it is only given back for that origin
    /// ([`ProfileStore::saved_secret`]).
    pub fn put_secret(
        &mut self,
        vault: &Vault,
        id: &str,
        kind: SecretKind,
        secret: &Secret,
        token_url: &str,
    ) -> Result<Kept> {
        let remember = self.profile(id)?.remember_password;
        let kept = keep_secret(vault, id, kind, secret, remember)?;
        self.record_secret_origin(id, kind, token_url)?;
        Ok(kept)
    }

    /// The last step of [`Self::put_secret`], after [`keep_secret`] (which
    /// the app calls without the store's lock): binds the secret to the
    /// origin of `token_url` (blank: the profile's). No keychain call.
    pub fn record_secret_origin(&mut self, id: &str, kind: SecretKind, token_url: &str) -> Result<()> {
        let mut data = self.data.clone();
        if let Some(profile) = data.profile_mut(id) {
            let origin = origin_of(or_profiles(token_url, profile));
            profile.saved_for.set(kind, origin);
        }
        self.save(data)
    }

    /// Forget: removes the saved client secret or password. While the
    /// keychain is unavailable the answer is [`Removal::Pending`] and the
    /// deletion is queued, also in the file for the next start.
    pub fn forget_secret(&mut self, vault: &Vault, id: &str, kind: SecretKind) -> Result<Removal> {
        self.profile(id)?;
        let removal = vault.delete(id, kind)?;
        self.record_forgotten(vault, id, kind)?;
        Ok(removal)
    }

    /// The last step of [`Self::forget_secret`], after `vault.delete`
    /// (which the app calls without the store's lock). No keychain call.
    pub fn record_forgotten(&mut self, vault: &Vault, id: &str, kind: SecretKind) -> Result<()> {
        let mut data = self.data.clone();
        if let Some(profile) = data.profile_mut(id) {
            profile.saved_for.set(kind, None);
        }
        data.pending_deletions = vault.pending();
        self.save(data)
    }

    /// The saved client secret or password to send to `token_url` (blank:
    /// the profile's): only when that URL has the origin the secret was
    /// saved for.
    pub fn saved_secret(
        &self,
        vault: &Vault,
        id: &str,
        kind: SecretKind,
        token_url: &str,
    ) -> Result<SavedSecret> {
        saved_secret_of(vault, self.profile(id)?, kind, token_url)
    }

    /// Binds each saved client secret and password that has no origin yet
    /// (saved by a version before secrets were bound) to the origin of its
    /// profile's Access Token URL, the one it was saved with. Call it once
    /// the keychain is checked; a profile without a valid URL stays as it
    /// is until its secret is typed again.
    ///
    /// The app's steps: [`Self::unbound_secrets`] (locked),
    /// [`saved_among`] (not locked), [`Self::bind_secrets`] (locked).
    pub fn bind_unbound_secrets(&mut self, vault: &Vault) -> Result<()> {
        let unbound = self.unbound_secrets();
        let saved = saved_among(vault, unbound)?;
        self.bind_secrets(saved)
    }

    /// The first step of [`Self::bind_unbound_secrets`]: the secrets that
    /// may be saved without an origin, with the origin they would get. No
    /// keychain call.
    pub fn unbound_secrets(&self) -> Vec<UnboundSecret> {
        let mut unbound = Vec::new();
        for profile in &self.data.profiles {
            let Some(origin) = origin_of(&profile.token_url) else {
                continue;
            };
            for kind in [SecretKind::ClientSecret, SecretKind::Password] {
                if profile.saved_for.get(kind).is_none() {
                    unbound.push(UnboundSecret {
                        profile_id: profile.id.clone(),
                        kind,
                        origin: origin.clone(),
                    });
                }
            }
        }
        unbound
    }

    /// The last step of [`Self::bind_unbound_secrets`]: binds the secrets
    /// found, unless their profile changed meanwhile (another URL, or
    /// already bound). No keychain call.
    pub fn bind_secrets(&mut self, saved: Vec<UnboundSecret>) -> Result<()> {
        let mut data = self.data.clone();
        let mut changed = false;
        for secret in saved {
            let Some(profile) = data.profile_mut(&secret.profile_id) else {
                continue;
            };
            if profile.saved_for.get(secret.kind).is_none()
                && origin_of(&profile.token_url).as_ref() == Some(&secret.origin)
            {
                profile.saved_for.set(secret.kind, Some(secret.origin));
                changed = true;
            }
        }
        if changed {
            self.save(data)?;
        }
        Ok(())
    }

    /// Keychain accounts whose deletion an earlier session had to leave
    /// queued: give them to [`Vault::queue_deletions`] at start, before
    /// [`Vault::check`] (which does them when the keychain answers), then
    /// call [`ProfileStore::record_pending`].
    pub fn pending_deletions(&self) -> &[String] {
        &self.data.pending_deletions
    }

    /// Writes the vault's queue of deletions to the file (account names
    /// only) when it changed, so that a deletion still waiting is done at
    /// the next start.
    pub fn record_pending(&mut self, vault: &Vault) -> Result<()> {
        let pending = vault.pending();
        if pending == self.data.pending_deletions {
            return Ok(());
        }
        let mut data = self.data.clone();
        data.pending_deletions = pending;
        self.save(data)
    }
}

/// A saved secret, as it may be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedSecret {
    None,
    Ready(Secret),
    /// Saved with an Access Token URL of another origin: not sent; the
    /// field asks for it again.
    ForOtherOrigin { saved_for: String, now: String },
}

/// What the window is told about a saved secret (never its value): whether
/// there is one, and the origin it was saved for when the Access Token URL
/// now points elsewhere, so the field can say why it asks again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SavedSecretState {
    None,
    Saved,
    #[serde(rename_all = "camelCase")]
    OtherOrigin { saved_for: String },
}

impl SavedSecret {
    pub fn state(&self) -> SavedSecretState {
        match self {
            SavedSecret::None => SavedSecretState::None,
            SavedSecret::Ready(_) => SavedSecretState::Saved,
            SavedSecret::ForOtherOrigin { saved_for, .. } => SavedSecretState::OtherOrigin {
                saved_for: saved_for.clone(),
            },
        }
    }

    /// The secret to send, `None` when there is none, or the error that
    /// tells the user why the saved one is not used.
    pub fn usable(self, kind: SecretKind) -> Result<Option<Secret>> {
        match self {
            SavedSecret::None => Ok(None),
            SavedSecret::Ready(secret) => Ok(Some(secret)),
            SavedSecret::ForOtherOrigin { saved_for, now } => Err(Error::SecretForOtherOrigin {
                what: kind.label(),
                saved_for,
                now,
            }),
        }
    }
}

/// `token_url`, or the profile's Access Token URL when it is blank.
fn or_profiles<'a>(token_url: &'a str, profile: &'a Profile) -> &'a str {
    if token_url.trim().is_empty() {
        &profile.token_url
    } else {
        token_url
    }
}

/// `https://host:port` of a URL, as a secret is bound to it; `None` for a
/// URL that does not parse or has no host.
pub fn origin_of(url: &str) -> Option<String> {
    url::Url::parse(url.trim())
        .ok()
        .filter(|u| u.has_host())
        .map(|u| u.origin().ascii_serialization())
}

/// A new folder for this session's profiles when the config folder cannot
/// be used: in the system's temporary folder, with a random name and usable
/// by this user only (never a predictable `/tmp/oauth-console-<pid>`, which
/// another user could create first).
pub fn temporary_folder() -> Result<PathBuf> {
    let parent = std::env::temp_dir();
    file::create_private_dir(&parent, "oauth-console-")
        .map_err(|e| storage("create a temporary folder in", &parent, &e))
}

/// The file's content, upgraded from an earlier version's shape.
fn parse(bytes: &[u8]) -> serde_json::Result<AppData> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)?;
    profile::upgrade(&mut value);
    serde_json::from_value(value)
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
    own.chain(tokens)
        .chain(credentials::accounts(profile))
        .collect()
}

fn copy_secrets(vault: &Vault, from: &Profile, to_id: &str) -> Result<()> {
    let copy = Profile {
        id: to_id.to_owned(),
        ..from.clone()
    };
    let from_accounts = credentials::accounts(from);
    for (source, target) in from_accounts.iter().zip(credentials::accounts(&copy)) {
        if let Some(secret) = vault.get_account(source)? {
            vault.put_account(&target, &secret)?;
        }
    }
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
    // The system's words stay (they are what a search finds), after plain
    // ones. By errno: the io::ErrorKinds for these are newer than the MSRV;
    // EISDIR, ENOSPC and EROFS have these numbers on Linux, macOS and BSD.
    let plain = match (error.kind(), error.raw_os_error()) {
        (std::io::ErrorKind::PermissionDenied, _) => Some("your user may not write there"),
        (_, Some(21)) if cfg!(unix) => Some("a folder has that name"),
        (_, Some(28)) if cfg!(unix) => Some("the disk is full"),
        (_, Some(30)) if cfg!(unix) => Some("the disk is read-only"),
        _ => None,
    };
    Error::Storage {
        action,
        path: path.display().to_string(),
        detail: match plain {
            Some(plain) => format!("{plain} ({error})"),
            None => error.to_string(),
        },
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

#[cfg(test)]
mod storage_words {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_save_that_fails_says_why_in_plain_words_then_the_systems() {
        let detail = |error: std::io::Error| match storage("save", Path::new("/config/profiles.json"), &error) {
            Error::Storage { detail, .. } => detail,
            other => panic!("{other:?}"),
        };
        assert!(detail(std::io::Error::from_raw_os_error(28)).starts_with("the disk is full ("));
        assert!(detail(std::io::Error::from_raw_os_error(21)).starts_with("a folder has that name ("));
        assert!(detail(std::io::Error::from_raw_os_error(30)).starts_with("the disk is read-only ("));
        assert!(detail(std::io::Error::from(std::io::ErrorKind::PermissionDenied)).starts_with("your user may not write there ("));
        let other = std::io::Error::other("something else");
        assert_eq!(detail(other), "something else", "other failures keep the system's words only");
    }
}
