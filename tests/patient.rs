//! One patient built from a population (`physiology = "european"` with the patient's
//! covariates in `[subjects]`):
//! - a patient given the reference man's own covariates is the reference man (same
//!   exposure to 1e-9);
//! - GFR given: an IV drug cleared by filtration alone has the AUC of a well-stirred kidney
//!   filtering at that GFR, and an eGFR per 1.73 m^2 is converted with the patient's BSA;
//! - a CYP2C19 poor metaboliser has no CYP2C19: omeprazole's AUC rises, its fm CYP2C19 is 0;
//! - hypoalbuminaemia raises fu of an albumin-bound drug as fu' = 1/(1 + (1-fu)/fu x P/P_ref).
mod common;
use common::*;
use pbpk::data::library::Library;
use pbpk::run::RunOptions;

fn scenario(subjects: &str, dose: &str, end_h: f64) -> String {
    format!(
        r#"
name = "patient"
[subjects]
{subjects}
[[arm]]
name = "a"
dose = [ {dose} ]
[simulation]
end_h = {end_h}
rtol = 1e-9
output_step_h = 0.02
"#
    )
}

/// Write `physiologies/NAME.toml` into `w`: the reference man with another hepatic CYP3A4
/// abundance (pmol/mg; his is 108).
fn with_hepatic_cyp3a4(w: &Workspace, name: &str, abundance_pmol_per_mg: f64) {
    let male =
        std::fs::read_to_string(repo().join("physiologies/adult_male_european.toml")).unwrap();
    let changed = male.replacen(
        "abundance_pmol_per_mg = 108.0",
        &format!("abundance_pmol_per_mg = {abundance_pmol_per_mg:?}"),
        1,
    );
    assert_ne!(changed, male, "the CYP3A4 abundance line moved");
    w.write(&format!("physiologies/{name}.toml"), &changed);
}

fn reference_man(ws: &Workspace) -> pbpk::data::physiology::Physiology {
    let path = ws.write("probe.toml", "");
    Library::beside(&path)
        .physiology("adult_male_european", "test", "physiology")
        .unwrap()
}

/// (AUC to the end, Cmax) of the first compound of the only arm.
fn exposure(r: &pbpk::run::RunResult) -> (f64, f64) {
    let c = &r.arms[0].compounds[0];
    (c.nca.auc, c.nca.cmax)
}

#[test]
fn a_patient_with_the_reference_covariates_is_the_reference() {
    let ws = Workspace::new();
    let m = reference_man(&ws);
    let dose = r#"{ compound = "midazolam", route = "oral", mg = 7.5, at_h = 0 }, { compound = "lisinopril", route = "oral", mg = 20, at_h = 0 }"#;
    let reference = run_path(
        &ws.write(
            "ref.toml",
            &scenario(r#"physiology = "adult_male_european""#, dose, 48.0),
        ),
        &RunOptions::default(),
    );
    let patient = run_path(
        &ws.write(
            "patient.toml",
            &scenario(
                &format!(
                    r#"physiology = "european"
sex = "male"
phenotypes = {{ CYP2C19 = "NM", CYP2D6 = "NM" }}
age_years = {}
weight_kg = {}
height_cm = {}
gfr_ml_per_min = {}
albumin_g_per_l = {}
hematocrit = {}"#,
                    m.age_years,
                    m.body_weight_kg,
                    m.height_cm,
                    m.gfr_ml_per_min,
                    m.albumin_g_per_l,
                    m.hematocrit
                ),
                dose,
                48.0,
            ),
        ),
        &RunOptions::default(),
    );
    for k in 0..2 {
        let (a, b) = (
            &reference.arms[0].compounds[k],
            &patient.arms[0].compounds[k],
        );
        let rel_auc = (b.nca.auc / a.nca.auc - 1.0).abs();
        let rel_cmax = (b.nca.cmax / a.nca.cmax - 1.0).abs();
        println!(
            "{}: AUC {:.6} vs {:.6}, Cmax {:.6} vs {:.6}",
            a.compound, b.nca.auc, a.nca.auc, b.nca.cmax, a.nca.cmax
        );
        assert!(rel_auc < 1e-9 && rel_cmax < 1e-9, "{}", a.compound);
    }
    let p = patient.summary.patient.as_ref().expect("patient record");
    assert_eq!(p.sex, "male");
    assert!((p.liver_volume_l / m.organ("liver").volume_l - 1.0).abs() < 1e-12);
}

/// A neutral test drug cleared only by glomerular filtration of unbound drug.
const FILTERED: &str = r#"
name = "filtered"
molecular_weight_g_per_mol = { value = 300.0, source = "test compound" }
log_p = { value = 0.0, source = "test compound" }
fu_plasma = { value = 0.8, source = "test compound" }
blood_plasma_ratio = { value = 1.0, source = "test compound" }
binding_protein = "albumin"

[[elimination]]
type = "renal"
gfr_fraction = 1.0
source = "test compound"
"#;

#[test]
fn filtration_clearance_follows_the_patients_gfr() {
    let ws = Workspace::new();
    ws.write("compounds/filtered.toml", FILTERED);
    let dose = r#"{ compound = "filtered", route = "iv_bolus", mg = 100, at_h = 0 }"#;
    let run = |subjects: &str, file: &str| {
        run_path(
            &ws.write(file, &scenario(subjects, dose, 400.0)),
            &RunOptions::default(),
        )
    };
    let base = r#"physiology = "european"
sex = "female"
age_years = 70
weight_kg = 60
height_cm = 160"#;
    let at_90 = run(&format!("{base}\ngfr_ml_per_min = 90"), "a.toml");
    let at_30 = run(&format!("{base}\ngfr_ml_per_min = 30"), "b.toml");
    let auc = |r: &pbpk::run::RunResult| r.arms[0].compounds[0].nca.auc_inf.unwrap();
    // The patient's kidney blood flow, from the same population file.
    let lib = Library::beside(&ws.write("probe.toml", ""));
    let setup = pbpk::trial::PopulationSetup::load(&lib, "european", "test").unwrap();
    let spec = pbpk::population::Patient {
        female: true,
        age_years: Some(70.0),
        weight_kg: Some(60.0),
        height_cm: Some(160.0),
        ..Default::default()
    };
    let (body, _) =
        pbpk::population::patient(&setup.population, &setup.male, &setup.female, &spec).unwrap();
    let q = body.organ("kidney").blood_flow_l_per_h.unwrap();
    // Well-stirred kidney filtering unbound drug (B:P 1): CL = Q fu GFR / (Q + fu GFR).
    let expected = |gfr_ml_min: f64| {
        let f = 0.8 * gfr_ml_min * 0.06;
        100.0 / (q * f / (q + f))
    };
    let ratio = auc(&at_30) / auc(&at_90);
    println!(
        "kidney blood flow {q:.2} L/h; AUCinf at GFR 30 mL/min {:.4} (closed form {:.4}), at 90 {:.4} ({:.4}): ratio {ratio:.5}",
        auc(&at_30),
        expected(30.0),
        auc(&at_90),
        expected(90.0)
    );
    for (r, g) in [(&at_30, 30.0), (&at_90, 90.0)] {
        assert!((auc(r) / expected(g) - 1.0).abs() < 1e-3, "GFR {g}");
    }
    assert!(ratio > 2.5, "ratio {ratio}");

    // eGFR per 1.73 m^2 -> absolute with the patient's BSA.
    let e = run(
        &format!("{base}\negfr_ml_per_min_per_1_73m2 = 50"),
        "c.toml",
    );
    let p = e.summary.patient.as_ref().unwrap();
    let bsa = pbpk::population::bsa_du_bois(60.0, 160.0);
    println!(
        "eGFR 50 per 1.73 m2, BSA {bsa:.4}: GFR {:.4} mL/min",
        p.gfr_ml_per_min
    );
    assert!((p.bsa_m2 / bsa - 1.0).abs() < 1e-12);
    assert!((p.gfr_ml_per_min / (50.0 * bsa / 1.73) - 1.0).abs() < 1e-12);
}

#[test]
fn a_cyp2c19_poor_metaboliser_has_higher_omeprazole_exposure() {
    let ws = Workspace::new();
    let dose = r#"{ compound = "omeprazole", route = "iv_bolus", mg = 20, at_h = 0 }"#;
    let run = |phenotype: &str, file: &str| {
        run_path(
            &ws.write(
                file,
                &scenario(
                    &format!(
                        "physiology = \"european\"\nage_years = 30\nphenotypes = {{ CYP2C19 = \"{phenotype}\" }}"
                    ),
                    dose,
                    72.0,
                ),
            ),
            &RunOptions::default(),
        )
    };
    let nm = run("NM", "nm.toml");
    let pm = run("PM", "pm.toml");
    let (auc_nm, _) = exposure(&nm);
    let (auc_pm, _) = exposure(&pm);
    let fm_pm = pm.arms[0].compounds[0]
        .fm
        .iter()
        .find(|(e, _)| e == "CYP2C19")
        .map_or(0.0, |x| x.1);
    let fm_nm = nm.arms[0].compounds[0]
        .fm
        .iter()
        .find(|(e, _)| e == "CYP2C19")
        .map_or(0.0, |x| x.1);
    println!("omeprazole IV AUC: NM {auc_nm:.4}, PM {auc_pm:.4}; fm CYP2C19 NM {fm_nm:.3}, PM {fm_pm:.3}");
    assert!(fm_nm > 0.3, "CYP2C19 must matter for omeprazole");
    assert!(fm_pm.abs() < 1e-12, "a poor metaboliser has no CYP2C19");
    assert!(auc_pm / auc_nm > 2.0, "{auc_pm} vs {auc_nm}");
    let factor = |r: &pbpk::run::RunResult, e: &str| {
        let p = r.summary.patient.as_ref().unwrap();
        p.enzyme_factors.iter().find(|(x, _)| x == e).unwrap().1
    };
    assert_eq!(factor(&pm, "CYP2C19"), 0.0);
    assert_eq!(factor(&nm, "CYP2C19"), 1.0);
    let im = run("IM", "im.toml");
    assert_eq!(factor(&im, "CYP2C19"), 0.5);
    // Unknown genotype: the population's frequency-weighted mean activity.
    let lib = Library::beside(&ws.write("probe.toml", ""));
    let setup = pbpk::trial::PopulationSetup::load(&lib, "european", "test").unwrap();
    let g = setup
        .population
        .genotypes
        .iter()
        .find(|g| g.enzyme == "CYP2C19")
        .unwrap();
    let mean: f64 = g
        .phenotypes
        .iter()
        .map(|p| p.frequency * p.activity)
        .sum::<f64>()
        / g.phenotypes.iter().map(|p| p.frequency).sum::<f64>();
    let unknown = run_path(
        &ws.write(
            "unknown.toml",
            &scenario("physiology = \"european\"\nage_years = 30", dose, 72.0),
        ),
        &RunOptions::default(),
    );
    println!(
        "CYP2C19 factors: PM 0, IM 0.5, NM 1, unknown {:.4} (population mean {mean:.4})",
        factor(&unknown, "CYP2C19")
    );
    assert!((factor(&unknown, "CYP2C19") / mean - 1.0).abs() < 1e-12);
    // A Chinese patient takes the population's abundance scale (CYP2C9 0.58).
    let cn = run_path(
        &ws.write(
            "cn.toml",
            &scenario("physiology = \"chinese\"\nage_years = 30", dose, 72.0),
        ),
        &RunOptions::default(),
    );
    let cn_setup = pbpk::trial::PopulationSetup::load(&lib, "chinese", "test").unwrap();
    let scale = cn_setup.population.enzymes["CYP2C9"].abundance_scale;
    assert!(scale < 1.0);
    assert!((factor(&cn, "CYP2C9") / scale - 1.0).abs() < 1e-12);
}

#[test]
fn a_heavier_child_has_organs_by_bsa_and_gfr_by_weight() {
    let ws = Workspace::new();
    let lib = Library::beside(&ws.write("probe.toml", ""));
    let setup = pbpk::trial::PopulationSetup::load(&lib, "pediatric", "test").unwrap();
    let (typical, growth, _) = setup
        .typical_child(5.0, false, None, "test", "physiology")
        .unwrap();
    let spec = pbpk::population::Patient {
        age_years: Some(5.0),
        weight_kg: Some(25.0),
        height_cm: Some(115.0),
        ..Default::default()
    };
    let (p, record) =
        pbpk::population::patient(&setup.population, &setup.male, &setup.female, &spec).unwrap();
    let s = pbpk::population::bsa_du_bois(25.0, 115.0) / growth.bsa_m2;
    let exponent = setup
        .population
        .ontogeny
        .as_ref()
        .unwrap()
        .gfr
        .weight_exponent;
    println!(
        "typical 5-year-old {:.1} kg, {:.0} cm; patient 25 kg, 115 cm: BSA ratio {s:.4}, liver {:.4} L, GFR {:.2} mL/min",
        growth.weight_kg, growth.height_cm, record.liver_volume_l, record.gfr_ml_per_min
    );
    for organ in ["liver", "kidney", "brain"] {
        let ratio = p.organ(organ).volume_l / typical.organ(organ).volume_l;
        assert!((ratio / s - 1.0).abs() < 1e-12, "{organ}: {ratio} vs {s}");
    }
    let gfr = typical.gfr_ml_per_min * (25.0 / growth.weight_kg).powf(exponent);
    assert!((p.gfr_ml_per_min / gfr - 1.0).abs() < 1e-12);
    assert_eq!(p.body_weight_kg, 25.0);
}

#[test]
fn low_albumin_raises_fu_of_an_albumin_bound_drug() {
    let ws = Workspace::new();
    let m = reference_man(&ws);
    // Midazolam binds albumin (fu 0.03): with albumin halved, fu' = 1/(1 + (1-fu)/fu x 0.5).
    let dose = r#"{ compound = "midazolam", route = "iv_bolus", mg = 5, at_h = 0 }"#;
    let subjects = |albumin: f64| {
        format!(
            "physiology = \"european\"\nage_years = {}\nweight_kg = {}\nheight_cm = {}\ngfr_ml_per_min = {}\nhematocrit = {}\nalbumin_g_per_l = {albumin}",
            m.age_years, m.body_weight_kg, m.height_cm, m.gfr_ml_per_min, m.hematocrit
        )
    };
    let normal = run_path(
        &ws.write(
            "n.toml",
            &scenario(&subjects(m.albumin_g_per_l), dose, 48.0),
        ),
        &RunOptions::default(),
    );
    let low = run_path(
        &ws.write(
            "l.toml",
            &scenario(&subjects(0.5 * m.albumin_g_per_l), dose, 48.0),
        ),
        &RunOptions::default(),
    );
    let vss = |r: &pbpk::run::RunResult| r.arms[0].compounds[0].vss_l / m.body_weight_kg;
    println!(
        "midazolam Vss {:.4} L/kg at albumin {:.1} g/L, {:.4} at half",
        vss(&normal),
        m.albumin_g_per_l,
        vss(&low)
    );
    // More unbound drug distributes further (Vss rises with fu).
    assert!(vss(&low) > 1.2 * vss(&normal));
}

/// The linear test drug, 10 mg every 12 h x 10 in arm "oral", for `subjects`, with an
/// optional `[[target]]` of `metric` = `value` (and extra lines).
fn linear_target_scenario(subjects: &str, target: Option<(&str, f64, &str)>) -> String {
    let target = target.map_or(String::new(), |(metric, value, extra)| {
        format!("[[target]]\ncompound = \"linear_test\"\narm = \"oral\"\nmetric = \"{metric}\"\nvalue = {value}\n{extra}\n")
    });
    format!(
        r#"
name = "target"
[subjects]
{subjects}
[[arm]]
name = "oral"
dose = [ {{ compound = "linear_test", route = "oral", mg = 10, at_h = 0, every_h = 12, times = 10 }} ]
[simulation]
end_h = 120
{target}"#
    )
}

#[test]
fn a_target_dose_of_a_linear_drug_is_the_proportional_dose() {
    let ws = Workspace::new();
    ws.write("compounds/linear_test.toml", LINEAR_COMPOUND);
    let patient = "physiology = \"european\"\nsex = \"female\"\nage_years = 60\nweight_kg = 70";
    let body = linear_target_scenario(patient, None);
    let first = run_path(&ws.write("a.toml", &body), &RunOptions::default());
    let auc_tau = first.arms[0].compounds[0].nca.auc;
    // Linear kinetics: 2.5 x the exposure needs 2.5 x the dose (25 mg); in 3 mg steps the
    // practical dose is 24 mg and gives 24/25 of the target.
    let target = 2.5 * auc_tau;
    let with_target =
        linear_target_scenario(patient, Some(("auc_mg_h_per_L", target, "round_to_mg = 3")));
    let r = run_path(&ws.write("b.toml", &with_target), &RunOptions::default());
    let t = &r.summary.targets[0];
    println!(
        "AUC_tau at 10 mg {auc_tau:.5}; target {target:.5}: dose {:?} mg (factor {:.5}, {} iterations), rounded {:?} gives {:?}",
        t.dose.dose_mg, t.dose.factor, t.dose.iterations, t.rounded_dose_mg, t.exposure_at_rounded_dose
    );
    assert!(t.dose.converged);
    assert!((t.exposure_at_arm_dose / auc_tau - 1.0).abs() < 1e-12);
    assert!((t.dose.dose_mg.unwrap() / 25.0 - 1.0).abs() < 1e-3);
    assert_eq!(t.rounded_dose_mg, Some(24.0));
    let e = t.exposure_at_rounded_dose.unwrap();
    assert!((e / (target * 24.0 / 25.0) - 1.0).abs() < 1e-6, "{e}");
}

#[test]
fn a_population_target_gives_attainment_and_each_subjects_dose() {
    let ws = Workspace::new();
    ws.write("compounds/linear_test.toml", LINEAR_COMPOUND);
    let path = ws.write(
        "pop.toml",
        &linear_target_scenario(
            "population = \"european\"\ncount = 40",
            Some(("cmax_mg_per_L", 0.024, "")),
        ),
    );
    let r = run_path(&path, &RunOptions::default());
    let t = &r.summary.targets_over_subjects[0];
    let mut at_or_above = 0;
    let mut factors = Vec::new();
    for row in &r.subjects {
        let d = row.targets[0].as_ref().unwrap();
        assert!(d.dose.converged);
        // Linear kinetics: the subject's dose factor x its exposure at the arm's dose = target.
        assert!((d.dose.factor * d.exposure_at_arm_dose / 0.024 - 1.0).abs() < 2e-3);
        if d.exposure_at_arm_dose >= 0.024 {
            at_or_above += 1;
        }
        factors.push(d.dose.factor);
    }
    let share = at_or_above as f64 / r.subjects.len() as f64;
    let median = pbpk::analysis::stats::summarise(&factors).unwrap().median;
    println!(
        "{} subjects: {:.1} % at or above Cmax 0.024 mg/L at 10 mg; median dose factor {median:.4} (summary {:.4}), dose {:?}",
        r.subjects.len(),
        100.0 * t.share_at_or_above_target.unwrap(),
        t.doses.factor.as_ref().unwrap().median,
        t.doses.dose_mg.as_ref().map(|d| d.median)
    );
    assert_eq!(t.doses.not_converged, 0);
    assert!((t.share_at_or_above_target.unwrap() - share).abs() < 1e-12);
    assert!(
        share > 0.0 && share < 1.0,
        "the target should split the population"
    );
    assert!((t.doses.factor.as_ref().unwrap().median / median - 1.0).abs() < 1e-12);
    assert!((t.doses.dose_mg.as_ref().unwrap().median / (10.0 * median) - 1.0).abs() < 1e-9);
}

/// Two targets on one arm and compound get two subjects.csv columns (named by metric), and
/// a target no subject's exposure can be computed for has no attainment share (null), not 0 %.
#[test]
fn population_targets_are_told_apart_and_unknown_attainment_is_null() {
    let ws = Workspace::new();
    ws.write("compounds/linear_test.toml", LINEAR_COMPOUND);
    let text = linear_target_scenario(
        "population = \"european\"\ncount = 4",
        Some(("cmax_mg_per_L", 0.024, "")),
    )
    // The last dose is at 108 h: one hour after it leaves no terminal phase for AUC_inf.
    .replace("end_h = 120", "end_h = 109")
        + "[[target]]\ncompound = \"linear_test\"\narm = \"oral\"\nmetric = \"auc_inf_mg_h_per_L\"\nvalue = 1\n";
    let r = run_path(&ws.write("pop.toml", &text), &RunOptions::default());
    let [cmax, auc_inf] = &r.summary.targets_over_subjects[..] else {
        panic!("two targets")
    };
    assert!(cmax.share_at_or_above_target.is_some());
    assert_eq!(auc_inf.share_at_or_above_target, None);
    assert_eq!(auc_inf.share_within_80_125, None);
    assert_eq!(auc_inf.doses.not_converged, 4);
    let out = ws.dir.path().join("out");
    pbpk::report::write_outputs(&r, &out).unwrap();
    let csv = std::fs::read_to_string(out.join("subjects.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    println!("{header}");
    for m in ["cmax_mg_per_L", "auc_inf_mg_h_per_L"] {
        assert!(
            header.contains(&format!("oral|linear_test|{m}|target_dose_factor")),
            "{header}"
        );
    }
    let json = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        json.contains("\"share_at_or_above_target\": null"),
        "summary.json shows the unknown share as null"
    );
}

/// A target far from the arm's exposure (a unit slip) and a rounding step that moves the
/// dose by more than 1.5-fold are reported in summary.json `warnings`.
#[test]
fn implausible_target_doses_are_warned_about() {
    let ws = Workspace::new();
    ws.write("compounds/linear_test.toml", LINEAR_COMPOUND);
    let patient = "physiology = \"european\"\nage_years = 50";
    let base = run_path(
        &ws.write("a.toml", &linear_target_scenario(patient, None)),
        &RunOptions::default(),
    );
    let auc_tau = base.arms[0].compounds[0].nca.auc;
    let run = |value: f64, extra: &str, name: &str| {
        let text = linear_target_scenario(patient, Some(("auc_mg_h_per_L", value, extra)));
        run_path(&ws.write(name, &text), &RunOptions::default()).summary
    };
    // 1.2 x the exposure, 1 mg steps: no warning.
    assert!(run(1.2 * auc_tau, "round_to_mg = 1", "b.toml")
        .warnings
        .is_empty());
    // 1000 x (mg.h/L given as ug.h/L): the dose is 1000 x the arm's.
    let w = run(1000.0 * auc_tau, "", "c.toml").warnings;
    assert!(
        w.iter()
            .any(|w| w.contains("target[0]") && w.contains("unit")),
        "{w:?}"
    );
    // 12 mg needed, 100 mg steps.
    let w = run(1.2 * auc_tau, "round_to_mg = 100", "d.toml").warnings;
    assert!(w.iter().any(|w| w.contains("more than 1.5-fold")), "{w:?}");
}

/// A fitted hepatic clearance (`hepatic_fitted`) belongs to the liver it was fitted in: an
/// individual with twice that liver's CYP3A4 clears amlodipine (fitted, attributed to
/// CYP3A4) faster, and exactly as fast as the reference when the file says the fit was made
/// in that very physiology (`fitted_physiology`); a wrongly cased enzyme name is an error.
#[test]
fn fitted_hepatic_clearance_scales_with_the_individuals_enzyme() {
    let w = Workspace::new();
    with_hepatic_cyp3a4(&w, "double_cyp3a4", 216.0);
    let amlodipine = std::fs::read_to_string(repo().join("compounds/amlodipine.toml")).unwrap();
    let refitted = amlodipine.replacen(
        "clint_u_l_per_h = 1537.0",
        "clint_u_l_per_h = 1537.0\nfitted_physiology = \"double_cyp3a4\"",
        1,
    );
    assert_ne!(refitted, amlodipine);
    w.write(
        "compounds/amlodipine_refit.toml",
        &refitted.replacen("name = \"amlodipine\"", "name = \"amlodipine_refit\"", 1),
    );
    let dose = |c: &str| {
        format!("{{ compound = \"{c}\", route = \"iv_infusion\", mg = 10, duration_h = 0.5, at_h = 0 }}")
    };
    let auc = |physiology: &str, compound: &str| {
        let p = w.write(
            "s.toml",
            &scenario(
                &format!("physiology = \"{physiology}\""),
                &dose(compound),
                400.0,
            ),
        );
        let r = run_path(&p, &RunOptions::default());
        r.summary.arms[0].compounds[0]
            .auc_inf_mg_h_per_l
            .as_ref()
            .unwrap()
            .median
    };
    let reference = auc("adult_male_european", "amlodipine");
    let doubled_enzyme = auc("double_cyp3a4", "amlodipine");
    let fitted_there = auc("double_cyp3a4", "amlodipine_refit");
    println!("AUC_inf: reference {reference}, 2x CYP3A4 {doubled_enzyme}, fitted in the 2x liver {fitted_there}");
    // Well-stirred expectation (amlodipine's file): fu CLint 38.4 -> 76.8 L/h with Q 98 L/h
    // takes hepatic CL from 27.6 to 43.1 L/h, total CL from 30.7 to 46.2 L/h: AUC x 0.665.
    let ratio = doubled_enzyme / reference;
    assert!(
        (0.62..0.71).contains(&ratio),
        "AUC ratio {ratio}, expected about 0.665"
    );
    assert!(
        (fitted_there / reference - 1.0).abs() < 1e-6,
        "{fitted_there} vs {reference}"
    );

    let typo = amlodipine.replacen("enzyme = \"CYP3A4\"", "enzyme = \"cyp3a4\"", 1);
    w.write(
        "compounds/amlodipine_typo.toml",
        &typo.replacen("name = \"amlodipine\"", "name = \"amlodipine_typo\"", 1),
    );
    let p = w.write(
        "s.toml",
        &scenario(
            "physiology = \"adult_male_european\"",
            &dose("amlodipine_typo"),
            24.0,
        ),
    );
    let (s, lib, label) = Library::scenario(p.to_str().unwrap()).unwrap();
    let Err(err) = pbpk::run::run_scenario(&s, &lib, &label, &RunOptions::default()) else {
        panic!("a wrongly cased enzyme must be rejected");
    };
    let err = err.to_string();
    assert!(
        err.contains("elimination[0].enzyme") && err.contains("\"CYP3A4\""),
        "{err}"
    );
}

/// A drug's affinity for blood cells is its own: a child's (or patient's) hematocrit moves
/// its blood:plasma ratio, not its tissue partitioning. Lisinopril (B:P 0.85, near 1 - H)
/// kept the file's B:P at every hematocrit before, so the back-calculated cell affinity and
/// every Kp moved with it: Vss 0.64 L/kg at H 0.30 and 1.43 at H 0.55 in a 2-year-old.
#[test]
fn hematocrit_moves_the_blood_plasma_ratio_not_the_volume() {
    let w = Workspace::new();
    let vss = |h: f64| {
        let p = w.write(
            "s.toml",
            &scenario(
                &format!("physiology = \"pediatric\"\nage_years = 2\nhematocrit = {h}"),
                "{ compound = \"lisinopril\", route = \"iv_bolus\", mg_per_kg = 0.1, at_h = 0 }",
                48.0,
            ),
        );
        let r = run_path(&p, &RunOptions::default());
        r.summary.arms[0].compounds[0]
            .vss_l_per_kg
            .as_ref()
            .unwrap()
            .median
    };
    let (low, high) = (vss(0.30), vss(0.55));
    println!("lisinopril Vss in a 2-year-old: {low:.3} L/kg at H 0.30, {high:.3} at H 0.55");
    assert!((high / low - 1.0).abs() < 0.03, "{low} vs {high}");
}

/// A fitted overall CLint near what the liver membranes carry (felodipine) is converted to
/// the cells' own CLint behind the membranes of the liver it was fitted in, and that is what
/// scales with the individual's enzyme: a liver with 5 times the CYP3A4 clears faster
/// instead of failing because the scaled overall CLint exceeds the membranes.
#[test]
fn fitted_clearance_scales_behind_the_fitted_livers_membranes() {
    let w = Workspace::new();
    with_hepatic_cyp3a4(&w, "five_cyp3a4", 540.0);
    let auc = |physiology: &str| {
        let p = w.write(
            "s.toml",
            &scenario(
                &format!("physiology = \"{physiology}\""),
                "{ compound = \"felodipine\", route = \"iv_infusion\", mg = 2.5, duration_h = 0.5, at_h = 0 }",
                48.0,
            ),
        );
        let r = run_path(&p, &RunOptions::default());
        r.summary.arms[0].compounds[0]
            .auc_inf_mg_h_per_l
            .as_ref()
            .unwrap()
            .median
    };
    let (reference, faster) = (auc("adult_male_european"), auc("five_cyp3a4"));
    println!("felodipine AUC_inf: reference {reference}, 5x CYP3A4 {faster}");
    assert!(faster < reference);
}

/// An individual without any of a fitted clearance's enzyme (abundance 0) has no clearance
/// by it, and runs (the cells' CLint was 0/0 and the solver failed).
#[test]
fn fitted_clearance_without_the_enzyme_is_zero_not_nan() {
    let w = Workspace::new();
    with_hepatic_cyp3a4(&w, "no_cyp3a4", 0.0);
    let p = w.write(
        "s.toml",
        &scenario(
            "physiology = \"no_cyp3a4\"",
            "{ compound = \"amlodipine\", route = \"iv_infusion\", mg = 10, duration_h = 0.5, at_h = 0 }",
            400.0,
        ),
    );
    let r = run_path(&p, &RunOptions::default());
    let c = &r.summary.arms[0].compounds[0];
    // Only the kidney clears it: about 3.1 L/h, a tenth of the reference man's 30.7.
    let auc = c.auc_inf_mg_h_per_l.as_ref().map(|s| s.median);
    println!("amlodipine without CYP3A4: AUC_inf {auc:?}");
    assert!(r.summary.mass_balance_max_rel_error < 1e-6);
    assert!(c.auc_mg_h_per_l.as_ref().unwrap().median.is_finite());
}

/// The compound files' B:P apply at the reference man's hematocrit for every individual, so
/// a woman's exposure moves smoothly with her hematocrit: at her reference value 0.385 the
/// cell affinity of midazolam (B:P 0.56 < 1 - 0.385) was clamped to 0 when each sex took
/// its own reference, and 0.385 -> 0.386 moved the AUC by 4 %.
#[test]
fn blood_plasma_ratio_is_continuous_across_hematocrit_for_women() {
    let male =
        std::fs::read_to_string(repo().join("physiologies/adult_male_european.toml")).unwrap();
    let h: f64 = male
        .lines()
        .find_map(|l| l.strip_prefix("hematocrit = "))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert_eq!(
        h,
        pbpk::trial::REFERENCE_HEMATOCRIT,
        "the reference man's hematocrit moved"
    );
    let w = Workspace::new();
    let auc = |hct: f64| {
        let p = w.write(
            "s.toml",
            &scenario(
                &format!("physiology = \"european\"\nsex = \"female\"\nhematocrit = {hct}"),
                "{ compound = \"midazolam\", route = \"oral\", mg = 7.5, at_h = 0 }",
                48.0,
            ),
        );
        let r = run_path(&p, &RunOptions::default());
        r.summary.arms[0].compounds[0]
            .auc_inf_mg_h_per_l
            .as_ref()
            .unwrap()
            .median
    };
    let (a, b, c) = (auc(0.384), auc(0.385), auc(0.386));
    println!("midazolam AUC_inf in a woman at H 0.384 / 0.385 / 0.386: {a} / {b} / {c}");
    assert!((b / a - 1.0).abs() < 0.005 && (c / b - 1.0).abs() < 0.005);
}

/// Adult age shrinks the liver (Wynne 2007: 28 % smaller above 65 y than under 40 y), so an
/// 85-year-old of the reference man's size has 0.72 of a 25-year-old's liver and clears an
/// enzyme-cleared drug more slowly; at 25 and 40 y the liver is the same.
#[test]
fn an_old_patients_liver_is_smaller() {
    let w = Workspace::new();
    let run = |age: f64| {
        let p = w.write(
            "s.toml",
            &scenario(
                &format!(
                    "physiology = \"european\"\nage_years = {age}\nweight_kg = 73\nheight_cm = 176"
                ),
                "{ compound = \"midazolam\", route = \"iv_bolus\", mg = 2, at_h = 0 }",
                24.0,
            ),
        );
        let r = run_path(&p, &RunOptions::default());
        (
            r.summary.patient.as_ref().unwrap().liver_volume_l,
            r.summary.arms[0].compounds[0]
                .auc_inf_mg_h_per_l
                .as_ref()
                .unwrap()
                .median,
        )
    };
    let ((v25, a25), (v40, _), (v85, a85)) = (run(25.0), run(40.0), run(85.0));
    println!(
        "liver {v25:.3} / {v40:.3} / {v85:.3} L; midazolam AUC {a25:.4} at 25 y, {a85:.4} at 85 y"
    );
    assert!((v40 / v25 - 1.0).abs() < 1e-12);
    assert!((v85 / v25 - 0.72).abs() < 1e-9);
    assert!(a85 > a25);
}

/// Total hepatic blood flow falls with adult age (Zoli 1999: 1445 mL/min under 45 y, 1020
/// over 75 y): at 85 y the hepatic artery and the portal organs carry 0.706 of what they do
/// at 25 or 45 y in a patient of the same size, the cardiac output loses exactly that flow
/// (it stays the sum of the organ flows), and the other organs keep theirs.
#[test]
fn an_old_patients_hepatic_blood_flow_is_lower() {
    let w = Workspace::new();
    let lib = Library::beside(&w.write("probe.toml", ""));
    let setup = pbpk::trial::PopulationSetup::load(&lib, "european", "test").unwrap();
    let body = |age: f64| {
        let spec = pbpk::population::Patient {
            age_years: Some(age),
            weight_kg: Some(73.0),
            height_cm: Some(176.0),
            ..Default::default()
        };
        let (p, _) =
            pbpk::population::patient(&setup.population, &setup.male, &setup.female, &spec)
                .unwrap();
        p.validate("patient").unwrap();
        p
    };
    let hepatic = |p: &pbpk::data::physiology::Physiology| {
        p.organ("liver").blood_flow_l_per_h.unwrap() + p.portal_flow_l_per_h()
    };
    let (young, middle, old) = (body(25.0), body(45.0), body(85.0));
    println!(
        "hepatic blood flow {:.1} / {:.1} / {:.1} L/h at 25 / 45 / 85 y; cardiac output {:.1} / {:.1} L/h",
        hepatic(&young),
        hepatic(&middle),
        hepatic(&old),
        young.cardiac_output_l_per_h,
        old.cardiac_output_l_per_h
    );
    assert!((hepatic(&middle) / hepatic(&young) - 1.0).abs() < 1e-12);
    assert!((hepatic(&old) / hepatic(&young) - 0.706).abs() < 1e-9);
    let lost = hepatic(&young) - hepatic(&old);
    assert!(
        (young.cardiac_output_l_per_h - old.cardiac_output_l_per_h - lost).abs() < 1e-9,
        "the cardiac output loses the hepatic flow"
    );
    for organ in ["kidney", "brain", "muscle"] {
        let q = |p: &pbpk::data::physiology::Physiology| p.organ(organ).blood_flow_l_per_h.unwrap();
        assert!((q(&old) / q(&young) - 1.0).abs() < 1e-12, "{organ}");
    }
}
