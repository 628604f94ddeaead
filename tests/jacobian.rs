//! The analytic Jacobian-vector product of assembled models agrees with finite differences
//! of the right-hand side, for a multi-compound interaction model (mechanism-based
//! inactivation, reversible inhibition, induction, saturable metabolism, transit gut).
mod common;

use pbpk::data::library::Library;
use pbpk::run::prepare;

#[test]
fn jacobian_matches_finite_differences_for_the_ritonavir_midazolam_model() {
    let path = common::repo().join("scenarios/ritonavir_midazolam.toml");
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let p = prepare(&s, &lib, &label).unwrap();
    let m = &p.model;
    let n = m.n_states();
    // A state with drug everywhere and enzymes part-inactivated.
    let mut y = m.initial_state();
    for (i, v) in y.iter_mut().enumerate() {
        if *v == 0.0 {
            *v = 0.05 + 0.3 * ((i * 7919) % 97) as f64 / 97.0;
        } else {
            *v = 0.4 + 0.5 * ((i * 31) % 11) as f64 / 11.0;
        }
    }
    let mut worst: f64 = 0.0;
    let mut f0 = vec![0.0; n];
    let mut f1 = vec![0.0; n];
    let mut jv = vec![0.0; n];
    for j in 0..n {
        let mut w = vec![0.0; n];
        w[j] = 1.0;
        m.jac_mul(&y, 1.0, &w, &mut jv);
        let h = 1e-7 * y[j].abs().max(1e-3);
        let mut yp = y.clone();
        yp[j] += h;
        let mut ym = y.clone();
        ym[j] -= h;
        m.rhs(&yp, 1.0, &mut f1);
        m.rhs(&ym, 1.0, &mut f0);
        for i in 0..n {
            let fd = (f1[i] - f0[i]) / (2.0 * h);
            let err = (fd - jv[i]).abs() / (1.0 + fd.abs());
            if err > 1e-5 {
                eprintln!(
                    "d f[{i}] / d y[{j}]: analytic {} vs finite difference {fd}",
                    jv[i]
                );
            }
            worst = worst.max(err);
        }
    }
    assert!(worst < 1e-5, "worst relative Jacobian error {worst:.2e}");
}
