//! Saved tokens (Manage Tokens): the tokens obtained per profile survive a
//! restart. Their values (access, refresh and ID token) go to the vault under
//! `<profile id>/token/<token id>/<kind>`; what the list shows (name, type,
//! scope, times, whether there is a refresh token) is non-secret and goes to
//! the settings file with the profile.
//!
//! Expiry is computed from `now`, which the caller passes in.

use super::file::readable_utc;
use super::profile::{lenient, new_id, GrantType};
use super::vault::{token_account, Kept, Removal, SecretKind, Vault};
use super::ProfileStore;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::token::Token;
use serde::{Deserialize, Serialize};
use serde_json::Map;
use std::time::SystemTime;

/// The kinds of secret a saved token has.
pub(crate) const TOKEN_KINDS: [SecretKind; 3] = [
    SecretKind::AccessToken,
    SecretKind::RefreshToken,
    SecretKind::IdToken,
];

/// A saved token as the settings file holds it: everything but its values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TokenMeta {
    pub id: String,
    /// Editable; defaults to the grant and the time it was issued.
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub grant_type: GrantType,
    pub token_type: String,
    pub scope: Option<String>,
    /// Unix seconds.
    pub issued_at: u64,
    /// Unix seconds; `None` when the server did not say.
    pub expires_at: Option<u64>,
    pub has_refresh_token: bool,
    pub has_id_token: bool,
    /// Its values were kept in memory only (the keychain was unavailable),
    /// so it is dropped at the next start.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub session_only: bool,
    /// Its access token was revoked at the server (Revoke): kept for the
    /// record, never offered by Use Token again.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub revoked: bool,
}

impl TokenMeta {
    pub fn is_expired(&self, now: SystemTime) -> bool {
        matches!(self.expires_at, Some(at) if at <= super::file::unix_seconds(now))
    }
}

/// A row of Manage Tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenSummary {
    #[serde(flatten)]
    pub meta: TokenMeta,
    pub expired: bool,
    /// Seconds left at `now` (0 once expired); `None` when the server did
    /// not say. The UI counts down from `expiresAt` to keep it live.
    pub expires_in: Option<u64>,
}

/// The one name a new token gets, in the session and in Manage Tokens:
/// the grant as the grant menu says it and the time of issue, in UTC.
pub fn token_name(grant: &str, issued_at: u64) -> String {
    format!("{grant} {}", readable_utc(issued_at))
}

impl ProfileStore {
    /// The profile's saved tokens, newest first, with their expiry at `now`.
    pub fn tokens(&self, profile_id: &str, now: SystemTime) -> Result<Vec<TokenSummary>> {
        let now_seconds = super::file::unix_seconds(now);
        let mut list: Vec<TokenSummary> = self
            .profile(profile_id)?
            .tokens
            .iter()
            .map(|meta| TokenSummary {
                expired: meta.is_expired(now),
                expires_in: meta.expires_at.map(|at| at.saturating_sub(now_seconds)),
                meta: meta.clone(),
            })
            .collect();
        list.sort_by_key(|t| std::cmp::Reverse(t.meta.issued_at));
        Ok(list)
    }

    /// Saves `token` for the profile: its values in the vault, the rest in
    /// the file. `name` defaults to the grant and the time of issue.
    ///
    /// This holds `self` across keychain calls; the app, whose store sits
    /// behind a lock, uses the three steps instead: [`Self::plan_token`]
    /// (locked), [`write_token`] (not locked), [`Self::commit_token`]
    /// (locked), and [`forget_token`] (not locked) when the commit fails.
    pub fn save_token(
        &mut self,
        vault: &Vault,
        profile_id: &str,
        token: &Token,
        name: Option<&str>,
    ) -> Result<TokenMeta> {
        let mut planned = self.plan_token(profile_id, token, name)?;
        write_token(vault, &mut planned, token)?;
        self.commit_token(vault, planned.clone()).inspect_err(|_| {
            forget_token(vault, &planned);
        })
    }

    /// The first step of [`Self::save_token`]: the saved token's id, name
    /// and metadata. No keychain call.
    pub fn plan_token(&self, profile_id: &str, token: &Token, name: Option<&str>) -> Result<NewToken> {
        let grant_type = self.profile(profile_id)?.grant_type;
        let id = new_id()?;
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => name.to_owned(),
            None => token_name(grant_type.label(), token.issued_at),
        };
        let meta = TokenMeta {
            id,
            name,
            grant_type,
            ..meta_of(token)
        };
        Ok(NewToken {
            profile_id: profile_id.to_owned(),
            meta,
        })
    }

    /// The last step of [`Self::save_token`]: adds the token to the file.
    /// No keychain call; when it fails (or the profile was deleted since
    /// the plan), call [`forget_token`] without the lock.
    pub fn commit_token(&mut self, vault: &Vault, planned: NewToken) -> Result<TokenMeta> {
        let mut data = self.data.clone();
        let profile = data
            .profile_mut(&planned.profile_id)
            .ok_or_else(|| super::not_found(&planned.profile_id))?;
        profile.tokens.push(planned.meta.clone());
        data.pending_deletions = vault.pending();
        self.save(data)?;
        Ok(planned.meta)
    }

    /// The saved token with its values from the vault, or `None` when its
    /// access token is no longer there (removed from the keychain by hand).
    /// Fields of the response other than the standard ones are not kept.
    /// The app copies [`Self::token_meta_of`] under the store's lock and
    /// reads with [`read_token`] without it.
    pub fn load_token(
        &self,
        vault: &Vault,
        profile_id: &str,
        token_id: &str,
    ) -> Result<Option<Token>> {
        read_token(vault, profile_id, self.token_meta(profile_id, token_id)?)
    }

    /// A copy of the saved token's metadata. No keychain call.
    pub fn token_meta_of(&self, profile_id: &str, token_id: &str) -> Result<TokenMeta> {
        self.token_meta(profile_id, token_id).cloned()
    }

    /// After a refresh: the saved token `token_id` now holds `token`, under
    /// the same id and name. Its values are overwritten in the vault (a
    /// rotated refresh token replaces the old one; a value the new token
    /// lacks is removed) and its metadata in the file. An error is returned,
    /// never swallowed: the caller tells the user that the saved copy may be
    /// out of date.
    ///
    /// The app's steps: [`Self::token_meta_of`] (locked),
    /// [`write_replacement`] (not locked), [`Self::commit_replacement`]
    /// (locked).
    pub fn replace_token(
        &mut self,
        vault: &Vault,
        profile_id: &str,
        token_id: &str,
        token: &Token,
    ) -> Result<TokenMeta> {
        let before = self.token_meta_of(profile_id, token_id)?;
        let after = write_replacement(vault, profile_id, &before, token)?;
        self.commit_replacement(vault, profile_id, after)
    }

    /// The last step of [`Self::replace_token`]: the new metadata in the
    /// file. No keychain call. A token deleted since the values were written
    /// is not brought back: the values just written are queued for deletion.
    pub fn commit_replacement(&mut self, vault: &Vault, profile_id: &str, meta: TokenMeta) -> Result<TokenMeta> {
        let mut data = self.data.clone();
        match stored_meta(&mut data, profile_id, &meta.id) {
            Some(stored) => *stored = meta.clone(),
            None => {
                let accounts = TOKEN_KINDS.iter().map(|kind| token_account(profile_id, &meta.id, *kind));
                vault.forget_later(accounts);
                self.record_pending(vault)?;
                return Err(Error::NotFound {
                    what: "saved token",
                    id: meta.id,
                });
            }
        }
        data.pending_deletions = vault.pending();
        self.save(data)?;
        Ok(meta)
    }

    pub fn rename_token(&mut self, profile_id: &str, token_id: &str, name: &str) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::MissingField {
                field: "Token name",
            });
        }
        self.token_meta(profile_id, token_id)?;
        let mut data = self.data.clone();
        if let Some(token) = stored_meta(&mut data, profile_id, token_id) {
            token.name = name.to_owned();
        }
        self.save(data)
    }

    /// Marks a saved token's access token revoked (Revoke).
    pub fn mark_token_revoked(&mut self, profile_id: &str, token_id: &str) -> Result<()> {
        self.token_meta(profile_id, token_id)?;
        let mut data = self.data.clone();
        if let Some(token) = stored_meta(&mut data, profile_id, token_id) {
            token.revoked = true;
        }
        self.save(data)
    }

    /// Removes a saved token and its values.
    /// [`Removal::Pending`] when the keychain is unavailable: the values are
    /// still in it until it is back (the deletion is queued).
    ///
    /// The app's steps: [`Self::remove_token`] (locked),
    /// [`Vault::delete_queued`] (not locked), [`Self::record_pending`]
    /// (locked).
    pub fn delete_token(
        &mut self,
        vault: &Vault,
        profile_id: &str,
        token_id: &str,
    ) -> Result<Removal> {
        let accounts = self.remove_token(vault, profile_id, token_id)?;
        let removal = vault.delete_queued(&accounts);
        self.record_pending(vault)?;
        Ok(removal)
    }

    /// The first step of [`Self::delete_token`]: the token leaves the file,
    /// and its values are forgotten and queued for deletion from the
    /// keychain (the file records the queue, so a crash before the deletion
    /// still removes them at the next start). Returns the queued accounts.
    /// No keychain call.
    pub fn remove_token(&mut self, vault: &Vault, profile_id: &str, token_id: &str) -> Result<Vec<String>> {
        self.token_meta(profile_id, token_id)?;
        self.remove_tokens(vault, profile_id, &[token_id.to_owned()])
    }

    /// Removes the profile's tokens that expired by `now`; returns their ids.
    /// The app's steps: [`Self::remove_expired`] (locked),
    /// [`Vault::delete_queued`] (not locked), [`Self::record_pending`]
    /// (locked).
    pub fn delete_expired(
        &mut self,
        vault: &Vault,
        profile_id: &str,
        now: SystemTime,
    ) -> Result<Vec<String>> {
        let (expired, accounts) = self.remove_expired(vault, profile_id, now)?;
        vault.delete_queued(&accounts);
        self.record_pending(vault)?;
        Ok(expired)
    }

    /// The first step of [`Self::delete_expired`]: the expired tokens' ids,
    /// and the accounts of their values, queued as in [`Self::remove_token`].
    /// No keychain call.
    pub fn remove_expired(
        &mut self,
        vault: &Vault,
        profile_id: &str,
        now: SystemTime,
    ) -> Result<(Vec<String>, Vec<String>)> {
        let expired: Vec<String> = self
            .profile(profile_id)?
            .tokens
            .iter()
            .filter(|t| t.is_expired(now))
            .map(|t| t.id.clone())
            .collect();
        if expired.is_empty() {
            return Ok((expired, Vec::new()));
        }
        let accounts = self.remove_tokens(vault, profile_id, &expired)?;
        Ok((expired, accounts))
    }

    /// Takes `ids` out of the profile's tokens, their accounts queued for
    /// deletion and recorded in the file. No keychain call.
    fn remove_tokens(&mut self, vault: &Vault, profile_id: &str, ids: &[String]) -> Result<Vec<String>> {
        let accounts: Vec<String> = ids
            .iter()
            .flat_map(|id| TOKEN_KINDS.iter().map(move |kind| token_account(profile_id, id, *kind)))
            .collect();
        let mut data = self.data.clone();
        if let Some(profile) = data.profile_mut(profile_id) {
            profile.tokens.retain(|t| !ids.contains(&t.id));
        }
        data.pending_deletions = super::with_queued(vault, &accounts);
        self.save(data)?;
        vault.forget_later(accounts.iter().cloned());
        Ok(accounts)
    }

    fn token_meta(&self, profile_id: &str, token_id: &str) -> Result<&TokenMeta> {
        self.profile(profile_id)?
            .tokens
            .iter()
            .find(|t| t.id == token_id)
            .ok_or_else(|| Error::NotFound {
                what: "saved token",
                id: token_id.to_owned(),
            })
    }
}

/// A token's values by kind, as the vault keeps them.
fn token_values(token: &Token) -> [(SecretKind, Option<&Secret>); 3] {
    [
        (SecretKind::AccessToken, Some(&token.access_token)),
        (SecretKind::RefreshToken, token.refresh_token.as_ref()),
        (SecretKind::IdToken, token.id_token.as_ref()),
    ]
}

/// A token planned for saving ([`ProfileStore::plan_token`]): its metadata
/// and profile. Holds no value.
#[derive(Debug, Clone)]
pub struct NewToken {
    profile_id: String,
    meta: TokenMeta,
}

impl NewToken {
    pub fn id(&self) -> &str {
        &self.meta.id
    }
}

/// The metadata a token's response gives (id, name and grant aside).
fn meta_of(token: &Token) -> TokenMeta {
    TokenMeta {
        token_type: token.token_type.clone(),
        scope: token.scope.clone(),
        issued_at: token.issued_at,
        expires_at: token.expires_at,
        has_refresh_token: token.refresh_token.is_some(),
        has_id_token: token.id_token.is_some(),
        ..TokenMeta::default()
    }
}

/// The second step of [`ProfileStore::save_token`]: the token's values in
/// the vault. Keychain calls only: hold no store lock across this. On an
/// error the values written so far are removed again.
pub fn write_token(vault: &Vault, planned: &mut NewToken, token: &Token) -> Result<()> {
    let mut session_only = false;
    for (kind, value) in token_values(token) {
        let Some(value) = value else { continue };
        match vault.put_account(&token_account(&planned.profile_id, &planned.meta.id, kind), value) {
            Ok(kept) => session_only |= kept == Kept::Session,
            Err(e) => {
                forget_token(vault, planned);
                return Err(e);
            }
        }
    }
    planned.meta.session_only = session_only;
    Ok(())
}

/// Removes the values of a token whose save did not complete. Keychain
/// calls only, best effort: the first error is the one the user sees.
pub fn forget_token(vault: &Vault, planned: &NewToken) {
    forget_values(vault, &planned.profile_id, &planned.meta.id);
}

/// The saved token `meta` with its values from the vault (see
/// [`ProfileStore::load_token`]). Keychain calls only: hold no store lock
/// across this.
pub fn read_token(vault: &Vault, profile_id: &str, meta: &TokenMeta) -> Result<Option<Token>> {
    let Some(access_token) = vault.get_account(&token_account(profile_id, &meta.id, SecretKind::AccessToken))?
    else {
        return Ok(None);
    };
    let optional = |has: bool, kind: SecretKind| -> Result<Option<Secret>> {
        if has {
            vault.get_account(&token_account(profile_id, &meta.id, kind))
        } else {
            Ok(None)
        }
    };
    Ok(Some(Token {
        access_token,
        token_type: meta.token_type.clone(),
        expires_in: meta.expires_at.map(|at| at.saturating_sub(meta.issued_at)),
        issued_at: meta.issued_at,
        expires_at: meta.expires_at,
        scope: meta.scope.clone(),
        refresh_token: optional(meta.has_refresh_token, SecretKind::RefreshToken)?,
        id_token: optional(meta.has_id_token, SecretKind::IdToken)?,
        extra: Map::new(),
        warnings: Vec::new(),
        id_token_check: None,
    }))
}

/// The second step of [`ProfileStore::replace_token`]: the new values over
/// the old ones in the vault (a value the new token lacks is removed), and
/// the metadata to commit. Keychain calls only: hold no store lock across
/// this.
pub fn write_replacement(vault: &Vault, profile_id: &str, before: &TokenMeta, token: &Token) -> Result<TokenMeta> {
    let mut session_only = false;
    for (kind, value) in token_values(token) {
        let account = token_account(profile_id, &before.id, kind);
        match value {
            Some(value) => session_only |= vault.put_account(&account, value)? == Kept::Session,
            None => {
                vault.delete_account(&account)?;
            }
        }
    }
    Ok(TokenMeta {
        id: before.id.clone(),
        name: before.name.clone(),
        grant_type: before.grant_type,
        session_only,
        ..meta_of(token)
    })
}

/// The saved token's entry in `data`, to change it before a save.
fn stored_meta<'a>(
    data: &'a mut super::AppData,
    profile_id: &str,
    token_id: &str,
) -> Option<&'a mut TokenMeta> {
    data.profile_mut(profile_id)
        .and_then(|p| p.tokens.iter_mut().find(|t| t.id == token_id))
}

fn forget_values(vault: &Vault, profile_id: &str, token_id: &str) {
    for kind in TOKEN_KINDS {
        let _ = vault.delete_account(&token_account(profile_id, token_id, kind));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn meta(expires_at: Option<u64>) -> TokenMeta {
        TokenMeta {
            expires_at,
            ..TokenMeta::default()
        }
    }

    #[test]
    fn a_token_is_expired_from_its_expiry_second_on() {
        let at = |s| UNIX_EPOCH + Duration::from_secs(s);
        assert!(!meta(Some(100)).is_expired(at(99)));
        assert!(meta(Some(100)).is_expired(at(100)));
        assert!(
            !meta(None).is_expired(at(u32::MAX as u64)),
            "no expiry given means never shown as expired"
        );
    }

    #[test]
    fn session_only_is_written_only_when_true() {
        let value = serde_json::to_value(meta(None)).unwrap();
        assert!(value.get("sessionOnly").is_none());
        assert_eq!(value["hasRefreshToken"], false);
        let value = serde_json::to_value(TokenMeta {
            session_only: true,
            ..meta(None)
        })
        .unwrap();
        assert_eq!(value["sessionOnly"], true);
    }
}
