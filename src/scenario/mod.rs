//! Scenarios (being written).
