//! `netlab demo bind` (being written).

/// Options of `netlab demo bind`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs the demo.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("netlab demo bind is not written yet")
}
