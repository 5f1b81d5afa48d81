//! `netlab ports` (being written).

/// Options of `netlab ports`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Lists the sockets.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("netlab ports is not written yet")
}
