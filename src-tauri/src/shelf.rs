//! Tokens held in memory for this session, by an id the UI refers to. The UI
//! gets a view without the token values; a value leaves only through Show,
//! Copy and the Authorization header of a request (Use Token).
//!
//! A held token may be linked to a saved token (Manage Tokens: its values in
//! the keychain, the rest in the settings file). When a refresh replaces a
//! linked token, the shelf hands the new token to the persistence hook the
//! app installs at start ([`TokenShelf::on_replace`]), so the saved copy
//! follows a rotated refresh token.

use crate::error::ShellError;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::send::{ApiRequest, ApiResponse, Hop};
use std::sync::Arc;
use oauth_console_core::{IpcError, Secret, Token, TokenView};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// A token and the client that obtained it (refreshing needs the same
/// client authentication).
#[derive(Clone)]
pub struct Held {
    pub token: Token,
    pub client: Client,
    pub name: String,
    /// The saved token this one is, when it was saved.
    pub saved: Option<SavedRef>,
    /// How Use Token attaches it to a request.
    pub attached: Attachment,
    /// Its access token was revoked at the server: Use Token refuses it.
    pub revoked: bool,
    /// How to get a new one the same way (client credentials, password,
    /// JWT assertion), for "retry once on 401". Memory only.
    pub renew: Option<oauth_console_core::TokenRequest>,
}

fn held_view(id: &str, held: &Held) -> TokenView {
    TokenView {
        revoked: held.revoked,
        ..held.token.view(id, &held.name)
    }
}

/// Where a held token is saved: `<profile>/token/<token>` in the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedRef {
    pub profile_id: String,
    pub token_id: String,
}

/// `Authorization: <prefix> <value>`; the value is the access token, or the
/// ID token when the user asked for it instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub id_token: bool,
    pub prefix: String,
}

impl Default for Attachment {
    fn default() -> Self {
        Attachment {
            id_token: false,
            prefix: "Bearer".into(),
        }
    }
}

impl Attachment {
    /// The header value for `token`; `None` when the ID token was asked for
    /// and the token has none.
    pub fn header(&self, token: &Token) -> Option<Secret> {
        let value = if self.id_token {
            token.id_token.as_ref()?
        } else {
            &token.access_token
        };
        let prefix = self.prefix.trim();
        Some(Secret::new(if prefix.is_empty() {
            value.expose().to_owned()
        } else {
            format!("{prefix} {}", value.expose())
        }))
    }
}

type ReplaceHook = Box<dyn Fn(&str, SavedRef, Token) + Send + Sync>;

#[derive(Default)]
pub struct TokenShelf {
    next: AtomicU64,
    tokens: Mutex<HashMap<String, Held>>,
    on_replace: OnceLock<ReplaceHook>,
}

impl TokenShelf {
    pub fn keep(&self, token: Token, client: Client, name: &str) -> TokenView {
        let id = format!("t{}", self.next.fetch_add(1, Ordering::Relaxed) + 1);
        let view = token.view(&id, name);
        self.lock().insert(
            id,
            Held {
                token,
                client,
                name: name.to_owned(),
                saved: None,
                attached: Attachment::default(),
                revoked: false,
                renew: None,
            },
        );
        view
    }

    /// Called with (shelf id, where it is saved, the new token) after a
    /// refresh replaced a saved token. Installed once, at start.
    pub fn on_replace(&self, hook: impl Fn(&str, SavedRef, Token) + Send + Sync + 'static) {
        let _ = self.on_replace.set(Box::new(hook));
    }

    /// Records that the held token `id` is saved as `saved`.
    pub fn link(&self, id: &str, saved: SavedRef) {
        if let Some(held) = self.lock().get_mut(id) {
            held.saved = Some(saved);
        }
    }

    /// The shelf id of a saved token already loaded in this session.
    pub fn find_saved(&self, saved: &SavedRef) -> Option<String> {
        self.lock()
            .iter()
            .find(|(_, held)| held.saved.as_ref() == Some(saved))
            .map(|(id, _)| id.clone())
    }

    /// After saved tokens were deleted (those `gone` accepts): the held ones
    /// stay usable for this session but are no longer saved on refresh.
    pub fn unlink(&self, gone: impl Fn(&SavedRef) -> bool) {
        for held in self.lock().values_mut() {
            if held.saved.as_ref().is_some_and(&gone) {
                held.saved = None;
            }
        }
    }

    /// Manage Tokens renamed the saved token: the held one follows.
    pub fn rename_saved(&self, saved: &SavedRef, name: &str) {
        for held in self.lock().values_mut() {
            if held.saved.as_ref() == Some(saved) {
                held.name = name.to_owned();
            }
        }
    }

    /// The view of a held token, under its current name.
    pub fn view(&self, id: &str) -> Option<TokenView> {
        self.lock().get(id).map(|held| held_view(id, held))
    }

    /// Remembers how the held token `id` was obtained, to renew it.
    pub fn set_renew(&self, id: &str, request: oauth_console_core::TokenRequest) {
        if let Some(held) = self.lock().get_mut(id) {
            held.renew = Some(request);
        }
    }

    /// Revoke: the held token's access token was revoked at the server.
    pub fn mark_revoked(&self, id: &str) -> Option<TokenView> {
        let mut tokens = self.lock();
        let held = tokens.get_mut(id)?;
        held.revoked = true;
        Some(held_view(id, held))
    }

    /// Use Token: how the token goes into `Authorization`.
    pub fn attach(&self, id: &str, attached: Attachment) -> Result<(), IpcError> {
        let mut tokens = self.lock();
        let held = tokens.get_mut(id).ok_or(ShellError::UnknownToken)?;
        if held.revoked && !attached.id_token {
            return Err(ShellError::TokenRevoked.into());
        }
        if attached.id_token && held.token.id_token.is_none() {
            return Err(ShellError::NoIdToken.into());
        }
        held.attached = attached;
        Ok(())
    }

    /// The `Authorization` value of the held token `id`, as Use Token
    /// attached it (`Bearer <access token>` unless the user chose otherwise).
    pub fn authorization(&self, id: &str) -> Option<Secret> {
        let tokens = self.lock();
        let held = tokens.get(id)?;
        held.attached.header(&held.token)
    }

    pub fn get(&self, id: &str) -> Option<Token> {
        self.lock().get(id).map(|held| held.token.clone())
    }

    pub fn held(&self, id: &str) -> Option<Held> {
        self.lock().get(id).cloned()
    }

    /// After a refresh: the same id now holds `token`. A saved token is
    /// saved again (through the hook), so the keychain holds the rotated
    /// refresh token.
    pub fn replace(&self, id: &str, token: Token) -> Option<TokenView> {
        let (view, saved) = {
            let mut tokens = self.lock();
            let held = tokens.get_mut(id)?;
            // A new access token is not the revoked one.
            held.revoked &= held.token.access_token.expose() == token.access_token.expose();
            held.token = token.clone();
            (held_view(id, held), held.saved.clone())
        };
        if let (Some(saved), Some(hook)) = (saved, self.on_replace.get()) {
            hook(id, saved, token);
        }
        Some(view)
    }

    pub fn reveal(&self, id: &str, kind: &str) -> Result<String, IpcError> {
        let tokens = self.lock();
        let token = &tokens.get(id).ok_or(ShellError::UnknownToken)?.token;
        let value = match kind {
            "access" => Some(&token.access_token),
            "id" => token.id_token.as_ref(),
            _ => None,
        };
        value.map(|v| v.expose().to_owned()).ok_or_else(|| ShellError::UnknownToken.into())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Held>> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The last few responses, by id, for the viewer, Copy and Save, each with
/// the request that was sent for it (Save to file sends it again; Follow
/// once sends it to the stopped hop). Memory only.
#[derive(Default)]
pub struct ResponseShelf {
    next: AtomicU64,
    responses: Mutex<std::collections::VecDeque<Kept>>,
}

/// A response and what was sent for it.
#[derive(Clone)]
pub struct Kept {
    pub id: u64,
    pub response: Arc<ApiResponse>,
    /// `None` for a response of Follow once, which is not sent again.
    pub request: Option<Arc<ApiRequest>>,
    /// The held token Use Token attached, if any.
    pub token_id: Option<String>,
}

const RESPONSES_KEPT: usize = 4;

impl ResponseShelf {
    pub fn keep(&self, response: ApiResponse, request: Option<ApiRequest>, token_id: Option<String>) -> Kept {
        let kept = Kept {
            id: self.next.fetch_add(1, Ordering::Relaxed) + 1,
            response: Arc::new(response),
            request: request.map(Arc::new),
            token_id,
        };
        let mut responses = self.lock();
        responses.push_back(kept.clone());
        while responses.len() > RESPONSES_KEPT {
            responses.pop_front();
        }
        kept
    }

    pub fn get(&self, id: u64) -> Option<Arc<ApiResponse>> {
        self.kept(id).map(|k| k.response)
    }

    /// The response `id` with the request sent for it.
    pub fn kept(&self, id: u64) -> Option<Kept> {
        self.lock().iter().find(|k| k.id == id).cloned()
    }

    /// The redirect chain of the newest response to a request for `url`.
    pub fn hops_for(&self, url: &str) -> Option<Vec<Hop>> {
        self.lock()
            .iter()
            .rev()
            .find(|k| k.response.hops.first().is_some_and(|h| h.url == url.trim()))
            .map(|k| k.response.hops.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::VecDeque<Kept>> {
        self.responses.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn token(access: &str, id_token: Option<&str>) -> Token {
        Token {
            access_token: Secret::new(access),
            token_type: "Bearer".into(),
            expires_in: Some(3600),
            issued_at: 1_700_000_000,
            expires_at: Some(1_700_003_600),
            scope: None,
            refresh_token: Some(Secret::new("fake-refresh")),
            id_token: id_token.map(Secret::new),
            extra: Default::default(),
            warnings: Vec::new(),
            id_token_check: None,
        }
    }

    fn client() -> Client {
        Client {
            token_url: "https://idcs-fake.identity.oraclecloud.com/oauth2/v1/token".into(),
            client_id: "fake-client".into(),
            client_secret: Secret::new("fake-secret"),
            client_auth: Default::default(),
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        }
    }

    #[test]
    fn use_token_sends_bearer_and_the_access_token_unless_told_otherwise() {
        let shelf = TokenShelf::default();
        let id = shelf.keep(token("fake-access", Some("fake-id")), client(), "t").id;
        assert_eq!(shelf.authorization(&id), Some(Secret::new("Bearer fake-access")));
        shelf.attach(&id, Attachment { id_token: true, prefix: "Token".into() }).unwrap();
        assert_eq!(shelf.authorization(&id), Some(Secret::new("Token fake-id")), "the prefix from Settings, the ID token instead");
        shelf.attach(&id, Attachment { id_token: false, prefix: "  ".into() }).unwrap();
        assert_eq!(shelf.authorization(&id), Some(Secret::new("fake-access")), "an empty prefix sends the token alone");
        assert_eq!(shelf.authorization("t999"), None);
    }

    #[test]
    fn the_id_token_cannot_be_used_when_there_is_none() {
        let shelf = TokenShelf::default();
        let id = shelf.keep(token("fake-access", None), client(), "t").id;
        let err = shelf.attach(&id, Attachment { id_token: true, prefix: "Bearer".into() }).unwrap_err();
        assert_eq!(err.code, "no_id_token");
        assert_eq!(shelf.authorization(&id), Some(Secret::new("Bearer fake-access")), "the attachment is unchanged");
    }

    #[test]
    fn a_refreshed_saved_token_goes_to_the_persistence_hook_and_an_unsaved_one_does_not() {
        let shelf = TokenShelf::default();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        shelf.on_replace(move |id, saved, token| {
            record.lock().unwrap().push((id.to_owned(), saved, token.access_token.expose().to_owned()));
        });
        let unsaved = shelf.keep(token("fake-a", None), client(), "a").id;
        let saved = shelf.keep(token("fake-b", None), client(), "b").id;
        let place = SavedRef { profile_id: "p1".into(), token_id: "k1".into() };
        shelf.link(&saved, place.clone());
        assert_eq!(shelf.find_saved(&place), Some(saved.clone()));

        shelf.replace(&unsaved, token("fake-a2", None)).unwrap();
        shelf.replace(&saved, token("fake-b2", None)).unwrap();
        assert_eq!(*seen.lock().unwrap(), [(saved.clone(), place.clone(), "fake-b2".to_owned())]);

        shelf.unlink(|s| s.profile_id == "p1");
        assert_eq!(shelf.find_saved(&place), None);
        shelf.replace(&saved, token("fake-b3", None)).unwrap();
        assert_eq!(seen.lock().unwrap().len(), 1, "a deleted saved token is not saved again");
    }
}
