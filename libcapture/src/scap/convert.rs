//! Normalising old event layouts to the current event table (spec §3.4).
//!
//! Captures written by older drivers carry superseded event codes
//! (`EXECVE_8_X` …) and exit events with fewer parameters than today's
//! table. [`Normalizer`] rewrites each event into the current code and
//! parameter count, taking missing parameters from the enter event stored
//! for the same thread where the names match, so consumers handle one
//! layout per syscall. Where libscap gives up with a fatal error
//! (unknown layouts, mismatched enter events, extra parameters) this
//! normaliser counts a warning in [`NormalizeStats`] and carries on.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use driver::{event_info, EventFlags, EventInfo, EventRef, ParamType, EVENT_COUNT};

use super::convert_table::{DEFAULTED, ENTER_ALIASES, PASSED_OLD_ENTERS, UPGRADES};

/// What the normaliser did, and every tolerated irregularity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NormalizeStats {
    /// Events passed on unchanged.
    pub passed: u64,
    /// Events rewritten (new code or parameter count).
    pub converted: u64,
    /// Enter events kept for their exit and not passed on.
    pub enters_consumed: u64,
    /// Events with codes beyond the table, skipped.
    pub unknown_codes: u64,
    /// Events with placeholder (unused) codes, skipped.
    pub unused_codes: u64,
    /// Exit events whose stored enter event was of another syscall
    /// (fatal in libscap; the enter was ignored).
    pub enter_mismatches: u64,
    /// Events with more parameters than the table; the extra ones were dropped
    /// (fatal in libscap).
    pub extra_params: u64,
    /// Old-version events with no known upgrade, passed on unchanged
    /// (fatal in libscap).
    pub unconverted_old: u64,
}

/// Options of a [`Normalizer`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NormalizeOptions {
    /// Pass on every enter event (upgraded where possible), as sysdig shows
    /// them, instead of only those current drivers still produce.
    pub keep_enter_events: bool,
}

/// Rewrites events into the current layout; keeps per-thread enter events.
///
/// ```
/// use driver::{EventBuilder, EventCode, EventRef};
/// use libcapture::scap::Normalizer;
///
/// // A 2018 close pair: CLOSE_E(fd) then CLOSE_X(res) without the fd.
/// let (mut enter, mut exit) = (Vec::new(), Vec::new());
/// EventBuilder::new(EventCode(4), 1, 7).fd(3).finish(&mut enter).unwrap();
/// EventBuilder::new(EventCode(5), 2, 7).errno(0).finish(&mut exit).unwrap();
///
/// let mut normalizer = Normalizer::new();
/// assert!(normalizer.normalize(EventRef::parse(&enter).unwrap()).is_none());
/// let out = normalizer.normalize(EventRef::parse(&exit).unwrap()).unwrap();
/// let close = EventRef::parse(&out).unwrap();
/// assert_eq!(close.nparams(), 2);
/// assert_eq!(close.param_bytes(1), Some(&3i64.to_le_bytes()[..]));
/// ```
#[derive(Debug, Default)]
pub struct Normalizer {
    options: NormalizeOptions,
    enters: HashMap<u64, Vec<u8>>,
    stats: NormalizeStats,
}

/// Resolved forms of the declarative table, indexed by event code.
struct Tables {
    upgrade: Vec<Option<u16>>,
    passed_old_enter: Vec<bool>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let code = |ident: &str| driver::code_by_ident(ident).map(|c| usize::from(c.0));
        let mut upgrade = vec![None; EVENT_COUNT];
        for (old, new) in UPGRADES {
            if let (Some(old), Some(new)) = (code(old), code(new)) {
                upgrade[old] = u16::try_from(new).ok();
            }
        }
        let mut passed_old_enter = vec![false; EVENT_COUNT];
        for ident in PASSED_OLD_ENTERS {
            if let Some(c) = code(ident) {
                passed_old_enter[c] = true;
            }
        }
        Tables {
            upgrade,
            passed_old_enter,
        }
    })
}

/// Where one parameter of the rewritten event comes from.
enum Source<'e> {
    Bytes(&'e [u8]),
    Empty,
    Default(ParamType),
}

impl Normalizer {
    /// A normaliser passing on only the enter events current drivers produce.
    pub fn new() -> Self {
        Self::default()
    }

    /// A normaliser with explicit options.
    pub fn with_options(options: NormalizeOptions) -> Self {
        Normalizer {
            options,
            ..Self::default()
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> &NormalizeStats {
        &self.stats
    }

    /// Enter events stored and not yet consumed by their exit (one per thread at most).
    pub fn pending_enters(&self) -> usize {
        self.enters.len()
    }

    /// Forgets stored enter events (call at a new section: thread ids restart).
    pub fn reset(&mut self) {
        self.enters.clear();
    }

    /// The event in the current layout, borrowed when unchanged; `None`
    /// when it is skipped or only kept as the enter event of its thread.
    ///
    /// Returned bytes always parse with [`EventRef::parse`].
    pub fn normalize<'a>(&mut self, event: EventRef<'a>) -> Option<Cow<'a, [u8]>> {
        let code = event.code().0;
        let Some(info) = event_info(code) else {
            self.stats.unknown_codes += 1;
            return None;
        };
        if info.is_unused() {
            self.stats.unused_codes += 1;
            return None;
        }
        if event.is_enter() {
            self.enter(event, info)
        } else {
            self.exit(event, info)
        }
    }

    fn enter<'a>(&mut self, event: EventRef<'a>, info: &EventInfo) -> Option<Cow<'a, [u8]>> {
        let code = event.code().0;
        let managed = info.flags.contains(EventFlags::CONVERTER_MANAGED);
        if info.name == "procexit" {
            // The thread is gone: its pending enter event will never be used.
            self.enters.remove(&event.tid());
        } else if managed || info.is_old_version() {
            // Stored raw: its own table entry names its params for the exit.
            self.enters.insert(event.tid(), event.as_bytes().to_vec());
        }
        let target = tables().upgrade[usize::from(code)].unwrap_or(code);
        let target_info = event_info(target).unwrap_or(info);
        let current =
            !target_info.is_old_version() || tables().passed_old_enter[usize::from(target)];
        if !current && !self.options.keep_enter_events {
            self.stats.enters_consumed += 1;
            return None;
        }
        if target != code || (managed && event.nparams() != info.params.len()) {
            Some(self.rebuild(event, target, None))
        } else {
            self.stats.passed += 1;
            Some(Cow::Borrowed(event.as_bytes()))
        }
    }

    fn exit<'a>(&mut self, event: EventRef<'a>, info: &EventInfo) -> Option<Cow<'a, [u8]>> {
        let code = event.code().0;
        let managed = info.flags.contains(EventFlags::CONVERTER_MANAGED);
        let target = tables().upgrade[usize::from(code)];
        if target.is_none() && (!managed || event.nparams() == info.params.len()) {
            if info.is_old_version() {
                self.stats.unconverted_old += 1;
            }
            self.stats.passed += 1;
            return Some(Cow::Borrowed(event.as_bytes()));
        }
        let target = target.unwrap_or(code);
        let stored = self.enters.remove(&event.tid());
        let enter = stored.as_deref().and_then(|bytes| {
            let enter = EventRef::parse(bytes).ok()?;
            let expected = [code & !1, target & !1];
            if expected.contains(&enter.code().0) {
                Some(enter)
            } else {
                self.stats.enter_mismatches += 1;
                None
            }
        });
        Some(self.rebuild(event, target, enter))
    }

    /// Builds `event` as code `target` with the target's parameters.
    fn rebuild<'a>(
        &mut self,
        event: EventRef<'_>,
        target: u16,
        enter: Option<EventRef<'_>>,
    ) -> Cow<'a, [u8]> {
        let Some(target_info) = event_info(target) else {
            self.stats.passed += 1;
            return Cow::Owned(event.as_bytes().to_vec());
        };
        let old_info = event.info();
        if event.code().0 == target && event.nparams() > target_info.params.len() {
            self.stats.extra_params += 1;
        }
        let target_ident = target_info.ident;
        let sources: Vec<Source<'_>> = target_info
            .params
            .iter()
            .enumerate()
            .map(|(j, param)| {
                let from_old = if event.code().0 == target {
                    (j < event.nparams()).then_some(j)
                } else {
                    old_info.and_then(|i| i.param_index(param.name))
                };
                if let Some(bytes) = from_old.and_then(|i| event.param_bytes(i)) {
                    return Source::Bytes(fit(bytes, param.ty));
                }
                if let Some(bytes) = enter.and_then(|e| enter_param(e, target_ident, param.name)) {
                    return Source::Bytes(fit(bytes, param.ty));
                }
                if DEFAULTED.contains(&(target_ident, param.name)) {
                    Source::Default(param.ty)
                } else {
                    Source::Empty
                }
            })
            .collect();
        let mut out = Vec::with_capacity(event.len() + 64);
        let json = (target_ident == "CONTAINER_JSON_2_E" && event.code().0 != target)
            .then(|| container_json(&event).unwrap_or_default());
        match &json {
            // An unreadable old container event becomes one with an empty json.
            Some(json) if json.is_empty() => {
                encode(&event, target, target_info, &[Source::Empty], &mut out)
            }
            Some(json) => encode(
                &event,
                target,
                target_info,
                &[Source::Bytes(json)],
                &mut out,
            ),
            None => encode(&event, target, target_info, &sources, &mut out),
        }
        self.stats.converted += 1;
        Cow::Owned(out)
    }
}

/// Parameter `name` (or its alias) of the stored enter event.
fn enter_param<'e>(enter: EventRef<'e>, target_ident: &str, name: &str) -> Option<&'e [u8]> {
    let alias = ENTER_ALIASES
        .iter()
        .find(|(ident, param, _)| *ident == target_ident && *param == name)
        .map_or(name, |(_, _, from)| from);
    let index = enter.info()?.param_index(alias)?;
    enter.param_bytes(index)
}

/// Adapts a value to a fixed-width type whose width changed between
/// versions (e.g. BPF `cmd` INT64 → ENUMFLAGS32): little endian, so the
/// low bytes come first.
fn fit(bytes: &[u8], ty: ParamType) -> &[u8] {
    match ty.fixed_width() {
        Some(width) if bytes.len() > width => &bytes[..width],
        _ => bytes,
    }
}

/// The default value libscap writes for a type it must invent.
fn default_value(ty: ParamType) -> Vec<u8> {
    match ty {
        ParamType::Uid | ParamType::Gid => u32::MAX.to_le_bytes().to_vec(),
        // An unspecified-family address.
        ParamType::SockAddr | ParamType::SockTuple => vec![0],
        _ => vec![0; ty.fixed_width().unwrap_or(0)],
    }
}

/// Writes header, length array and data of the rebuilt event into `out`.
fn encode(
    event: &EventRef<'_>,
    target: u16,
    info: &EventInfo,
    sources: &[Source<'_>],
    out: &mut Vec<u8>,
) {
    let width = info.len_width();
    let defaults: Vec<Vec<u8>> = sources
        .iter()
        .map(|s| match s {
            Source::Default(ty) => default_value(*ty),
            _ => Vec::new(),
        })
        .collect();
    let values: Vec<&[u8]> = sources
        .iter()
        .zip(&defaults)
        .map(|(s, d)| match s {
            Source::Bytes(b) => *b,
            Source::Empty => &[][..],
            Source::Default(_) => d.as_slice(),
        })
        .collect();
    // Values wider than a u16 length cannot occur: they came from events
    // with the same or a wider length array.
    let data: usize = values.iter().map(|v| v.len()).sum();
    let len = driver::header::HEADER_LEN + values.len() * width + data;
    let header = driver::EventHeader {
        ts: event.ts(),
        tid: event.tid(),
        len: u32::try_from(len).unwrap_or(u32::MAX),
        code: target,
        nparams: u32::try_from(values.len()).unwrap_or(u32::MAX),
    };
    out.clear();
    header.write(out);
    for v in &values {
        if width == 4 {
            out.extend_from_slice(&u32::try_from(v.len()).unwrap_or(u32::MAX).to_le_bytes());
        } else {
            out.extend_from_slice(&u16::try_from(v.len()).unwrap_or(u16::MAX).to_le_bytes());
        }
    }
    for v in &values {
        out.extend_from_slice(v);
    }
}

/// `{"id":…,"type":…,"name":…,"image":…}` from an old `CONTAINER_E`.
fn container_json(event: &EventRef<'_>) -> Option<Vec<u8>> {
    let text = |i: usize| -> Option<String> {
        let raw = event.param_bytes(i)?;
        let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
        Some(json_escape(&String::from_utf8_lossy(raw)))
    };
    let kind = event
        .param_bytes(1)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)?;
    let json = format!(
        "{{\"id\":\"{}\",\"type\":{kind},\"name\":\"{}\",\"image\":\"{}\"}}\0",
        text(0)?,
        text(2)?,
        text(3)?
    );
    Some(json.into_bytes())
}

fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_table_ident_exists_in_the_event_table() {
        for (old, new) in UPGRADES {
            let o = driver::code_by_ident(old).unwrap_or_else(|| panic!("{old}"));
            let n = driver::code_by_ident(new).unwrap_or_else(|| panic!("{new}"));
            // Enter upgrades to enter codes, exits to exits.
            assert_eq!(o.0 & 1, n.0 & 1, "{old} → {new}");
            assert!(!event_info(n.0).unwrap().is_unused(), "{new}");
        }
        for (ident, param, _) in ENTER_ALIASES {
            let info = event_info(driver::code_by_ident(ident).unwrap().0).unwrap();
            assert!(info.param_index(param).is_some(), "{ident}.{param}");
        }
        for (ident, param) in DEFAULTED {
            let info = event_info(driver::code_by_ident(ident).unwrap().0).unwrap();
            assert!(info.param_index(param).is_some(), "{ident}.{param}");
        }
        for ident in PASSED_OLD_ENTERS {
            assert!(driver::code_by_ident(ident).is_some(), "{ident}");
        }
    }

    #[test]
    fn upgraded_codes_are_current() {
        for (old, new) in UPGRADES {
            let n = driver::code_by_ident(new).unwrap();
            let info = event_info(n.0).unwrap();
            let current = !info.is_old_version() || PASSED_OLD_ENTERS.contains(new);
            // Enter targets may be old versions themselves (HEAD stores them).
            assert!(current || n.0 & 1 == 0, "{old} → {new} is itself old");
        }
    }
}
