//! Analytic checks: the solver against the matrix exponential of the same linear system,
//! and the assembled model against the well-stirred closed form at steady state (liver,
//! kidney and the gut wall, which systemic drug reaches through the villous blood).

mod common;
use common::*;
use nalgebra::{DMatrix, DVector};
use pbpk::data::compound::Compound;
use pbpk::data::library::Library;
use pbpk::model::assemble;
use pbpk::run::hepatic_availability;
use pbpk::solve::{integrate, Tolerances};

fn linear_model() -> (pbpk::data::physiology::Physiology, pbpk::model::Model) {
    let lib = Library::default();
    let phys = lib
        .physiology("adult_male_european", "test", "physiology")
        .unwrap();
    let c = Compound::parse("linear_test", LINEAR_COMPOUND).unwrap();
    let m = assemble(&phys, &[(c, "linear_test".into())]).unwrap();
    assert!(m.saturable.is_empty());
    (phys, m)
}

#[test]
fn solver_matches_matrix_exponential() {
    let (_, m) = linear_model();
    let n = m.n_states();
    let a = DMatrix::from_fn(n, n, |i, j| m.linear_matrix()[i][j]);
    let s = &m.layout.compounds[0];
    // IV bolus 10 mg at 0 and an oral dose of 20 mg at 5 h.
    let jumps = vec![(0.0, s.venous, 10.0), (5.0, s.lumen[0], 20.0)];
    let outputs = vec![0.5, 1.0, 2.0, 4.0, 5.0, 6.0, 8.0, 12.0, 24.0];
    let samples = integrate(
        &m,
        &jumps,
        &[0.0, 5.0],
        &outputs,
        24.0,
        Tolerances {
            rtol: 1e-9,
            atol: 1e-13,
        },
    )
    .unwrap();
    let mut y0 = DVector::zeros(n);
    y0[s.venous] = 10.0;
    let y5 = (&a * 5.0).exp() * &y0;
    let mut y5d = y5.clone();
    y5d[s.lumen[0]] += 20.0;
    let mut worst: f64 = 0.0;
    for smp in samples.iter() {
        let exact = if smp.t <= 5.0 && !(smp.t == 5.0 && smp.y[s.lumen[0]] > 1.0) {
            (&a * smp.t).exp() * &y0
        } else {
            (&a * (smp.t - 5.0)).exp() * &y5d
        };
        let cp = smp.y[s.venous];
        let ce = exact[s.venous];
        let rel = (cp - ce).abs() / ce.abs();
        println!(
            "t = {:6.2} h  venous amount solver {:.9e}  expm {:.9e}  rel {:.1e}",
            smp.t, cp, ce, rel
        );
        worst = worst.max(rel);
        // Every state, relative to the dose.
        for i in 0..n {
            assert!(
                (smp.y[i] - exact[i]).abs() / 30.0 < 1e-6,
                "state {i} at t = {}",
                smp.t
            );
        }
    }
    assert!(worst < 1e-5, "worst relative error {worst:.2e}");
}

#[test]
fn steady_state_infusion_matches_well_stirred_clearance() {
    let (phys, mut m) = linear_model();
    let s = m.layout.compounds[0].clone();
    let rate = 10.0; // mg/h
    m.infusions.push(pbpk::model::Infusion {
        state: s.venous,
        rate_mg_per_h: rate,
        start_h: 0.0,
        end_h: 1e6,
    });
    let samples = integrate(
        &m,
        &[],
        &[0.0],
        &[2000.0],
        2000.0,
        Tolerances {
            rtol: 1e-10,
            atol: 1e-12,
        },
    )
    .unwrap();
    let css = m.plasma_conc(0, &samples.last().unwrap().y);
    // Well-stirred liver (plasma-referenced): CL_H = Q B:P (1 - F_H); kidney likewise.
    let info = &m.compounds[0];
    let q_h = phys.organ("liver").blood_flow_l_per_h.unwrap() + phys.portal_flow_l_per_h();
    let cl_h = q_h * info.blood_plasma_ratio * (1.0 - hepatic_availability(&phys, &m, 0, |_| 1.0));
    let q_k = phys.organ("kidney").blood_flow_l_per_h.unwrap() * info.blood_plasma_ratio;
    let c = Compound::parse("linear_test", LINEAR_COMPOUND).unwrap();
    let cl_r_int = pbpk::model::clearance::renal_clearance_l_per_h(&c, &phys);
    let cl_k = q_k * cl_r_int / (q_k + cl_r_int);
    // Gut wall (systemic drug): the small intestine's plasma C_SI feeds segment s's
    // enterocytes at fu Qvilli,s C_SI, which extract E_s = CLint,s / (Qvilli,s + CLint,s)
    // (fu_gut 1). Mass balance of the small intestine gives C_SI = Q_SI R C_art /
    // (Q_SI R + fu Qvilli), so the gut clears CL_G = fu Q_SI R sum_s Qvilli,s E_s /
    // (Q_SI R + fu Qvilli) of arterial plasma, and the liver sees the portal blood after it:
    // CL = CL_H + CL_K + F_H CL_G.
    let fu = info.fu_plasma;
    let q_si = phys.organ("small_intestine").blood_flow_l_per_h.unwrap() * info.blood_plasma_ratio;
    let q_villi = phys.gut.villous_blood_flow_l_per_h;
    let clint_gut: f64 = info.clint_gut_l_per_h.iter().map(|(_, c)| c).sum();
    assert!(
        clint_gut > 0.0,
        "the test compound should have gut metabolism"
    );
    let extracted: f64 = pbpk::data::physiology::SMALL_INTESTINE
        .map(|i| {
            let q = q_villi * phys.gut.surface_share(i);
            let cl = clint_gut * phys.gut.enzyme_share("CYP3A4", i);
            q * cl / (q + cl)
        })
        .sum();
    let cl_g = fu * q_si * extracted / (q_si + fu * q_villi);
    let f_h = hepatic_availability(&phys, &m, 0, |_| 1.0);
    let expected = rate / (cl_h + cl_k + f_h * cl_g);
    println!(
        "Css simulated {css:.8} mg/L, well-stirred closed form {expected:.8} mg/L \
         (gut wall {cl_g:.4} L/h of {:.4} L/h)",
        cl_h + cl_k + f_h * cl_g
    );
    assert!((css - expected).abs() / expected < 1e-5);
}
