//! `pbpk sensitivity`: the normalised sensitivity coefficients against the well-stirred
//! closed form, inputs that cannot move an output, the report files, and bad arguments.

mod common;
use common::*;
use pbpk::data::library::Library;
use pbpk::sensitivity::{analyse, Analysis};

fn analysis(ws: &Workspace, filters: &[&str]) -> Analysis {
    ws.write("compounds/hepatic_only.toml", HEPATIC_ONLY);
    let path = ws.write("iv.toml", IV_SCENARIO);
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let filters: Vec<String> = filters.iter().map(|f| f.to_string()).collect();
    analyse(&s, &lib, &label, 0.1, &filters).unwrap_or_else(|e| panic!("{e}"))
}

fn s_of(a: &Analysis, path: &str, output: &str) -> f64 {
    a.rows
        .iter()
        .find(|r| r.parameter.path == path && r.output.starts_with(output))
        .and_then(|r| r.sensitivity)
        .unwrap_or_else(|| panic!("no sensitivity of {output} to {path}"))
}

#[test]
fn auc_sensitivity_matches_the_well_stirred_closed_form() {
    let ws = Workspace::new();
    let a = analysis(
        &ws,
        &["clint_u_l_per_h", "fu_plasma", "log_p", "gfr_ml_per_min"],
    );
    let phys = Library::default()
        .physiology("adult_male_european", "test", "physiology")
        .unwrap();
    let q = phys.organ("liver").blood_flow_l_per_h.unwrap() + phys.portal_flow_l_per_h();
    let (fu, bp, clint) = (0.1, 0.9, 300.0);
    let cl = |c: f64| {
        let fub_c = fu / bp * c;
        q * bp * fub_c / (q + fub_c)
    };
    let f: f64 = 1.1;
    // AUC = dose / CL, so the central difference of ln AUC is that of -ln CL.
    let expected = (cl(clint / f).ln() - cl(clint * f).ln()) / (2.0 * f.ln());
    let s_clint = s_of(&a, "elimination[0].clint_u_l_per_h", "AUCinf");
    let s_fu = s_of(&a, "fu_plasma.value", "AUCinf");
    let s_logp = s_of(&a, "log_p.value", "AUCinf");
    let s_gfr = s_of(&a, "gfr_ml_per_min", "AUCinf");
    println!(
        "S(AUC, CLint) {s_clint:.5} (closed form {expected:.5}), S(AUC, fu) {s_fu:.5}, \
         S(AUC, log P) {s_logp:.2e}, S(AUC, GFR) {s_gfr:.2e}"
    );
    assert!((s_clint - expected).abs() < 1e-3);
    // fu and CLint enter CL only as their product; log P and GFR (no renal route) not at all.
    assert!((s_fu - s_clint).abs() < 1e-3);
    assert!(s_logp.abs() < 1e-3);
    assert!(s_gfr.abs() < 1e-6);
    // Cmax at the end of a 1 h infusion is partly set by distribution: it falls with CLint,
    // but by less than the AUC does.
    let s_cmax = s_of(&a, "elimination[0].clint_u_l_per_h", "Cmax");
    assert!(s_cmax < 0.0 && s_cmax > s_clint, "S(Cmax, CLint) {s_cmax}");
}

#[test]
fn bounded_inputs_fall_back_to_one_side_and_files_are_written() {
    let ws = Workspace::new();
    ws.write(
        "compounds/hepatic_only.toml",
        &HEPATIC_ONLY.replace("value = 0.1, source", "value = 0.95, source"),
    );
    let path = ws.write("iv.toml", IV_SCENARIO);
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let a = analyse(&s, &lib, &label, 0.1, &["fu_plasma".to_string()]).unwrap();
    let row = a
        .rows
        .iter()
        .find(|r| r.output.starts_with("AUCinf"))
        .unwrap();
    // 0.95 x 1.1 > 1 is rejected by the compound's own validation: one-sided, and said so.
    assert!(row.note.contains("one-sided"), "{}", row.note);
    assert!(row.note.contains("must be in (0, 1]"), "{}", row.note);
    assert!(row.sensitivity.unwrap() < 0.0);

    let out = ws.dir.path().join("out");
    let files = pbpk::report::sensitivity::write(&a, &out).unwrap();
    assert!(files.contains(&"sensitivity.csv".to_string()));
    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    // One line per (input, output) plus the header.
    assert_eq!(csv.lines().count(), 1 + a.rows.len());
    assert!(out.join("tornado_1.png").is_file());
    assert!(a.table(5).contains("fu_plasma"));
}

#[test]
fn bad_arguments_are_clear_errors() {
    let ws = Workspace::new();
    ws.write("compounds/hepatic_only.toml", HEPATIC_ONLY);
    let path = ws.write("iv.toml", IV_SCENARIO);
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let e = analyse(&s, &lib, &label, 0.1, &["kinact".to_string()])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("--param") && e.contains("matches no input"),
        "{e}"
    );
    assert!(e.contains("hepatic_only:fu_plasma.value"), "{e}");
    let e = analyse(&s, &lib, &label, 0.0, &[]).unwrap_err().to_string();
    assert!(e.contains("--delta"), "{e}");
}

/// A fitted hepatic clearance attributed to CYP3A4 (amlodipine) responds to the reference
/// man's CYP3A4 abundance: the liver it was fitted in is the file as written, not as the
/// analysis perturbs it (which cancelled the scaling and gave 0). Well-stirred expectation
/// for amlodipine's AUC: about -0.6 (hepatic fm 0.9, extraction 0.28).
#[test]
fn fitted_clearance_responds_to_the_reference_mans_enzyme() {
    let path = repo().join("scenarios/amlodipine_iv.toml");
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let a = analyse(&s, &lib, &label, 0.1, &["CYP3A4.abundance".to_string()]).unwrap();
    let s_auc = s_of(&a, "enzymes.liver.CYP3A4.abundance_pmol_per_mg", "AUCinf");
    println!("S(AUCinf, CYP3A4 abundance) = {s_auc}");
    assert!((-0.75..-0.45).contains(&s_auc), "{s_auc}");
}

/// For one patient the scenario's covariates are inputs too. Lisinopril is filtered
/// unbound (fu 1) and nothing else: AUC_tau at steady state = F dose / CL_R with CL_R just
/// under GFR, so S(AUC, eGFR) is near -1; the eGFR becomes an absolute GFR with the
/// patient's BSA (Du Bois: BSA ~ height^0.725), so height acts through it with 0.725 of
/// that sensitivity; albumin does not bind the drug, so it moves nothing.
#[test]
fn a_patients_covariates_are_inputs() {
    let path = repo().join("scenarios/patient_lisinopril_renal.toml");
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let a = analyse(&s, &lib, &label, 0.1, &["patient:".to_string()]).unwrap();
    let names: Vec<String> = a.rows.iter().map(|r| r.parameter.label()).collect();
    for field in ["age_years", "weight_kg", "height_cm", "albumin_g_per_l"] {
        let name = format!("patient:subjects.{field}");
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let s_egfr = s_of(&a, "subjects.egfr_ml_per_min_per_1_73m2", "AUC");
    let s_height = s_of(&a, "subjects.height_cm", "AUC");
    let s_albumin = s_of(&a, "subjects.albumin_g_per_l", "AUC");
    println!(
        "S(AUC, eGFR) {s_egfr:.4}, S(AUC, height) {s_height:.4}, S(AUC, albumin) {s_albumin:.2e}"
    );
    assert!((-1.0..-0.9).contains(&s_egfr), "{s_egfr}");
    assert!((s_height / s_egfr - 0.725).abs() < 0.05, "{s_height}");
    assert!(s_albumin.abs() < 1e-3);
}
