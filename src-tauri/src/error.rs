//! The shell's own errors: what can go wrong in the window's plumbing (a
//! token or response the shelf no longer holds, the login window, the
//! clipboard, the sandbox), as opposed to the core's [`oauth_console_core::Error`].
//! One enum, turned into the window's `{code, message, hint}` in one place
//! ([`From<ShellError> for IpcError`]); the window switches on `code`.
//! Details carried by a variant are error texts, never a secret.

use oauth_console_core::IpcError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShellError {
    #[error("This token was revoked at the server")]
    TokenRevoked,

    #[error("This token came without a refresh token")]
    NoRefreshTokenHeld,

    #[error("This token came without an ID token")]
    NoIdToken,

    #[error("That token is no longer held by the app")]
    UnknownToken,

    #[error("The token attached with Use Token is no longer held by the app")]
    AttachedTokenGone,

    #[error("This token's values are no longer in the keychain")]
    TokenValuesMissing,

    #[error("That response is no longer held by the app")]
    UnknownResponse,

    #[error("This response came from Follow once, so the app cannot send it again")]
    NotResendable,

    #[error("That response did not stop at a redirect")]
    NothingStopped,

    #[error("That file cannot be used: {0}")]
    InvalidPath(String),

    #[error("The file could not be saved: {0}")]
    SaveFailed(String),

    #[error("This grant type has no token request to copy as cURL")]
    CurlUnavailable,

    #[error("No sign-in is waiting for a redirected URL")]
    NoSignIn,

    #[error("A sign-in window is already open")]
    LoginWindowOpen,

    #[error("The sign-in window could not be opened: {0}")]
    LoginWindow(String),

    #[error("The sign-in window was closed before the sign-in finished")]
    LoginWindowClosed,

    #[error("The browser could not be opened: {0}")]
    BrowserNotOpened(String),

    #[error("The login session could not be cleared: {0}")]
    LoginSession(String),

    #[error("The settings were not saved: {0}")]
    InvalidSettings(String),

    #[error("The sandbox could not start: {0}")]
    SandboxUnavailable(String),

    #[error("The clipboard could not be written: {0}")]
    Clipboard(String),

    #[error("Cancelled: the app stopped waiting for the sign-in at the Verification URL")]
    DeviceCodeCancelled,

    #[error("No device sign-in has been started")]
    NoDeviceCode,
    #[error("The {what} file{file} could not be read: {reason}")]
    PemFile { what: &'static str, file: String, reason: String },

    #[error("The Sandbox profile signs with the sandbox's own key pair, which cannot be replaced")]
    SandboxKeyPair,
}

impl ShellError {
    /// What the window switches on.
    pub fn code(&self) -> &'static str {
        match self {
            ShellError::NoIdToken => "no_id_token",
            ShellError::TokenRevoked => "token_revoked",
            ShellError::NoRefreshTokenHeld => "no_refresh_token",
            ShellError::UnknownToken | ShellError::AttachedTokenGone => "unknown_token",
            ShellError::TokenValuesMissing => "token_values_missing",
            ShellError::UnknownResponse => "unknown_response",
            ShellError::NotResendable => "not_resendable",
            ShellError::NothingStopped => "nothing_stopped",
            ShellError::InvalidPath(_) => "invalid_path",
            ShellError::SaveFailed(_) => "save_failed",
            ShellError::CurlUnavailable => "curl_unavailable",
            ShellError::NoSignIn => "no_sign_in",
            ShellError::LoginWindowOpen => "login_window_open",
            ShellError::LoginWindow(_) => "login_window",
            ShellError::LoginWindowClosed => "login_window_closed",
            ShellError::BrowserNotOpened(_) => "browser_not_opened",
            ShellError::LoginSession(_) => "login_session",
            ShellError::InvalidSettings(_) => "invalid_settings",
            ShellError::SandboxUnavailable(_) => "sandbox_unavailable",
            ShellError::Clipboard(_) => "clipboard",
            ShellError::DeviceCodeCancelled => "cancelled",
            ShellError::NoDeviceCode => "no_device_code",
            ShellError::PemFile { .. } => "pem_file",
            ShellError::SandboxKeyPair => "sandbox_key_pair",
        }
    }

    /// What to do about it, in the window's words.
    pub fn hint(&self) -> &'static str {
        match self {
            ShellError::NoIdToken => "Untick \"Use ID token instead\", or ask for the openid scope to get an ID token.",
            ShellError::UnknownToken => "Get a new access token.",
            ShellError::NoRefreshTokenHeld => "Tick Request refresh token (offline_access) and get a new token to have one.",
            ShellError::TokenRevoked => "Press Get New Access Token for a new one; a revoked token is refused by every API.",
            ShellError::AttachedTokenGone => "Get a new access token and press Use Token again.",
            ShellError::TokenValuesMissing => "They may have been removed by hand. Delete the token and get a new access token.",
            ShellError::UnknownResponse => "Send the request again.",
            ShellError::NotResendable => "Send the request again, then use Follow once.",
            ShellError::NothingStopped => "Follow once applies to a redirect listed as stopped in the Redirects tab.",
            ShellError::InvalidPath(_) => "Choose a PEM file on this computer.",
            ShellError::SaveFailed(_) => "Choose a folder you can write to.",
            ShellError::CurlUnavailable => "The Implicit grant's token comes back in the redirect, with no token request. Every other Grant Type copies its token request (Authorization Code: the code exchange; Device Code: the device authorization request), and Copy as cURL beside Refresh copies the refresh request.",
            ShellError::NoSignIn => "Choose \"Paste the redirected URL\" under Get code with, press Get New Access Token, sign in with the URL shown, then paste where the browser ended up.",
            ShellError::LoginWindowOpen => "Finish signing in there, or close it and press Get New Access Token again.",
            ShellError::LoginWindow(_) => "Choose \"System browser\" or \"Paste the redirected URL\" under Get code with.",
            ShellError::LoginWindowClosed => "Press Get New Access Token to sign in again. If the window showed an error page, check the Auth URL, the Client ID and that the Callback URL is one of the application's Redirect URLs.",
            ShellError::BrowserNotOpened(_) => "Choose \"Paste the redirected URL\" under Get code with: the app shows the sign-in URL to open in any browser.",
            ShellError::LoginSession(_) => "Try again; quitting the app also forgets the login session.",
            ShellError::InvalidSettings(_) => "Seconds are whole numbers, 0 or more.",
            ShellError::SandboxUnavailable(_) => "The sandbox listens on free ports of 127.0.0.1; check that loopback networking works.",
            ShellError::Clipboard(_) => "Try again; another program may hold the clipboard.",
            ShellError::DeviceCodeCancelled => "Press Get New Access Token for a new User Code; the app no longer polls for the one shown.",
            ShellError::NoDeviceCode => "Choose Grant Type Device Code and press Get New Access Token.",
            ShellError::PemFile { .. } => "Paste the PEM text itself, or type the full path of a PEM file you can read.",
            ShellError::SandboxKeyPair => "Press Duplicate to edit to make an ordinary copy of the profile, then Import or Generate a key pair there.",
        }
    }
}

impl From<ShellError> for IpcError {
    fn from(error: ShellError) -> Self {
        IpcError {
            code: error.code().into(),
            message: error.to_string(),
            hint: Some(error.hint().into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shell_error_reaches_the_window_with_its_code_message_and_hint() {
        let error = IpcError::from(ShellError::BrowserNotOpened("xdg-open is missing".into()));
        assert_eq!(error.code, "browser_not_opened");
        assert_eq!(error.message, "The browser could not be opened: xdg-open is missing");
        assert!(error.hint.is_some_and(|h| h.contains("Paste the redirected URL")));
    }

    #[test]
    fn both_ways_of_losing_a_token_share_the_code_the_window_switches_on() {
        assert_eq!(ShellError::UnknownToken.code(), ShellError::AttachedTokenGone.code());
    }
}
