//! Sizes and durations as users type them on the command line.

use std::time::Duration;

/// Parses `8M`, `64K`, `1G` (any case) or plain bytes.
pub fn parse_size(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let (number, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: u64 = number.parse().map_err(|_| format!("bad size `{text}`"))?;
    n.checked_shl(shift)
        .filter(|v| v >> shift == n)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| format!("size `{text}` is too large"))
}

/// Parses `10s`, `500ms`, `2m`, `1h` or plain seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = text.split_at(
        text.find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(text.len()),
    );
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("bad duration `{text}`"))?;
    let secs = match unit {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("bad duration unit in `{text}` (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(secs).map_err(|_| format!("bad duration `{text}`"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test data is fixed")]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("4K").unwrap(), 4096);
        assert_eq!(parse_size("64k").unwrap(), 65536);
        assert_eq!(parse_size("8m").unwrap(), 8 << 20);
        assert_eq!(parse_size("12345").unwrap(), 12345);
        assert!(parse_size("8Q").is_err());
        assert!(parse_size("8G").is_err(), "past u32");
        assert!(parse_size("99999999999999999999G").is_err());
        assert!(parse_size("18446744073709551615K").is_err(), "no overflow");
        assert!(parse_size("K").is_err());
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("10").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("1.5").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("1e300h").is_err());
        assert!(parse_duration("NaN").is_err());
    }
}
