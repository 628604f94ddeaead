//! Analysis of simulated profiles: non-compartmental metrics, statistics over subjects.

pub mod nca;
pub mod stats;
