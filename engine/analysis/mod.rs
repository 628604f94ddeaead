//! Analysis of simulated profiles: non-compartmental metrics, statistics over subjects.

pub mod nca;
pub mod quantiles;
pub mod stats;
