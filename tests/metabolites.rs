//! Metabolite formation: a parent's pathway forms another compound mole for mole. With a
//! parent cleared only by its metabolite-forming CYP3A4 pathway (liver and gut wall), the
//! whole dose ends up as metabolite: yield x dose = CL_M x AUC_M, with CL_M the metabolite's
//! well-stirred renal clearance, and every compound's mass balance closes.
mod common;
use common::*;
use pbpk::data::compound::Compound;
use pbpk::data::library::Library;
use pbpk::run::RunOptions;

/// The shared linear test compound, renamed, with its CYP3A4 pathway forming `met_test`
/// and its renal route switched off (so the whole dose is metabolised).
fn parent() -> String {
    let text = LINEAR_COMPOUND
        .replace("name = \"linear_test\"", "name = \"parent_test\"")
        .replace(
            "clint_ul_per_min_per_mg = 50.0",
            "clint_ul_per_min_per_mg = 50.0\nmetabolite = \"met_test\"",
        )
        .replace(
            "gfr_fraction = 1.0\nsecretion_l_per_h = 2.0",
            "gfr_fraction = 0.0\nsecretion_l_per_h = 0.0",
        );
    assert!(
        text.contains("met_test") && text.contains("gfr_fraction = 0.0"),
        "LINEAR_COMPOUND changed: update this test"
    );
    text
}

const METABOLITE: &str = r#"
name = "met_test"
molecular_weight_g_per_mol = { value = 316.0, source = "test compound (parent + O)" }
log_p = { value = 1.0, source = "test compound" }
fu_plasma = { value = 0.5, source = "test compound" }
blood_plasma_ratio = { value = 1.0, source = "test compound" }

[[elimination]]
type = "renal"
gfr_fraction = 1.0
secretion_l_per_h = 10.0
source = "test compound"
"#;

const SCENARIO: &str = r#"
name = "metabolite check"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "iv"
dose = [ { compound = "parent_test", route = "iv_bolus", mg = 10, at_h = 0 } ]
[simulation]
end_h = 400
rtol = 1e-9
output_step_h = 0.05
"#;

#[test]
fn formed_metabolite_is_cleared_as_its_clearance_says() {
    let ws = Workspace::new();
    ws.write("compounds/parent_test.toml", &parent());
    ws.write("compounds/met_test.toml", METABOLITE);
    let path = ws.write("s.toml", SCENARIO);
    let r = run_path(&path, &RunOptions::default());
    let arm = &r.arms[0];
    let names: Vec<&str> = arm.compounds.iter().map(|c| c.compound.as_str()).collect();
    assert_eq!(
        names,
        ["parent_test", "met_test"],
        "the metabolite is reported with its parent"
    );
    println!("mass balance error {:.2e}", arm.mass_balance_rel_error);
    assert!(arm.mass_balance_rel_error < 1e-6);

    let lib = Library::default();
    let phys = lib
        .physiology("adult_male_european", "test", "physiology")
        .unwrap();
    let m = Compound::parse("met_test", METABOLITE).unwrap();
    let q_r = phys.organ("kidney").blood_flow_l_per_h.unwrap() * 1.0;
    let cl_int = pbpk::model::clearance::renal_clearance_l_per_h(&m, &phys);
    let cl_m = q_r * cl_int / (q_r + cl_int);
    let auc_m = arm.compounds[1].nca.auc_inf.expect("metabolite AUCinf");
    let formed = 10.0 * 316.0 / 300.0;
    println!(
        "metabolite: CL {cl_m:.4} L/h x AUCinf {auc_m:.5} mg.h/L = {:.5} mg; formed (yield x dose) {formed:.5} mg",
        cl_m * auc_m
    );
    assert!((cl_m * auc_m / formed - 1.0).abs() < 2e-3);
}

#[test]
fn a_missing_metabolite_file_is_a_clear_error() {
    let ws = Workspace::new();
    ws.write("compounds/parent_test.toml", &parent());
    let path = ws.write("s.toml", SCENARIO);
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let err = pbpk::run::run_scenario(&s, &lib, &label, &RunOptions::default())
        .expect_err("the scenario must fail")
        .to_string();
    println!("{err}");
    assert!(
        err.contains("parent_test.toml"),
        "names the parent file: {err}"
    );
    assert!(
        err.contains("elimination[0].metabolite"),
        "names the field: {err}"
    );
    assert!(
        err.contains("met_test"),
        "names the missing compound: {err}"
    );
}
