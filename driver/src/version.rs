//! Versions of the ring ABI and of the event schema (see `driver/README.md`).

/// The ring ABI and control-operation version, semver (`driver/API_VERSION`).
pub const API_VERSION: &str = trim(include_str!("../API_VERSION"));

/// The event schema version, semver (`driver/SCHEMA_VERSION`).
pub const SCHEMA_VERSION: &str = trim(include_str!("../SCHEMA_VERSION"));

const fn trim(s: &str) -> &str {
    let mut bytes = s.as_bytes();
    while let [rest @ .., last] = bytes {
        if last.is_ascii_whitespace() {
            bytes = rest;
        } else {
            break;
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => panic!("version file is not UTF-8"),
    }
}

/// Parses `"major.minor.patch"`.
pub fn parse_semver(s: &str) -> Option<(u64, u64, u64)> {
    let mut it = s.trim().split('.').map(|p| p.parse::<u64>().ok());
    let v = (it.next()??, it.next()??, it.next()??);
    it.next().is_none().then_some(v)
}

/// Packs a version the way the kernel module reports it:
/// `major << 44 | minor << 24 | patch` (spec §5.8).
pub const fn pack_version(major: u64, minor: u64, patch: u64) -> u64 {
    (major << 44) | ((minor & 0xF_FFFF) << 24) | (patch & 0xFF_FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_files_are_semver() {
        assert!(parse_semver(API_VERSION).is_some(), "{API_VERSION}");
        assert!(parse_semver(SCHEMA_VERSION).is_some(), "{SCHEMA_VERSION}");
        assert_eq!(parse_semver("1.2"), None);
        assert_eq!(parse_semver("1.2.3.4"), None);
    }

    #[test]
    fn pack_matches_upstream_layout() {
        assert_eq!(pack_version(10, 1, 0), (10 << 44) | (1 << 24));
    }
}
