//! Shared helpers for the integration tests.
#![allow(dead_code)]

use pbpk::data::library::Library;
use pbpk::run::{run_scenario, RunOptions, RunResult};
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run a shipped scenario by its path in the repository.
pub fn run_shipped(name: &str) -> RunResult {
    run_shipped_with(name, &RunOptions::default())
}

pub fn run_shipped_with(name: &str, opts: &RunOptions) -> RunResult {
    let path = repo().join("scenarios").join(format!("{name}.toml"));
    run_path(&path, opts)
}

pub fn run_path(path: &Path, opts: &RunOptions) -> RunResult {
    let (s, lib, label) =
        Library::scenario(path.to_str().unwrap()).unwrap_or_else(|e| panic!("{e}"));
    run_scenario(&s, &lib, &label, opts).unwrap_or_else(|e| panic!("{e}"))
}

/// A temporary folder with a scenario (and optional compound files) written into it.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        Workspace {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }
}

/// A purely linear test compound (no saturable term): neutral, microsomal CLint on CYP3A4
/// and renal filtration.
pub const LINEAR_COMPOUND: &str = r#"
name = "linear_test"
molecular_weight_g_per_mol = { value = 300.0, source = "test compound" }
log_p = { value = 2.0, source = "test compound" }
fu_plasma = { value = 0.1, source = "test compound" }
blood_plasma_ratio = { value = 0.9, source = "test compound" }

[[elimination]]
type = "hepatic_enzyme"
enzyme = "CYP3A4"
clint_ul_per_min_per_mg = 50.0
source = "test compound"

[[elimination]]
type = "renal"
gfr_fraction = 1.0
secretion_l_per_h = 2.0
source = "test compound"

[absorption]
peff_cm_per_s = { value = 1.5e-5, source = "test compound" }
"#;

/// Neutral, hepatic clearance only (liver, no gut wall, no kidney): AUC_inf = dose / CL with
/// the well-stirred CL = Q_H B:P E, E = fu_b CLint / (Q_H + fu_b CLint), fu_b = fu / B:P.
pub const HEPATIC_ONLY: &str = r#"
name = "hepatic_only"
molecular_weight_g_per_mol = { value = 300.0, source = "test compound" }
log_p = { value = 2.0, source = "test compound" }
fu_plasma = { value = 0.1, source = "test compound" }
blood_plasma_ratio = { value = 0.9, source = "test compound" }

[[elimination]]
type = "hepatic_fitted"
clint_u_l_per_h = 300.0
fitted_to = "nothing: a test compound"
source = "test compound"
"#;

// A 1 h infusion, not a bolus: the first minutes after a bolus are a venous spike whose
// trapezoids carry a constant ~0.5 % AUC error that does not cancel in the differences.
pub const IV_SCENARIO: &str = r#"
name = "hepatic-only IV infusion"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "iv"
dose = [ { compound = "hepatic_only", route = "iv_infusion", mg = 10, duration_h = 1, at_h = 0 } ]
[simulation]
end_h = 240
"#;
