//! Solver convergence: tightening both tolerances 100-fold moves AUC and Cmax by < 1e-4,
//! for individuals at the default tolerances and for populations at theirs.

mod common;
use common::*;
use pbpk::run::RunOptions;

#[test]
fn tighter_tolerances_do_not_change_metrics() {
    for s in [
        "midazolam_iv",
        "midazolam_oral",
        "nifedipine_iv",
        "amlodipine_oral",
        "lisinopril_oral",
    ] {
        let a = run_shipped(s);
        let b = run_shipped_with(
            s,
            &RunOptions {
                tolerance_scale: 0.01,
                ..Default::default()
            },
        );
        for (ca, cb) in a.arms[0].compounds.iter().zip(&b.arms[0].compounds) {
            let d_auc = (ca.nca.auc - cb.nca.auc).abs() / cb.nca.auc;
            let d_cmax = (ca.nca.cmax - cb.nca.cmax).abs() / cb.nca.cmax;
            println!("{s}: relative change AUC {d_auc:.1e}, Cmax {d_cmax:.1e}");
            assert!(d_auc < 1e-4 && d_cmax < 1e-4, "{s}");
        }
    }
}

/// Virtual-trial subjects default to looser tolerances (run::POPULATION_RTOL, PK-Sim's
/// defaults); tightening them 100-fold must not move the population's median AUC and Cmax
/// per arm and compound, nor the median DDI ratios, by 1e-4 or more (LPV/r + nifedipine:
/// 216 h of mechanism-based inactivation, then the victim).
#[test]
fn population_tolerances_do_not_change_population_metrics() {
    let opts = |scale: f64| RunOptions {
        subjects: Some(4),
        tolerance_scale: scale,
        ..Default::default()
    };
    let a = run_shipped_with("lpvr_nifedipine_population", &opts(1.0)).summary;
    let b = run_shipped_with("lpvr_nifedipine_population", &opts(0.01)).summary;
    let rel = |x: f64, y: f64| (x - y).abs() / y.abs();
    let mut worst: f64 = 0.0;
    for (aa, ab) in a.arms.iter().zip(&b.arms) {
        for (ca, cb) in aa.compounds.iter().zip(&ab.compounds) {
            for (x, y) in [
                (&ca.auc_mg_h_per_l, &cb.auc_mg_h_per_l),
                (&ca.cmax_mg_per_l, &cb.cmax_mg_per_l),
            ] {
                worst = worst.max(rel(x.unwrap().median, y.unwrap().median));
            }
        }
    }
    for (ca, cb) in a.comparisons.iter().zip(&b.comparisons) {
        worst = worst.max(rel(
            ca.auc_ratio.unwrap().median,
            cb.auc_ratio.unwrap().median,
        ));
        worst = worst.max(rel(
            ca.cmax_ratio.unwrap().median,
            cb.cmax_ratio.unwrap().median,
        ));
    }
    println!("population metrics, relative change with 100x tighter tolerances: {worst:.1e}");
    assert!(worst < 1e-4, "{worst:.1e}");
}
