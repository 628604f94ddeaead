//! # pbpk: a whole-body physiologically based pharmacokinetic simulator
//!
//! Data flows one way:
//! TOML files -> validated structs ([`data`]) -> assembled ODE system ([`model`]) ->
//! solution ([`solve`], doses from [`dosing`]) -> metrics ([`analysis`]) -> files ([`report`]).
//! The scenario runner ([`run`]) calls the stages; the command line ([`cli`]) is thin.
//!
//! ```
//! use pbpk::data::library::Library;
//! // A shipped scenario by name (resolved from ./scenarios or the built-in library).
//! let (scenario, lib, label) = Library::scenario("midazolam_iv").unwrap();
//! let result = pbpk::run::run_scenario(&scenario, &lib, &label, &pbpk::run::RunOptions::default()).unwrap();
//! let midazolam = &result.arms[0].compounds[0];
//! assert!(midazolam.nca.auc > 0.0 && midazolam.nca.t_half.unwrap() > 1.0);
//! assert!(result.summary.mass_balance_max_rel_error < 1e-6);
//! ```

pub mod alternatives;
pub mod analysis;
pub mod cli;
pub mod data;
pub mod ddi_static;
pub mod dosing;
pub mod error;
pub mod model;
pub mod ontogeny;
pub mod pediatric;
pub mod population;
pub mod prefix;
pub mod qualify;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod solve;
pub mod sparse_lu;
pub mod trial;

pub use error::{PbpkError, Result};
