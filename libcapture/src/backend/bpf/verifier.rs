//! The kernel verifier's statistics per program, printed while the probe
//! loads when [`STATS_VAR`] is set. Loading is nearly all verification, so
//! these lines say where the load time goes (`benches/bpf/load.sh` reads
//! them).
//!
//! ```text
//! verifier: prog sched_process_exec insns 8343 states 456 peak_states 294 max_states_per_insn 7 time_us 45687
//! verifier: probe load_ms 92.4 object_load_ms 81.0
//! ```

use std::time::Duration;

/// Environment variable: when set (to anything), every program is loaded with
/// the verifier's statistics log and one line per program goes to stderr.
pub(crate) const STATS_VAR: &str = "HARRIER_BPF_VERIFIER_STATS";

/// `BPF_LOG_STATS`: the verifier's summary lines only, no instruction trace.
pub(crate) const LOG_LEVEL_STATS: u32 = 4;

/// Whether this load asks for the statistics.
pub(crate) fn wanted() -> bool {
    std::env::var_os(STATS_VAR).is_some()
}

/// What the verifier reports for one program it accepted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ProgStats {
    pub prog: String,
    /// Instructions processed (the work, counting every revisit).
    pub insns: u64,
    pub total_states: u64,
    pub peak_states: u64,
    pub max_states_per_insn: u64,
    pub time_us: u64,
}

impl std::fmt::Display for ProgStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "verifier: prog {} insns {} states {} peak_states {} max_states_per_insn {} time_us {}",
            self.prog,
            self.insns,
            self.total_states,
            self.peak_states,
            self.max_states_per_insn,
            self.time_us
        )
    }
}

/// Reads libbpf's message carrying one program's load log, e.g.
/// `libbpf: prog 'x': -- BEGIN PROG LOAD LOG --\nverification time 12 usec\n...
/// processed 30 insns (limit 1000000) max_states_per_insn 1 total_states 2 ...`.
/// Other messages give `None`.
pub(crate) fn parse(message: &str) -> Option<ProgStats> {
    let (head, log) = message.split_once("-- BEGIN PROG LOAD LOG --")?;
    let prog = head.split('\'').nth(1)?.to_string();
    let mut stats = ProgStats {
        prog,
        ..ProgStats::default()
    };
    let mut words = log.split_whitespace();
    let mut insns = None;
    while let Some(word) = words.next() {
        let slot = match word {
            "processed" => {
                insns = words.next().and_then(|w| w.parse().ok());
                continue;
            }
            "time" => &mut stats.time_us,
            "total_states" => &mut stats.total_states,
            "peak_states" => &mut stats.peak_states,
            "max_states_per_insn" => &mut stats.max_states_per_insn,
            _ => continue,
        };
        *slot = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
    }
    stats.insns = insns?;
    Some(stats)
}

/// The line closing a load with statistics: the whole of `Probe::load` so
/// far (rings, open, load) and `bpf_object__load` alone (CO-RE relocation
/// and the kernel's checks of every program).
pub(crate) fn load_line(total: Duration, object_load: Duration) -> String {
    format!(
        "verifier: probe load_ms {:.1} object_load_ms {:.1}",
        total.as_secs_f64() * 1e3,
        object_load.as_secs_f64() * 1e3
    )
}

/// libbpf's print callback during a load with statistics: one line per
/// program, warnings as usual, other debug messages dropped.
pub(crate) fn print(level: libbpf_rs::PrintLevel, message: String) {
    if let Some(stats) = parse(&message) {
        eprintln!("{stats}");
    } else if level != libbpf_rs::PrintLevel::Debug {
        super::probe::libbpf_message(level, message);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test data is fixed")]
mod tests {
    use super::*;

    const LOG: &str = "libbpf: prog 'sched_process_exec': -- BEGIN PROG LOAD LOG --\n\
        func#0 @0\n\
        verification time 45687 usec\n\
        stack depth 64+0+0\n\
        processed 8343 insns (limit 1000000) max_states_per_insn 7 total_states 456 \
        peak_states 294 mark_read 0\n\
        -- END PROG LOAD LOG --\n";

    #[test]
    fn a_load_log_gives_the_programs_figures() {
        let stats = parse(LOG).unwrap();
        assert_eq!(
            stats,
            ProgStats {
                prog: "sched_process_exec".into(),
                insns: 8343,
                total_states: 456,
                peak_states: 294,
                max_states_per_insn: 7,
                time_us: 45687,
            }
        );
        assert_eq!(
            stats.to_string(),
            "verifier: prog sched_process_exec insns 8343 states 456 peak_states 294 \
             max_states_per_insn 7 time_us 45687"
        );
    }

    #[test]
    fn the_load_line_gives_milliseconds() {
        assert_eq!(
            load_line(Duration::from_micros(92_440), Duration::from_micros(81_000)),
            "verifier: probe load_ms 92.4 object_load_ms 81.0"
        );
    }

    #[test]
    fn other_messages_and_logs_without_a_summary_give_nothing() {
        assert_eq!(
            parse("libbpf: map 'counters': created successfully\n"),
            None
        );
        assert_eq!(
            parse(
                "libbpf: prog 'x': -- BEGIN PROG LOAD LOG --\nfunc#0 @0\n-- END PROG LOAD LOG --\n"
            ),
            None
        );
    }
}
