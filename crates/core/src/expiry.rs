//! When a token is expired or about to be, and what the app does about it
//! before it sends a request: with auto-refresh on, a token that expires
//! within [`REFRESH_MARGIN`] is refreshed first, once.
//!
//! Time is passed in (`now`), so every decision is tested without waiting.
//! The refresh itself goes through the one refresh path,
//! [`crate::grants::refresh_token`]; here the new token also keeps what the
//! server did not send again (scope, ID token).

use crate::error::{Error, Result};
use crate::grants::refresh_token::{self, RefreshToken};
use crate::http::HttpClient;
use crate::response::unix_seconds;
use crate::grants::exchange::Client;
use crate::token::Token;
use std::time::{Duration, SystemTime};

/// A token this close to its expiry is refreshed before a request.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// Whether the token's lifetime is over. A token without `expires_in` is
/// never considered expired: the server did not say.
pub fn is_expired(token: &Token, now: SystemTime) -> bool {
    expires_within(token, Duration::ZERO, now)
}

/// Whether the token is expired or expires within `margin`.
pub fn expires_within(token: &Token, margin: Duration, now: SystemTime) -> bool {
    token
        .expires_at
        .is_some_and(|expires_at| unix_seconds(now).saturating_add(margin.as_secs()) >= expires_at)
}

/// Whether a request about to be sent should refresh the token first:
/// auto-refresh is on, the token has a refresh token, and it expires within
/// [`REFRESH_MARGIN`] (or already has).
pub fn should_refresh(token: &Token, auto_refresh: bool, now: SystemTime) -> bool {
    auto_refresh && token.refresh_token.is_some() && expires_within(token, REFRESH_MARGIN, now)
}

/// `token` as it stands once the server refused its refresh token: expired
/// at `now` (or earlier, if it already was) and with nothing left to
/// refresh it with, so nothing retries in a loop.
pub fn refused(token: &Token, now: SystemTime) -> Token {
    let now = unix_seconds(now);
    Token {
        expires_at: Some(token.expires_at.map_or(now, |at| at.min(now))),
        refresh_token: None,
        ..token.clone()
    }
}

/// What to keep once a refresh ended: `sent` is the token the refresh was
/// made with, `held` the token held under the same id now (another refresh
/// may have replaced it meanwhile). `Some(token)` replaces the held one;
/// `None` leaves it as it is. The error, if any, is the caller's to report.
pub fn settle(
    sent: &Token,
    held: Option<&Token>,
    refreshed: &Result<Token>,
    now: SystemTime,
) -> Option<Token> {
    match refreshed {
        Ok(fresh) => Some(fresh.clone()),
        Err(Error::RefreshRejected { .. }) => {
            let refresh = |t: &Token| t.refresh_token.as_ref().map(|r| r.expose().to_owned());
            let still_held = held.is_some_and(|held| refresh(held) == refresh(sent));
            still_held.then(|| refused(sent, now))
        }
        Err(_) => None,
    }
}

/// The Refresh action: a new token for `token`'s refresh token, with the same
/// client authentication. A rotated refresh token replaces the old one; when
/// the server does not rotate, the old one is kept; so are the scope and the
/// ID token when the response leaves them out. [`Error::RefreshRejected`]
/// means the app should mark `token` expired and ask for a new one.
pub async fn refresh(
    http: &HttpClient,
    client: &Client,
    token: &Token,
    now: SystemTime,
) -> Result<Token> {
    let grant = refresh_of(client, token)?;
    let mut fresh = refresh_token::request(http, &grant, now).await?;
    if fresh.scope.is_none() {
        fresh.scope = token.scope.clone();
    }
    if fresh.id_token.is_none() {
        fresh.id_token = token.id_token.clone();
    }
    Ok(fresh)
}

/// The refresh request the Refresh action sends for `token`: its refresh
/// token, no scope (the new token keeps the scope of the grant), and the
/// client that obtained it. Copy as cURL shows the same request.
pub fn refresh_of(client: &Client, token: &Token) -> Result<RefreshToken> {
    let Some(refresh_token) = &token.refresh_token else {
        return Err(Error::NoRefreshToken);
    };
    Ok(RefreshToken {
        client: client.clone(),
        refresh_token: refresh_token.clone(),
        scope: String::new(),
    })
}

/// Before a request is sent with `token`: `Some(new token)` when it was
/// refreshed (the app replaces the old one and sends with the new one), `None`
/// when `token` is used as it is. At most one refresh per call; nothing
/// loops, and an expired token without refresh token is sent as it is (the
/// server's 401 then says so).
pub async fn fresh_for_request(
    http: &HttpClient,
    client: &Client,
    token: &Token,
    auto_refresh: bool,
    now: SystemTime,
) -> Result<Option<Token>> {
    if !should_refresh(token, auto_refresh, now) {
        return Ok(None);
    }
    refresh(http, client, token, now).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpSettings;
    use crate::secret::Secret;
    use crate::testing::serve_once;
    use crate::token::ClientAuth;
    use serde_json::Map;
    use std::time::UNIX_EPOCH;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// Issued at 1000 s, expires at 4600 s.
    fn token(refresh: Option<&str>) -> Token {
        Token {
            access_token: Secret::new("old-access"),
            token_type: "Bearer".into(),
            expires_in: Some(3600),
            issued_at: 1_000,
            expires_at: Some(4_600),
            scope: Some("s offline_access".into()),
            refresh_token: refresh.map(Secret::new),
            id_token: Some(Secret::new("id")),
            extra: Map::new(),
            warnings: vec![],
            id_token_check: None,
        }
    }

    fn client(base: &str) -> Client {
        Client {
            token_url: format!("{base}/oauth2/v1/token"),
            client_id: "my-client".into(),
            client_secret: Secret::new("my-secret"),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        }
    }

    fn rejected() -> Result<Token> {
        Err(Error::RefreshRejected { description: None })
    }

    #[test]
    fn a_refused_refresh_leaves_the_token_expired_and_without_refresh_token() {
        let dead = refused(&token(Some("r")), at(2_000));
        assert_eq!(dead.expires_at, Some(2_000), "expired from now on");
        assert!(
            dead.refresh_token.is_none(),
            "nothing left to refresh with, so nothing loops"
        );
        assert!(is_expired(&dead, at(2_000)));
        let mut early = token(Some("r"));
        early.expires_at = Some(1_500);
        assert_eq!(
            refused(&early, at(2_000)).expires_at,
            Some(1_500),
            "an earlier expiry is kept"
        );
        let mut unknown = token(Some("r"));
        unknown.expires_at = None;
        assert_eq!(refused(&unknown, at(2_000)).expires_at, Some(2_000));
    }

    #[test]
    fn a_refreshed_token_replaces_the_held_one() {
        let sent = token(Some("r1"));
        let mut fresh = token(Some("r2"));
        fresh.access_token = Secret::new("new-access");
        let kept = settle(&sent, Some(&sent), &Ok(fresh), at(2_000)).unwrap();
        assert_eq!(kept.access_token.expose(), "new-access");
    }

    #[test]
    fn a_refused_refresh_marks_the_held_token_expired_unless_another_refresh_replaced_it() {
        let sent = token(Some("r1"));
        let kept = settle(&sent, Some(&sent), &rejected(), at(2_000)).unwrap();
        assert!(kept.refresh_token.is_none());
        assert_eq!(kept.expires_at, Some(2_000));
        let newer = token(Some("r2"));
        assert!(
            settle(&sent, Some(&newer), &rejected(), at(2_000)).is_none(),
            "a token refreshed meanwhile is left alone"
        );
        assert!(
            settle(&sent, None, &rejected(), at(2_000)).is_none(),
            "a token no longer held stays gone"
        );
    }

    #[test]
    fn a_failed_refresh_for_another_reason_changes_nothing() {
        let sent = token(Some("r1"));
        let timeout = Err(Error::Internal("the network is down".into()));
        assert!(settle(&sent, Some(&sent), &timeout, at(2_000)).is_none());
    }

    #[test]
    fn a_token_is_expired_from_its_expiry_second_on() {
        let t = token(None);
        assert!(!is_expired(&t, at(4_599)));
        assert!(is_expired(&t, at(4_600)));
        assert!(is_expired(&t, at(9_999)));
    }

    #[test]
    fn a_token_without_expires_in_never_counts_as_expired() {
        let mut t = token(Some("r"));
        t.expires_at = None;
        assert!(!is_expired(&t, at(u64::MAX / 2)));
        assert!(!should_refresh(&t, true, at(u64::MAX / 2)));
    }

    #[test]
    fn auto_refresh_starts_sixty_seconds_before_expiry() {
        let t = token(Some("r"));
        assert!(
            !should_refresh(&t, true, at(4_539)),
            "61 s left: still fresh"
        );
        assert!(
            should_refresh(&t, true, at(4_540)),
            "60 s left: refresh first"
        );
        assert!(
            should_refresh(&t, true, at(5_000)),
            "expired: refresh first"
        );
    }

    #[test]
    fn nothing_is_refreshed_when_auto_refresh_is_off_or_there_is_no_refresh_token() {
        assert!(!should_refresh(&token(Some("r")), false, at(5_000)));
        assert!(!should_refresh(&token(None), true, at(5_000)));
    }

    #[tokio::test]
    async fn a_fresh_token_is_used_as_it_is_without_a_request() {
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let kept = fresh_for_request(
            &http,
            &client("http://127.0.0.1:9"),
            &token(Some("r")),
            true,
            at(2_000),
        )
        .await
        .unwrap();
        assert!(kept.is_none(), "nothing was sent to port 9");
    }

    #[tokio::test]
    async fn a_token_about_to_expire_is_refreshed_and_the_rotated_refresh_token_replaces_the_old() {
        let (base, seen) = serve_once(
            200,
            "application/json",
            r#"{"access_token":"new-access","token_type":"Bearer","expires_in":3600,"refresh_token":"rotated"}"#,
        )
        .await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let fresh = fresh_for_request(
            &http,
            &client(&base),
            &token(Some("old-refresh")),
            true,
            at(4_570),
        )
        .await
        .unwrap()
        .expect("30 s before expiry the token is refreshed");
        assert_eq!(fresh.access_token.expose(), "new-access");
        assert_eq!(
            fresh.refresh_token.as_ref().map(Secret::expose),
            Some("rotated")
        );
        assert_eq!(
            fresh.expires_at,
            Some(4_570 + 3_600),
            "the new expiry counts from now"
        );
        assert_eq!(
            fresh.scope.as_deref(),
            Some("s offline_access"),
            "the scope is kept when not returned"
        );
        assert_eq!(fresh.id_token.as_ref().map(Secret::expose), Some("id"));
        let form: Vec<(String, String)> =
            url::form_urlencoded::parse(seen.await.unwrap().body.as_bytes())
                .into_owned()
                .collect();
        assert!(
            form.contains(&("refresh_token".into(), "old-refresh".into())),
            "{form:?}"
        );
    }

    #[tokio::test]
    async fn refreshing_a_token_without_refresh_token_says_so() {
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let err = refresh(&http, &client("http://127.0.0.1:9"), &token(None), at(0))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NoRefreshToken), "{err:?}");
        assert!(err.hint().unwrap().contains("offline_access"));
    }

    #[tokio::test]
    async fn a_rejected_refresh_before_a_request_is_reported_once_not_retried() {
        let (base, _seen) =
            serve_once(400, "application/json", r#"{"error":"invalid_grant"}"#).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        // serve_once answers a single request: a second attempt would fail
        // with a connection error instead of refresh_rejected.
        let err = fresh_for_request(&http, &client(&base), &token(Some("used")), true, at(5_000))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "refresh_rejected", "{err:?}");
    }
}
