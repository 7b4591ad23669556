//! Secrets: client secrets, passwords and token values, kept in the OS
//! keychain (Secret Service on Linux, Keychain on macOS, Credential Manager
//! on Windows) through the `keyring` crate, one entry per profile and kind.
//!
//! [`Vault`] starts on the keychain. When the keychain is missing, locked or
//! does not answer in time, it says so ([`KeychainStatus::Unavailable`]) and
//! keeps secrets in memory for the rest of the session; it never writes them
//! anywhere else. Every call is blocking and bounded by a timeout: call it
//! from `spawn_blocking` in async code.

use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

/// The keychain service name of every entry.
pub const SERVICE: &str = "dev.oauthconsole.desktop";

/// How long a keychain call may take before the keychain counts as
/// unavailable (a locked keychain may wait for a password prompt).
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// What a secret is; part of its keychain account name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    ClientSecret,
    Password,
    AccessToken,
    RefreshToken,
    IdToken,
    /// The PEM private key that signs JWT assertions (the profile keeps
    /// only its certificate and alias).
    PrivateKey,
}

impl SecretKind {
    pub const ALL: [SecretKind; 6] = [
        SecretKind::ClientSecret,
        SecretKind::Password,
        SecretKind::AccessToken,
        SecretKind::RefreshToken,
        SecretKind::IdToken,
        SecretKind::PrivateKey,
    ];

    /// As the form labels it.
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "client secret",
            SecretKind::Password => "password",
            SecretKind::AccessToken => "access token",
            SecretKind::RefreshToken => "refresh token",
            SecretKind::IdToken => "ID token",
            SecretKind::PrivateKey => "private key",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "client_secret",
            SecretKind::Password => "password",
            SecretKind::AccessToken => "access_token",
            SecretKind::RefreshToken => "refresh_token",
            SecretKind::IdToken => "id_token",
            SecretKind::PrivateKey => "private_key",
        }
    }
}

/// `<profile id>/<kind>`: the account of a profile's own secret.
pub fn profile_account(profile_id: &str, kind: SecretKind) -> String {
    format!("{profile_id}/{}", kind.as_str())
}

/// `<profile id>/token/<token id>/<kind>`: the account of a saved token's value.
pub fn token_account(profile_id: &str, token_id: &str, kind: SecretKind) -> String {
    format!("{profile_id}/token/{token_id}/{}", kind.as_str())
}

/// Why a secret store could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreFailure {
    /// The store is missing, locked or not answering: the vault keeps
    /// secrets in memory for the rest of the session.
    Unavailable(String),
    /// This one entry could not be read or written.
    Failed(String),
}

/// Where secrets live between sessions: the OS keychain, or memory in tests.
/// Reading an entry that does not exist is `Ok(None)`; deleting one is `Ok`.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> std::result::Result<Option<Secret>, StoreFailure>;
    fn set(&self, account: &str, secret: &Secret) -> std::result::Result<(), StoreFailure>;
    fn delete(&self, account: &str) -> std::result::Result<(), StoreFailure>;
}

/// The OS keychain, through `keyring`.
///
/// Windows' Credential Manager holds at most 2,560 bytes per entry and an
/// identity domain's access token is often longer, so values over
/// [`CHUNK_BYTES`] are stored, on every platform alike, as numbered parts
/// (`<account>#0`, `<account>#1`, ...) with a marker in `<account>` itself.
pub struct Keychain {
    service: String,
    /// On Linux, the Secret Service over one connection for the whole run
    /// (see [`super::secret_service`]); elsewhere the `keyring` crate.
    #[cfg(target_os = "linux")]
    connection: super::secret_service::Connection,
}

/// The largest part stored in one keychain entry (UTF-8 bytes, so at most as
/// many UTF-16 units).
pub const CHUNK_BYTES: usize = 1000;

const CHUNKED: &str = "\u{1}oauth-console-parts:";

impl Keychain {
    pub fn new(service: &str) -> Keychain {
        Keychain {
            service: service.to_owned(),
            #[cfg(target_os = "linux")]
            connection: Default::default(),
        }
    }

    #[cfg(target_os = "linux")]
    fn read(&self, account: &str) -> std::result::Result<Option<String>, StoreFailure> {
        self.connection.read(&self.service, account)
    }

    #[cfg(target_os = "linux")]
    fn write(&self, account: &str, value: &str) -> std::result::Result<(), StoreFailure> {
        self.connection.write(&self.service, account, value)
    }

    #[cfg(target_os = "linux")]
    fn remove(&self, account: &str) -> std::result::Result<(), StoreFailure> {
        self.connection.remove(&self.service, account)
    }

    #[cfg(not(target_os = "linux"))]
    fn entry(&self, account: &str) -> std::result::Result<keyring::Entry, StoreFailure> {
        keyring::Entry::new(&self.service, account).map_err(failure)
    }

    #[cfg(not(target_os = "linux"))]
    fn read(&self, account: &str) -> std::result::Result<Option<String>, StoreFailure> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(failure(e)),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn write(&self, account: &str, value: &str) -> std::result::Result<(), StoreFailure> {
        self.entry(account)?.set_password(value).map_err(failure)
    }

    #[cfg(not(target_os = "linux"))]
    fn remove(&self, account: &str) -> std::result::Result<(), StoreFailure> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(failure(e)),
        }
    }

    /// How many parts the value at `account` is stored in (0: one entry).
    fn parts(&self, account: &str) -> std::result::Result<usize, StoreFailure> {
        Ok(self
            .read(account)?
            .as_deref()
            .and_then(part_count)
            .unwrap_or(0))
    }
}

impl SecretStore for Keychain {
    fn get(&self, account: &str) -> std::result::Result<Option<Secret>, StoreFailure> {
        let Some(head) = self.read(account)? else {
            return Ok(None);
        };
        let Some(count) = part_count(&head) else {
            return Ok(Some(Secret::new(head)));
        };
        let mut value = String::new();
        for i in 0..count {
            match self.read(&part_account(account, i))? {
                Some(part) => value.push_str(&part),
                None => {
                    return Err(StoreFailure::Failed(format!(
                        "part {} of {count} of the entry {account} is missing",
                        i + 1
                    )))
                }
            }
        }
        Ok(Some(Secret::new(value)))
    }

    fn set(&self, account: &str, secret: &Secret) -> std::result::Result<(), StoreFailure> {
        let old = self.parts(account)?;
        let value = secret.expose();
        let new = if value.len() <= CHUNK_BYTES && part_count(value).is_none() {
            self.write(account, value)?;
            0
        } else {
            let parts = split(value, CHUNK_BYTES);
            for (i, part) in parts.iter().enumerate() {
                self.write(&part_account(account, i), part)?;
            }
            self.write(account, &format!("{CHUNKED}{}", parts.len()))?;
            parts.len()
        };
        for i in new..old {
            self.remove(&part_account(account, i))?;
        }
        Ok(())
    }

    fn delete(&self, account: &str) -> std::result::Result<(), StoreFailure> {
        let count = self.parts(account)?;
        self.remove(account)?;
        for i in 0..count {
            self.remove(&part_account(account, i))?;
        }
        Ok(())
    }
}

#[cfg(not(target_os = "linux"))]
fn failure(error: keyring::Error) -> StoreFailure {
    match error {
        keyring::Error::NoStorageAccess(e) => {
            StoreFailure::Unavailable(format!("the keychain is locked or refused access ({e})"))
        }
        keyring::Error::PlatformFailure(e) => {
            StoreFailure::Unavailable(format!("no keychain could be reached ({e})"))
        }
        other => StoreFailure::Failed(other.to_string()),
    }
}

fn part_account(account: &str, index: usize) -> String {
    format!("{account}#{index}")
}

fn part_count(head: &str) -> Option<usize> {
    head.strip_prefix(CHUNKED)?.parse().ok()
}

/// `value` cut into parts of at most `max` bytes, at character boundaries.
fn split(value: &str, max: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let mut end = rest.len().min(max);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            // A single character longer than `max`: keep it whole.
            end = rest
                .chars()
                .next()
                .map(char::len_utf8)
                .unwrap_or(rest.len());
        }
        parts.push(&rest[..end]);
        rest = &rest[end..];
    }
    parts
}

/// Secrets in memory: the session's secrets in [`Vault`], and the whole
/// store in tests.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Secret>>,
}

impl MemoryStore {
    fn entries(&self) -> MutexGuard<'_, HashMap<String, Secret>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> std::result::Result<Option<Secret>, StoreFailure> {
        Ok(self.entries().get(account).cloned())
    }

    fn set(&self, account: &str, secret: &Secret) -> std::result::Result<(), StoreFailure> {
        self.entries().insert(account.to_owned(), secret.clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> std::result::Result<(), StoreFailure> {
        self.entries().remove(account);
        Ok(())
    }
}

/// Whether secrets outlive the session; the UI shows a banner when not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum KeychainStatus {
    Available,
    Unavailable { reason: String },
}

impl KeychainStatus {
    /// The banner's text, when there is one.
    pub fn notice(&self) -> Option<super::Notice> {
        match self {
            KeychainStatus::Available => None,
            KeychainStatus::Unavailable { reason } => Some(super::Notice {
                code: "keychain_unavailable".into(),
                message: format!("Secrets are kept for this session only: {reason}."),
                hint: Some("Unlock or set up the system keychain (Passwords and Keys on Linux, Keychain Access on macOS, Credential Manager on Windows) and restart OAuth Console to keep secrets between sessions. Nothing is written to disk in plain text.".into()),
            }),
        }
    }
}

/// Where a secret was put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kept {
    Keychain,
    /// In memory until the app quits.
    Session,
}

/// What became of a deletion from the keychain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Removal {
    /// Gone from the keychain (or it was never there).
    Done,
    /// The keychain is unavailable, so the entry is still in it; the
    /// deletion is queued and done when the keychain answers again
    /// ([`Vault::check`]). Never reported as done.
    Pending,
}

impl Removal {
    /// `Pending` if either is.
    pub fn and(self, other: Removal) -> Removal {
        if self == Removal::Pending || other == Removal::Pending {
            Removal::Pending
        } else {
            Removal::Done
        }
    }
}

impl Removal {
    /// What the user is told when the deletion of `what` (e.g. "the saved
    /// password") waits for the keychain.
    pub fn notice(self, what: &str) -> Option<super::Notice> {
        (self == Removal::Pending).then(|| super::Notice {
            code: "keychain_deletion_pending".into(),
            message: format!("{what} is still in the system keychain: the keychain is unavailable, so it could not be removed yet. OAuth Console removes it as soon as the keychain is available again."),
            hint: Some("Unlock or start the system keychain (Passwords and Keys on Linux, Keychain Access on macOS, Credential Manager on Windows); the removal is retried at the next start too.".into()),
        })
    }
}

/// The app's secrets: the keychain while it works, memory for the session
/// once it does not, and memory only for secrets the user did not ask to
/// remember (the password).
pub struct Vault {
    store: Arc<dyn SecretStore>,
    session: MemoryStore,
    unavailable: Mutex<Option<String>>,
    /// Accounts to delete from the keychain once it answers again.
    pending: Mutex<BTreeSet<String>>,
    timeout: Duration,
}

impl Vault {
    /// The OS keychain under [`SERVICE`].
    pub fn keychain() -> Vault {
        Vault::new(Keychain::new(SERVICE), KEYCHAIN_TIMEOUT)
    }

    /// A vault over `store`, each call bounded by `timeout`.
    pub fn new(store: impl SecretStore + 'static, timeout: Duration) -> Vault {
        Vault {
            store: Arc::new(store),
            session: MemoryStore::default(),
            unavailable: Mutex::new(None),
            pending: Mutex::new(BTreeSet::new()),
            timeout,
        }
    }

    pub fn status(&self) -> KeychainStatus {
        match self.unavailable().as_ref() {
            None => KeychainStatus::Available,
            Some(reason) => KeychainStatus::Unavailable {
                reason: reason.clone(),
            },
        }
    }

    /// Reaches the keychain (reading an entry that does not exist), so the
    /// app can tell at start whether secrets will outlive the session. When
    /// it answers, even after it was unavailable, it counts as available
    /// again and the queued deletions are done.
    pub fn check(&self) -> KeychainStatus {
        match self.call(|store| store.get("probe")) {
            Ok(_) => {
                *self.unavailable() = None;
                self.retry_pending();
            }
            Err(StoreFailure::Unavailable(reason)) => self.mark_unavailable(reason),
            Err(StoreFailure::Failed(_)) => {}
        }
        self.status()
    }

    /// Keychain accounts whose deletion waits for the keychain.
    pub fn pending(&self) -> Vec<String> {
        self.pending_set().iter().cloned().collect()
    }

    /// Queues deletions left by an earlier session (the settings file keeps
    /// their account names, never values).
    pub fn queue_deletions(&self, accounts: impl IntoIterator<Item = String>) {
        self.pending_set().extend(accounts);
    }

    /// Forgets `accounts` at once and queues their deletion from the
    /// keychain, without a keychain call: their in-memory copies go, and a
    /// queued account reads as absent even while the keychain still holds
    /// it. The first step of a removal made under the store's lock; then
    /// [`Vault::delete_queued`] without it.
    pub fn forget_later(&self, accounts: impl IntoIterator<Item = String>) {
        let mut pending = self.pending_set();
        for account in accounts {
            let _ = self.session.delete(&account);
            pending.insert(account);
        }
    }

    /// Deletes from the keychain those of `accounts` that are still queued
    /// ([`Vault::forget_later`]). Keychain calls only: hold no store lock
    /// across this. [`Removal::Pending`] when one of them is still in the
    /// keychain (unavailable, or it refused): it stays queued and is retried.
    pub fn delete_queued(&self, accounts: &[String]) -> Removal {
        let mut removal = Removal::Done;
        for account in accounts {
            if !self.pending_set().contains(account) {
                continue;
            }
            removal = removal.and(self.delete_from_store(account).unwrap_or(Removal::Pending));
        }
        removal
    }

    /// Tries the queued deletions; those the keychain did are dropped from
    /// the queue. Stops at the first sign that the keychain is unavailable.
    pub fn retry_pending(&self) {
        for account in self.pending() {
            let owned = account.clone();
            match self.call(move |store| store.delete(&owned)) {
                Ok(()) => {
                    self.pending_set().remove(&account);
                }
                Err(StoreFailure::Unavailable(reason)) => {
                    self.mark_unavailable(reason);
                    return;
                }
                Err(StoreFailure::Failed(_)) => {}
            }
        }
    }

    /// Keeps a profile's secret in the keychain (or, when it is unavailable,
    /// for the session).
    pub fn put(&self, profile_id: &str, kind: SecretKind, secret: &Secret) -> Result<Kept> {
        self.put_account(&profile_account(profile_id, kind), secret)
    }

    /// Keeps a profile's secret in memory only, and removes any copy from
    /// the keychain: a password the user did not ask to remember. Says
    /// whether the keychain copy is gone or its deletion waits.
    pub fn put_for_session(
        &self,
        profile_id: &str,
        kind: SecretKind,
        secret: &Secret,
    ) -> Result<Removal> {
        let account = profile_account(profile_id, kind);
        let removal = self.delete_from_store(&account)?;
        let _ = self.session.set(&account, secret);
        Ok(removal)
    }

    pub fn get(&self, profile_id: &str, kind: SecretKind) -> Result<Option<Secret>> {
        self.get_account(&profile_account(profile_id, kind))
    }

    pub fn delete(&self, profile_id: &str, kind: SecretKind) -> Result<Removal> {
        self.delete_account(&profile_account(profile_id, kind))
    }

    /// Whether the secret of this kind is held for the session only.
    pub fn is_session_only(&self, profile_id: &str, kind: SecretKind) -> bool {
        matches!(
            self.session.get(&profile_account(profile_id, kind)),
            Ok(Some(_))
        )
    }

    pub(crate) fn put_account(&self, account: &str, secret: &Secret) -> Result<Kept> {
        if self.is_available() {
            let owned = (account.to_owned(), secret.clone());
            match self.call(move |store| store.set(&owned.0, &owned.1)) {
                Ok(()) => {
                    let _ = self.session.delete(account);
                    // A new value: the queued deletion of the old one must
                    // not remove it.
                    self.pending_set().remove(account);
                    return Ok(Kept::Keychain);
                }
                Err(StoreFailure::Unavailable(reason)) => self.mark_unavailable(reason),
                Err(StoreFailure::Failed(detail)) => return Err(Error::Keychain { detail }),
            }
        }
        let _ = self.session.set(account, secret);
        Ok(Kept::Session)
    }

    pub(crate) fn get_account(&self, account: &str) -> Result<Option<Secret>> {
        if let Ok(Some(secret)) = self.session.get(account) {
            return Ok(Some(secret));
        }
        if !self.is_available() || self.pending_set().contains(account) {
            // Forgotten by the user, even if the keychain still holds it.
            return Ok(None);
        }
        let owned = account.to_owned();
        match self.call(move |store| store.get(&owned)) {
            Ok(secret) => Ok(secret),
            Err(StoreFailure::Unavailable(reason)) => {
                self.mark_unavailable(reason);
                Ok(None)
            }
            Err(StoreFailure::Failed(detail)) => Err(Error::Keychain { detail }),
        }
    }

    pub(crate) fn delete_account(&self, account: &str) -> Result<Removal> {
        let _ = self.session.delete(account);
        self.delete_from_store(account)
    }

    /// Deletes the keychain entry, or queues its deletion when the keychain
    /// is unavailable (then it is still there: [`Removal::Pending`]).
    fn delete_from_store(&self, account: &str) -> Result<Removal> {
        if self.is_available() {
            let owned = account.to_owned();
            match self.call(move |store| store.delete(&owned)) {
                Ok(()) => {
                    self.pending_set().remove(account);
                    return Ok(Removal::Done);
                }
                Err(StoreFailure::Unavailable(reason)) => self.mark_unavailable(reason),
                Err(StoreFailure::Failed(detail)) => return Err(Error::Keychain { detail }),
            }
        }
        self.pending_set().insert(account.to_owned());
        Ok(Removal::Pending)
    }

    fn pending_set(&self) -> MutexGuard<'_, BTreeSet<String>> {
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `op` on its own thread and waits at most `timeout`: a keychain
    /// waiting for a password prompt must not hang the app.
    fn call<T, F>(&self, op: F) -> std::result::Result<T, StoreFailure>
    where
        T: Send + 'static,
        F: FnOnce(&dyn SecretStore) -> std::result::Result<T, StoreFailure> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        let (tx, rx) = mpsc::channel();
        thread::Builder::new()
            .name("keychain".into())
            .spawn(move || {
                let _ = tx.send(op(store.as_ref()));
            })
            .map_err(|e| {
                StoreFailure::Unavailable(format!("could not start a keychain call ({e})"))
            })?;
        match rx.recv_timeout(self.timeout) {
            Ok(outcome) => outcome,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(StoreFailure::Unavailable(format!(
                "the keychain did not answer within {} s; it may be locked and waiting for its password",
                self.timeout.as_secs_f32()
            ))),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(StoreFailure::Unavailable("the keychain call stopped without an answer".into())),
        }
    }

    fn is_available(&self) -> bool {
        self.unavailable().is_none()
    }

    fn mark_unavailable(&self, reason: String) {
        let mut unavailable = self.unavailable();
        if unavailable.is_none() {
            *unavailable = Some(reason);
        }
    }

    fn unavailable(&self) -> MutexGuard<'_, Option<String>> {
        self.unavailable
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A keychain that always answers with `failure`.
    struct Refusing(StoreFailure);

    impl SecretStore for Refusing {
        fn get(&self, _: &str) -> std::result::Result<Option<Secret>, StoreFailure> {
            Err(self.0.clone())
        }
        fn set(&self, _: &str, _: &Secret) -> std::result::Result<(), StoreFailure> {
            Err(self.0.clone())
        }
        fn delete(&self, _: &str) -> std::result::Result<(), StoreFailure> {
            Err(self.0.clone())
        }
    }

    /// A keychain that waits for a prompt nobody answers.
    struct Hanging;

    impl SecretStore for Hanging {
        fn get(&self, _: &str) -> std::result::Result<Option<Secret>, StoreFailure> {
            thread::sleep(Duration::from_secs(5));
            Ok(None)
        }
        fn set(&self, _: &str, _: &Secret) -> std::result::Result<(), StoreFailure> {
            thread::sleep(Duration::from_secs(5));
            Ok(())
        }
        fn delete(&self, _: &str) -> std::result::Result<(), StoreFailure> {
            Ok(())
        }
    }

    fn fake() -> Secret {
        Secret::new("fake-client-secret")
    }

    #[test]
    fn secrets_go_to_the_store_under_profile_and_kind() {
        let vault = Vault::new(MemoryStore::default(), KEYCHAIN_TIMEOUT);
        assert_eq!(
            vault.put("p1", SecretKind::ClientSecret, &fake()).unwrap(),
            Kept::Keychain
        );
        assert_eq!(
            vault.get("p1", SecretKind::ClientSecret).unwrap(),
            Some(fake())
        );
        assert_eq!(
            vault.get("p2", SecretKind::ClientSecret).unwrap(),
            None,
            "a missing entry is None"
        );
        vault.delete("p1", SecretKind::ClientSecret).unwrap();
        assert_eq!(vault.get("p1", SecretKind::ClientSecret).unwrap(), None);
        vault
            .delete("p1", SecretKind::ClientSecret)
            .expect("deleting twice is fine");
        assert_eq!(vault.status(), KeychainStatus::Available);
    }

    #[test]
    fn account_names_follow_the_documented_scheme() {
        assert_eq!(
            profile_account("abc", SecretKind::ClientSecret),
            "abc/client_secret"
        );
        assert_eq!(
            token_account("abc", "t1", SecretKind::IdToken),
            "abc/token/t1/id_token"
        );
    }

    #[test]
    fn a_locked_keychain_switches_to_memory_for_the_session_and_says_so() {
        let vault = Vault::new(
            Refusing(StoreFailure::Unavailable("the keychain is locked".into())),
            KEYCHAIN_TIMEOUT,
        );
        assert_eq!(
            vault.put("p", SecretKind::Password, &fake()).unwrap(),
            Kept::Session
        );
        assert_eq!(
            vault.get("p", SecretKind::Password).unwrap(),
            Some(fake()),
            "kept in memory"
        );
        let status = vault.status();
        assert_eq!(
            status,
            KeychainStatus::Unavailable {
                reason: "the keychain is locked".into()
            }
        );
        let notice = status.notice().expect("the UI shows a banner");
        assert_eq!(notice.code, "keychain_unavailable");
        assert!(
            notice.message.contains("this session only"),
            "{}",
            notice.message
        );
        assert!(!notice.message.contains("fake-client-secret"));
        vault.delete("p", SecretKind::Password).unwrap();
        assert_eq!(vault.get("p", SecretKind::Password).unwrap(), None);
    }

    #[test]
    fn a_missing_keychain_is_found_by_the_start_up_check() {
        let vault = Vault::new(
            Refusing(StoreFailure::Unavailable(
                "no keychain could be reached".into(),
            )),
            KEYCHAIN_TIMEOUT,
        );
        assert!(
            matches!(vault.check(), KeychainStatus::Unavailable { reason } if reason.contains("no keychain"))
        );
    }

    #[test]
    fn a_keychain_that_does_not_answer_counts_as_unavailable() {
        let vault = Vault::new(Hanging, Duration::from_millis(100));
        let started = std::time::Instant::now();
        assert_eq!(
            vault.put("p", SecretKind::AccessToken, &fake()).unwrap(),
            Kept::Session
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the timeout bounds the wait"
        );
        assert!(
            matches!(vault.status(), KeychainStatus::Unavailable { reason } if reason.contains("did not answer"))
        );
        assert_eq!(
            vault.get("p", SecretKind::AccessToken).unwrap(),
            Some(fake())
        );
    }

    #[test]
    fn a_failure_of_one_entry_is_an_error_and_not_a_fallback() {
        let vault = Vault::new(
            Refusing(StoreFailure::Failed("Data is not UTF-8 encoded".into())),
            KEYCHAIN_TIMEOUT,
        );
        let err = vault.get("p", SecretKind::ClientSecret).unwrap_err();
        assert_eq!(err.code(), "keychain");
        assert!(err.hint().unwrap().contains("dev.oauthconsole.desktop"));
        assert_eq!(vault.status(), KeychainStatus::Available);
    }

    #[test]
    fn a_session_only_secret_leaves_the_keychain_and_stays_in_memory() {
        let vault = Vault::new(MemoryStore::default(), KEYCHAIN_TIMEOUT);
        vault.put("p", SecretKind::Password, &fake()).unwrap();
        vault
            .put_for_session("p", SecretKind::Password, &Secret::new("fake-newer"))
            .unwrap();
        assert!(vault.is_session_only("p", SecretKind::Password));
        assert_eq!(
            vault.get("p", SecretKind::Password).unwrap(),
            Some(Secret::new("fake-newer"))
        );
        let store = &vault.store;
        assert_eq!(
            store.get("p/password").unwrap(),
            None,
            "no copy is left in the keychain"
        );
        vault.put("p", SecretKind::Password, &fake()).unwrap();
        assert!(
            !vault.is_session_only("p", SecretKind::Password),
            "remembering it moves it to the keychain"
        );
    }

    #[test]
    fn long_values_are_split_at_character_boundaries() {
        let value = "ab€".repeat(500);
        let parts = split(&value, CHUNK_BYTES);
        assert!(parts.iter().all(|p| p.len() <= CHUNK_BYTES));
        assert_eq!(parts.concat(), value);
        assert_eq!(split("", 10), Vec::<&str>::new());
        assert_eq!(split("€", 1), ["€"], "a character is never cut");
        assert_eq!(part_count(&format!("{CHUNKED}3")), Some(3));
        assert_eq!(part_count("eyJ.fake"), None);
    }

    #[test]
    #[cfg(not(target_os = "linux"))]
    fn keyring_errors_map_to_unavailable_or_failed() {
        let locked = failure(keyring::Error::NoStorageAccess("locked".into()));
        assert!(matches!(locked, StoreFailure::Unavailable(r) if r.contains("locked")));
        let missing = failure(keyring::Error::PlatformFailure("no bus".into()));
        assert!(matches!(missing, StoreFailure::Unavailable(r) if r.contains("no keychain")));
        assert!(matches!(
            failure(keyring::Error::BadEncoding(vec![0xff])),
            StoreFailure::Failed(_)
        ));
    }
}
