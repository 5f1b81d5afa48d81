//! Live experiments for the questions the notes raise: `netlab demo race|bind|slow|churn`.
//! Each runs real threads and real sockets on loopback, measures what this machine does,
//! prints a short result, and ends by itself within seconds.

pub mod bind;
pub mod churn;

/// `+ 1.25 s`: when a line of a demo's timeline happened, from the demo's start.
pub(crate) fn at_time(at: std::time::Duration) -> String {
    crate::tr!("demo-at", seconds = format!("{:5.2}", at.as_secs_f64()))
}
pub mod race;
pub mod slow;
