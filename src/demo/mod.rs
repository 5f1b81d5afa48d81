//! Live experiments for the questions the notes raise: `netlab demo race|bind|slow|churn`.
//! Each runs real threads and real sockets on loopback, measures what this machine does,
//! prints a short result, and ends by itself within seconds.

pub mod bind;
pub mod churn;
pub mod race;
pub mod slow;

/// `+ 1.25 s`: when a line of a demo's timeline happened, from the demo's start.
pub(crate) fn at_time(at: std::time::Duration) -> String {
    crate::tr!("demo-at", seconds = format!("{:5.2}", at.as_secs_f64()))
}

/// `stage` running on a free port of 127.0.0.1, its log captured: the server's own records
/// stay out of the demo's output.
pub(crate) fn start_captured(
    stage: &'static crate::stage::ServerProgram,
) -> anyhow::Result<crate::stage::Running> {
    crate::stage::Running::start(stage, ([127, 0, 0, 1], 0).into(), true).map_err(|e| {
        anyhow::anyhow!(crate::tr!(
            "demo-cannot-start",
            stage = stage.id,
            error = e.to_string()
        ))
    })
}
