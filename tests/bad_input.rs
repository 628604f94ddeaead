//! Bad input gets a clear error naming the file and the field, a non-zero exit status, and
//! no output folder (not even a half-written one).

mod common;
use common::*;
use std::process::Command;

const GOOD: &str = r#"
name = "ok"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "a"
dose = [ { compound = "midazolam", route = "oral", mg = 7.5, at_h = 0 } ]
[simulation]
end_h = 12
"#;

/// Run `pbpk run` on a scenario text; return (exit ok, stderr, whether the out dir exists).
fn run_scenario_text(text: &str, extra: &[(&str, &str)]) -> (bool, String, bool) {
    let w = Workspace::new();
    for (rel, body) in extra {
        w.write(rel, body);
    }
    let p = w.write("s.toml", text);
    let out = w.dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_pbpk"))
        .args(["run", p.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    println!("stderr: {stderr}");
    let leftovers = std::fs::read_dir(w.dir.path())
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains("out"));
    (o.status.success(), stderr, leftovers)
}

fn expect_error(text: &str, must_contain: &[&str]) {
    expect_error_with(text, &[], must_contain)
}

fn expect_error_with(text: &str, extra: &[(&str, &str)], must_contain: &[&str]) {
    let (ok, err, out_exists) = run_scenario_text(text, extra);
    assert!(!ok, "expected failure");
    assert!(!out_exists, "no output folder may be left behind");
    assert!(
        err.contains("s.toml")
            || must_contain.iter().any(|m| m.contains(".toml"))
            || extra.iter().any(|(rel, _)| err.contains(rel)),
        "error must name the file: {err}"
    );
    for m in must_contain {
        assert!(err.contains(m), "error should mention {m:?}: {err}");
    }
}

#[test]
fn good_scenario_runs_and_writes_outputs() {
    let w = Workspace::new();
    let p = w.write("s.toml", GOOD);
    let out = w.dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_pbpk"))
        .args(["run", p.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["arms"][0]["compounds"][0]["compound"], "midazolam");
    assert!(
        summary["arms"][0]["compounds"][0]["cmax_mg_per_L"]["median"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert!(std::fs::read_to_string(out.join("profiles.csv"))
        .unwrap()
        .starts_with("arm,compound,time_h,plasma_mg_per_L"));
}

#[test]
fn toml_syntax_error_reports_line_and_column() {
    expect_error(
        &GOOD.replace("end_h = 12", "end_h = = 12"),
        &["line 9", "column"],
    );
}

#[test]
fn unknown_key_is_rejected() {
    expect_error(
        &GOOD.replace("end_h = 12", "end_h = 12\nend_hours = 3"),
        &["unknown field `end_hours`"],
    );
}

#[test]
fn missing_field_is_reported() {
    expect_error(&GOOD.replace("end_h = 12", ""), &["missing field `end_h`"]);
}

#[test]
fn wrong_unit_or_type_is_reported() {
    expect_error(
        &GOOD.replace("mg = 7.5", "mg = \"7.5 g\""),
        &["invalid type", "mg"],
    );
}

#[test]
fn negative_amount_is_rejected() {
    expect_error(
        &GOOD.replace("mg = 7.5", "mg = -7.5"),
        &[
            "arm[0].dose[0].mg",
            "between 1e-6 and 1000000 mg",
            "got -7.5",
        ],
    );
}

#[test]
fn a_population_of_no_subjects_is_rejected() {
    // count = 0 panicked (index out of bounds) in the population run.
    let text = GOOD.replace(
        "physiology = \"adult_male_european\"",
        "population = \"european\"\ncount = 0",
    );
    assert!(text.contains("count = 0"), "GOOD changed: update this test");
    expect_error(&text, &["subjects.count", "from 1 to 1000000", "got 0"]);
}

#[test]
fn vanishing_amount_is_rejected() {
    // A 1e-300 mg dose ran and printed an AUC ratio of 1.5e300 from round-off.
    expect_error(
        &GOOD.replace("mg = 7.5", "mg = 1e-300"),
        &["arm[0].dose[0].mg", "1 ng to 1 kg", "got 1e-300"],
    );
}

#[test]
fn absurd_permeability_is_rejected() {
    // A Peff of 1e308 cm/s made the absorption so stiff that a run took minutes.
    expect_compound_line_error(
        "lisinopril",
        "peff_cm_per_s = { value = 0.22e-4",
        "peff_cm_per_s = { value = 1e308",
        &[
            "lisinopril.toml",
            "absorption.peff_cm_per_s",
            "0.01 cm/s",
            "got 1e308",
        ],
    );
    // 0.05 cm/s is 50 times any measured human value: a unit slip.
    expect_compound_line_error(
        "lisinopril",
        "peff_cm_per_s = { value = 0.22e-4",
        "peff_cm_per_s = { value = 0.05",
        &["absorption.peff_cm_per_s", "unit slip"],
    );
}

#[test]
fn implausible_log_p_and_rtol_are_rejected() {
    // log P 15 gave Vss 2.4e14 L/kg.
    expect_compound_line_error(
        "midazolam",
        "log_p = { value = 3.1,",
        "log_p = { value = 15.0,",
        &["log_p.value", "[-7, 10]", "got 15"],
    );
    expect_error(
        &GOOD.replace("end_h = 12", "end_h = 12\nrtol = 1e-15"),
        &["simulation.rtol", "1e-12"],
    );
}

#[test]
fn absurd_hill_coefficient_is_rejected() {
    // A Hill coefficient of 1e308 ended in a solver error naming no file or field.
    expect_compound_line_error(
        "rifampicin",
        "ec50_umol_per_l = 0.34",
        "ec50_umol_per_l = 0.34\nhill = 1e308",
        &["rifampicin.toml", "hill", "at most 10", "got 1e308"],
    );
}

#[test]
fn unknown_compound_is_rejected() {
    expect_error(
        &GOOD.replace("\"midazolam\"", "\"midazolamm\""),
        &[
            "arm[0].dose[0].compound",
            "midazolamm",
            "did you mean \"midazolam\"",
            "looked for midazolamm.toml in",
            "known:",
        ],
    );
}

#[test]
fn unknown_physiology_is_rejected() {
    expect_error(
        &GOOD.replace("adult_male_european", "adult_martian"),
        &["subjects.physiology", "adult_martian"],
    );
}

#[test]
fn unknown_route_is_rejected() {
    expect_error(
        &GOOD.replace("\"oral\"", "\"intranasal\""),
        &["unknown variant `intranasal`"],
    );
}

#[test]
fn unknown_arm_name_is_rejected() {
    let t =
        format!("{GOOD}\n[[compare]]\ncompound = \"midazolam\"\ntest = \"b\"\nreference = \"a\"\n");
    expect_error(&t, &["compare[0].test", "no arm is named \"b\""]);
}

#[test]
fn zero_length_simulation_is_rejected() {
    expect_error(
        &GOOD.replace("end_h = 12", "end_h = 0"),
        &["simulation.end_h", "positive length"],
    );
}

#[test]
fn endless_simulation_is_rejected() {
    // end_h = 1e308 panicked (capacity overflow) building the output grid.
    expect_error(
        &GOOD.replace("end_h = 12", "end_h = 1e308"),
        &["simulation.end_h", "at most 100000 h", "got 1e308"],
    );
    expect_error(
        &GOOD.replace("end_h = 12", "end_h = 12\noutput_step_h = 1e-9"),
        &["simulation.output_step_h", "1000000 output times"],
    );
}

#[test]
fn dose_after_end_is_rejected() {
    expect_error(
        &GOOD.replace("at_h = 0", "at_h = 24"),
        &["arm[0].dose[0].at_h", "end_h"],
    );
}

#[test]
fn infusion_running_past_end_is_said() {
    // 48 h of infusion in a 12 h simulation delivers a quarter of the dose: a warning says so
    // (a long infusion as a constant background is legitimate, so it is not an error).
    let (ok, err, _) = run_scenario_text(
        &GOOD.replace(
            "route = \"oral\", mg = 7.5, at_h = 0",
            "route = \"iv_infusion\", mg = 7.5, duration_h = 48, at_h = 0",
        ),
        &[],
    );
    assert!(ok, "{err}");
    assert!(
        err.contains("warning") && err.contains("arm[0].dose[0]") && err.contains("25.0 %"),
        "{err}"
    );
}

#[test]
fn bad_compound_file_is_rejected() {
    let bad = std::fs::read_to_string(repo().join("compounds/midazolam.toml"))
        .unwrap()
        .replace("value = 0.031", "value = 1.5");
    expect_error_with(
        GOOD,
        &[("compounds/midazolam.toml", &bad)],
        &["midazolam.toml", "fu_plasma.value", "(0, 1]"],
    );
}

#[test]
fn absurd_binding_constant_is_rejected() {
    // A Km of 1e308 umol/L passed as "positive" and gave fm = NaN in the run's table.
    expect_compound_line_error(
        "midazolam",
        "km_umol_per_l = 6.6",
        "km_umol_per_l = 1e308",
        &["midazolam.toml", "km_umol_per_l", "1 mol/L", "got 1e308"],
    );
}

#[test]
fn unbalanced_physiology_is_rejected() {
    let bad = std::fs::read_to_string(repo().join("physiologies/adult_male_european.toml"))
        .unwrap()
        .replace(
            "cardiac_output_l_per_h = 365.39",
            "cardiac_output_l_per_h = 400.0",
        );
    assert!(
        bad.contains("400.0"),
        "test fixture must change the cardiac output"
    );
    expect_error_with(
        GOOD,
        &[("physiologies/adult_male_european.toml", &bad)],
        &[
            "adult_male_european.toml",
            "cardiac_output_l_per_h",
            "do not balance",
        ],
    );
}

#[test]
fn negative_organ_volume_is_rejected() {
    let text =
        std::fs::read_to_string(repo().join("physiologies/adult_male_european.toml")).unwrap();
    let mut doc: toml::Table = toml::from_str(&text).unwrap();
    doc["organs"]["liver"]
        .as_table_mut()
        .unwrap()
        .insert("volume_l".into(), toml::Value::Float(-1.0));
    let bad = toml::to_string(&doc).unwrap();
    expect_error_with(
        GOOD,
        &[("physiologies/adult_male_european.toml", &bad)],
        &["adult_male_european.toml", "organs.liver.volume_l", "> 0"],
    );
}

#[test]
fn check_command_validates_every_shipped_file() {
    let mut files = Vec::new();
    for dir in ["physiologies", "compounds", "scenarios"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "toml") {
                files.push(e.path());
            }
        }
    }
    let o = Command::new(env!("CARGO_BIN_EXE_pbpk"))
        .arg("check")
        .args(&files)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new(env!("CARGO_BIN_EXE_pbpk"))
        .args(["check", "Cargo.toml"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(!o.status.success());
}

#[test]
fn individual_named_as_population_is_rejected() {
    expect_error(
        &GOOD.replace(
            "physiology = \"adult_male_european\"",
            "population = \"adult_male_european\"",
        ),
        &["subjects.population", "not a population"],
    );
}

/// A population scenario on the european file with one text changed (`from` -> `to`), as
/// population "mypop": an error naming the file and mentioning each of `must_contain`.
fn expect_population_error(from: &str, to: &str, must_contain: &[&str]) {
    let text = std::fs::read_to_string(repo().join("physiologies/european.toml")).unwrap();
    let bad = text.replacen(from, to, 1);
    assert_ne!(bad, text, "the european file changed: update this test");
    let mut expected = vec!["mypop.toml"];
    expected.extend_from_slice(must_contain);
    expect_error_with(
        &GOOD.replace(
            "physiology = \"adult_male_european\"",
            "population = \"mypop\"\ncount = 3",
        ),
        &[(
            "physiologies/mypop.toml",
            &bad.replace("name = \"european\"", "name = \"mypop\""),
        )],
        &expected,
    );
}

#[test]
fn population_with_bad_genotype_frequencies_is_rejected() {
    expect_population_error(
        "frequency = 0.021",
        "frequency = 0.5",
        &["genotypes[0].phenotypes", "must sum to 1"],
    );
    // A misspelt enzyme would leave CYP3A4 without its variability, silently.
    expect_population_error(
        "[enzymes.CYP3A4]",
        "[enzymes.CYP3A44]",
        &["enzymes.CYP3A44", "did you mean \"CYP3A4\""],
    );
}

#[test]
fn observed_data_with_unknown_unit_is_rejected() {
    expect_error_with(
        &format!(
            "{GOOD}\n[[observed_data]]\nfile = \"d.csv\"\ncompound = \"midazolam\"\narm = \"a\"\n"
        ),
        &[(
            "d.csv",
            "time_h,concentration,sd,unit,study,n\n1,2,,mg/dL,x,3\n",
        )],
        &["d.csv", "row 2", "unknown unit \"mg/dL\""],
    );
}

#[test]
fn pediatric_individual_without_an_age_is_rejected() {
    expect_error(
        &GOOD.replace(
            "physiology = \"adult_male_european\"",
            "physiology = \"pediatric\"",
        ),
        &["s.toml", "subjects.age_years", "one age"],
    );
}

#[test]
fn children_from_an_adult_population_are_rejected() {
    expect_error(
        &format!("{GOOD}\n[children]\npopulation = \"european\"\nages_years = [2.0]\n"),
        &["s.toml", "children.population", "adult population"],
    );
}

#[test]
fn too_many_virtual_children_are_rejected() {
    expect_error(
        &format!(
            "{GOOD}\n[children]\npopulation = \"pediatric\"\nages_years = [2.0]\n[children.dose_finding]\ncompound = \"midazolam\"\narm = \"a\"\nmetric = \"cmax_mg_per_L\"\nvirtual_children = 200000\n"
        ),
        &[
            "s.toml",
            "children.dose_finding.virtual_children",
            "at most 100000",
        ],
    );
}

#[test]
fn pediatric_observation_without_children_is_rejected() {
    expect_error(
        &format!(
            "{GOOD}\n[[observed]]\ncompound = \"midazolam\"\narm = \"a\"\nmetric = \"cl_ml_per_min_per_kg\"\nvalue = 9\nsource = \"x\"\nage_years = 4\n"
        ),
        &["s.toml", "observed[0].age_years", "[children]"],
    );
}

#[test]
fn ontogeny_missing_an_organ_is_rejected() {
    let text = std::fs::read_to_string(repo().join("physiologies/pediatric.toml")).unwrap();
    let bad = text.replacen("\nspleen = [", "\nspleen_typo = [", 1);
    assert_ne!(bad, text, "the pediatric file changed: update this test");
    expect_error_with(
        &GOOD.replace(
            "physiology = \"adult_male_european\"",
            "physiology = \"kids\"\nage_years = 3",
        ),
        &[(
            "physiologies/kids.toml",
            &bad.replace("name = \"pediatric\"", "name = \"kids\""),
        )],
        &["kids.toml", "ontogeny.organ_mass_g.male.spleen", "missing"],
    );
}

/// An age-dependent tissue field the organs do not have, and an absolute (pmol/mg)
/// maturation function at a gut site, are each named with what would be right.
#[test]
fn ontogeny_unknown_tissue_field_or_gut_abundance_is_rejected() {
    let text = std::fs::read_to_string(repo().join("physiologies/pediatric.toml")).unwrap();
    let scenario = GOOD.replace(
        "physiology = \"adult_male_european\"",
        "physiology = \"kids\"\nage_years = 3",
    );
    for (from, to, expected) in [
        (
            "field = \"water_pt\"",
            "field = \"water_fraction\"",
            "unknown field 'water_fraction'",
        ),
        (
            "enzyme = \"CYP3A7\"\nsite = \"liver\"",
            "enzyme = \"CYP3A7\"\nsite = \"gut\"",
            "site = \"liver\"",
        ),
    ] {
        let bad = text.replacen(from, to, 1);
        assert_ne!(bad, text, "the pediatric file changed: update this test");
        expect_error_with(
            &scenario,
            &[(
                "physiologies/kids.toml",
                &bad.replace("name = \"pediatric\"", "name = \"kids\""),
            )],
            &["kids.toml", "ontogeny", expected],
        );
    }
}

/// Dose a shipped compound orally in the good scenario, with one line of its file replaced,
/// and expect an error that names every string in `must_contain`.
fn expect_compound_line_error(compound: &str, line: &str, bad_line: &str, must_contain: &[&str]) {
    let rel = format!("compounds/{compound}.toml");
    let text = std::fs::read_to_string(repo().join(&rel)).unwrap();
    assert!(text.contains(line), "{rel} changed: update this test");
    let scenario = GOOD.replace(
        "\"midazolam\", route = \"oral\", mg = 7.5",
        &format!("\"{compound}\", route = \"oral\", mg = 10"),
    );
    expect_error_with(
        &scenario,
        &[(rel.as_str(), &text.replace(line, bad_line))],
        must_contain,
    );
}

#[test]
fn zero_order_release_without_a_positive_duration_is_rejected() {
    expect_compound_line_error(
        "nifedipine",
        "duration_h = 17.65",
        "duration_h = 0.0",
        &["nifedipine.toml", "formulation[1].duration_h"],
    );
}

#[test]
fn acid_degradation_with_an_impossible_ph_is_rejected() {
    expect_compound_line_error(
        "clarithromycin",
        "[absorption]\n",
        "[absorption]\nacid_degradation = { half_life_h = 0.28, ph = 139, source = \"test\" }\n",
        &[
            "clarithromycin.toml",
            "absorption.acid_degradation.ph",
            "[0, 14]",
        ],
    );
}

#[test]
fn zero_order_doses_closer_than_their_delivery_are_rejected() {
    // The ER tablet delivers for 2.06 + 17.65 h: a 12-hourly regimen would overlap.
    let text = GOOD
        .replace(
            "\"midazolam\", route = \"oral\", mg = 7.5, at_h = 0",
            "\"nifedipine\", route = \"oral\", mg = 30, at_h = 0, every_h = 12, times = 2, formulation = \"er_tablet\"",
        )
        .replace("end_h = 12", "end_h = 48");
    expect_error(&text, &["s.toml", "arm[0].dose[0]", "er_tablet", "19.71 h"]);
}

#[test]
fn halogens_beyond_the_molecular_weight_are_rejected() {
    expect_compound_line_error(
        "midazolam",
        "halogens = { f = 1, cl = 1 }",
        "halogens = { f = 1, cl = 1, i = 5 }",
        &["midazolam.toml", "halogens", "effective molecular weight"],
    );
}

#[test]
fn unknown_cell_permeability_method_is_rejected() {
    expect_compound_line_error(
        "midazolam",
        "cell_permeability = \"pk_sim_standard\"",
        "cell_permeability = \"schmitt\"",
        &["midazolam.toml", "pk_sim_standard", "perfusion_limited"],
    );
}

#[test]
fn patient_fields_need_a_population_and_plausible_values() {
    let patient = |lines: &str| {
        GOOD.replace(
            "physiology = \"adult_male_european\"",
            &format!("physiology = \"european\"\n{lines}"),
        )
    };
    // On a fixed individual physiology file: name a population instead.
    expect_error(
        &GOOD.replace(
            "physiology = \"adult_male_european\"",
            "physiology = \"adult_male_european\"\nweight_kg = 80",
        ),
        &["subjects.weight_kg", "fixed individual", "european"],
    );
    // With a virtual trial.
    expect_error(
        &GOOD.replace(
            "physiology = \"adult_male_european\"",
            "population = \"european\"\nweight_kg = 80",
        ),
        &["subjects.weight_kg", "virtual trial"],
    );
    expect_error(
        &patient("gfr_ml_per_min = 60\negfr_ml_per_min_per_1_73m2 = 60"),
        &["subjects.egfr_ml_per_min_per_1_73m2", "either"],
    );
    expect_error(
        &patient("hematocrit = 42"),
        &["subjects.hematocrit", "fraction"],
    );
    expect_error(&patient("weight_kg = -3"), &["subjects.weight_kg", "kg"]);
    expect_error(
        &patient("phenotypes = { CYP2C19 = \"slow\" }"),
        &["subjects.phenotypes", "\"slow\"", "PM", "NM"],
    );
    expect_error(
        &patient("phenotypes = { CYP9Z9 = \"PM\" }"),
        &["subjects.phenotypes", "CYP9Z9", "CYP2C19"],
    );
    expect_error(
        &patient("age_years = [30, 40]"),
        &["subjects.age_years", "one age"],
    );
    expect_error(
        &patient("age_years = 5"),
        &["subjects.age_years", "pediatric"],
    );
    expect_error(
        &patient("gestational_age_weeks = 30"),
        &["subjects.gestational_age_weeks", "children"],
    );
    expect_error(&patient("height_cm = 400"), &["subjects.height_cm", "cm"]);
    expect_error(
        &patient("gfr_ml_per_min = 0"),
        &["subjects.gfr_ml_per_min", "mL/min"],
    );
    expect_error(
        &patient("albumin_g_per_l = 0.4"),
        &["subjects.albumin_g_per_l", "g/L"],
    );
    expect_error(
        &format!(
            "{}\n[children]\npopulation = \"pediatric\"\nages_years = [2.0]\n",
            patient("age_years = 40")
        ),
        &["children", "adult reference physiology file"],
    );
    // A 20 kg adult of 190 cm has no room for fat.
    expect_error(
        &patient("weight_kg = 20\nheight_cm = 190"),
        &["subjects.weight_kg", "height_cm"],
    );
}

#[test]
fn targets_name_a_dosing_arm_and_a_computable_metric() {
    let target = |lines: &str| format!("{GOOD}\n[[target]]\n{lines}\n");
    expect_error(
        &target("compound = \"midazolam\"\narm = \"b\"\nmetric = \"auc_mg_h_per_L\"\nvalue = 1"),
        &["target[0].arm", "\"b\"", "arms are"],
    );
    expect_error(
        &target("compound = \"nifedipine\"\narm = \"a\"\nmetric = \"auc_mg_h_per_L\"\nvalue = 1"),
        &["target[0].compound", "not dosed"],
    );
    expect_error(
        &target("compound = \"midazolam\"\narm = \"a\"\nmetric = \"auc\"\nvalue = 1"),
        &["target[0].metric", "ctrough_mg_per_L"],
    );
    expect_error(
        &target("compound = \"midazolam\"\narm = \"a\"\nmetric = \"cmax_mg_per_L\"\nvalue = 0"),
        &["target[0].value"],
    );
    // AUC_inf with too little time after the last dose for a terminal phase.
    expect_error(
        &target(
            "compound = \"midazolam\"\narm = \"a\"\nmetric = \"auc_inf_mg_h_per_L\"\nvalue = 0.1",
        )
        .replace("end_h = 12", "end_h = 0.5"),
        &["target[0].metric", "terminal phase"],
    );
    // A trough needs a next dose ...
    expect_error(
        &target(
            "compound = \"midazolam\"\narm = \"a\"\nmetric = \"ctrough_mg_per_L\"\nvalue = 0.001",
        ),
        &["target[0].metric", "repeated dosing", "cmax_mg_per_L"],
    );
    // ... and a trough or AUC_tau the whole interval after the last dose inside end_h.
    let repeated = |metric: &str| {
        target(&format!(
            "compound = \"midazolam\"\narm = \"a\"\nmetric = \"{metric}\"\nvalue = 0.001"
        ))
        .replace("at_h = 0 }", "at_h = 0, every_h = 8, times = 2 }")
        .replace("end_h = 12", "end_h = 14")
    };
    for metric in ["ctrough_mg_per_L", "auc_mg_h_per_L"] {
        expect_error(
            &repeated(metric),
            &[
                "simulation.end_h",
                "target[0]",
                metric,
                "8 to 16 h",
                "at least 16",
            ],
        );
    }
    // A trough long after the drug has gone is solver noise, not an exposure to scale.
    expect_error(
        &repeated("ctrough_mg_per_L")
            .replace("every_h = 8", "every_h = 300")
            .replace("end_h = 14", "end_h = 600"),
        &["target[0].metric", "millionth"],
    );
}

#[test]
fn subjects_fields_the_run_would_ignore_are_rejected_or_reported() {
    let subjects = |lines: &str| GOOD.replace("physiology = \"adult_male_european\"", lines);
    // A population draws sex: female_fraction, not sex.
    expect_error(
        &subjects("population = \"european\"\nsex = \"female\""),
        &["subjects.sex", "female_fraction"],
    );
    // One individual: a share of women would silently be a man.
    expect_error(
        &subjects("physiology = \"european\"\nfemale_fraction = 1.0"),
        &["subjects.female_fraction", "virtual population", "sex"],
    );
    // A fixed individual's own sex and age are in its file: a different one is an error ...
    for field in ["sex = \"female\"", "age_years = 60"] {
        let name = field.split(' ').next().unwrap();
        expect_error(
            &subjects(&format!("physiology = \"adult_male_european\"\n{field}")),
            &[&format!("subjects.{name}"), "fixed individual"],
        );
    }
    // ... the same one is not.
    let (ok, err, _) = run_scenario_text(
        &subjects("physiology = \"adult_male_european\"\nsex = \"male\""),
        &[],
    );
    assert!(ok, "{err}");
    // Population settings on a one-individual scenario change nothing and are reported
    // (stderr and summary.json), not silently dropped.
    let w = Workspace::new();
    let p = w.write(
        "s.toml",
        &subjects("physiology = \"adult_male_european\"\ncount = 50"),
    );
    let out = w.dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_pbpk"))
        .args(["run", p.to_str().unwrap(), "--subjects", "5", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    for w in [
        "warning: --subjects ignored",
        "warning: subjects.count ignored",
    ] {
        assert!(err.contains(w), "{err}");
    }
    let json = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        json.contains("\"warnings\"") && json.contains("--subjects ignored"),
        "{json}"
    );
}

#[test]
fn biliary_excretion_needs_one_kinetic_description() {
    let bile = |lines: &str| {
        format!("[[elimination]]\ntype = \"biliary\"\n{lines}\nsource = \"test\"\n\n[absorption]\n")
    };
    // A Vmax without the transporter's hepatic content, and both descriptions at once.
    for lines in [
        "vmax_pmol_per_min_per_pmol = 0.9\nkm_umol_per_l = 0.13",
        "clint_u_l_per_h = 10.0\nvmax_pmol_per_min_per_pmol = 0.9\nkm_umol_per_l = 0.13\ntransporter_umol_per_l_liver = 0.27",
    ] {
        expect_compound_line_error(
            "midazolam",
            "[absorption]\n",
            &bile(lines),
            &["midazolam.toml", "elimination[4].clint_u_l_per_h", "transporter_umol_per_l_liver"],
        );
    }
    expect_compound_line_error(
        "midazolam",
        "[absorption]\n",
        &bile("vmax_pmol_per_min_per_pmol = 0.9\nkm_umol_per_l = 0\ntransporter_umol_per_l_liver = 0.27"),
        &["midazolam.toml", "elimination[4].km_umol_per_l"],
    );
}

#[test]
fn hepatic_uptake_needs_permeable_cells_and_one_kinetic_description() {
    let uptake =
        |lines: &str| format!("[hepatic_uptake]\n{lines}\nsource = \"test\"\n\n[absorption]\n");
    expect_compound_line_error(
        "midazolam",
        "[absorption]\n",
        &uptake("clint_u_l_per_h = 10.0\nvmax_pmol_per_min_per_pmol = 1.0"),
        &[
            "midazolam.toml",
            "hepatic_uptake.clint_u_l_per_h",
            "transporter_umol_per_l_liver",
        ],
    );
    // Without passive cell membranes there is nothing for the uptake to act beside.
    let rel = "compounds/midazolam.toml";
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    assert!(text.contains("cell_permeability = \"pk_sim_standard\""));
    let bad = text
        .replace("cell_permeability = \"pk_sim_standard\"", "")
        .replace("[absorption]\n", &uptake("clint_u_l_per_h = 10.0"));
    let scenario = GOOD.replace(
        "\"midazolam\", route = \"oral\", mg = 7.5",
        "\"midazolam\", route = \"oral\", mg = 10",
    );
    expect_error_with(
        &scenario,
        &[(rel, &bad)],
        &["midazolam.toml", "hepatic_uptake", "pk_sim_standard"],
    );
}

#[test]
fn a_limitation_must_say_what_and_show_its_evidence() {
    // amlodipine ships a [[limitation]]; an empty `what` or `evidence` is an error naming it.
    let text = std::fs::read_to_string(repo().join("compounds/amlodipine.toml")).unwrap();
    let what = text
        .lines()
        .find(|l| l.starts_with("what = "))
        .expect("amlodipine.toml has a [[limitation]]")
        .to_string();
    expect_compound_line_error(
        "amlodipine",
        &what,
        "what = \" \"",
        &["amlodipine.toml", "limitation[0].what", "must not be empty"],
    );
    let evidence = text
        .lines()
        .find(|l| l.starts_with("evidence = "))
        .unwrap()
        .to_string();
    expect_compound_line_error(
        "amlodipine",
        &evidence,
        "evidence = \"\"",
        &["amlodipine.toml", "limitation[0].evidence", "scenarios"],
    );
}

/// `--out` names a folder the run replaces whole: a folder holding the user's own files, the
/// current directory, or a file is refused before anything is simulated or deleted, and a
/// failure leaves no temporary folder behind; an earlier run's output folder is replaced.
#[test]
fn output_folder_that_would_delete_user_files_is_refused() {
    let w = Workspace::new();
    let proj = w.dir.path().join("proj");
    let scenario = w.write("proj/s.toml", GOOD);
    let notes = w.write("proj/notes.txt", "mine");
    let run = |out: &str, cwd: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_pbpk"))
            .args(["run", scenario.to_str().unwrap(), "--out", out])
            .current_dir(cwd)
            .output()
            .unwrap()
    };
    // The scenario's own folder (holds files pbpk did not write), by path and as ".".
    for (out, cwd) in [
        (proj.to_str().unwrap(), w.dir.path()),
        (".", proj.as_path()),
    ] {
        let o = run(out, cwd);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "--out {out} must be refused");
        assert!(
            err.contains("--out"),
            "the error must say what to do: {err}"
        );
        assert!(
            scenario.exists() && notes.exists(),
            "user files must survive"
        );
    }
    // The folder holding the current directory.
    let o = run(w.dir.path().to_str().unwrap(), proj.as_path());
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("current directory"));
    // A file.
    let file = w.write("afile", "x");
    let o = run(file.to_str().unwrap(), w.dir.path());
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a folder"));
    let partial = std::fs::read_dir(w.dir.path())
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains("partial"));
    assert!(!partial, "no temporary folder may be left behind");
    // A new folder, then the same folder again (an earlier run's outputs are replaced).
    let out = w.dir.path().join("results");
    for _ in 0..2 {
        let o = run(out.to_str().unwrap(), w.dir.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(out.join("summary.json").exists() && out.join(".pbpk-output").exists());
    }
    // A file the user added to an output folder since is not pbpk's to delete.
    let mine = out.join("my_analysis.R");
    std::fs::write(&mine, "mine").unwrap();
    let o = run(out.to_str().unwrap(), w.dir.path());
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("my_analysis.R"));
    assert!(mine.exists());
    // A folder written before the marker: pbpk's outputs only are replaced, a note is not.
    let legacy = w.dir.path().join("legacy");
    std::fs::create_dir_all(&legacy).unwrap();
    std::fs::write(legacy.join("summary.json"), "{}").unwrap();
    std::fs::write(legacy.join("concentration_midazolam.png"), "").unwrap();
    let o = run(legacy.to_str().unwrap(), w.dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A marker of the first version (no file list) with an earlier run's outputs: replaced.
    std::fs::write(
        legacy.join(".pbpk-output"),
        "written by pbpk; the next run into this folder replaces it\n",
    )
    .unwrap();
    let o = run(legacy.to_str().unwrap(), w.dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::remove_file(legacy.join(".pbpk-output")).unwrap();
    std::fs::write(legacy.join("notes.md"), "mine").unwrap();
    let o = run(legacy.to_str().unwrap(), w.dir.path());
    assert!(!o.status.success());
    assert!(legacy.join("notes.md").exists());
}

/// An interaction's enzyme name that matches a physiology enzyme only in letter case is an
/// error naming the field and the right name; a name the physiology does not have at all
/// runs (a compound may carry interactions on enzymes a user's physiology lacks) but warns
/// that it acts on nothing, so a misspelling is not read as "no interaction".
#[test]
fn interaction_on_a_misspelt_enzyme_is_not_silent() {
    let keto = std::fs::read_to_string(repo().join("compounds/ketoconazole.toml")).unwrap();
    let with = |enzyme: &str| {
        keto.replacen(
            "type = \"competitive\"\nenzyme = \"CYP3A4\"",
            &format!("type = \"competitive\"\nenzyme = \"{enzyme}\""),
            1,
        )
    };
    assert_ne!(with("x"), keto, "the interaction block moved");
    let scenario = GOOD.replace(
        "dose = [ { compound = \"midazolam\"",
        "dose = [ { compound = \"ketoconazole\", route = \"oral\", mg = 400, at_h = 0 }, { compound = \"midazolam\"",
    );
    expect_error_with(
        &scenario,
        &[("compounds/ketoconazole.toml", &with("cyp3a4"))],
        &["interaction[0].enzyme", "did you mean \"CYP3A4\""],
    );
    let (ok, err, _) = run_scenario_text(
        &scenario,
        &[("compounds/ketoconazole.toml", &with("CYP3A"))],
    );
    assert!(ok, "{err}");
    assert!(
        err.contains("warning") && err.contains("\"CYP3A\"") && err.contains("acts on nothing"),
        "{err}"
    );
    // `pbpk check` passes the scenario but prints the same warning.
    let w = Workspace::new();
    w.write("compounds/ketoconazole.toml", &with("CYP3A"));
    let path = w.write("s.toml", &scenario);
    let o = Command::new(env!("CARGO_BIN_EXE_pbpk"))
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    println!("check: {err}");
    assert!(o.status.success());
    assert!(
        err.contains("warning") && err.contains("acts on nothing"),
        "{err}"
    );
}

/// Two entries of one mechanism on one enzyme (two laboratories' Ki listed as two
/// competitive interactions) would act as two inhibitors: an error naming the second entry.
#[test]
fn a_second_interaction_of_one_kind_on_one_enzyme_is_rejected() {
    let keto = std::fs::read_to_string(repo().join("compounds/ketoconazole.toml")).unwrap();
    let twice = format!(
        "{keto}\n[[interaction]]\ntype = \"non_competitive\"\nenzyme = \"CYP3A4\"\nki_umol_per_l = 0.1\nsource = \"a second laboratory\"\n"
    );
    let n = keto.matches("[[interaction]]").count();
    let scenario = GOOD.replace(
        "dose = [ { compound = \"midazolam\"",
        "dose = [ { compound = \"ketoconazole\", route = \"oral\", mg = 400, at_h = 0 }, { compound = \"midazolam\"",
    );
    expect_error_with(
        &scenario,
        &[("compounds/ketoconazole.toml", &twice)],
        &[
            &format!("interaction[{n}].type"),
            "second reversible inhibition entry on CYP3A4",
            "[[alternative]]",
        ],
    );
}

/// A virtual population's ages must lie within what its population describes: an adult
/// population does not grow children (it made 3-year-olds of 78 kg), a pediatric one stops
/// at its adult age, and one child of a pediatric population cannot be 25.
#[test]
fn ages_outside_the_population_are_rejected() {
    let with = |subjects: &str| GOOD.replace("physiology = \"adult_male_european\"", subjects);
    expect_error(
        &with("population = \"european\"\ncount = 3\nage_years = [1, 10]"),
        &["subjects.age_years", "european", "pediatric"],
    );
    expect_error(
        &with("population = \"pediatric\"\ncount = 3\nage_years = [2, 30]"),
        &["subjects.age_years", "pediatric", "adult"],
    );
    expect_error(
        &with("physiology = \"pediatric\"\nage_years = 25"),
        &["subjects.age_years", "adult age"],
    );
}

/// Names that would silently give "not computed" or drop a result: an observation of a
/// compound the scenario neither doses nor forms, a [[compare]] of such a compound, and an
/// observed ratio without the [[compare]] it is read from are errors naming the field; a
/// [[compare]] whose compound is missing from one arm runs with a warning.
#[test]
fn misnamed_observations_and_comparisons_are_not_silent() {
    let two_arms = format!(
        "{GOOD}\n[[arm]]\nname = \"b\"\ndose = [ {{ compound = \"midazolam\", route = \"oral\", mg = 7.5, at_h = 0 }} ]\n"
    );
    let observed = |compound: &str, metric: &str, arm: &str| {
        format!("\n[[observed]]\ncompound = \"{compound}\"\narm = \"{arm}\"\nmetric = \"{metric}\"\nvalue = 1.0\nsource = \"test\"\n")
    };
    expect_error(
        &(two_arms.clone() + &observed("midazolm", "cmax_mg_per_L", "a")),
        &["observed[0].compound", "\"midazolm\"", "midazolam"],
    );
    expect_error(
        &(two_arms.clone() + &observed("midazolam", "auc_ratio", "b")),
        &["observed[0].metric", "[[compare]]"],
    );
    let compare = |compound: &str| {
        format!("\n[[compare]]\ncompound = \"{compound}\"\ntest = \"b\"\nreference = \"a\"\n")
    };
    expect_error(
        &(two_arms.clone() + &compare("midazolm")),
        &["compare[0].compound", "\"midazolm\""],
    );
    // Ketoconazole dosed in arm b only: the comparison of ketoconazole has no ratio.
    let keto = two_arms.replace(
        "name = \"b\"\ndose = [ ",
        "name = \"b\"\ndose = [ { compound = \"ketoconazole\", route = \"oral\", mg = 200, at_h = 0 }, ",
    ) + &compare("ketoconazole");
    let (ok, err, _) = run_scenario_text(&keto, &[]);
    assert!(ok, "{err}");
    assert!(
        err.contains("warning") && err.contains("not in both arms"),
        "{err}"
    );
}

/// `pbpk child` takes the same ranges as a scenario's child: a gestational age of 20 weeks
/// or an age of 30 years is an error naming the option.
#[test]
fn child_command_rejects_ages_a_scenario_rejects() {
    for (args, field) in [
        (
            vec!["--age", "0", "--gestational-age", "20"],
            "--gestational-age",
        ),
        (vec!["--age", "30"], "--age"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_pbpk"))
            .arg("child")
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !o.status.success() && err.contains(field),
            "{args:?}: {err}"
        );
    }
}

/// `sensitivity`, `alternatives` and `export` rerun one individual: on a pediatric virtual
/// population that would be the adult its children are grown from, so they refuse and say
/// to analyse one child (they analysed the adult reference man silently).
#[test]
fn one_individual_analyses_refuse_a_pediatric_population() {
    let w = Workspace::new();
    let p = w.write(
        "s.toml",
        &GOOD.replace(
            "physiology = \"adult_male_european\"",
            "population = \"pediatric\"\ncount = 5\nage_years = [0, 2]",
        ),
    );
    for args in [
        vec!["sensitivity", p.to_str().unwrap()],
        vec!["alternatives", p.to_str().unwrap()],
        vec!["export", p.to_str().unwrap(), "--arm", "a"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_pbpk"))
            .args(&args)
            .current_dir(w.dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?}");
        assert!(err.contains("analyse one child"), "{args:?}: {err}");
    }
}

/// Population distributions that are not biological variabilities: a height SD of 70 cm
/// (a normal distribution that reaches zero) and an enzyme CV of 40 (4000 %, a % for a
/// fraction) are errors naming the field.
#[test]
fn implausible_population_spreads_are_rejected() {
    expect_population_error(
        "height_cm = { mean = 176.0, sd = 7.0,",
        "height_cm = { mean = 176.0, sd = 70.0,",
        &["male.height_cm.sd", "must be at most"],
    );
    expect_population_error(
        "cv = 0.41",
        "cv = 41.0",
        &["enzymes.CYP3A4.cv", "must be at most"],
    );
}
