//! The table `netlab bench` prints at the end: one row per server and class size, the
//! median of the repetitions with the lowest and highest where the spread matters, then
//! notes for what the numbers alone would hide.

use super::report::{Spread, Summary};
use crate::tr;

/// How busy the bench's process may be (CPU seconds per wall second of the run) before
/// the table warns that the load generator, not the server, may have set the pace. One
/// core is 100 %; the generator is one thread, plus the threads draining the server's
/// output.
const BUSY: f64 = 0.85;

/// The table, its notes after it.
pub(crate) fn render(summaries: &[Summary], labels: &[String], reps: usize) -> String {
    let mut rows: Vec<Vec<String>> = vec![[
        tr!("bench-col-server"),
        tr!("bench-col-clients"),
        tr!("bench-col-rate"),
        tr!("bench-col-p50"),
        tr!("bench-col-p90"),
        tr!("bench-col-p99"),
        tr!("bench-col-max"),
        tr!("bench-col-lost"),
        tr!("bench-col-dup"),
        tr!("bench-col-late"),
        tr!("bench-col-garbled"),
        tr!("bench-col-server-cpu"),
        tr!("bench-col-server-mib"),
        tr!("bench-col-bench-cpu"),
        tr!("bench-col-run"),
        tr!("bench-col-ended"),
    ]
    .to_vec()];
    let mut notes = Vec::new();
    for s in summaries {
        let label = &labels[s.server];
        let mut row = vec![label.clone(), s.clients.to_string()];
        if s.measured == 0 {
            row.extend(std::iter::repeat_n("-".to_string(), 13));
            row.push(tr!("bench-not-measured"));
        } else {
            row.push(ranged(s.per_second, rate));
            row.push(median(s.latency_ms.p50, millis));
            row.push(median(s.latency_ms.p90, millis));
            row.push(ranged(s.latency_ms.p99, millis));
            row.push(median(s.latency_ms.max, millis));
            row.push(ranged(s.lost, whole));
            row.push(median(s.duplicated, whole));
            row.push(median(s.out_of_order, whole));
            row.push(median(s.garbled, whole));
            row.push(median(s.server_cpu_seconds, seconds));
            row.push(median(s.server_peak_mib, mib));
            let busy = match (s.bench_cpu_seconds, s.wall_seconds) {
                (Some(cpu), Some(wall)) if wall.median > 0.0 => cpu.median / wall.median >= BUSY,
                _ => false,
            };
            row.push(format!(
                "{}{}",
                median(s.bench_cpu_seconds, seconds),
                if busy { " !" } else { "" }
            ));
            row.push(median(s.wall_seconds, seconds));
            row.push(
                s.ended
                    .iter()
                    .map(|e| {
                        if e.runs == 1 {
                            e.how.describe()
                        } else {
                            format!("{} x{}", e.how.describe(), e.runs)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(&tr!("list-separator")),
            );
            if busy {
                notes.push(tr!(
                    "bench-note-busy",
                    server = label.as_str(),
                    clients = s.clients,
                    percent = format!(
                        "{:.0}",
                        100.0 * s.bench_cpu_seconds.map_or(0.0, |c| c.median)
                            / s.wall_seconds.map_or(1.0, |w| w.median)
                    )
                ));
            }
            if s.slow_cut > 0 {
                notes.push(tr!(
                    "bench-note-slow-cut",
                    server = label.as_str(),
                    clients = s.clients,
                    n = s.slow_cut
                ));
            }
            if s.closed > 0 {
                notes.push(tr!(
                    "bench-note-closed",
                    server = label.as_str(),
                    clients = s.clients,
                    n = s.closed
                ));
            }
            if let Some(lost) = s.lost.filter(|l| l.max > 0.0) {
                let expected = s.expected.map_or(0.0, |e| e.median);
                if expected > 0.0 {
                    notes.push(tr!(
                        "bench-note-lost",
                        server = label.as_str(),
                        clients = s.clients,
                        percent = format!("{:.1}", 100.0 * lost.median / expected)
                    ));
                }
            }
        }
        for why in &s.failures {
            notes.push(tr!(
                "bench-note-not-measured",
                server = label.as_str(),
                clients = s.clients,
                n = s.runs - s.measured,
                runs = s.runs,
                why = why.as_str()
            ));
        }
        rows.push(row);
    }
    let mut out = crate::text::aligned(&rows);
    let each = if reps == 1 {
        tr!("bench-one-run-each")
    } else {
        tr!("bench-median-of", reps = reps)
    };
    out.push_str(&format!("\n{}\n", tr!("bench-legend", each = each)));
    for note in notes {
        out.push_str(&format!("- {note}\n"));
    }
    out
}

/// The median alone.
fn median(s: Option<Spread>, f: fn(f64) -> String) -> String {
    s.map_or("-".into(), |s| f(s.median))
}

/// The median, then the lowest and highest if they differ.
fn ranged(s: Option<Spread>, f: fn(f64) -> String) -> String {
    match s {
        None => "-".into(),
        Some(s) if f(s.min) == f(s.max) => f(s.median),
        Some(s) => format!("{} [{}-{}]", f(s.median), f(s.min), f(s.max)),
    }
}

/// Deliveries a second: `950`, `41.2k`, `1.23M`.
pub(crate) fn rate(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if v >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// Milliseconds with three significant digits or so: `0.214`, `41.9`, `1200`.
pub(crate) fn millis(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn whole(v: f64) -> String {
    format!("{v:.0}")
}

fn seconds(v: f64) -> String {
    format!("{v:.2}")
}

fn mib(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_at_a_glance() {
        assert_eq!(rate(950.4), "950");
        assert_eq!(rate(4_120.0), "4.1k");
        assert_eq!(rate(41_200.0), "41k");
        assert_eq!(rate(1_234_000.0), "1.23M");
        assert_eq!(millis(0.2142), "0.214");
        assert_eq!(millis(41.93), "41.9");
        assert_eq!(millis(1200.0), "1200");
    }

    #[test]
    fn a_range_shows_only_when_it_is_one() {
        let same = Spread::of(&[5.0, 5.0]);
        assert_eq!(ranged(same, whole), "5");
        let spread = Spread::of(&[1.0, 5.0, 9.0]);
        assert_eq!(ranged(spread, whole), "5 [1-9]");
        assert_eq!(ranged(None, whole), "-");
    }
}
