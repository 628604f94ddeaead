//! # pbpk: a whole-body physiologically based pharmacokinetic simulator
//!
//! Data flows one way:
//! TOML files -> validated structs ([`data`]) -> assembled ODE system ([`model`]) ->
//! solution ([`solve`], doses from [`dosing`]) -> metrics ([`analysis`]) -> files ([`report`]).
//! The scenario runner ([`run`]) calls the stages; the command line ([`cli`]) is thin.
//!
//! ```no_run
//! use pbpk::data::library::Library;
//! let (scenario, lib, label) = Library::scenario("midazolam_iv").unwrap();
//! let result = pbpk::run::run_scenario(&scenario, &lib, &label, &pbpk::run::RunOptions::default()).unwrap();
//! println!("{}", result.summary.arms[0].compounds[0].auc_mg_h_per_l.median);
//! ```

pub mod analysis;
pub mod cli;
pub mod data;
pub mod dosing;
pub mod error;
pub mod model;
pub mod report;
pub mod run;
pub mod solve;

pub use error::{PbpkError, Result};
