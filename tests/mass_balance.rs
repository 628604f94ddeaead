//! Mass balance: dose given = amount in body + lumen + eliminated + unabsorbed, at every
//! output time, to < 1e-6 of the dose.

mod common;
use common::*;
use pbpk::run::RunOptions;

#[test]
fn iv_bolus_mass_balance_closes() {
    let r = run_shipped("midazolam_iv");
    println!(
        "midazolam IV mass balance error {:.2e}",
        r.summary.mass_balance_max_rel_error
    );
    assert!(r.summary.mass_balance_max_rel_error < 1e-6);
}

#[test]
fn oral_mass_balance_closes() {
    for s in ["midazolam_oral", "lisinopril_oral", "amlodipine_oral"] {
        let r = run_shipped(s);
        println!(
            "{s}: mass balance error {:.2e}",
            r.summary.mass_balance_max_rel_error
        );
        assert!(r.summary.mass_balance_max_rel_error < 1e-6, "{s}");
    }
}

#[test]
fn a_late_infusion_is_taken_in_whole_at_a_loose_tolerance() {
    // An infusion switched on [start, end) left the step ending at its end without it (and
    // gave 1.2e-6 of the dose to the mass balance at rtol 1e-5); on (start, end] every step
    // sees the rate of the segment it belongs to.
    let w = Workspace::new();
    let p = w.write(
        "late.toml",
        r#"
name = "late infusion"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "a"
dose = [ { compound = "midazolam", route = "iv_infusion", mg = 5, at_h = 100, duration_h = 1 } ]
[simulation]
end_h = 130
rtol = 1e-5
"#,
    );
    let r = run_path(&p, &RunOptions::default());
    let err = r.summary.mass_balance_max_rel_error;
    println!("late infusion at rtol 1e-5: mass balance error {err:.2e}");
    assert!(err < 1e-10, "{err:.2e}");
}

#[test]
fn repeated_oral_infusion_and_bolus_mass_balance_closes() {
    let w = Workspace::new();
    w.write("compounds/linear_test.toml", LINEAR_COMPOUND);
    let p = w.write(
        "mixed.toml",
        r#"
name = "mixed routes"
[subjects]
physiology = "adult_female_european"
[[arm]]
name = "a"
dose = [
  { compound = "linear_test", route = "oral", mg = 50, at_h = 0, every_h = 8, times = 4 },
  { compound = "linear_test", route = "iv_infusion", mg = 20, duration_h = 2, at_h = 3 },
  { compound = "linear_test", route = "iv_bolus", mg_per_kg = 0.1, at_h = 30 },
]
[simulation]
end_h = 48
"#,
    );
    let r = run_path(&p, &RunOptions::default());
    println!(
        "mixed routes mass balance error {:.2e}",
        r.summary.mass_balance_max_rel_error
    );
    assert!(r.summary.mass_balance_max_rel_error < 1e-6);
    // Every dose line was given: 4 oral x 50 mg, a 20 mg infusion, 0.1 mg/kg IV.
    let c = &r.arms[0].compounds[0];
    let expected = 4.0 * 50.0 + 20.0 + 0.1 * r.body_weight_kg;
    assert!(
        (c.dose_mg - expected).abs() < 1e-9,
        "dosed {} mg, expected {expected} mg",
        c.dose_mg
    );
}

#[test]
fn two_compounds_one_given_by_path_keep_their_own_doses() {
    let w = Workspace::new();
    w.write("drugs/linear_test.toml", LINEAR_COMPOUND);
    let p = w.write(
        "two.toml",
        r#"
name = "two compounds"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "a"
dose = [
  { compound = "midazolam", route = "iv_bolus", mg = 2, at_h = 0 },
  { compound = "drugs/linear_test.toml", route = "oral", mg = 40, at_h = 1 },
]
[simulation]
end_h = 24
"#,
    );
    let r = run_path(&p, &RunOptions::default());
    let arm = &r.arms[0];
    let mdz = arm
        .compounds
        .iter()
        .find(|c| c.compound == "midazolam")
        .unwrap();
    let lin = arm
        .compounds
        .iter()
        .find(|c| c.compound == "linear_test")
        .unwrap();
    assert_eq!(mdz.dose_mg, 2.0);
    assert_eq!(lin.dose_mg, 40.0);
    assert_eq!(lin.window_h[0], 1.0);
    assert!(r.summary.mass_balance_max_rel_error < 1e-6);
}

#[test]
fn three_compound_interaction_run_conserves_mass() {
    // Lopinavir, ritonavir (inactivating CYP3A4) and nifedipine IR and ER, 20 doses.
    let r = run_shipped("lpvr_nifedipine");
    println!(
        "max relative error {:e}",
        r.summary.mass_balance_max_rel_error
    );
    assert!(r.summary.mass_balance_max_rel_error < 1e-6);
}

/// Biliary excretion with enterohepatic circulation: bile drains into the duodenal lumen and
/// part of it is reabsorbed, so exposure exceeds that of the same clearance to the faeces,
/// and mass still balances (IV and oral, a saturable transporter on the liver's content).
#[test]
fn enterohepatic_circulation_conserves_mass_and_recirculates() {
    let biliary = |ehc: bool| {
        LINEAR_COMPOUND.replace(
            "[[elimination]]\ntype = \"renal\"",
            &format!("[[elimination]]\ntype = \"biliary\"\ntransporter = \"P-gp\"\nvmax_pmol_per_min_per_pmol = 0.9\nkm_umol_per_l = 0.13\ntransporter_umol_per_l_liver = 0.27\nenterohepatic = {ehc}\nsource = \"test\"\n\n[[elimination]]\ntype = \"renal\""),
        )
        // A well-absorbed drug, so that bile is reabsorbed.
        .replace("peff_cm_per_s = { value = 1.5e-5", "peff_cm_per_s = { value = 3e-4")
    };
    let scenario = r#"
name = "bile"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "iv"
dose = [ { compound = "linear_test", route = "iv_bolus", mg = 10, at_h = 0 } ]
[[arm]]
name = "oral"
dose = [ { compound = "linear_test", route = "oral", mg = 10, at_h = 0 } ]
[simulation]
end_h = 96
"#;
    let mut auc = Vec::new();
    for ehc in [true, false] {
        let w = Workspace::new();
        w.write("compounds/linear_test.toml", &biliary(ehc));
        let r = run_path(&w.write("s.toml", scenario), &RunOptions::default());
        println!(
            "enterohepatic {ehc}: mass balance {:.2e}, IV AUC {:.5}, fm {:?}",
            r.summary.mass_balance_max_rel_error,
            r.arms[0].compounds[0].nca.auc,
            r.arms[0].compounds[0].fm
        );
        assert!(r.summary.mass_balance_max_rel_error < 1e-6);
        assert!(r.arms[0].compounds[0]
            .fm
            .iter()
            .any(|(l, f)| l == "biliary (P-gp)" && *f > 0.05));
        auc.push(r.arms[0].compounds[0].nca.auc);
    }
    assert!(
        auc[0] > 1.02 * auc[1],
        "reabsorbed bile raises the IV AUC: {auc:?}"
    );
}
