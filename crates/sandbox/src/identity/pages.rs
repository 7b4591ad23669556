//! The HTML the identity domain shows in a browser: the sign-in page and the
//! error page for requests that cannot be redirected back to the client.
//! Plain HTML with inline style and no script; every inserted value is
//! escaped.

use axum::response::{Html, IntoResponse, Response};
use http::header::{CACHE_CONTROL, REFERRER_POLICY, X_FRAME_OPTIONS};
use http::{HeaderName, HeaderValue, StatusCode};

use crate::scope::Scopes;

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f3f0;margin:0}\
main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:6px;\
box-shadow:0 1px 4px #0002}h1{font-size:1.4rem;margin-top:0}label{display:block;\
margin-top:1rem;font-weight:600}input{width:100%;box-sizing:border-box;padding:.5rem;\
margin-top:.25rem}button{margin-top:1.5rem;padding:.6rem 1.2rem}.error{color:#a00;\
background:#fee;padding:.5rem;border-radius:4px}.note{color:#555;font-size:.85rem}\
code{word-break:break-all}";

/// What the sign-in page shows.
pub struct SignInPage<'a> {
    pub transaction: &'a str,
    pub client_name: &'a str,
    pub scopes: &'a Scopes,
    pub username: &'a str,
    pub error: Option<&'a str>,
}

pub fn sign_in(page: &SignInPage<'_>) -> Response {
    let error = page
        .error
        .map(|error| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(error)))
        .unwrap_or_default();
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Sign In - Sandbox identity domain</title><style>{STYLE}</style></head><body><main>\
<h1>Sign In</h1>\
<p><strong>{client}</strong> asks for access to the sandbox Oracle Integration instance.</p>\
<p class=\"note\">Scope: <code>{scope}</code></p>{error}\
<form method=\"post\" action=\"/oauth2/v1/authorize\">\
<input type=\"hidden\" name=\"txn\" value=\"{transaction}\">\
<label for=\"username\">User Name</label>\
<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" value=\"{username}\" required autofocus>\
<label for=\"password\">Password</label>\
<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
<button id=\"sign-in\" type=\"submit\" name=\"action\" value=\"sign-in\">Sign In</button> \
<button id=\"cancel\" type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Cancel</button>\
</form>\
<p class=\"note\">This is the OAuth Console sandbox on 127.0.0.1, not Oracle. Its users are \
<code>sandbox.invoker</code> / <code>sandbox-password</code> (has the ServiceInvoker role) and \
<code>sandbox.viewer</code> / <code>sandbox-viewer-password</code> (does not).</p>\
</main></body></html>\n",
        client = escape(page.client_name),
        scope = escape(&page.scopes.to_response()),
        transaction = escape(page.transaction),
        username = escape(page.username),
    );
    html(StatusCode::OK, body)
}

/// A page for an authorization request that must not be redirected (unknown
/// client, unregistered redirect URI) or whose sign-in expired.
pub fn error(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>{title} - Sandbox identity domain</title><style>{STYLE}</style></head><body><main>\
<h1>{title}</h1><p class=\"error\" role=\"alert\">{message}</p>\
<p class=\"note\">The identity domain did not redirect back to the application, because it \
cannot trust where this request came from.</p></main></body></html>\n",
        title = escape(title),
        message = escape(message),
    );
    html(status, body)
}

/// The device page: enter the User Code shown by the application, sign in,
/// and allow or deny.
pub fn device(user_code: &str, username: &str, error: Option<&str>, status: StatusCode) -> Response {
    let error = error
        .map(|error| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(error)))
        .unwrap_or_default();
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Connect a Device - Sandbox identity domain</title><style>{STYLE}</style></head><body><main>\
<h1>Connect a Device</h1><p>Enter the code the application shows, then sign in.</p>{error}\
<form method=\"post\" action=\"/device\">\
<label for=\"user_code\">Code</label>\
<input id=\"user_code\" name=\"user_code\" type=\"text\" value=\"{user_code}\" required autofocus>\
<label for=\"username\">User Name</label>\
<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" value=\"{username}\">\
<label for=\"password\">Password</label>\
<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\">\
<button id=\"allow\" type=\"submit\" name=\"action\" value=\"approve\">Allow</button> \
<button id=\"deny\" type=\"submit\" name=\"action\" value=\"deny\" formnovalidate>Deny</button>\
</form>\
<p class=\"note\">This is the OAuth Console sandbox on 127.0.0.1, not Oracle.</p>\
</main></body></html>\n",
        user_code = escape(user_code),
        username = escape(username),
    );
    html(status, body)
}

/// The device page after the user decided.
pub fn device_done(title: &str, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>{title} - Sandbox identity domain</title><style>{STYLE}</style></head><body><main>\
<h1>{title}</h1><p role=\"status\">{message}</p></main></body></html>\n",
        title = escape(title),
        message = escape(message),
    );
    html(StatusCode::OK, body)
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    response
}

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
