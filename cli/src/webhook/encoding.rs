//! Request body encodings the webhook accepts: none (`identity`) and
//! `gzip`. Decompression stops one byte past the body cap, so a small
//! compressed body (a "gzip bomb") can never expand into more memory than
//! a plain body of the cap's size.

use std::io::Read;

use flate2::read::MultiGzDecoder;

/// How a request body is encoded (`Content-Encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// No header, or `identity`.
    Identity,
    /// `gzip` (or its old alias `x-gzip`).
    Gzip,
}

impl BodyEncoding {
    /// The encoding a `Content-Encoding` header names; `None` for anything
    /// else, including a list of several encodings.
    pub fn from_header(value: Option<&str>) -> Option<BodyEncoding> {
        let Some(value) = value else {
            return Some(BodyEncoding::Identity);
        };
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "identity" => Some(BodyEncoding::Identity),
            "gzip" | "x-gzip" => Some(BodyEncoding::Gzip),
            _ => None,
        }
    }
}

/// Why a gzip body could not be decoded.
#[derive(Debug)]
pub enum DecodeError {
    /// The decompressed body is larger than the cap.
    TooLarge,
    /// Not a valid gzip stream; carries the decoder's reason.
    Malformed(std::io::Error),
}

/// Decompresses a gzip body (one or more members) of at most `max`
/// decompressed bytes.
pub fn gunzip(body: &[u8], max: usize) -> Result<Vec<u8>, DecodeError> {
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut out = Vec::new();
    MultiGzDecoder::new(body)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(DecodeError::Malformed)?;
    if out.len() > max {
        return Err(DecodeError::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn headers_name_identity_gzip_or_nothing_known() {
        assert_eq!(
            BodyEncoding::from_header(None),
            Some(BodyEncoding::Identity)
        );
        assert_eq!(
            BodyEncoding::from_header(Some(" Identity ")),
            Some(BodyEncoding::Identity)
        );
        assert_eq!(
            BodyEncoding::from_header(Some("GZIP")),
            Some(BodyEncoding::Gzip)
        );
        assert_eq!(BodyEncoding::from_header(Some("br")), None);
        assert_eq!(BodyEncoding::from_header(Some("gzip, gzip")), None);
    }

    #[test]
    fn bodies_up_to_the_cap_decode_and_larger_ones_do_not() {
        let data = b"{\"kind\":\"EventList\"}".repeat(10);
        assert_eq!(gunzip(&gzip(&data), data.len()).unwrap(), data);
        assert!(matches!(
            gunzip(&gzip(&data), data.len() - 1),
            Err(DecodeError::TooLarge)
        ));
        let two_members = [gzip(b"ab"), gzip(b"cd")].concat();
        assert_eq!(gunzip(&two_members, 4).unwrap(), b"abcd");
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        // 64 MiB of zeros compress to about 64 KiB.
        let bomb = {
            let mut enc = GzEncoder::new(Vec::new(), Compression::best());
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..64 {
                enc.write_all(&zeros).unwrap();
            }
            enc.finish().unwrap()
        };
        assert!(bomb.len() < 1 << 20);
        assert!(matches!(gunzip(&bomb, 1 << 20), Err(DecodeError::TooLarge)));
    }

    #[test]
    fn damaged_streams_are_malformed() {
        let good = gzip(b"{\"kind\":\"EventList\"}");
        assert!(matches!(
            gunzip(b"not gzip at all", 1 << 10),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            gunzip(&good[..good.len() / 2], 1 << 10),
            Err(DecodeError::Malformed(_))
        ));
    }
}
