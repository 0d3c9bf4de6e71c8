//! `harrier info`: what a `.scap` capture holds.
//!
//! Walks every block once: sections, block counts by type, events by type,
//! time range, machine, processes and drops. Damage ends the walk; what was
//! read is still reported, then the error, with a non-zero exit.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use libcapture::scap::{block_type, Block, ScapFile};

/// Arguments of `harrier info`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The `.scap` capture to describe (plain or gzip).
    pub file: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What the walk found.
#[derive(Debug, Default)]
struct Summary {
    compressed: bool,
    sections: u64,
    blocks: BTreeMap<&'static str, u64>,
    events: u64,
    events_by_type: BTreeMap<String, u64>,
    first_ts: Option<u64>,
    last_ts: Option<u64>,
    hostname: Option<String>,
    num_cpus: Option<u32>,
    memory_bytes: Option<u64>,
    threads: u64,
    processes: u64,
    drops: u64,
    damage: Option<String>,
}

/// Runs `harrier info`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let file = ScapFile::open(&args.file).map_err(super::replay::one_line)?;
    let summary = summarise(&file);
    let text = if args.json {
        json(&summary)
    } else {
        text(&summary)
    };
    print!("{text}");
    match &summary.damage {
        Some(damage) => {
            eprintln!("harrier: {}: {damage}", args.file.display());
            Ok(1)
        }
        None => Ok(0),
    }
}

fn summarise(file: &ScapFile) -> Summary {
    let mut s = Summary {
        compressed: file.is_compressed(),
        ..Summary::default()
    };
    let mut blocks = file.blocks();
    while let Some(result) = blocks.next_with_offset() {
        let at = match result {
            Ok(at) => at,
            Err(err) => {
                s.damage = Some(err.to_string());
                break;
            }
        };
        *s.blocks.entry(block_type::name(at.block_type)).or_default() += 1;
        match at.block {
            Block::SectionHeader(_) => s.sections += 1,
            Block::MachineInfo(mi) => {
                let machine = mi.to_meta();
                s.hostname = Some(machine.hostname);
                s.num_cpus = Some(machine.num_cpus);
                s.memory_bytes = Some(machine.memory_size_bytes);
            }
            Block::ProcList(list) => {
                for entry in list.entries().flatten() {
                    let thread = entry.to_meta();
                    s.threads += 1;
                    s.processes += u64::from(thread.tid == thread.pid);
                }
            }
            Block::Event(block) => {
                let ev = block.event;
                s.events += 1;
                let ts = ev.ts();
                if ts != 0 {
                    s.first_ts = Some(s.first_ts.map_or(ts, |t| t.min(ts)));
                    s.last_ts = Some(s.last_ts.map_or(ts, |t| t.max(ts)));
                }
                let name = ev
                    .info()
                    .map_or_else(|| format!("code {}", ev.code().0), |i| i.name.to_string());
                if name.starts_with("drop") {
                    s.drops += 1;
                }
                *s.events_by_type.entry(name).or_default() += 1;
            }
            _ => {}
        }
    }
    s
}

fn text(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "compressed:   {}",
        if s.compressed { "gzip" } else { "no" }
    );
    let _ = writeln!(out, "sections:     {}", s.sections);
    if let Some(host) = &s.hostname {
        let _ = writeln!(
            out,
            "machine:      {host}, {} cpus, {} MiB",
            s.num_cpus.unwrap_or(0),
            s.memory_bytes.unwrap_or(0) >> 20
        );
    }
    let _ = writeln!(out, "processes:    {} ({} threads)", s.processes, s.threads);
    let _ = writeln!(out, "events:       {}", s.events);
    if let (Some(first), Some(last)) = (s.first_ts, s.last_ts) {
        let _ = writeln!(
            out,
            "time range:   {first} .. {last} ({:.3} s)",
            (last - first) as f64 / 1e9
        );
    }
    let _ = writeln!(out, "drops:        {}", s.drops);
    let _ = writeln!(out, "blocks:");
    for (name, n) in &s.blocks {
        let _ = writeln!(out, "  {n:>8} {name}");
    }
    let _ = writeln!(out, "events by type:");
    for (name, n) in &s.events_by_type {
        let _ = writeln!(out, "  {n:>8} {name}");
    }
    out
}

fn json(s: &Summary) -> String {
    let map = |m: &BTreeMap<String, u64>| {
        let fields: Vec<String> = m.iter().map(|(k, v)| format!("{}:{v}", quote(k))).collect();
        format!("{{{}}}", fields.join(","))
    };
    let blocks: BTreeMap<String, u64> = s.blocks.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let opt = |v: Option<u64>| v.map_or_else(|| "null".to_string(), |v| v.to_string());
    format!(
        "{{\"compressed\":{},\"sections\":{},\"machine\":{},\"processes\":{},\"threads\":{},\"events\":{},\"first_ts\":{},\"last_ts\":{},\"drops\":{},\"blocks\":{},\"events_by_type\":{},\"error\":{}}}\n",
        s.compressed,
        s.sections,
        s.hostname.as_ref().map_or_else(
            || "null".to_string(),
            |h| format!(
                "{{\"hostname\":{},\"num_cpus\":{},\"memory_bytes\":{}}}",
                quote(h),
                s.num_cpus.unwrap_or(0),
                s.memory_bytes.unwrap_or(0)
            )
        ),
        s.processes,
        s.threads,
        s.events,
        opt(s.first_ts),
        opt(s.last_ts),
        s.drops,
        map(&blocks),
        map(&s.events_by_type),
        s.damage.as_deref().map_or_else(|| "null".to_string(), quote),
    )
}

fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
