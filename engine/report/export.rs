//! `pbpk export`: one arm of a scenario as a self-contained JSON initial-value problem, so
//! that another tool (the R and Python peers in `benches/peers/`) can integrate exactly the
//! same equations with the same doses, output times and tolerances, and compare.
//!
//! The right-hand side is the sum of the listed terms (see `model::Model::rhs`):
//! transfers k*y[from] from `from` to `to`; saturable vmax*c/(km+|c|), c = scale*y[from];
//! metabolism and turnover terms as in `model::enzymes`; releases and dissolutions as in
//! `model::gut`; infusions as constant inputs on [start, end). Doses are state jumps.

use crate::data::scenario::Scenario;
use crate::error::{PbpkError, Result};
use crate::run::{arm_problem, Prepared, RunOptions};
use crate::solve::integrate;

pub fn export_arm(s: &Scenario, p: &Prepared, arm_name: &str) -> Result<serde_json::Value> {
    let arm = s.arms.iter().find(|a| a.name == arm_name).ok_or_else(|| {
        PbpkError::invalid(
            &s.name,
            "--arm",
            format!(
                "no arm \"{arm_name}\"; arms: {}",
                s.arms
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    let pr = arm_problem(s, p, arm, &RunOptions::default(), &[]);
    let breakpoints = pr.regimen.breakpoints();
    let samples = integrate(
        &pr.model,
        &pr.jumps,
        &breakpoints,
        &pr.grid,
        s.simulation.end_h,
        pr.tol,
    )?;
    let plasma: Vec<serde_json::Value> = pr
        .model
        .compounds
        .iter()
        .enumerate()
        .map(|(k, c)| {
            serde_json::json!({
                "compound": c.name,
                "state": pr.model.layout.compounds[k].venous,
                "capacity_l": c.venous_capacity_l,
            })
        })
        .collect();
    // Our solution at the output times (after any dose at that time).
    let mut reference: Vec<(f64, Vec<f64>)> = Vec::new();
    for smp in &samples {
        let c: Vec<f64> = (0..pr.model.compounds.len())
            .map(|k| pr.model.plasma_conc(k, &smp.y))
            .collect();
        match reference.last_mut() {
            Some(last) if last.0 == smp.t => last.1 = c,
            _ => reference.push((smp.t, c)),
        }
    }
    Ok(serde_json::json!({
        "scenario": s.name,
        "arm": arm_name,
        "n_states": pr.model.n_states(),
        "initial_state": pr.model.initial_state(),
        "transfers": pr.model.transfers,
        "saturable": pr.model.saturable,
        "metabolism": pr.model.metabolism,
        "turnover": pr.model.turnover,
        "releases": pr.model.releases,
        "dissolutions": pr.model.dissolutions,
        "infusions": pr.model.infusions,
        "dose_times": pr.model.dose_times,
        "max_release_rate_per_h": crate::model::gut::MAX_RELEASE_RATE_PER_H,
        "jumps": pr.jumps,
        "breakpoints": breakpoints,
        "output_times": reference.iter().map(|x| x.0).collect::<Vec<_>>(),
        "end_h": s.simulation.end_h,
        "rtol": pr.tol.rtol,
        "atol": pr.tol.atol,
        "plasma": plasma,
        "pbpk_plasma_mg_per_l": reference.iter().map(|x| x.1.clone()).collect::<Vec<_>>(),
    }))
}
