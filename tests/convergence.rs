//! Solver convergence: tightening both tolerances 100-fold moves AUC and Cmax by < 1e-4.

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
