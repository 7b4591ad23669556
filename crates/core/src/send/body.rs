//! The body of a request as it goes out: bytes typed in the Body tab, or a
//! file streamed from disk (a binary file, or the file parts of a
//! `multipart/form-data` body). Files are opened when the request is sent,
//! once per hop (a 307/308 sends the body again), and read in chunks: a
//! 500 MB `.iar` archive never sits in memory.

use super::FormPart;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncRead, AsyncReadExt};

/// What [`super::prepare`] makes of the Body tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OutBody {
    Bytes(Vec<u8>),
    /// Pieces sent one after the other: text, then a file's content, ...
    Pieces(Vec<Piece>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Bytes(Vec<u8>),
    File(PathBuf),
}

impl OutBody {
    /// The body of a binary-file request.
    pub(crate) fn file(path: &str) -> Result<OutBody> {
        Ok(OutBody::Pieces(vec![Piece::File(chosen(path)?)]))
    }

    /// A `multipart/form-data` body of the parts sent (enabled, with a
    /// name), with `boundary` (RFC 7578). `None` when no part is sent.
    pub(crate) fn multipart(parts: &[FormPart], boundary: &str) -> Result<Option<OutBody>> {
        let mut pieces = Vec::new();
        let mut head = Vec::new();
        let mut any = false;
        for part in parts
            .iter()
            .filter(|p| p.enabled && !p.name.trim().is_empty())
        {
            any = true;
            head.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let name = disposition_value(part.name.trim());
            match &part.file {
                Some(path) => {
                    let path = chosen(path)?;
                    let file_name = path
                        .file_name()
                        .map(|n| disposition_value(&n.to_string_lossy()))
                        .unwrap_or_default();
                    let content_type = part
                        .content_type
                        .as_deref()
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .unwrap_or("application/octet-stream");
                    head.extend_from_slice(
                        format!(
                            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {}\r\n\r\n",
                            one_line(content_type)
                        )
                        .as_bytes(),
                    );
                    pieces.push(Piece::Bytes(std::mem::take(&mut head)));
                    pieces.push(Piece::File(path));
                }
                None => {
                    head.extend_from_slice(
                        format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
                    );
                    if let Some(content_type) = part
                        .content_type
                        .as_deref()
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                    {
                        head.extend_from_slice(
                            format!("Content-Type: {}\r\n", one_line(content_type)).as_bytes(),
                        );
                    }
                    head.extend_from_slice(b"\r\n");
                    head.extend_from_slice(part.value.as_bytes());
                }
            }
            head.extend_from_slice(b"\r\n");
        }
        if !any {
            return Ok(None);
        }
        head.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        pieces.push(Piece::Bytes(head));
        Ok(Some(OutBody::Pieces(pieces)))
    }

    /// The bytes, when the body holds no file (tests and Copy as cURL).
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        match self {
            OutBody::Bytes(bytes) => Some(bytes),
            OutBody::Pieces(_) => None,
        }
    }

    /// Opens the body for one hop: its files are opened now (a file gone
    /// since it was chosen is [`Error::BodyFile`]) and read as the request
    /// goes out. Returns the body and its length for `Content-Length`.
    pub(crate) async fn open(&self) -> Result<(reqwest::Body, u64)> {
        let pieces = match self {
            OutBody::Bytes(bytes) => {
                return Ok((reqwest::Body::from(bytes.clone()), bytes.len() as u64))
            }
            OutBody::Pieces(pieces) => pieces,
        };
        let mut length = 0u64;
        let mut reader: Box<dyn AsyncRead + Send + Unpin> = Box::new(tokio::io::empty());
        for piece in pieces {
            match piece {
                Piece::Bytes(bytes) => {
                    length += bytes.len() as u64;
                    reader = Box::new(reader.chain(std::io::Cursor::new(bytes.clone())));
                }
                Piece::File(path) => {
                    let (file, size) = open_file(path).await?;
                    length += size;
                    // Never more than announced, should the file grow meanwhile.
                    reader = Box::new(reader.chain(file.take(size)));
                }
            }
        }
        let stream = tokio_util::io::ReaderStream::with_capacity(reader, 64 * 1024);
        Ok((reqwest::Body::wrap_stream(stream), length))
    }
}

/// The path the user chose, or what to do when there is none.
fn chosen(path: &str) -> Result<PathBuf> {
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err(Error::BodyFile {
            path: "(none chosen)".into(),
            reason: "choose a file or type its full path on the Body tab".into(),
        });
    }
    Ok(PathBuf::from(trimmed))
}

async fn open_file(path: &Path) -> Result<(tokio::fs::File, u64)> {
    let failed = |reason: String| Error::BodyFile {
        path: path.display().to_string(),
        reason,
    };
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| failed(io_reason(&e)))?;
    let meta = file.metadata().await.map_err(|e| failed(io_reason(&e)))?;
    if meta.is_dir() {
        return Err(failed("it is a folder, not a file".into()));
    }
    Ok((file, meta.len()))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "there is no file at this path".into(),
        std::io::ErrorKind::PermissionDenied => "you may not read it".into(),
        _ => e.to_string(),
    }
}

/// A name or file name inside a quoted Content-Disposition parameter, as
/// browsers write it (HTML's multipart/form-data encoding): `"`, CR and LF
/// percent-encoded.
fn disposition_value(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// A boundary that does not occur in the text parts (files are not read
/// ahead to check; 32 random hex digits do not occur by chance).
pub(crate) fn boundary(parts: &[FormPart]) -> String {
    loop {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).expect("the system's random source");
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let boundary = format!("OAuthConsoleBoundary{hex}");
        if !parts.iter().any(|p| p.value.contains(&boundary)) {
            return boundary;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(body: &OutBody) -> Result<(Vec<u8>, u64)> {
        let (body, length) = body.open().await?;
        let bytes = http_body_bytes(body).await;
        Ok((bytes, length))
    }

    async fn http_body_bytes(body: reqwest::Body) -> Vec<u8> {
        use http_body_util::BodyExt;
        body.collect()
            .await
            .expect("the body is read")
            .to_bytes()
            .to_vec()
    }

    fn temp_file(name: &str, content: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "oc-body-{}-{}",
            std::process::id(),
            name.replace('.', "-")
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    #[tokio::test]
    async fn a_multipart_body_holds_text_and_file_parts_in_order_with_their_length() {
        let path = temp_file("HELLO_WORLD.iar", b"PK\x03\x04archive");
        let parts = vec![
            FormPart::text("type", "replace"),
            FormPart::file("file", path.to_str().unwrap()),
            FormPart {
                enabled: false,
                ..FormPart::text("off", "not sent")
            },
            FormPart::text("  ", "no name, not sent"),
        ];
        let body = OutBody::multipart(&parts, "XyZ").unwrap().unwrap();
        let (bytes, length) = read_all(&body).await.unwrap();
        let expected = b"--XyZ\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nreplace\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"HELLO_WORLD.iar\"\r\nContent-Type: application/octet-stream\r\n\r\nPK\x03\x04archive\r\n--XyZ--\r\n";
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            String::from_utf8_lossy(expected)
        );
        assert_eq!(length, expected.len() as u64);
    }

    #[tokio::test]
    async fn a_file_is_opened_when_sent_so_a_file_gone_since_it_was_chosen_is_a_body_file_error() {
        let path = temp_file("gone.bin", b"x");
        let body = OutBody::file(path.to_str().unwrap()).unwrap();
        std::fs::remove_file(&path).unwrap();
        match body.open().await {
            Err(e @ Error::BodyFile { .. }) => {
                assert_eq!(e.code(), "body_file");
                assert!(
                    e.to_string().contains("there is no file at this path"),
                    "{e}"
                );
            }
            other => panic!("expected body_file, got {:?}", other.map(|(_, n)| n)),
        }
    }

    #[tokio::test]
    async fn a_folder_or_no_path_is_refused_with_what_to_do() {
        let dir = std::env::temp_dir();
        let err = OutBody::file(dir.to_str().unwrap())
            .unwrap()
            .open()
            .await
            .err()
            .unwrap();
        assert!(err.to_string().contains("a folder"), "{err}");
        let err = OutBody::file("  ").err().unwrap();
        assert_eq!(err.code(), "body_file");
        assert!(err.to_string().contains("choose a file"), "{err}");
    }

    #[tokio::test]
    async fn a_binary_file_is_sent_as_it_is_on_disk_and_can_be_opened_again_for_a_redirect() {
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let path = temp_file("big.bin", &content);
        let body = OutBody::file(path.to_str().unwrap()).unwrap();
        for _ in 0..2 {
            let (bytes, length) = read_all(&body).await.unwrap();
            assert_eq!(length, content.len() as u64);
            assert!(bytes == content, "the bytes differ");
        }
    }

    #[test]
    fn names_with_quotes_or_line_breaks_cannot_break_out_of_their_header() {
        let parts = vec![FormPart::text("a\"b\r\nX-Evil: 1", "v")];
        let body = OutBody::multipart(&parts, "B").unwrap().unwrap();
        let OutBody::Pieces(pieces) = body else {
            panic!("pieces")
        };
        let Piece::Bytes(bytes) = &pieces[0] else {
            panic!("bytes")
        };
        let text = String::from_utf8_lossy(bytes);
        assert!(text.contains("name=\"a%22b%0D%0AX-Evil: 1\""), "{text}");
        assert_eq!(text.matches("\r\n").count(), 5, "{text}");
    }

    proptest::proptest! {
        #[test]
        fn every_text_part_is_framed_by_the_boundary_and_found_again_by_its_name(
            parts in proptest::collection::vec(("[a-z]{1,8}", "\\PC{0,40}"), 1..6)
        ) {
            let parts: Vec<FormPart> = parts.iter().map(|(n, v)| FormPart::text(n, v)).collect();
            let boundary = boundary(&parts);
            let body = OutBody::multipart(&parts, &boundary).unwrap().unwrap();
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let (bytes, length) = rt.block_on(read_all(&body)).unwrap();
            proptest::prop_assert_eq!(bytes.len() as u64, length);
            let text = String::from_utf8(bytes).unwrap();
            let sections: Vec<&str> = text.split(&format!("--{boundary}")).collect();
            // "", one per part, then "--\r\n".
            proptest::prop_assert_eq!(sections.len(), parts.len() + 2);
            proptest::prop_assert_eq!(*sections.last().unwrap(), "--\r\n");
            for (section, part) in sections[1..=parts.len()].iter().zip(&parts) {
                let expected = format!(
                    "\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{}\r\n",
                    part.name, part.value
                );
                proptest::prop_assert_eq!(*section, expected.as_str());
            }
        }
    }
}
