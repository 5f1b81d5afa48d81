//! The measured report: the figures of each run, their medians over the repetitions, and
//! the same as JSON for a script (`--json FILE`).

use super::load::{Ended, Measured};
use crate::program::Usage;
use serde_json::{json, Value};

/// What one run measured.
#[derive(Clone, Debug)]
pub(crate) struct Figures {
    /// Intact deliveries per second, from the start of the measured phase to the last one.
    pub(crate) per_second: f64,
    /// Latency percentiles and maximum, send to receipt, in milliseconds.
    pub(crate) p50_ms: f64,
    pub(crate) p90_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) max_ms: f64,
    pub(crate) expected: u64,
    pub(crate) delivered: u64,
    pub(crate) lost: u64,
    pub(crate) duplicated: u64,
    pub(crate) out_of_order: u64,
    pub(crate) garbled: u64,
    pub(crate) sent: u64,
    /// The server's CPU seconds in the measured phase, if its processes could be read.
    pub(crate) server_cpu_seconds: Option<f64>,
    /// The server's peak resident memory at the end of the measured phase, in MiB.
    pub(crate) server_peak_mib: Option<f64>,
    /// The bench's own CPU seconds in the measured phase.
    pub(crate) bench_cpu_seconds: f64,
    /// The measured phase's length on the wall clock, in seconds.
    pub(crate) wall_seconds: f64,
    pub(crate) ended: Ended,
    /// Reading clients whose connection the server closed or reset.
    pub(crate) closed: usize,
    /// Slow readers the server disconnected.
    pub(crate) slow_cut: usize,
}

impl Figures {
    /// The figures of a measured phase, with the server's usage before and after it.
    pub(crate) fn new(m: &Measured, before: Option<Usage>, after: Option<Usage>) -> Figures {
        let ms = |q: f64| {
            if m.latency.is_empty() {
                0.0
            } else {
                m.latency.value_at_quantile(q) as f64 / 1000.0
            }
        };
        let (server_cpu_seconds, server_peak_mib) = match (before, after) {
            (Some(b), Some(a)) => (
                Some((a.cpu_seconds - b.cpu_seconds).max(0.0)),
                Some(a.peak_rss_kib as f64 / 1024.0),
            ),
            _ => (None, None),
        };
        Figures {
            per_second: m.per_second(),
            p50_ms: ms(0.5),
            p90_ms: ms(0.9),
            p99_ms: ms(0.99),
            max_ms: if m.latency.is_empty() {
                0.0
            } else {
                m.latency.max() as f64 / 1000.0
            },
            expected: m.expected,
            delivered: m.delivered,
            lost: m.lost(),
            duplicated: m.duplicated,
            out_of_order: m.out_of_order,
            garbled: m.garbled,
            sent: m.sent,
            server_cpu_seconds,
            server_peak_mib,
            bench_cpu_seconds: m.bench_cpu_seconds,
            wall_seconds: m.wall.as_secs_f64(),
            ended: m.ended,
            closed: m.closed,
            slow_cut: m.slow_cut,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "deliveries_per_second": self.per_second,
            "latency_ms": {"p50": self.p50_ms, "p90": self.p90_ms, "p99": self.p99_ms, "max": self.max_ms},
            "expected": self.expected,
            "delivered": self.delivered,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "out_of_order": self.out_of_order,
            "garbled": self.garbled,
            "sent": self.sent,
            "server_cpu_seconds": self.server_cpu_seconds,
            "server_peak_rss_mib": self.server_peak_mib,
            "bench_cpu_seconds": self.bench_cpu_seconds,
            "wall_seconds": self.wall_seconds,
            "ended": self.ended.name(),
            "connections_closed_by_server": self.closed,
            "slow_readers_disconnected": self.slow_cut,
        })
    }
}

/// One run: a server, a class size, a repetition, and what came of it.
#[derive(Clone, Debug)]
pub(crate) struct BenchRun {
    /// The server's index in the bench's list.
    pub(crate) server: usize,
    pub(crate) clients: usize,
    /// 1, 2, ...
    pub(crate) rep: usize,
    /// The figures, or why there are none (the server did not start, never registered
    /// the class...).
    pub(crate) outcome: Result<Figures, String>,
}

/// A figure over the repetitions: median, lowest, highest.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Spread {
    pub(crate) median: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Spread {
    /// None for no values. The median of an even count is the mean of the middle two.
    pub(crate) fn of(values: &[f64]) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Some(Spread {
            median,
            min: v[0],
            max: v[n - 1],
        })
    }

    fn to_json(self) -> Value {
        json!({"median": self.median, "min": self.min, "max": self.max})
    }
}

/// One server at one class size, over its repetitions.
#[derive(Clone, Debug)]
pub(crate) struct Summary {
    pub(crate) server: usize,
    pub(crate) clients: usize,
    /// Repetitions measured, of those run.
    pub(crate) measured: usize,
    pub(crate) runs: usize,
    pub(crate) per_second: Option<Spread>,
    pub(crate) p50_ms: Option<Spread>,
    pub(crate) p90_ms: Option<Spread>,
    pub(crate) p99_ms: Option<Spread>,
    pub(crate) max_ms: Option<Spread>,
    pub(crate) lost: Option<Spread>,
    pub(crate) duplicated: Option<Spread>,
    pub(crate) out_of_order: Option<Spread>,
    pub(crate) garbled: Option<Spread>,
    pub(crate) expected: Option<Spread>,
    pub(crate) server_cpu_seconds: Option<Spread>,
    pub(crate) server_peak_mib: Option<Spread>,
    pub(crate) bench_cpu_seconds: Option<Spread>,
    pub(crate) wall_seconds: Option<Spread>,
    /// How the repetitions ended, with counts: `complete`, `idle x2`...
    pub(crate) ended: Vec<(Ended, usize)>,
    /// The most reading clients the server closed in one run.
    pub(crate) closed: usize,
    /// The fewest slow readers the server disconnected in one run.
    pub(crate) slow_cut: usize,
    /// Why repetitions were not measured, each reason once.
    pub(crate) failures: Vec<String>,
}

impl Summary {
    /// The summary of `runs` (those of one server and class size).
    pub(crate) fn of(server: usize, clients: usize, runs: &[&BenchRun]) -> Summary {
        let figures: Vec<&Figures> = runs
            .iter()
            .filter_map(|r| r.outcome.as_ref().ok())
            .collect();
        let spread = |f: &dyn Fn(&Figures) -> f64| {
            Spread::of(&figures.iter().map(|x| f(x)).collect::<Vec<_>>())
        };
        let optional = |f: &dyn Fn(&Figures) -> Option<f64>| {
            Spread::of(&figures.iter().filter_map(|x| f(x)).collect::<Vec<_>>())
        };
        let mut ended: Vec<(Ended, usize)> = Vec::new();
        for f in &figures {
            match ended.iter_mut().find(|(e, _)| *e == f.ended) {
                Some((_, n)) => *n += 1,
                None => ended.push((f.ended, 1)),
            }
        }
        let mut failures: Vec<String> = Vec::new();
        for r in runs {
            if let Err(why) = &r.outcome {
                if !failures.contains(why) {
                    failures.push(why.clone());
                }
            }
        }
        Summary {
            server,
            clients,
            measured: figures.len(),
            runs: runs.len(),
            per_second: spread(&|f| f.per_second),
            p50_ms: spread(&|f| f.p50_ms),
            p90_ms: spread(&|f| f.p90_ms),
            p99_ms: spread(&|f| f.p99_ms),
            max_ms: spread(&|f| f.max_ms),
            lost: spread(&|f| f.lost as f64),
            duplicated: spread(&|f| f.duplicated as f64),
            out_of_order: spread(&|f| f.out_of_order as f64),
            garbled: spread(&|f| f.garbled as f64),
            expected: spread(&|f| f.expected as f64),
            server_cpu_seconds: optional(&|f| f.server_cpu_seconds),
            server_peak_mib: optional(&|f| f.server_peak_mib),
            bench_cpu_seconds: spread(&|f| f.bench_cpu_seconds),
            wall_seconds: spread(&|f| f.wall_seconds),
            ended,
            closed: figures.iter().map(|f| f.closed).max().unwrap_or(0),
            slow_cut: figures.iter().map(|f| f.slow_cut).min().unwrap_or(0),
            failures,
        }
    }

    fn to_json(&self, labels: &[String]) -> Value {
        let spread = |s: Option<Spread>| s.map_or(Value::Null, Spread::to_json);
        json!({
            "server": labels[self.server],
            "clients": self.clients,
            "measured": self.measured,
            "runs": self.runs,
            "deliveries_per_second": spread(self.per_second),
            "latency_ms": {
                "p50": spread(self.p50_ms),
                "p90": spread(self.p90_ms),
                "p99": spread(self.p99_ms),
                "max": spread(self.max_ms),
            },
            "expected": spread(self.expected),
            "lost": spread(self.lost),
            "duplicated": spread(self.duplicated),
            "out_of_order": spread(self.out_of_order),
            "garbled": spread(self.garbled),
            "server_cpu_seconds": spread(self.server_cpu_seconds),
            "server_peak_rss_mib": spread(self.server_peak_mib),
            "bench_cpu_seconds": spread(self.bench_cpu_seconds),
            "wall_seconds": spread(self.wall_seconds),
            "ended": self.ended.iter().map(|(e, n)| json!({"how": e.name(), "runs": n})).collect::<Vec<_>>(),
            "most_connections_closed_by_server": self.closed,
            "fewest_slow_readers_disconnected": self.slow_cut,
            "failures": self.failures,
        })
    }
}

/// The summaries of `runs`, one per server and class size, servers in their order.
pub(crate) fn summarise(runs: &[BenchRun], servers: usize, clients: &[usize]) -> Vec<Summary> {
    let mut out = Vec::new();
    for &n in clients {
        for s in 0..servers {
            let these: Vec<&BenchRun> = runs
                .iter()
                .filter(|r| r.server == s && r.clients == n)
                .collect();
            if !these.is_empty() {
                out.push(Summary::of(s, n, &these));
            }
        }
    }
    out
}

/// The whole report as JSON: the settings, every run, and the summaries.
pub(crate) fn to_json(
    settings: Value,
    labels: &[String],
    runs: &[BenchRun],
    summaries: &[Summary],
) -> Value {
    json!({
        "settings": settings,
        "servers": labels,
        "runs": runs.iter().map(|r| json!({
            "server": labels[r.server],
            "clients": r.clients,
            "rep": r.rep,
            "figures": r.outcome.as_ref().map_or(Value::Null, Figures::to_json),
            "failure": r.outcome.as_ref().err(),
        })).collect::<Vec<_>>(),
        "summary": summaries.iter().map(|s| s.to_json(labels)).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_min_max() {
        assert_eq!(Spread::of(&[]), None);
        let s = Spread::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        let s = Spread::of(&[4.0, 1.0, 2.0, 10.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (3.0, 1.0, 10.0));
    }
}
