//! Timestamp rendering for `evt.time`, `evt.datetime` and `evt.time.iso8601`
//! (UTC, nanosecond precision, as sysdig prints them on a UTC host).

use std::fmt::Write;

/// Civil date (year, month, day) of `days` since 1970-01-01.
fn civil(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Parts of a timestamp in ns since the epoch.
struct Parts {
    y: i64,
    mo: u32,
    d: u32,
    h: u64,
    mi: u64,
    s: u64,
    ns: u64,
}

fn parts(ts: u64) -> Parts {
    let secs = ts / 1_000_000_000;
    let ns = ts % 1_000_000_000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, mo, d) = civil(days);
    Parts {
        y,
        mo,
        d,
        h: rem / 3600,
        mi: rem % 3600 / 60,
        s: rem % 60,
        ns,
    }
}

/// `16:17:57.881785348`.
pub fn write_time(ts: u64, out: &mut String) {
    let p = parts(ts);
    let _ = write!(out, "{:02}:{:02}:{:02}.{:09}", p.h, p.mi, p.s, p.ns);
}

/// `16:17:57`.
pub fn write_time_s(ts: u64, out: &mut String) {
    let p = parts(ts);
    let _ = write!(out, "{:02}:{:02}:{:02}", p.h, p.mi, p.s);
}

/// `2016-08-04 16:17:57.881785348`.
pub fn write_datetime(ts: u64, out: &mut String) {
    let p = parts(ts);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:09}",
        p.y, p.mo, p.d, p.h, p.mi, p.s, p.ns
    );
}

/// `2016-08-04 16:17:57`.
pub fn write_datetime_s(ts: u64, out: &mut String) {
    let p = parts(ts);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        p.y, p.mo, p.d, p.h, p.mi, p.s
    );
}

/// `2016-08-04T16:17:57.881785348+0000`.
pub fn write_iso8601(ts: u64, out: &mut String) {
    let p = parts(ts);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}+0000",
        p.y, p.mo, p.d, p.h, p.mi, p.s, p.ns
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn renders_sysdig_time_formats() {
        let ts = 1_470_327_477_881_785_348;
        let mut s = String::new();
        write_time(ts, &mut s);
        assert_eq!(s, "16:17:57.881785348");
        s.clear();
        write_iso8601(ts, &mut s);
        assert_eq!(s, "2016-08-04T16:17:57.881785348+0000");
        s.clear();
        write_datetime(ts, &mut s);
        assert_eq!(s, "2016-08-04 16:17:57.881785348");
        s.clear();
        write_datetime_s(0, &mut s);
        assert_eq!(s, "1970-01-01 00:00:00");
    }
}
