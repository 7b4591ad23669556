//! The secrets typed into a profile (client secret, password): kept in the
//! keychain or for the session, forgotten, and filled into a token request
//! left empty (with the signing key of JWT and client assertions, from
//! [`super::keys`]). The window never gets a stored secret back: [`secret_saved`]
//! only says whether there is one, and `request_token` takes the saved
//! client secret and password from the vault when the window sends them
//! empty ([`fill_saved_secrets`]).

use super::blocking;
use super::profiles::tell;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::store::{self, Kept, Removal, SavedSecretState, SecretKind};
use oauth_console_core::{IpcError, Secret, TokenRequest};
use serde::Serialize;
use tauri::AppHandle;

// ---------------------------------------------------------------- secrets

/// What became of a secret the user typed or cleared.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretOutcome {
    /// Saved in the keychain.
    Keychain,
    /// Kept in memory for this session.
    Session,
    /// Forgotten: gone from the keychain.
    Forgotten,
    /// Forgotten, but still in the keychain until it is available again
    /// (a notice says so).
    DeletionPending,
}

/// Keeps a secret the user typed: the client secret in the keychain; the
/// password in the keychain when "Remember password" is on, in memory for
/// the session otherwise; either bound to the origin of `token_url` (the
/// Access Token URL it was typed with). An empty value forgets the saved one.
#[tauri::command]
pub async fn put_secret(
    app: AppHandle,
    profile_id: String,
    kind: SecretKind,
    value: Secret,
    token_url: Option<String>,
) -> Result<SecretOutcome, IpcError> {
    // The store's lock is taken to read and record, never across the
    // keychain call, which may wait 10 s.
    blocking(&app, move |state| {
        let _one_at_a_time = state.placing_passwords();
        let remember = state.store().profile(&profile_id)?.remember_password;
        if value.is_empty() {
            let removal = state.vault.delete(&profile_id, kind)?;
            state.store().record_forgotten(&state.vault, &profile_id, kind)?;
            tell(state, removal.notice(&format!("The forgotten {}", kind.label())));
            return Ok(match removal {
                Removal::Done => SecretOutcome::Forgotten,
                Removal::Pending => SecretOutcome::DeletionPending,
            });
        }
        let token_url = token_url.unwrap_or_default();
        let kept = store::keep_secret(&state.vault, &profile_id, kind, &value, remember)?;
        state.store().record_secret_origin(&profile_id, kind, &token_url)?;
        Ok(match kept {
            Kept::Keychain => SecretOutcome::Keychain,
            Kept::Session => SecretOutcome::Session,
        })
    })
    .await
}

/// Whether the profile has a saved secret of this kind (never the value),
/// and, when `token_url` has another origin than the one it was saved for,
/// that origin: the field then asks for it again and says why.
#[tauri::command]
pub async fn secret_saved(
    app: AppHandle,
    profile_id: String,
    kind: SecretKind,
    token_url: Option<String>,
) -> Result<SavedSecretState, IpcError> {
    blocking(&app, move |state| {
        let token_url = token_url.unwrap_or_default();
        let profile = state.store().profile(&profile_id)?.clone();
        Ok(store::saved_secret_of(&state.vault, &profile, kind, &token_url)?.state())
    })
    .await
}

/// Get New Access Token with an empty Client Secret or Password field uses
/// the profile's saved one. Returns the request and the current profile's id.
pub async fn fill_saved_secrets(
    app: &AppHandle,
    request: TokenRequest,
) -> Result<(TokenRequest, String), IpcError> {
    blocking(app, move |state| {
        let profile = state.store().current().clone();
        let profile_id = profile.id.clone();
        let mut request = request;
        // A saved secret goes only to the origin it was saved for (read
        // without the store's lock).
        let saved = |kind: SecretKind, token_url: &str| -> Result<Option<Secret>, IpcError> {
            Ok(store::saved_secret_of(&state.vault, &profile, kind, token_url)?.usable(kind)?)
        };
        let fill = |client: &mut Client| -> Result<(), IpcError> {
            if client.client_secret.is_empty() {
                if let Some(saved) = saved(SecretKind::ClientSecret, &client.token_url)? {
                    client.client_secret = saved;
                }
            }
            Ok(())
        };
        match &mut request {
            TokenRequest::ClientCredentials(grant) => fill(&mut grant.client)?,
            TokenRequest::Password(grant) => {
                fill(&mut grant.client)?;
                if grant.password.is_empty() {
                    if let Some(saved) = saved(SecretKind::Password, &grant.client.token_url)? {
                        grant.password = saved;
                    }
                }
            }
            TokenRequest::RefreshToken(grant) => fill(&mut grant.client)?,
            TokenRequest::JwtAssertion(grant) => {
                fill(&mut grant.client)?;
                // The user assertion's key: the profile's, from the keychain.
                super::keys::fill_signing(state, &profile, &mut grant.signing)?;
            }
            _ => {}
        }
        // A client assertion, with whatever grant: its key likewise.
        let client = match &mut request {
            TokenRequest::ClientCredentials(grant) => Some(&mut grant.client),
            TokenRequest::Password(grant) => Some(&mut grant.client),
            TokenRequest::RefreshToken(grant) => Some(&mut grant.client),
            TokenRequest::JwtAssertion(grant) => Some(&mut grant.client),
            _ => None,
        };
        if let Some(client) = client {
            super::keys::fill_client(state, &profile, client)?;
        }
        Ok((request, profile_id))
    })
    .await
}
