//! The measured report: the figures of each run, their medians over the repetitions, and
//! the same as JSON for a script (`--json FILE`).

use super::load::{Ended, Measured};
use crate::program::Usage;
use serde::Serialize;
use serde_json::Value;

/// Latency percentiles and maximum, send to receipt, in milliseconds: of one run (`f64`),
/// or over the repetitions (`Option<Spread>`).
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct Latency<T> {
    pub(crate) p50: T,
    pub(crate) p90: T,
    pub(crate) p99: T,
    pub(crate) max: T,
}

/// What one run measured. Its JSON (`--json`) is these fields, under the names given.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Figures {
    /// Intact deliveries per second, from the start of the measured phase to the last one.
    #[serde(rename = "deliveries_per_second")]
    pub(crate) per_second: f64,
    pub(crate) latency_ms: Latency<f64>,
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
    #[serde(rename = "server_peak_rss_mib")]
    pub(crate) server_peak_mib: Option<f64>,
    /// The bench's own CPU seconds in the measured phase.
    pub(crate) bench_cpu_seconds: f64,
    /// The measured phase's length on the wall clock, in seconds.
    pub(crate) wall_seconds: f64,
    pub(crate) ended: Ended,
    /// Reading clients whose connection the server closed or reset.
    #[serde(rename = "connections_closed_by_server")]
    pub(crate) closed: usize,
    /// Slow readers the server disconnected.
    #[serde(rename = "slow_readers_disconnected")]
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
            latency_ms: Latency {
                p50: ms(0.5),
                p90: ms(0.9),
                p99: ms(0.99),
                max: if m.latency.is_empty() {
                    0.0
                } else {
                    m.latency.max() as f64 / 1000.0
                },
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
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
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
}

/// How many repetitions ended one way.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct EndedRuns {
    pub(crate) how: Ended,
    pub(crate) runs: usize,
}

/// One server at one class size, over its repetitions. Its JSON is these fields, under
/// the names given, the server by its label.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Summary {
    /// The server's index in the bench's list.
    #[serde(skip)]
    pub(crate) server: usize,
    /// How the table names it.
    #[serde(rename = "server")]
    pub(crate) label: String,
    pub(crate) clients: usize,
    /// Repetitions measured, of those run.
    pub(crate) measured: usize,
    pub(crate) runs: usize,
    #[serde(rename = "deliveries_per_second")]
    pub(crate) per_second: Option<Spread>,
    pub(crate) latency_ms: Latency<Option<Spread>>,
    pub(crate) lost: Option<Spread>,
    pub(crate) duplicated: Option<Spread>,
    pub(crate) out_of_order: Option<Spread>,
    pub(crate) garbled: Option<Spread>,
    pub(crate) expected: Option<Spread>,
    pub(crate) server_cpu_seconds: Option<Spread>,
    #[serde(rename = "server_peak_rss_mib")]
    pub(crate) server_peak_mib: Option<Spread>,
    pub(crate) bench_cpu_seconds: Option<Spread>,
    pub(crate) wall_seconds: Option<Spread>,
    /// How the repetitions ended, with counts: `complete`, `idle x2`...
    pub(crate) ended: Vec<EndedRuns>,
    /// The most reading clients the server closed in one run.
    #[serde(rename = "most_connections_closed_by_server")]
    pub(crate) closed: usize,
    /// The fewest slow readers the server disconnected in one run.
    #[serde(rename = "fewest_slow_readers_disconnected")]
    pub(crate) slow_cut: usize,
    /// Why repetitions were not measured, each reason once.
    pub(crate) failures: Vec<String>,
}

impl Summary {
    /// The summary of `runs` (those of one server, labelled `label`, and class size).
    pub(crate) fn of(server: usize, label: &str, clients: usize, runs: &[&BenchRun]) -> Summary {
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
        let mut ended: Vec<EndedRuns> = Vec::new();
        for f in &figures {
            match ended.iter_mut().find(|e| e.how == f.ended) {
                Some(e) => e.runs += 1,
                None => ended.push(EndedRuns {
                    how: f.ended,
                    runs: 1,
                }),
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
            label: label.to_string(),
            clients,
            measured: figures.len(),
            runs: runs.len(),
            per_second: spread(&|f| f.per_second),
            latency_ms: Latency {
                p50: spread(&|f| f.latency_ms.p50),
                p90: spread(&|f| f.latency_ms.p90),
                p99: spread(&|f| f.latency_ms.p99),
                max: spread(&|f| f.latency_ms.max),
            },
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
}

/// The summaries of `runs`, one per server and class size, servers in their order.
pub(crate) fn summarise(runs: &[BenchRun], labels: &[String], clients: &[usize]) -> Vec<Summary> {
    let mut out = Vec::new();
    for &n in clients {
        for (s, label) in labels.iter().enumerate() {
            let these: Vec<&BenchRun> = runs
                .iter()
                .filter(|r| r.server == s && r.clients == n)
                .collect();
            if !these.is_empty() {
                out.push(Summary::of(s, label, n, &these));
            }
        }
    }
    out
}

/// One run as the JSON report has it: the server by its label, its figures or why there
/// are none.
#[derive(Serialize)]
struct RunEntry<'a> {
    server: &'a str,
    clients: usize,
    rep: usize,
    figures: Option<&'a Figures>,
    failure: Option<&'a String>,
}

/// The whole report as JSON (`--json`): the settings, the servers, every run, and the
/// summaries.
#[derive(Serialize)]
pub(crate) struct Report<'a> {
    settings: Value,
    servers: &'a [String],
    runs: Vec<RunEntry<'a>>,
    summary: &'a [Summary],
}

impl<'a> Report<'a> {
    pub(crate) fn new(
        settings: Value,
        labels: &'a [String],
        runs: &'a [BenchRun],
        summaries: &'a [Summary],
    ) -> Report<'a> {
        Report {
            settings,
            servers: labels,
            runs: runs
                .iter()
                .map(|r| RunEntry {
                    server: &labels[r.server],
                    clients: r.clients,
                    rep: r.rep,
                    figures: r.outcome.as_ref().ok(),
                    failure: r.outcome.as_ref().err(),
                })
                .collect(),
            summary: summaries,
        }
    }
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
