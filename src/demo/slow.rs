//! `netlab demo slow` (being written).

/// Options of `netlab demo slow`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs the demo.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("netlab demo slow is not written yet")
}
