//! Integration archives (`.iar`) the way the sandbox exports and imports
//! them: a real zip file (entries stored, not compressed) with a JAR-style
//! manifest and the integration's description, and the `multipart/form-data`
//! upload an import sends (`-F file=@x.iar`). Only what the sandbox itself
//! wrote is read back; anything else is refused with a message, never a panic.

use serde_json::Value;

/// The manifest every archive starts with.
pub const MANIFEST: &str = "META-INF/MANIFEST.MF";
/// The integration's description inside the archive.
const PROJECT_FILE: &str = "PROJECT-INF/project.json";

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL: u32 = 0x0605_4b50;
/// 1980-01-01 in MS-DOS date format: zip's earliest date.
const DOS_DATE: u16 = 0x21;

/// The archive of `integration` (its JSON as listed): a manifest and
/// `icspackage/project/<CODE>_<VERSION>/PROJECT-INF/project.json`.
pub fn export(integration: &Value) -> Vec<u8> {
    let code = integration["code"].as_str().unwrap_or_default();
    let version = integration["version"].as_str().unwrap_or_default();
    let manifest = format!(
        "Manifest-Version: 1.0\r\nCreated-By: OAuth Console sandbox\r\n\
         Integration-Code: {code}\r\nIntegration-Version: {version}\r\n\r\n"
    );
    let mut described = integration.clone();
    if let Some(object) = described.as_object_mut() {
        object.remove("links");
        object.remove("status");
        object.remove("id");
    }
    let project = serde_json::to_vec_pretty(&described).unwrap_or_default();
    zip(&[
        (MANIFEST.to_owned(), manifest.into_bytes()),
        (
            format!("icspackage/project/{code}_{version}/{PROJECT_FILE}"),
            project,
        ),
    ])
}

/// The integration an archive describes (code, version, name and the rest),
/// or why it cannot be read.
pub fn import(archive: &[u8]) -> Result<Value, String> {
    let entries = unzip(archive)?;
    if !entries.iter().any(|(name, _)| name == MANIFEST) {
        return Err(format!(
            "the archive has no {MANIFEST}; export the integration again"
        ));
    }
    let (_, project) = entries
        .iter()
        .find(|(name, _)| name.ends_with(PROJECT_FILE))
        .ok_or_else(|| {
            format!("the archive has no icspackage/project/<CODE>_<VERSION>/{PROJECT_FILE}")
        })?;
    let integration: Value = serde_json::from_slice(project)
        .map_err(|e| format!("{PROJECT_FILE} in the archive is not JSON: {e}"))?;
    for field in ["code", "version", "name"] {
        if integration[field].as_str().map_or(true, str::is_empty) {
            return Err(format!("{PROJECT_FILE} in the archive has no {field}"));
        }
    }
    Ok(integration)
}

/// A zip file of `entries` (name, bytes), stored without compression.
pub fn zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32fast::hash(data);
        let size = data.len() as u32;
        out.extend_from_slice(&LOCAL_HEADER.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&0u16.to_le_bytes()); // stored
        out.extend_from_slice(&0u16.to_le_bytes()); // time
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&CENTRAL_HEADER.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        central.extend_from_slice(&20u16.to_le_bytes()); // needed
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&DOS_DATE.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&END_OF_CENTRAL.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The entries of a zip file whose entries are stored (as [`zip`] writes
/// them), each checked against its CRC-32.
pub fn unzip(archive: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let not_zip =
        || "the file is not an integration archive (.iar): it is not a zip file".to_owned();
    let u16_at = |at: usize| -> Result<u16, String> {
        archive
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .ok_or_else(not_zip)
    };
    let u32_at = |at: usize| -> Result<u32, String> {
        archive
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(not_zip)
    };
    let mut entries = Vec::new();
    let mut at = 0usize;
    while archive.len() >= at + 4 && u32_at(at)? == LOCAL_HEADER {
        let flags = u16_at(at + 6)?;
        let method = u16_at(at + 8)?;
        let crc = u32_at(at + 14)?;
        let size = u32_at(at + 18)? as usize;
        let name_len = u16_at(at + 26)? as usize;
        let extra_len = u16_at(at + 28)? as usize;
        if flags & 0x8 != 0 || method != 0 {
            return Err(
                "the archive's entries are compressed; the sandbox imports the archives it exports"
                    .into(),
            );
        }
        let name_start = at + 30;
        let data_start = name_start + name_len + extra_len;
        let name = archive
            .get(name_start..name_start + name_len)
            .ok_or_else(not_zip)?;
        let data = archive
            .get(data_start..data_start + size)
            .ok_or_else(not_zip)?;
        if crc32fast::hash(data) != crc {
            return Err("the archive is damaged: an entry does not match its checksum".into());
        }
        entries.push((String::from_utf8_lossy(name).into_owned(), data.to_vec()));
        at = data_start + size;
    }
    if entries.is_empty() {
        return Err(not_zip());
    }
    Ok(entries)
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub data: Vec<u8>,
}

/// The parts of a `multipart/form-data` body whose `Content-Type` header is
/// `content_type`, or why it cannot be read.
pub fn multipart(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return Err(format!(
            "the Content-Type is '{}'; send the archive as multipart/form-data with a part named file (curl -F file=@x.iar)",
            crate::form::printable(content_type)
        ));
    }
    let boundary = content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .filter(|b| !b.is_empty())
        .ok_or("the multipart/form-data Content-Type has no boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = match find(body, &delimiter) {
        Some(at) => &body[at + delimiter.len()..],
        None => return Err("the multipart body has no part".into()),
    };
    loop {
        if rest.starts_with(b"--") {
            break;
        }
        let rest_after_crlf = rest
            .strip_prefix(b"\r\n")
            .ok_or("a multipart delimiter is not followed by a line break")?;
        let head_end = find(rest_after_crlf, b"\r\n\r\n")
            .ok_or("a multipart part has no blank line after its headers")?;
        let head = String::from_utf8_lossy(&rest_after_crlf[..head_end]).into_owned();
        let after_head = &rest_after_crlf[head_end + 4..];
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let end =
            find(after_head, &closing).ok_or("a multipart part is not closed by the boundary")?;
        let data = after_head[..end].to_vec();
        let disposition = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .unwrap_or_default();
        parts.push(Part {
            name: parameter(disposition, "name").unwrap_or_default(),
            file_name: parameter(disposition, "filename"),
            data,
        });
        rest = &after_head[end + closing.len()..];
    }
    Ok(parts)
}

/// A `name="value"` parameter of a Content-Disposition line.
fn parameter(line: &str, name: &str) -> Option<String> {
    line.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_exported_archive_imports_as_the_same_integration() {
        let integration = json!({"id": "A|01.00.0000", "code": "A", "version": "01.00.0000", "name": "A", "status": "ACTIVATED"});
        let archive = export(&integration);
        assert_eq!(&archive[..4], b"PK\x03\x04", "a zip file");
        let names: Vec<_> = unzip(&archive)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            [
                MANIFEST,
                "icspackage/project/A_01.00.0000/PROJECT-INF/project.json"
            ]
        );
        let back = import(&archive).unwrap();
        assert_eq!(
            (back["code"].as_str(), back["version"].as_str()),
            (Some("A"), Some("01.00.0000"))
        );
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        assert!(import(b"").is_err());
        assert!(import(b"PK\x03\x04short").is_err());
        let mut damaged = export(&json!({"code": "A", "version": "1", "name": "A"}));
        let last = damaged.len() - 200;
        damaged[last] ^= 0xff;
        assert!(import(&damaged).is_err());
        assert!(
            import(&zip(&[("x".into(), b"y".to_vec())])).is_err(),
            "no manifest"
        );
    }

    #[test]
    fn multipart_reads_the_file_part_and_its_name() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.iar\"\r\nContent-Type: application/octet-stream\r\n\r\nPK\r\n--X\r\n--XyZ\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\napplication/octet-stream\r\n--XyZ--\r\n";
        let parts = multipart("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts[0].name, "file");
        assert_eq!(parts[0].file_name.as_deref(), Some("a.iar"));
        assert_eq!(parts[0].data, b"PK\r\n--X");
        assert_eq!(parts[1].data, b"application/octet-stream");
        assert!(multipart("application/json", body).is_err());
        assert!(multipart("multipart/form-data; boundary=XyZ", b"--XyZ\r\nno end").is_err());
    }
}
