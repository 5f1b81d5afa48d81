//! Live experiments for the questions the notes raise: `netlab demo race|bind|slow|churn`.
//! Each runs real threads and real sockets on loopback, measures what this machine does,
//! prints a short result, and ends by itself within seconds.

pub mod bind;
pub mod churn;
pub mod race;
pub mod slow;
