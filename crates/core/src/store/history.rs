//! History: the last [`LIMIT`] sends of each profile (method, URL, status,
//! time taken, size, when), newest first, kept across restarts so that one
//! can be filled back into the request panel.
//!
//! What is stored is the request as sent with every credential taken out
//! ([`without_credentials`]), under the same rule as saved requests: no
//! credential header, secret row, secret form field or secret part keeps its
//! value (the row stays, empty and locked, so the user sees what to type
//! again), the URL loses its user name and password, and query parameters
//! named like secrets lose their values. Unlike a saved request, nothing
//! goes to the keychain: history is a record, and a credential is typed
//! again (or comes from Use Token) when an entry is sent again. File paths
//! (a binary file body, the file parts of a multipart body) are kept: a
//! path is not a secret, and the file is read again when the entry is sent
//! again. A JSON or text body over [`BODY_LIMIT`] is left out and the entry
//! says so.
//!
//! Each profile has one file, `history/<profile id>.jsonl`, one entry per
//! line, oldest first. A send appends one line (no file is rewritten per
//! send); once the file holds twice [`LIMIT`] lines it is rewritten
//! atomically with the newest [`LIMIT`] ([`super::file::write_atomic`]).
//! A line that does not parse (a write cut short) is skipped. The calls
//! block on the disk: the shell runs them on a blocking thread.

use super::credentials::{is_credential_field, is_credential_header};
use super::file;
use crate::error::{Error, Result};
use crate::secret::holds_secret;
use crate::send::{ApiRequest, NameValue, RequestBody};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The most entries kept per profile.
pub const LIMIT: usize = 500;

/// The largest JSON or text body kept with an entry, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The folder of history files inside the app's config folder.
pub const DIR_NAME: &str = "history";

/// One send as History keeps it: `{"id", "at", "request", "status",
/// "reason", "error", "durationMs", "size", "bodyLeftOut"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: String,
    /// When it was sent, Unix milliseconds.
    pub at: u64,
    /// The request without credentials ([`without_credentials`]).
    pub request: ApiRequest,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The JSON or text body was over [`BODY_LIMIT`] and is not kept.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub body_left_out: bool,
}

/// How a send ended: the response's status, time and body size, or the
/// error's code when there was no response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Outcome {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The error's code (`timeout`, `connection_refused`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// The response body's size in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// A row of the History list: the entry without its request's rows and
/// body, which [`History::entry`] gives when one is reopened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryRow {
    pub id: String,
    pub at: u64,
    pub method: String,
    pub url: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl HistoryEntry {
    /// The entry for `request`, sent at `at` (Unix milliseconds), with its
    /// credentials taken out and a body over [`BODY_LIMIT`] left out.
    pub fn new(request: &ApiRequest, outcome: Outcome, at: u64) -> Result<HistoryEntry> {
        let mut request = without_credentials(request);
        let body_left_out = match &mut request.body {
            RequestBody::Json { text } | RequestBody::Text { text } if text.len() > BODY_LIMIT => {
                text.clear();
                true
            }
            _ => false,
        };
        Ok(HistoryEntry {
            id: super::profile::new_id()?,
            at,
            request,
            outcome,
            body_left_out,
        })
    }

    pub fn row(&self) -> HistoryRow {
        HistoryRow {
            id: self.id.clone(),
            at: self.at,
            method: self.request.method.clone(),
            url: self.request.url.clone(),
            outcome: self.outcome.clone(),
        }
    }
}

/// `request` as History may keep it: every credential value emptied (see
/// the module's documentation). The rows stay, marked secret, so that the
/// request reopens with the same shape.
pub fn without_credentials(request: &ApiRequest) -> ApiRequest {
    let mut request = request.clone();
    request.url = url_without_credentials(&request.url);
    for row in &mut request.headers {
        if row.is_secret() || is_credential_header(&row.name) || is_credential_value(&row.value) {
            blank(row);
        }
    }
    match &mut request.body {
        RequestBody::Form { fields } => {
            for row in fields {
                if row.is_secret()
                    || is_credential_field(&row.name)
                    || is_credential_value(&row.value)
                {
                    blank(row);
                }
            }
        }
        // A text part like a form field; a file part keeps its path (a
        // path is not a secret) and holds no value.
        RequestBody::Multipart { parts } => {
            for part in parts {
                if part.file.is_some() {
                    part.value.clear();
                } else if part.is_secret()
                    || is_credential_field(&part.name)
                    || is_credential_value(&part.value)
                {
                    part.value.clear();
                    part.secret = true;
                }
            }
        }
        _ => {}
    }
    request
}

fn blank(row: &mut NameValue) {
    row.value.clear();
    row.secret = true;
}

/// A value that is a credential whatever its row is called: an
/// `Authorization`-style value (`Bearer …`, `Basic …`) or a JWT.
fn is_credential_value(value: &str) -> bool {
    let lower = value.trim_start().to_ascii_lowercase();
    [
        "bearer ",
        "basic ",
        "digest ",
        "negotiate ",
        "ntlm ",
        "dpop ",
    ]
    .iter()
    .any(|scheme| lower.starts_with(scheme))
        || holds_secret(value)
}

/// The URL without user name and password, and with the values of query
/// parameters named like secrets (`access_token`, `client_secret`, `code`…)
/// emptied; text that is not a URL loses whatever stands before an `@` in
/// its authority.
pub fn url_without_credentials(text: &str) -> String {
    match url::Url::parse(text.trim()) {
        Ok(mut url) if url.has_host() => {
            let _ = url.set_password(None);
            let _ = url.set_username("");
            if url.query().is_some() {
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(name, value)| {
                        let secret = is_credential_field(&name)
                            || crate::send::is_secret_field(&name)
                            || is_credential_value(&value);
                        (
                            name.into_owned(),
                            if secret {
                                String::new()
                            } else {
                                value.into_owned()
                            },
                        )
                    })
                    .collect();
                if pairs
                    .iter()
                    .zip(url.query_pairs())
                    .any(|((_, kept), (_, was))| kept != &*was)
                {
                    url.query_pairs_mut().clear().extend_pairs(pairs);
                }
            }
            url.to_string()
        }
        _ => authority_without_userinfo(text),
    }
}

/// `scheme://user:pw@host/…` → `scheme://host/…`, by text.
fn authority_without_userinfo(text: &str) -> String {
    let Some(start) = text.find("://").map(|i| i + 3) else {
        return text.to_owned();
    };
    let authority_end = text[start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |i| start + i);
    match text[start..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &text[..start], &text[start + at + 1..]),
        None => text.to_owned(),
    }
}

/// Every profile's history: the files in one folder, each loaded once and
/// then kept in memory. Share one per app; every call blocks on the disk.
#[derive(Debug)]
pub struct History {
    dir: PathBuf,
    loaded: Mutex<HashMap<String, Loaded>>,
}

#[derive(Debug, Default)]
struct Loaded {
    /// Newest first, at most [`LIMIT`].
    entries: VecDeque<HistoryEntry>,
    /// Lines in the file (parsed or not), to know when to compact it.
    lines: usize,
}

impl History {
    /// The history files in `dir` (created at the first send).
    pub fn new(dir: PathBuf) -> History {
        History {
            dir,
            loaded: Mutex::new(HashMap::new()),
        }
    }

    /// The file of `profile_id`.
    pub fn path(&self, profile_id: &str) -> Result<PathBuf> {
        let safe = !profile_id.is_empty()
            && profile_id.len() <= 64
            && profile_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !safe {
            return Err(Error::NotFound {
                what: "profile",
                id: profile_id.chars().take(64).collect(),
            });
        }
        Ok(self.dir.join(format!("{profile_id}.jsonl")))
    }

    /// Adds `entry` as the newest of `profile_id`'s history: one line
    /// appended to its file, which is compacted now and then.
    pub fn record(&self, profile_id: &str, entry: HistoryEntry) -> Result<()> {
        let path = self.path(profile_id)?;
        let line = serde_json::to_string(&entry)
            .map_err(|e| Error::Internal(format!("a history entry could not be written: {e}")))?;
        let mut loaded = self.lock();
        let history = self.loaded_for(&mut loaded, profile_id, &path)?;
        fs::create_dir_all(&self.dir)
            .map_err(|e| super::storage("create the folder", &self.dir, &e))?;
        append_line(&path, &line)
            .map_err(|e| super::storage("write the history file", &path, &e))?;
        history.entries.push_front(entry);
        history.entries.truncate(LIMIT);
        history.lines += 1;
        if history.lines >= 2 * LIMIT {
            rewrite(&path, &history.entries)?;
            history.lines = history.entries.len();
        }
        Ok(())
    }

    /// `profile_id`'s history, newest first.
    pub fn rows(&self, profile_id: &str) -> Result<Vec<HistoryRow>> {
        let path = self.path(profile_id)?;
        let mut loaded = self.lock();
        let history = self.loaded_for(&mut loaded, profile_id, &path)?;
        Ok(history.entries.iter().map(HistoryEntry::row).collect())
    }

    /// One entry of `profile_id`'s history, to reopen it.
    pub fn entry(&self, profile_id: &str, id: &str) -> Result<HistoryEntry> {
        let path = self.path(profile_id)?;
        let mut loaded = self.lock();
        let history = self.loaded_for(&mut loaded, profile_id, &path)?;
        history
            .entries
            .iter()
            .find(|e| e.id == id)
            .cloned()
            .ok_or_else(|| Error::NotFound {
                what: "history entry",
                id: id.chars().take(64).collect(),
            })
    }

    /// Clear history: the file is removed, and the entries with it.
    pub fn clear(&self, profile_id: &str) -> Result<()> {
        let path = self.path(profile_id)?;
        let mut loaded = self.lock();
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(super::storage("remove the history file", &path, &e)),
        }
        loaded.insert(profile_id.to_owned(), Loaded::default());
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Loaded>> {
        self.loaded.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn loaded_for<'a>(
        &self,
        loaded: &'a mut HashMap<String, Loaded>,
        profile_id: &str,
        path: &Path,
    ) -> Result<&'a mut Loaded> {
        if !loaded.contains_key(profile_id) {
            let history = load(path)?;
            loaded.insert(profile_id.to_owned(), history);
        }
        Ok(loaded.get_mut(profile_id).expect("inserted above"))
    }
}

/// Reads a history file; a file whose last line was cut short is rewritten
/// without it, so the next line appended starts on a line of its own.
fn load(path: &Path) -> Result<Loaded> {
    let bytes = match file::read(path) {
        file::Found::Missing => return Ok(Loaded::default()),
        file::Found::Bytes(bytes) => bytes,
        file::Found::Unreadable(e) => {
            return Err(super::storage("read the history file", path, &e))
        }
    };
    let mut entries = VecDeque::new();
    let mut lines = 0;
    let mut skipped = false;
    for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        lines += 1;
        match serde_json::from_slice::<HistoryEntry>(line) {
            Ok(entry) => entries.push_front(entry),
            Err(_) => skipped = true,
        }
    }
    entries.truncate(LIMIT);
    let mut history = Loaded { entries, lines };
    if skipped || bytes.last().is_some_and(|b| *b != b'\n') || lines > LIMIT {
        rewrite(path, &history.entries)?;
        history.lines = history.entries.len();
    }
    Ok(history)
}

/// Replaces the file with `entries` (newest first), oldest first, atomically.
fn rewrite(path: &Path, entries: &VecDeque<HistoryEntry>) -> Result<()> {
    let mut bytes = Vec::new();
    for entry in entries.iter().rev() {
        serde_json::to_writer(&mut bytes, entry)
            .map_err(|e| Error::Internal(format!("a history entry could not be written: {e}")))?;
        bytes.push(b'\n');
    }
    file::write_atomic(path, &bytes).map_err(|e| super::storage("write the history file", path, &e))
}

#[cfg(unix)]
fn append_line(path: &Path, line: &str) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    // One write call for the line and its newline.
    file.write_all(format!("{line}\n").as_bytes())
}

#[cfg(not(unix))]
fn append_line(path: &Path, line: &str) -> io::Result<()> {
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(format!("{line}\n").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::send::{FollowAuthorization, FormPart};
    use proptest::prelude::*;

    struct Dir(PathBuf);

    impl Dir {
        fn new(tag: &str) -> Dir {
            let dir = std::env::temp_dir().join(format!(
                "oc-history-{tag}-{}-{}",
                std::process::id(),
                super::super::profile::new_id().unwrap()
            ));
            Dir(dir)
        }

        fn file(&self, profile: &str) -> Vec<u8> {
            fs::read(self.0.join(format!("{profile}.jsonl"))).unwrap()
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn get(url: &str) -> ApiRequest {
        ApiRequest {
            url: url.into(),
            ..ApiRequest::default()
        }
    }

    fn ok(status: u16) -> Outcome {
        Outcome {
            status: Some(status),
            reason: Some("OK".into()),
            duration_ms: Some(12),
            size: Some(34),
            ..Outcome::default()
        }
    }

    fn locked(name: &str, value: &str) -> NameValue {
        NameValue {
            secret: true,
            ..NameValue::new(name, value)
        }
    }

    #[test]
    fn history_keeps_the_newest_500_sends_newest_first_across_a_restart() {
        let dir = Dir::new("cap");
        let history = History::new(dir.0.clone());
        for n in 0..1234u64 {
            let entry =
                HistoryEntry::new(&get(&format!("https://h.example/{n}")), ok(200), n).unwrap();
            history.record("p1", entry).unwrap();
        }
        let rows = history.rows("p1").unwrap();
        assert_eq!(rows.len(), LIMIT);
        assert_eq!(rows[0].url, "https://h.example/1233", "the newest first");
        assert_eq!(
            rows[LIMIT - 1].url,
            "https://h.example/734",
            "the oldest kept is the 500th newest"
        );
        let lines = dir.file("p1").iter().filter(|b| **b == b'\n').count();
        assert!(
            lines < 2 * LIMIT,
            "the file is compacted, not grown without end: {lines} lines"
        );

        let reopened = History::new(dir.0.clone());
        let again = reopened.rows("p1").unwrap();
        assert_eq!(again, rows, "the same history after a restart");
        assert!(
            reopened.rows("p2").unwrap().is_empty(),
            "each profile has its own history"
        );
    }

    #[test]
    fn a_recorded_entry_reopens_with_its_request_and_outcome() {
        let dir = Dir::new("entry");
        let history = History::new(dir.0.clone());
        let mut request = get("https://h.example/ic/api/integration/v1/integrations?limit=5");
        request.method = "POST".into();
        request.headers = vec![NameValue::new("Accept", "application/json")];
        request.body = RequestBody::Json {
            text: "{\"a\":1}".into(),
        };
        request.follow_authorization = FollowAuthorization::Off;
        let entry = HistoryEntry::new(&request, ok(201), 1_700_000_000_000).unwrap();
        let id = entry.id.clone();
        history.record("p", entry).unwrap();
        let reopened = History::new(dir.0.clone()).entry("p", &id).unwrap();
        assert_eq!(
            reopened.request, request,
            "nothing secret in it: kept as sent"
        );
        assert_eq!(reopened.outcome, ok(201));
        assert_eq!(reopened.at, 1_700_000_000_000);
        let row = &History::new(dir.0.clone()).rows("p").unwrap()[0];
        assert_eq!(
            (row.method.as_str(), row.url.as_str()),
            ("POST", request.url.as_str())
        );
    }

    #[test]
    fn no_credential_reaches_the_history_file_and_the_rows_stay_locked_and_empty() {
        let dir = Dir::new("secrets");
        let history = History::new(dir.0.clone());
        let mut request = get(
            "https://url-user-not-real:pw-not-real@h.example/path?access_token=query-token-not-real&limit=5",
        );
        request.headers = vec![
            NameValue::new("Authorization", "Bearer bearer-token-not-real"),
            NameValue::new("Cookie", "session=cookie-not-real"),
            NameValue::new("X-API-Key", "api-key-not-real"),
            NameValue::new("X-Forwarded-Auth", "Bearer forwarded-bearer-not-real"),
            locked("X-Custom", "locked-header-not-real"),
            NameValue::new("Accept", "application/json"),
        ];
        request.body = RequestBody::Form {
            fields: vec![
                NameValue::new("grant_type", "client_credentials"),
                NameValue::new("client_secret", "client-secret-not-real"),
                locked("pin", "locked-field-not-real"),
            ],
        };
        let entry = HistoryEntry::new(&request, ok(200), 1).unwrap();
        let id = entry.id.clone();
        history.record("p", entry).unwrap();
        let mut locked_part = FormPart::text("note", "locked-part-not-real");
        locked_part.secret = true;
        let multipart = ApiRequest {
            body: RequestBody::Multipart {
                parts: vec![
                    FormPart::text("password", "part-password-not-real"),
                    locked_part,
                    FormPart::text("type", "replace"),
                    FormPart::file("file", "/home/admin/HELLO_WORLD_01.00.0000.iar"),
                ],
            },
            ..get("https://h.example/ic/api/integration/v1/integrations/archive")
        };
        let multipart_entry = HistoryEntry::new(&multipart, ok(200), 2).unwrap();
        let multipart_id = multipart_entry.id.clone();
        history.record("p", multipart_entry).unwrap();

        let bytes = String::from_utf8(dir.file("p")).unwrap();
        for secret in [
            "pw-not-real",
            "url-user-not-real",
            "query-token-not-real",
            "bearer-token-not-real",
            "cookie-not-real",
            "api-key-not-real",
            "forwarded-bearer-not-real",
            "locked-header-not-real",
            "client-secret-not-real",
            "locked-field-not-real",
            "part-password-not-real",
            "locked-part-not-real",
        ] {
            assert!(
                !bytes.contains(secret),
                "{secret} is in the history file: {bytes}"
            );
        }
        for kept in [
            "limit=5",
            "application/json",
            "client_credentials",
            "h.example/path",
            "replace",
            "/home/admin/HELLO_WORLD_01.00.0000.iar",
        ] {
            assert!(bytes.contains(kept), "{kept} is kept: {bytes}");
        }

        let entry = history.entry("p", &id).unwrap();
        assert_eq!(
            entry.request.url,
            "https://h.example/path?access_token=&limit=5"
        );
        let headers: Vec<(&str, &str, bool)> = entry
            .request
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.value.as_str(), h.secret))
            .collect();
        assert_eq!(
            headers,
            [
                ("Authorization", "", true),
                ("Cookie", "", true),
                ("X-API-Key", "", true),
                ("X-Forwarded-Auth", "", true),
                ("X-Custom", "", true),
                ("Accept", "application/json", false),
            ],
            "each credential row stays, empty and locked, to be typed again"
        );
        let RequestBody::Form { fields } = &entry.request.body else {
            panic!("a form body")
        };
        let fields: Vec<(&str, &str, bool)> = fields
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str(), f.secret))
            .collect();
        assert_eq!(
            fields,
            [
                ("grant_type", "client_credentials", false),
                ("client_secret", "", true),
                ("pin", "", true)
            ]
        );
        let reopened = history.entry("p", &multipart_id).unwrap();
        let RequestBody::Multipart { parts } = &reopened.request.body else {
            panic!("a multipart body")
        };
        let parts: Vec<(&str, &str, Option<&str>, bool)> = parts
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.value.as_str(),
                    p.file.as_deref(),
                    p.secret,
                )
            })
            .collect();
        assert_eq!(
            parts,
            [
                ("password", "", None, true),
                ("note", "", None, true),
                ("type", "replace", None, false),
                (
                    "file",
                    "",
                    Some("/home/admin/HELLO_WORLD_01.00.0000.iar"),
                    false
                ),
            ],
            "secret text parts come back empty and locked, the file part with its path"
        );
    }

    #[test]
    fn a_binary_file_body_keeps_its_path_and_content_type() {
        let request = ApiRequest {
            method: "PUT".into(),
            body: RequestBody::File {
                path: "/tmp/archive.iar".into(),
                content_type: "application/octet-stream".into(),
            },
            ..get("https://h.example/upload")
        };
        let entry = HistoryEntry::new(&request, ok(204), 1).unwrap();
        assert_eq!(entry.request, request);
    }

    #[test]
    fn a_url_that_does_not_parse_still_loses_its_user_name_and_password() {
        assert_eq!(
            url_without_credentials("https://user:pw@{{host}}/x?y=@z"),
            "https://{{host}}/x?y=@z"
        );
        assert_eq!(url_without_credentials("not a url"), "not a url");
        assert_eq!(
            url_without_credentials("https://h.example/a?b=c"),
            "https://h.example/a?b=c"
        );
    }

    #[test]
    fn a_large_body_is_left_out_and_the_entry_says_so() {
        let mut request = get("https://h.example/");
        request.body = RequestBody::Text {
            text: "x".repeat(BODY_LIMIT + 1),
        };
        let entry = HistoryEntry::new(&request, ok(200), 1).unwrap();
        assert!(entry.body_left_out);
        assert_eq!(
            entry.request.body,
            RequestBody::Text {
                text: String::new()
            }
        );
        request.body = RequestBody::Text {
            text: "x".repeat(BODY_LIMIT),
        };
        assert!(
            !HistoryEntry::new(&request, ok(200), 1)
                .unwrap()
                .body_left_out
        );
    }

    #[test]
    fn a_line_cut_short_is_skipped_and_the_next_send_starts_a_line_of_its_own() {
        let dir = Dir::new("cut");
        let history = History::new(dir.0.clone());
        history
            .record(
                "p",
                HistoryEntry::new(&get("https://h.example/1"), ok(200), 1).unwrap(),
            )
            .unwrap();
        let path = history.path("p").unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"id\":\"half").unwrap();
        drop(file);

        let restarted = History::new(dir.0.clone());
        restarted
            .record(
                "p",
                HistoryEntry::new(&get("https://h.example/2"), ok(200), 2).unwrap(),
            )
            .unwrap();
        let urls: Vec<String> = History::new(dir.0.clone())
            .rows("p")
            .unwrap()
            .into_iter()
            .map(|r| r.url)
            .collect();
        assert_eq!(urls, ["https://h.example/2", "https://h.example/1"]);
    }

    #[test]
    fn clear_history_removes_the_file_and_the_entries() {
        let dir = Dir::new("clear");
        let history = History::new(dir.0.clone());
        history
            .record(
                "p",
                HistoryEntry::new(&get("https://h.example/1"), ok(200), 1).unwrap(),
            )
            .unwrap();
        history.clear("p").unwrap();
        assert!(history.rows("p").unwrap().is_empty());
        assert!(!history.path("p").unwrap().exists(), "the file is gone");
        assert!(History::new(dir.0.clone()).rows("p").unwrap().is_empty());
        history.clear("never-sent").unwrap();
    }

    #[test]
    fn a_profile_id_that_is_not_a_plain_name_names_no_file() {
        let history = History::new(PathBuf::from("/nonexistent"));
        for id in ["", "../x", "a/b", "a.b", &"x".repeat(65)] {
            assert!(history.path(id).is_err(), "{id:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_history_file_is_readable_by_this_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = Dir::new("mode");
        let history = History::new(dir.0.clone());
        history
            .record(
                "p",
                HistoryEntry::new(&get("https://h.example/1"), ok(200), 1).unwrap(),
            )
            .unwrap();
        let mode = fs::metadata(history.path("p").unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }

    /// A value no other part of the request can contain by chance.
    fn marker(kind: &'static str) -> impl Strategy<Value = String> {
        "[a-z0-9]{12}".prop_map(move |s| format!("{kind}{s}"))
    }

    /// A row and whether its value is a secret, by construction.
    fn row(
        credential_names: &'static [&'static str],
        plain_names: &'static [&'static str],
    ) -> impl Strategy<Value = (NameValue, bool)> {
        (
            prop::sample::select(credential_names),
            prop::sample::select(plain_names),
            0..4u8,
            marker("secretvalue"),
            marker("plainvalue"),
            any::<bool>(),
        )
            .prop_map(
                |(credential, plain, kind, secret_value, plain_value, enabled)| {
                    let row = match kind {
                        // A credential by its name.
                        0 => NameValue::new(credential, secret_value),
                        // Locked by the user.
                        1 => locked(plain, &secret_value),
                        // An Authorization-style value under any name.
                        2 => NameValue::new(plain, format!("Bearer {secret_value}")),
                        _ => NameValue::new(plain, plain_value),
                    };
                    (NameValue { enabled, ..row }, kind < 3)
                },
            )
    }

    const HEADER_CREDENTIALS: &[&str] = &[
        "Authorization",
        "cookie",
        "Proxy-Authorization",
        "X-API-Key",
        "X-Auth-Token",
        "X-Client-Secret",
    ];
    const HEADER_PLAIN: &[&str] = &["Accept", "X-Trace", "If-None-Match", ""];
    const FIELD_CREDENTIALS: &[&str] = &[
        "password",
        "client_secret",
        "refresh_token",
        "client_assertion",
        "code",
        "access_token",
    ];
    const FIELD_PLAIN: &[&str] = &["grant_type", "scope", "username", "client_id"];

    proptest! {
        #[test]
        fn whatever_request_is_recorded_no_secret_value_is_in_the_history_file(
            headers in prop::collection::vec(row(HEADER_CREDENTIALS, HEADER_PLAIN), 0..6),
            fields in prop::collection::vec(row(FIELD_CREDENTIALS, FIELD_PLAIN), 0..6),
            user in marker("secretuser"),
            password in marker("secretpassword"),
            query_secret in marker("secretquery"),
            query_name in prop::sample::select(FIELD_CREDENTIALS),
            path in "[a-z/]{0,12}",
            method in prop::sample::select(&["GET", "POST", "PUT", "DELETE"][..]),
            as_multipart in any::<bool>(),
        ) {
            let dir = Dir::new("prop");
            let history = History::new(dir.0.clone());
            let mut secrets: Vec<String> = vec![user.clone(), password.clone(), query_secret.clone()];
            let mut plain = Vec::new();
            for (row, secret) in headers.iter().chain(&fields) {
                if *secret { secrets.push(row.value.trim_start_matches("Bearer ").to_owned()) } else { plain.push(row.value.clone()) }
            }
            let request = ApiRequest {
                method: method.into(),
                url: format!("https://{user}:{password}@h.example/{path}?{query_name}={query_secret}&q=1"),
                headers: headers.into_iter().map(|(r, _)| r).collect(),
                body: if as_multipart {
                    // The same rows as text parts, beside a file part.
                    let mut parts: Vec<FormPart> = fields
                        .into_iter()
                        .map(|(r, _)| FormPart { enabled: r.enabled, secret: r.secret, ..FormPart::text(r.name, r.value) })
                        .collect();
                    parts.push(FormPart::file("file", "/tmp/x.iar"));
                    RequestBody::Multipart { parts }
                } else {
                    RequestBody::Form { fields: fields.into_iter().map(|(r, _)| r).collect() }
                },
                ..ApiRequest::default()
            };
            history.record("p", HistoryEntry::new(&request, ok(200), 1).unwrap()).unwrap();
            let bytes = String::from_utf8(dir.file("p")).unwrap();
            for secret in &secrets {
                prop_assert!(!bytes.contains(secret.as_str()), "{} is in {}", secret, bytes);
            }
            for value in &plain {
                prop_assert!(bytes.contains(value.as_str()), "the plain value {} is kept", value);
            }
        }
    }
}
