//! `netlab demo race` (being written).

/// Options of `netlab demo race`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs the demo.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("netlab demo race is not written yet")
}
