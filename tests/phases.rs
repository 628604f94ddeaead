//! The solver integrates only the states a dose has reached (engine/solve.rs): before a
//! compound's first dose its states rest at zero, and an enzyme no dosed compound acts on
//! rests at baseline. Here the same arms are solved twice: as shipped, and with a 1e-200 mg
//! dose of every compound into blood, gut lumen and solid product at t = 0, so that every
//! state is integrated from the start (a dose far below anything the solution can see).
//! The plasma profiles and enzyme amounts must agree to within the solver tolerance:
//! mechanism-based inactivation and a late victim dose (LPV/r then nifedipine at 216 h),
//! induction (rifampicin then midazolam), an infusion (nifedipine IV), and an
//! extended-release tablet whose release starts after a lag time.
mod common;

use pbpk::data::library::Library;
use pbpk::run::{arm_problem, prepare, RunOptions};
use pbpk::solve::integrate;

fn worst_difference(scenario: &str, arm: &str) -> f64 {
    let path = common::repo().join(format!("scenarios/{scenario}.toml"));
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let p = prepare(&s, &lib, &label).unwrap();
    let a = s.arms.iter().find(|a| a.name == arm).unwrap();
    let pr = arm_problem(&s, &p, a, &RunOptions::default(), &[]);
    let bp = pr.regimen.breakpoints();
    let end = s.simulation.end_h;
    let phased = integrate(&pr.model, &pr.jumps, &bp, &pr.grid, end, pr.tol).unwrap();
    let mut jumps = pr.jumps.clone();
    for c in &pr.model.layout.compounds {
        // Blood, gut lumen and undissolved/unreleased product: nothing feeds the gut from
        // the blood, so every entry point is seeded.
        for state in [c.venous, c.lumen[0], c.solid[0]] {
            jumps.push((0.0, state, 1e-200));
        }
    }
    jumps.sort_by(|x, y| x.0.total_cmp(&y.0));
    let full = integrate(&pr.model, &jumps, &bp, &pr.grid, end, pr.tol).unwrap();
    assert_eq!(phased.len(), full.len(), "same samples");
    let n_compounds = pr.model.compounds.len();
    let mut worst: f64 = 0.0;
    for k in 0..n_compounds {
        let c: Vec<(f64, f64)> = phased
            .iter()
            .zip(&full)
            .map(|(x, y)| {
                assert_eq!(x.t, y.t);
                (pr.model.plasma_conc(k, &x.y), pr.model.plasma_conc(k, &y.y))
            })
            .collect();
        let cmax = c.iter().map(|x| x.1).fold(0.0, f64::max);
        if cmax < 1e-100 {
            // Not dosed in this arm (only the 1e-200 mg).
            continue;
        }
        for (x, y) in c {
            if y > 1e-4 * cmax {
                worst = worst.max((x - y).abs() / y);
            }
        }
    }
    for e in &pr.model.turnover {
        for (x, y) in phased.iter().zip(&full) {
            worst = worst.max((x.y[e.state] - y.y[e.state]).abs() / y.y[e.state]);
        }
    }
    println!("{scenario} / {arm}: worst relative difference {worst:.2e}");
    worst
}

#[test]
fn integrating_only_reached_states_changes_nothing_beyond_the_tolerance() {
    for (scenario, arm) in [
        ("lpvr_nifedipine", "IR with LPV/r"),
        ("lpvr_nifedipine", "IR control"),
        ("lpvr_nifedipine", "ER with LPV/r"),
        ("lpvr_nifedipine", "ER control"),
        ("rifampicin_midazolam", "rifampicin 5 d"),
        ("nifedipine_iv", "iv"),
    ] {
        let w = worst_difference(scenario, arm);
        assert!(w < 1e-4, "{scenario} / {arm}: {w:.2e}");
    }
}

/// Arms that share their history start from each other (engine/prefix.rs): the ER arm
/// with LPV/r is the IR arm's problem until nifedipine's dose at 984 h, the IR control
/// shares nothing with it (lopinavir is dosed from 0 h in one and never in the other), and
/// starting the ER arm from the IR arm's state gives the same samples and profiles as
/// solving it from 0 h.
#[test]
fn arms_that_share_their_history_start_from_each_other() {
    use pbpk::prefix::{shared_until, solve};
    let path = common::repo().join("scenarios/lpvr_nifedipine.toml");
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let p = prepare(&s, &lib, &label).unwrap();
    let problem = |name: &str| {
        let a = s.arms.iter().find(|a| a.name == name).unwrap();
        arm_problem(&s, &p, a, &RunOptions::default(), &[])
    };
    let end = s.simulation.end_h;
    assert_eq!(
        shared_until(&problem("IR with LPV/r"), &problem("ER with LPV/r")),
        984.0
    );
    assert_eq!(
        shared_until(&problem("IR with LPV/r"), &problem("IR control")),
        0.0
    );
    let ir = solve(problem("IR with LPV/r"), end, &[]).unwrap();
    let alone = solve(problem("ER with LPV/r"), end, &[]).unwrap();
    let shared = solve(problem("ER with LPV/r"), end, &[ir]).unwrap();
    assert_eq!(alone.samples.len(), shared.samples.len());
    let m = &alone.problem.model;
    let mut worst: f64 = 0.0;
    for k in 0..m.compounds.len() {
        let cmax = alone
            .samples
            .iter()
            .map(|x| m.plasma_conc(k, &x.y))
            .fold(0.0, f64::max);
        for (a, b) in alone.samples.iter().zip(&shared.samples) {
            assert_eq!(a.t, b.t);
            let (ca, cb) = (m.plasma_conc(k, &a.y), m.plasma_conc(k, &b.y));
            if ca > 1e-4 * cmax {
                worst = worst.max((ca - cb).abs() / ca);
            }
        }
    }
    println!(
        "ER with LPV/r from the IR arm's state at 984 h: worst relative difference {worst:.2e}"
    );
    assert!(worst < 1e-4, "{worst:.2e}");
}
