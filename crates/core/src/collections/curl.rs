//! Paste cURL: a curl command, as Oracle's documents and browsers' "Copy as
//! cURL" write it, read into the request panel's [`ApiRequest`]; and, when it
//! asks a token endpoint for a token, into the Authorization panel's fields
//! instead ([`token_fields`]), its client secret and password apart as
//! [`Secret`]s for the keychain.
//!
//! The command is split into words as a POSIX shell does (single and double
//! quotes, backslash escapes, `$'…'`, `\` line continuations) or, when it
//! was copied for Windows' cmd (`^` continuations, `^"`), as cmd does. Pure
//! functions: nothing here reads a file or touches the network.

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::send::{ApiRequest, FormPart, NameValue, RequestBody};
use crate::store::GrantType;
use crate::token::ClientAuth;
use base64::Engine;
use serde::Serialize;

/// A command read: the request it sends, and what was left out or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCurl {
    pub request: ApiRequest,
    /// One line per option ignored or changed (`-k`: OAuth Console always
    /// checks TLS certificates; `-o`: the response is shown instead).
    pub notes: Vec<String>,
}

fn import_error(reason: impl Into<String>) -> Error {
    Error::Import {
        what: "curl command",
        reason: reason.into(),
    }
}

/// Splits `command` into words. A quote left open at the end closes there
/// (copied text often loses its last quote); `unterminated` says so.
pub fn split_words(command: &str) -> (Vec<String>, bool) {
    if is_cmd(command) {
        split_cmd(command)
    } else {
        split_posix(command)
    }
}

/// A command copied for Windows' cmd: `^` before a line break or a quote.
fn is_cmd(command: &str) -> bool {
    let after_curl = command
        .trim_start()
        .strip_prefix("curl.exe")
        .or_else(|| command.trim_start().strip_prefix("curl"))
        .unwrap_or_default();
    command.lines().any(|line| line.trim_end().ends_with('^'))
        || after_curl.trim_start().starts_with("^\"")
}

fn split_posix(command: &str) -> (Vec<String>, bool) {
    let chars: Vec<char> = command.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut i = 0;
    let mut unterminated = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let rest: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| **c == ' ' || **c == '\t')
                    .collect();
                let after = chars.get(i + 1 + rest.chars().count()).copied();
                if matches!(after, Some('\n') | Some('\r')) || (after.is_none() && !rest.is_empty())
                {
                    // `\` then the line's end: a continuation.
                    i += 1 + rest.chars().count();
                    if chars.get(i) == Some(&'\r') {
                        i += 1;
                    }
                    i += 1;
                    finish(&mut words, &mut word, &mut in_word);
                    continue;
                }
                if !rest.is_empty() && after == Some('-') && !in_word {
                    // A document that lost its line breaks: `'…' \ --header`.
                    i += 1 + rest.chars().count();
                    continue;
                }
                match chars.get(i + 1) {
                    Some(next) => {
                        word.push(*next);
                        in_word = true;
                        i += 2;
                    }
                    None => i += 1,
                }
            }
            '\'' => {
                in_word = true;
                i += 1;
                match chars[i..].iter().position(|c| *c == '\'') {
                    Some(end) => {
                        word.extend(&chars[i..i + end]);
                        i += end + 1;
                    }
                    None => {
                        word.extend(&chars[i..]);
                        unterminated = true;
                        i = chars.len();
                    }
                }
            }
            '$' if chars.get(i + 1) == Some(&'\'') => {
                in_word = true;
                i += 2;
                let mut closed = false;
                while i < chars.len() {
                    match chars[i] {
                        '\'' => {
                            closed = true;
                            i += 1;
                            break;
                        }
                        '\\' if i + 1 < chars.len() => {
                            word.push(match chars[i + 1] {
                                'n' => '\n',
                                't' => '\t',
                                'r' => '\r',
                                other => other,
                            });
                            i += 2;
                        }
                        other => {
                            word.push(other);
                            i += 1;
                        }
                    }
                }
                unterminated |= !closed;
            }
            '"' => {
                in_word = true;
                i += 1;
                let mut closed = false;
                while i < chars.len() {
                    match chars[i] {
                        '"' => {
                            closed = true;
                            i += 1;
                            break;
                        }
                        '\\' if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                            word.push(chars[i + 1]);
                            i += 2;
                        }
                        '\\' if matches!(chars.get(i + 1), Some('\n')) => i += 2,
                        other => {
                            word.push(other);
                            i += 1;
                        }
                    }
                }
                unterminated |= !closed;
            }
            c if c.is_whitespace() => {
                finish(&mut words, &mut word, &mut in_word);
                i += 1;
            }
            other => {
                word.push(other);
                in_word = true;
                i += 1;
            }
        }
    }
    finish(&mut words, &mut word, &mut in_word);
    (words, unterminated)
}

/// cmd removes its `^` escapes (a `^` before a line break joins the lines),
/// then curl.exe splits its command line as Microsoft's C runtime does:
/// `"` quotes, `\"` is a quote character.
fn split_cmd(command: &str) -> (Vec<String>, bool) {
    let mut line = String::with_capacity(command.len());
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '^' {
            line.push(c);
            continue;
        }
        match chars.next() {
            Some('\r') if chars.peek() == Some(&'\n') => {
                chars.next();
            }
            Some('\n') | None => {}
            Some(next) => line.push(next),
        }
    }
    let chars: Vec<char> = line.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                let run = chars[i..].iter().take_while(|c| **c == '\\').count();
                if chars.get(i + run) == Some(&'"') {
                    word.push_str(&"\\".repeat(run / 2));
                    if run % 2 == 1 {
                        word.push('"');
                    } else {
                        quoted = !quoted;
                    }
                    i += run + 1;
                } else {
                    word.push_str(&"\\".repeat(run));
                    i += run;
                }
                in_word = true;
                continue;
            }
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            c if c.is_whitespace() && !quoted => finish(&mut words, &mut word, &mut in_word),
            other => {
                word.push(other);
                in_word = true;
            }
        }
        i += 1;
    }
    finish(&mut words, &mut word, &mut in_word);
    (words, quoted)
}

fn finish(words: &mut Vec<String>, word: &mut String, in_word: &mut bool) {
    if *in_word {
        words.push(std::mem::take(word));
    }
    *in_word = false;
}

/// Options that take a value and change nothing OAuth Console sends.
const IGNORED_WITH_VALUE: [(&str, &str); 14] = [
    (
        "-o",
        "the response is shown in the Response panel instead of written to a file",
    ),
    (
        "--output",
        "the response is shown in the Response panel instead of written to a file",
    ),
    ("-m", "the timeout is the one in Settings → Network"),
    ("--max-time", "the timeout is the one in Settings → Network"),
    (
        "--connect-timeout",
        "the timeout is the one in Settings → Network",
    ),
    ("-x", "the proxy is the one in Settings → Network"),
    ("--proxy", "the proxy is the one in Settings → Network"),
    (
        "--cacert",
        "CA certificates are added in Settings → Network",
    ),
    (
        "-E",
        "a client certificate is the profile's key pair (Send client certificate)",
    ),
    (
        "--cert",
        "a client certificate is the profile's key pair (Send client certificate)",
    ),
    (
        "--key",
        "a client certificate is the profile's key pair (Send client certificate)",
    ),
    (
        "-w",
        "not needed: the Response panel shows status, time and size",
    ),
    (
        "--write-out",
        "not needed: the Response panel shows status, time and size",
    ),
    ("--retry", "Send once; Settings can retry once on 401"),
];

/// Options without a value that need no note.
const QUIET_FLAGS: [&str; 18] = [
    "-i",
    "--include",
    "-s",
    "--silent",
    "-S",
    "--show-error",
    "-v",
    "--verbose",
    "-L",
    "--location",
    "--compressed",
    "-f",
    "--fail",
    "--http1.1",
    "--http2",
    "-#",
    "--progress-bar",
    "-N",
];

/// Reads a curl command into the request it sends.
pub fn parse(command: &str) -> Result<ParsedCurl> {
    let (words, unterminated) = split_words(command.trim());
    let mut words = words.into_iter().peekable();
    // A shell prompt copied along.
    while words
        .peek()
        .is_some_and(|w| w == "$" || w == ">" || w == "PS>")
    {
        words.next();
    }
    match words.next() {
        Some(first) if first == "curl" || first == "curl.exe" || first.ends_with("/curl") => {}
        Some(_) | None => return Err(import_error("it does not start with curl")),
    }
    let mut notes = Vec::new();
    if unterminated {
        notes.push("A quote was not closed; it was closed at the end of the command.".to_owned());
    }
    let mut method: Option<String> = None;
    let mut url: Option<String> = None;
    let mut headers: Vec<NameValue> = Vec::new();
    let mut data: Vec<String> = Vec::new();
    let mut parts: Vec<FormPart> = Vec::new();
    let mut file_body: Option<String> = None;
    let mut get = false;
    let mut head = false;
    let mut user: Option<String> = None;
    let words: Vec<String> = words.collect();
    let mut i = 0;
    let mut options_done = false;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if options_done || !word.starts_with('-') || word == "-" {
            if url.is_none() {
                url = Some(word.clone());
            } else {
                notes.push(format!(
                    "The extra URL {word} was left out: one request per command."
                ));
            }
            continue;
        }
        if word == "--" {
            options_done = true;
            continue;
        }
        // `--opt=value` and `-Xvalue` / clustered short flags (`-sSL`).
        let (option, attached): (String, Option<String>) =
            if let Some(long) = word.strip_prefix("--") {
                match long.split_once('=') {
                    Some((name, value)) if takes_value(&format!("--{name}")) => {
                        (format!("--{name}"), Some(value.to_owned()))
                    }
                    _ => (word.clone(), None),
                }
            } else {
                let mut flags: Vec<char> = word.chars().skip(1).collect();
                let mut option = None;
                let mut attached = None;
                while !flags.is_empty() {
                    let flag = format!("-{}", flags.remove(0));
                    if takes_value(&flag) {
                        if !flags.is_empty() {
                            attached = Some(flags.drain(..).collect());
                        }
                        option = Some(flag);
                        break;
                    }
                    if flags.is_empty() {
                        option = Some(flag);
                    } else {
                        apply_flag(&flag, &mut get, &mut head, &mut notes);
                    }
                }
                (option.unwrap_or_default(), attached)
            };
        let mut value = || -> Result<String> {
            if let Some(value) = attached.clone() {
                return Ok(value);
            }
            let value = words
                .get(i)
                .cloned()
                .ok_or_else(|| import_error(format!("{option} has no value after it")))?;
            i += 1;
            Ok(value)
        };
        match option.as_str() {
            "-X" | "--request" => method = Some(value()?.to_ascii_uppercase()),
            "--url" => {
                let given = value()?;
                if url.is_none() {
                    url = Some(given);
                }
            }
            "-H" | "--header" => {
                let line = value()?;
                if line.starts_with('@') {
                    notes.push(format!("-H {line}: headers from a file were left out; add them under Headers."));
                } else if let Some(name) = line.strip_suffix(';').filter(|n| !n.contains(':')) {
                    headers.push(NameValue::new(name.trim(), ""));
                } else if let Some((name, value)) = line.split_once(':') {
                    if value.trim().is_empty() {
                        // `-H 'Accept:'` removes curl's own header: nothing to send.
                        continue;
                    }
                    headers.push(NameValue::new(name.trim(), value.trim()));
                } else {
                    notes.push(format!("-H {line}: not a header (Name: value), left out."));
                }
            }
            "-d" | "--data" | "--data-ascii" | "--data-binary" | "--data-raw" => {
                let text = value()?;
                match text.strip_prefix('@').filter(|_| option != "--data-raw") {
                    Some(path) if option == "--data-binary" && data.is_empty() => file_body = Some(path.to_owned()),
                    Some(path) => notes.push(format!("{option} @{path}: data from a file was left out; choose the file as the body.")),
                    None => data.push(if option == "--data-binary" || option == "--data-raw" {
                        text
                    } else {
                        text.replace(['\r', '\n'], "")
                    }),
                }
            }
            "--data-urlencode" => {
                let text = value()?;
                data.push(urlencode_data(&text, &mut notes));
            }
            "--json" => {
                data.push(value()?);
                if !headers.iter().any(|h| h.name.eq_ignore_ascii_case("content-type")) {
                    headers.push(NameValue::new("Content-Type", "application/json"));
                }
                if !headers.iter().any(|h| h.name.eq_ignore_ascii_case("accept")) {
                    headers.push(NameValue::new("Accept", "application/json"));
                }
            }
            "-F" | "--form" => parts.push(form_part(&value()?, false)),
            "--form-string" => parts.push(form_part(&value()?, true)),
            "-u" | "--user" => user = Some(value()?),
            "-A" | "--user-agent" => headers.push(NameValue::new("User-Agent", value()?)),
            "-e" | "--referer" => headers.push(NameValue::new("Referer", value()?)),
            "-b" | "--cookie" => {
                let cookie = value()?;
                if cookie.contains('=') {
                    headers.push(NameValue::new("Cookie", cookie));
                } else {
                    notes.push(format!("-b {cookie}: cookies from a file were left out."));
                }
            }
            "--oauth2-bearer" => headers.push(NameValue::new("Authorization", format!("Bearer {}", value()?))),
            "-k" | "--insecure" => notes.push(
                "-k (--insecure) was ignored: OAuth Console always checks TLS certificates; add a company CA in Settings → Network.".to_owned(),
            ),
            "--location-trusted" => notes.push(
                "--location-trusted: whether Authorization follows a redirect is the request's Follow Authorization setting.".to_owned(),
            ),
            flag if !takes_value(flag) => apply_flag(flag, &mut get, &mut head, &mut notes),
            other => {
                let reason = IGNORED_WITH_VALUE.iter().find(|(o, _)| *o == other).map(|(_, why)| *why).unwrap_or("not used by OAuth Console");
                let given = value()?;
                notes.push(format!("{other} {given} was ignored: {reason}."));
            }
        }
    }
    let mut url = url.unwrap_or_else(|| {
        notes.push("There is no URL in it: type it in the URL field.".to_owned());
        String::new()
    });
    if let Some(user) = user {
        let (name, password) = user.split_once(':').unwrap_or((user.as_str(), ""));
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{name}:{password}"));
        headers.push(NameValue::new("Authorization", format!("Basic {encoded}")));
    }
    let content_type = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.to_ascii_lowercase());
    let mut body = RequestBody::None;
    if get && !data.is_empty() {
        let query = data.join("&");
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&query);
    } else if !parts.is_empty() {
        body = RequestBody::Multipart { parts };
        drop_header(&mut headers, "content-type", "multipart/form-data");
    } else if let Some(path) = file_body {
        let content_type = content_type.clone().unwrap_or_default();
        headers.retain(|h| !h.name.eq_ignore_ascii_case("content-type"));
        body = RequestBody::File { path, content_type };
    } else if data.iter().any(|d| !d.is_empty()) {
        let text = data.join("&");
        body = match content_type.as_deref() {
            Some(t) if t.contains("json") => {
                drop_header(&mut headers, "content-type", "application/json");
                RequestBody::Json { text }
            }
            None | Some("application/x-www-form-urlencoded") => form_body(&text, &mut headers),
            Some(t) if t.starts_with("application/x-www-form-urlencoded") => {
                form_body(&text, &mut headers)
            }
            Some(_) => RequestBody::Text { text },
        };
    }
    let method = match method {
        Some(method) => method,
        None if head => "HEAD".into(),
        None if get => "GET".into(),
        None if !matches!(body, RequestBody::None) || !data.is_empty() => "POST".into(),
        None => "GET".into(),
    };
    Ok(ParsedCurl {
        request: ApiRequest {
            method,
            url,
            headers,
            body,
            ..ApiRequest::default()
        },
        notes,
    })
}

/// The data as form fields when it reads as `name=value&…` (decoded as the
/// server decodes it); as text otherwise.
fn form_body(text: &str, headers: &mut Vec<NameValue>) -> RequestBody {
    let looks_like_form = !text.is_empty()
        && text.split('&').all(|pair| match pair.split_once('=') {
            Some((name, _)) => !name.is_empty() && !name.contains(char::is_whitespace),
            // `--data-urlencode =text`: an encoded name alone.
            None => {
                !pair.is_empty()
                    && pair
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "%-_.*+".contains(c))
            }
        });
    if !looks_like_form {
        return RequestBody::Text {
            text: text.to_owned(),
        };
    }
    drop_header(headers, "content-type", "application/x-www-form-urlencoded");
    let fields = url::form_urlencoded::parse(text.as_bytes())
        .map(|(name, value)| NameValue::new(name, value))
        .collect();
    RequestBody::Form { fields }
}

/// Removes the header the body kind implies (`Content-Type` of a form, JSON
/// or multipart body: the sender sets it, with the multipart boundary).
fn drop_header(headers: &mut Vec<NameValue>, name: &str, value_prefix: &str) {
    headers.retain(|h| {
        !(h.name.eq_ignore_ascii_case(name)
            && h.value.to_ascii_lowercase().starts_with(value_prefix))
    });
}

fn urlencode_data(text: &str, notes: &mut Vec<String>) -> String {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    if let Some((name, path)) = text.split_once('@').filter(|(name, _)| !name.contains('=')) {
        notes.push(format!(
            "--data-urlencode {name}@{path}: data from a file was left out."
        ));
        return format!("{name}=");
    }
    match text.split_once('=') {
        Some(("", content)) => encode(content),
        Some((name, content)) => format!("{name}={}", encode(content)),
        None => encode(text),
    }
}

/// `-F name=value`, `-F name=@path;type=…`, `-F name=<path` (a file's text
/// as the value: sent as a file part).
fn form_part(spec: &str, literal: bool) -> FormPart {
    let (name, rest) = spec.split_once('=').unwrap_or((spec, ""));
    if literal {
        return FormPart::text(name, rest);
    }
    if let Some(file) = rest.strip_prefix('@').or_else(|| rest.strip_prefix('<')) {
        let mut pieces = file.split(';');
        let path = pieces.next().unwrap_or_default();
        let mut part = FormPart::file(name, path);
        for piece in pieces {
            if let Some(t) = piece.trim().strip_prefix("type=") {
                part.content_type = Some(t.to_owned());
            }
        }
        return part;
    }
    let mut pieces = rest.splitn(2, ";type=");
    let mut part = FormPart::text(name, pieces.next().unwrap_or_default());
    part.content_type = pieces.next().map(str::to_owned);
    part
}

fn takes_value(option: &str) -> bool {
    matches!(
        option,
        "-X" | "--request"
            | "--url"
            | "-H"
            | "--header"
            | "-d"
            | "--data"
            | "--data-ascii"
            | "--data-binary"
            | "--data-raw"
            | "--data-urlencode"
            | "--json"
            | "-F"
            | "--form"
            | "--form-string"
            | "-u"
            | "--user"
            | "-A"
            | "--user-agent"
            | "-e"
            | "--referer"
            | "-b"
            | "--cookie"
            | "--oauth2-bearer"
            | "-c"
            | "--cookie-jar"
            | "-T"
            | "--upload-file"
            | "--resolve"
            | "--connect-to"
            | "-r"
            | "--range"
            | "--max-redirs"
            | "-K"
            | "--config"
    ) || IGNORED_WITH_VALUE.iter().any(|(o, _)| *o == option)
}

fn apply_flag(flag: &str, get: &mut bool, head: &mut bool, notes: &mut Vec<String>) {
    match flag {
        "-G" | "--get" => *get = true,
        "-I" | "--head" => *head = true,
        "-k" | "--insecure" => notes.push(
            "-k (--insecure) was ignored: OAuth Console always checks TLS certificates; add a company CA in Settings → Network.".to_owned(),
        ),
        quiet if QUIET_FLAGS.contains(&quiet) => {}
        other => notes.push(format!("{other} was ignored.")),
    }
}

/// A token request pasted as curl, as the Authorization panel's fields. No
/// secret is in it; they travel apart ([`TokenImport`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenFields {
    pub token_url: String,
    /// `None` for a grant the panel does not start (refresh_token).
    pub grant_type: Option<GrantType>,
    pub client_id: String,
    pub client_auth: Option<ClientAuth>,
    pub scope: String,
    pub username: String,
    pub callback_url: String,
    /// The authorize endpoint (a Postman `oauth2` block's Auth URL).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub auth_url: String,
    pub has_client_secret: bool,
    pub has_password: bool,
}

/// [`TokenFields`] with the secrets the command carried.
#[derive(Debug)]
pub struct TokenImport {
    pub fields: TokenFields,
    pub client_secret: Option<Secret>,
    pub password: Option<Secret>,
    pub notes: Vec<String>,
}

/// Whether `url` is a token endpoint: Oracle's `/oauth2/v1/token`, or the
/// profile's Access Token URL.
pub fn is_token_endpoint(url: &str, profile_token_url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    path.ends_with("/oauth2/v1/token")
        || (!profile_token_url.trim().is_empty()
            && path == profile_token_url.trim().trim_end_matches('/'))
}

/// The Authorization panel's fields from a token request (`None` when the
/// URL is not a token endpoint): `grant_type`, `scope`, `username`,
/// `password`, `client_id`, `client_secret`, `redirect_uri` from the form,
/// the client from `-u client:secret` or `Authorization: Basic`.
pub fn token_fields(request: &ApiRequest, profile_token_url: &str) -> Option<TokenImport> {
    if !is_token_endpoint(&request.url, profile_token_url) {
        return None;
    }
    let mut fields = TokenFields {
        token_url: request.url.split('?').next().unwrap_or_default().to_owned(),
        ..TokenFields::default()
    };
    let mut notes = Vec::new();
    let mut client_secret = None;
    let mut password = None;
    let form: Vec<(String, String)> = match &request.body {
        RequestBody::Form { fields } => fields
            .iter()
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect(),
        RequestBody::Multipart { parts } => parts
            .iter()
            .filter(|p| p.file.is_none())
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect(),
        _ => Vec::new(),
    };
    for (name, value) in form {
        match name.as_str() {
            "grant_type" => {
                fields.grant_type = match value.as_str() {
                    "client_credentials" => Some(GrantType::ClientCredentials),
                    "password" => Some(GrantType::Password),
                    "authorization_code" => Some(GrantType::AuthorizationCode),
                    "urn:ietf:params:oauth:grant-type:jwt-bearer" => Some(GrantType::JwtAssertion),
                    "urn:ietf:params:oauth:grant-type:device_code" => Some(GrantType::DeviceCode),
                    other => {
                        notes.push(format!(
                            "grant_type={other}: {}",
                            if other == "refresh_token" {
                                "a refresh is started with Refresh beside the current token, so the grant was not changed"
                            } else {
                                "not a grant OAuth Console starts, so the grant was not changed"
                            }
                        ));
                        None
                    }
                }
            }
            "scope" => fields.scope = value,
            "username" => fields.username = value,
            "password" => password = Some(Secret::new(value)),
            "client_id" => fields.client_id = value,
            "client_secret" => {
                client_secret = Some(Secret::new(value));
                fields.client_auth = Some(ClientAuth::RequestBody);
            }
            "redirect_uri" => fields.callback_url = value,
            "code" | "refresh_token" | "code_verifier" | "device_code" | "assertion" => {
                notes.push(format!(
                    "{name} was left out: it is good for one request; OAuth Console gets its own."
                ))
            }
            _ => {}
        }
    }
    if let Some(basic) = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("authorization"))
        .and_then(|h| {
            h.value
                .trim()
                .strip_prefix("Basic ")
                .map(str::trim)
                .map(str::to_owned)
        })
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&basic)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| {
                text.split_once(':')
                    .map(|(id, secret)| (id.to_owned(), secret.to_owned()))
            });
        match decoded {
            Some((id, secret)) => {
                fields.client_id = id;
                if !secret.is_empty() {
                    client_secret = Some(Secret::new(secret));
                }
                fields.client_auth = Some(ClientAuth::BasicHeader);
            }
            None => {
                fields.client_auth = Some(ClientAuth::BasicHeader);
                notes.push(
                    "The Authorization: Basic value is not client ID:client secret in Base64 (a placeholder?): enter the Client ID and Client Secret."
                        .to_owned(),
                );
            }
        }
    }
    fields.has_client_secret = client_secret.is_some();
    fields.has_password = password.is_some();
    Some(TokenImport {
        fields,
        client_secret,
        password,
        notes,
    })
}

#[cfg(test)]
mod tests;
