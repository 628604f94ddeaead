//! Virtual populations: reproducible whatever the thread count, demographics as the
//! population file says, midazolam clearance variability in the published range.
mod common;
use common::*;
use pbpk::data::library::Library;
use pbpk::run::{run_scenario, RunOptions, RunResult};

fn run_with_threads(path: &std::path::Path, threads: usize, subjects: usize) -> RunResult {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let opts = RunOptions {
        subjects: Some(subjects),
        ..RunOptions::default()
    };
    pool.install(|| run_scenario(&s, &lib, &label, &opts).unwrap())
}

#[test]
fn same_seed_gives_identical_results_on_one_and_two_threads() {
    let path = repo().join("scenarios/virtual_trial_midazolam_european.toml");
    let a = run_with_threads(&path, 1, 40);
    let b = run_with_threads(&path, 2, 40);
    assert_eq!(a.subjects.len(), 40);
    // The seed used is recorded, so the run can be repeated from summary.json alone.
    let (s, ..) = Library::scenario(path.to_str().unwrap()).unwrap();
    assert_eq!(
        a.summary.seed,
        Some(s.subjects.seed.unwrap_or(pbpk::trial::DEFAULT_SEED))
    );
    for (x, y) in a.subjects.iter().zip(&b.subjects) {
        assert_eq!(x.subject.weight_kg.to_bits(), y.subject.weight_kg.to_bits());
        assert_eq!(
            x.metrics[0].nca.auc.to_bits(),
            y.metrics[0].nca.auc.to_bits(),
            "AUC of subject {}",
            x.subject.id
        );
    }
    assert_eq!(
        serde_json::to_string(&a.summary).unwrap(),
        serde_json::to_string(&b.summary).unwrap()
    );
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    (m, sd)
}

#[test]
fn sampled_demographics_match_the_population_file() {
    for pop in ["european", "chinese"] {
        let path = repo().join(format!("scenarios/virtual_trial_midazolam_{pop}.toml"));
        let r = run_with_threads(&path, 2, 1000);
        let text =
            std::fs::read_to_string(repo().join(format!("physiologies/{pop}.toml"))).unwrap();
        let file = pbpk::data::population::Population::parse(pop, &text).unwrap();
        for (sex, a) in [
            ("male", file.male.as_ref().unwrap()),
            ("female", file.female.as_ref().unwrap()),
        ] {
            let h: Vec<f64> = r
                .subjects
                .iter()
                .filter(|s| s.subject.sex == sex)
                .map(|s| s.subject.height_cm)
                .collect();
            let (m, sd) = mean_sd(&h);
            let se = a.height_cm.sd / (h.len() as f64).sqrt();
            println!(
                "{pop} {sex}: n {}, height {m:.1} +/- {sd:.1} cm (file {} +/- {})",
                h.len(),
                a.height_cm.mean,
                a.height_cm.sd
            );
            // BMI truncation and redraws trim the tails slightly: 4 standard errors.
            assert!(
                (m - a.height_cm.mean).abs() < 4.0 * se + 0.5,
                "{pop} {sex} mean height {m}"
            );
            assert!(
                (sd / a.height_cm.sd - 1.0).abs() < 0.12,
                "{pop} {sex} height SD {sd}"
            );
        }
        let females = r
            .subjects
            .iter()
            .filter(|s| s.subject.sex == "female")
            .count() as f64;
        let p = file.female_fraction;
        assert!((females / 1000.0 - p).abs() < 4.0 * (p * (1.0 - p) / 1000.0).sqrt());
        assert_eq!(r.summary.failed_subjects, 0);
    }
}

#[test]
fn midazolam_clearance_varies_as_published_in_europeans() {
    let ws = Workspace::new();
    let path = ws.write(
        "s.toml",
        r#"
name = "IV and oral midazolam in Europeans"
[subjects]
population = "european"
count = 500
seed = 7
[[arm]]
name = "iv"
dose = [ { compound = "midazolam", route = "iv_bolus", mg = 2, at_h = 0 } ]
[[arm]]
name = "oral"
dose = [ { compound = "midazolam", route = "oral", mg = 7.5, at_h = 0 } ]
[simulation]
end_h = 48
"#,
    );
    let r = run_with_threads(&path, 2, 500);
    let cv_of = |arm: usize, mg: f64| {
        let cl: Vec<f64> = r
            .subjects
            .iter()
            .map(|s| mg / s.metrics[arm].nca.auc_inf.unwrap())
            .collect();
        let (m, sd) = mean_sd(&cl);
        (m, sd / m)
    };
    let (iv, cv_iv) = cv_of(0, 2.0);
    let (oral, cv_oral) = cv_of(1, 7.5);
    // Published between-subject CVs in healthy adults (SD / mean of each study; docs/research/
    // midazolam_variability.md): IV clearance 15-35 % over seven studies (Allonen 1981 15 %,
    // Smith 1981 25 %, Klotz & Ziegler 1982 35 %, Gorski 1998 32 %, Kashuba 1998 22 % / 29 %,
    // Pecking 2002 23 %, Hohmann 2015 about 21 %); oral AUC or CL/F 22-45 % over nine (one
    // outlier at 78 %).
    println!(
        "midazolam IV clearance {iv:.1} L/h, CV {:.0} % (published 15-35 %); oral CL/F {oral:.0} L/h, CV {:.0} % (published 22-45 %)",
        100.0 * cv_iv,
        100.0 * cv_oral
    );
    assert!(
        (0.15..=0.35).contains(&cv_iv),
        "IV clearance CV {cv_iv} outside the published 15-35 %"
    );
    // KNOWN MISS (ratchet): oral CL/F varies more than published (about 60 % vs 22-45 %): it
    // carries the whole hepatic CLint spread undamped by blood flow (CYP3A4 41 %, MPPGL 27 %
    // and liver volume 23 %, drawn independently, the latter on top of its BSA dependence)
    // plus an independent gut CYP3A4 draw. Fails if the spread widens further, and asks for a
    // range check once it falls into the published range.
    assert!(
        cv_oral <= 0.70,
        "oral CL/F CV {cv_oral} widened beyond the recorded 61 %"
    );
    assert!(
        cv_oral > 0.45,
        "oral CL/F CV {cv_oral} is now in the published 22-45 %: replace the ratchet by the range check"
    );
}

/// Median over subjects of `col` for rows whose `phenotype_col` equals `ph`.
fn median_by_phenotype(r: &RunResult, enzyme: &str, ph: &str) -> f64 {
    let mut v: Vec<f64> = r
        .subjects
        .iter()
        .filter(|s| {
            s.subject
                .phenotypes
                .iter()
                .any(|(e, p)| e == enzyme && p == ph)
        })
        .filter_map(|s| s.metrics[0].nca.auc_inf)
        .collect();
    assert!(v.len() >= 5, "too few {enzyme} {ph} subjects: {}", v.len());
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn omeprazole_poor_metabolisers_have_several_fold_exposure() {
    // Also guards against a subject's enzyme variation being cancelled for per-mg rates.
    let path = repo().join("scenarios/chinese_vs_european_omeprazole_chinese.toml");
    let r = run_with_threads(&path, 2, 300);
    let pm = median_by_phenotype(&r, "CYP2C19", "PM");
    let nm = median_by_phenotype(&r, "CYP2C19", "NM");
    println!("omeprazole, Chinese: median AUCinf PM {pm:.3}, NM {nm:.3}, ratio {:.2} (observed 5.8, Ishizaki 1994)", pm / nm);
    assert!(pm / nm > 3.0, "PM/NM {}", pm / nm);
}

/// Each subject's own dose adjustment in a population: the test arm gives twice the
/// reference arm's IV midazolam dose, so every subject's dose factor that restores its own
/// reference AUC is 0.5 (midazolam's kinetics are linear at these doses), the adjusted dose
/// is 2 mg, and subjects.csv-level rows carry the factor.
#[test]
fn every_subject_gets_its_own_adjusted_dose() {
    let ws = Workspace::new();
    let path = ws.write(
        "s.toml",
        r#"
name = "double dose"
[subjects]
population = "european"
count = 12
seed = 3
[[arm]]
name = "2 mg"
dose = [ { compound = "midazolam", route = "iv_bolus", mg = 2, at_h = 0 } ]
[[arm]]
name = "4 mg"
dose = [ { compound = "midazolam", route = "iv_bolus", mg = 4, at_h = 0 } ]
[simulation]
end_h = 48
[[compare]]
compound = "midazolam"
test = "4 mg"
reference = "2 mg"
"#,
    );
    let r = run_with_threads(&path, 2, 12);
    assert_eq!(r.subjects.len(), 12);
    for row in &r.subjects {
        let (c, test, a) = &row.adjusted_doses[0];
        assert_eq!((c.as_str(), test.as_str()), ("midazolam", "4 mg"));
        let a = a.as_ref().expect("search ran");
        assert!(a.converged);
        assert!((a.factor - 0.5).abs() < 2e-3, "factor {}", a.factor);
    }
    let over = r.summary.comparisons[0]
        .adjusted_dose_over_subjects
        .as_ref()
        .unwrap();
    assert_eq!(over.not_converged, 0);
    assert!(over.failures.is_empty());
    let d = over.dose_mg.unwrap();
    println!(
        "adjusted dose over subjects: median {} [{}-{}] mg",
        d.median, d.p05, d.p95
    );
    assert!((d.median - 2.0).abs() < 4e-3 && d.p05 > 1.99 && d.p95 < 2.01);
}

/// A population's static interaction model is the typical-value prediction for the
/// population file's reference man: the same as the individual scenario's.
#[test]
fn population_static_model_is_the_reference_individuals() {
    let pop = run_shipped_with(
        "lpvr_nifedipine_population",
        &RunOptions {
            subjects: Some(3),
            ..RunOptions::default()
        },
    );
    let one = run_shipped("lpvr_nifedipine");
    for (a, b) in pop.summary.comparisons.iter().zip(&one.summary.comparisons) {
        assert_eq!((&a.test, &a.reference), (&b.test, &b.reference));
        let (sa, sb) = (
            a.static_model.as_ref().unwrap(),
            b.static_model.as_ref().unwrap(),
        );
        println!(
            "{}: static AUC ratio {} (population) vs {}",
            a.test, sa.auc_ratio, sb.auc_ratio
        );
        assert_eq!(sa.auc_ratio, sb.auc_ratio);
    }
}

/// subjects.csv gives each subject's Tmax, t1/2 and, for an oral dose, fa, Fg, Fh and F
/// (F = fa Fg Fh), and the population's summary statistics are those of these columns.
#[test]
fn subjects_csv_has_each_subjects_tmax_half_life_and_oral_fractions() {
    let path = repo().join("scenarios/virtual_trial_midazolam_european.toml");
    let r = run_with_threads(&path, 2, 11);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("o");
    pbpk::report::write_outputs(&r, &dir).unwrap();
    let csv = std::fs::read_to_string(dir.join("subjects.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let arm = &r.arms[0].name;
    let col = |m: &str| {
        let name = format!("{arm}|midazolam|{m}");
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            l.split(',')
                .map(|x| x.parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 11);
    let values = |m: &str| -> Vec<f64> { rows.iter().map(|r| r[col(m)]).collect() };
    let (fa, fg, fh, f) = (values("fa"), values("fg"), values("fh"), values("f_oral"));
    for i in 0..rows.len() {
        assert!(f[i] > 0.0 && f[i] < 1.0, "F {}", f[i]);
        assert!((fa[i] * fg[i] * fh[i] - f[i]).abs() < 2e-4, "subject {i}");
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let c = &r.summary.arms[0].compounds[0];
    for (m, stat) in [
        ("f_oral", c.f_oral.as_ref()),
        ("tmax_h", c.tmax_h.as_ref()),
        ("t_half_h", c.t_half_h.as_ref()),
    ] {
        let (from_csv, summary) = (median(values(m)), stat.unwrap().median);
        println!("{m}: median of subjects.csv {from_csv}, summary.json {summary}");
        assert!((from_csv / summary - 1.0).abs() < 1e-3, "{m}");
    }
}

/// A population's AUC ratio is on one basis for every subject: where some subjects have no
/// AUC_inf (no terminal phase within the window) the ratio uses the window AUC for all, and
/// says so; a statistic over fewer subjects than the population says its count.
#[test]
fn population_auc_ratios_do_not_mix_auc_inf_and_window_auc() {
    let ws = Workspace::new();
    let text = r#"
name = "mixed AUC basis"
[subjects]
population = "european"
count = 40
seed = 4
[[arm]]
name = "control"
dose = [ { compound = "nifedipine", route = "oral", mg = 30, at_h = 73, formulation = "er_tablet" } ]
[[arm]]
name = "keto"
dose = [
  { compound = "ketoconazole", route = "oral", mg = 400, at_h = 0, every_h = 24, times = 4 },
  { compound = "nifedipine", route = "oral", mg = 30, at_h = 73, formulation = "er_tablet" },
]
[simulation]
end_h = 83.5
[[compare]]
compound = "nifedipine"
test = "keto"
reference = "control"
adjust_dose = false
"#;
    let r = run_path(&ws.write("mix.toml", text), &RunOptions::default());
    let m = |row: &pbpk::trial::SubjectRow, arm: &str| {
        row.metrics
            .iter()
            .find(|m| m.arm == arm && m.compound == "nifedipine")
            .unwrap()
            .nca
    };
    let with_inf = r
        .subjects
        .iter()
        .filter(|s| m(s, "keto").auc_inf.is_some() && m(s, "control").auc_inf.is_some())
        .count();
    println!(
        "{with_inf} of {} subjects have AUC_inf in both arms; warnings {:?}",
        r.subjects.len(),
        r.summary.warnings
    );
    assert!(
        with_inf > 0 && with_inf < r.subjects.len(),
        "the case mixes both"
    );
    let mut window: Vec<f64> = r
        .subjects
        .iter()
        .map(|s| m(s, "keto").auc / m(s, "control").auc)
        .collect();
    window.sort_by(|a, b| a.total_cmp(b));
    let median = pbpk::analysis::stats::percentile(&window, 50.0);
    let got = r.summary.comparisons[0].auc_ratio.unwrap().median;
    assert!((got / median - 1.0).abs() < 1e-12, "{got} vs {median}");
    let w = |text: &str| r.summary.warnings.iter().any(|w| w.contains(text));
    assert!(w("uses the AUC over the window for every subject"));
    assert!(w(
        "auc_inf_mg_h_per_L of nifedipine in arm \"keto\" is over"
    ));
}

/// A population file's distributions are what its subjects show, also near the
/// plausibility bounds: with BMI 45 +/- 3 (a bariatric population) the realised BMI is
/// 45 +/- 3 (a cap at 40 made it 38.7 +/- 1.1) and the sex ratio stays the file's (redraws
/// used to draw sex and age again, and shifted it).
#[test]
fn a_bariatric_population_keeps_its_bmi_and_sex_ratio() {
    let r = run_european_with(
        &[
            (
                "bmi_kg_per_m2 = { mean = 23.6, sd = 3.5,",
                "bmi_kg_per_m2 = { mean = 45.0, sd = 3.0,",
            ),
            (
                "bmi_kg_per_m2 = { mean = 22.6, sd = 4.0,",
                "bmi_kg_per_m2 = { mean = 45.0, sd = 3.0,",
            ),
        ],
        600,
        11,
    );
    let n = r.subjects.len() as f64;
    let female = r
        .subjects
        .iter()
        .filter(|s| s.subject.sex == "female")
        .count() as f64
        / n;
    let bmi: Vec<f64> = r
        .subjects
        .iter()
        .map(|s| s.subject.weight_kg / (s.subject.height_cm / 100.0).powi(2))
        .collect();
    let (m, sd) = mean_sd(&bmi);
    println!(
        "female share {female:.3}; BMI {m:.2} +/- {sd:.2}; warnings {:?}",
        r.summary.warnings
    );
    // Binomial SD of the share at n = 600 is 0.02.
    assert!((female - 0.5).abs() < 0.06, "{female}");
    assert!((m - 45.0).abs() < 0.5 && (sd - 3.0).abs() < 0.4, "{m} {sd}");
}

/// Absorption physiology varies between subjects as the population file says (log-normal
/// factors, median 1 as in PK-Sim, CV 0.5: geometric SD 1.6), and with it the time of the
/// peak.
#[test]
fn absorption_physiology_varies_between_subjects() {
    let path = repo().join("scenarios/virtual_trial_midazolam_european.toml");
    let r = run_with_threads(&path, 2, 1000);
    for k in 0..3 {
        let v: Vec<f64> = r
            .subjects
            .iter()
            .map(|s| s.subject.absorption_factors[k].1)
            .collect();
        // Median 1: ln factor has mean 0 and SD sqrt(ln(1 + CV^2)), about ln 1.6.
        let logs: Vec<f64> = v.iter().map(|x| x.ln()).collect();
        let (m, sd) = mean_sd(&logs);
        println!(
            "{}: mean of ln {m:.3}, SD of ln {sd:.3} (ln 1.6 = {:.3})",
            r.subjects[0].subject.absorption_factors[k].0,
            1.6f64.ln()
        );
        assert!(m.abs() < 0.05 && (sd - 1.25f64.ln().sqrt()).abs() < 0.03);
    }
    let mut tmax: Vec<f64> = r.subjects.iter().map(|s| s.metrics[0].nca.tmax).collect();
    tmax.sort_by(f64::total_cmp);
    let (p05, p95) = (tmax[50], tmax[949]);
    println!("Tmax 5th-95th percentile {p05:.2}-{p95:.2} h");
    assert!(p95 / p05 > 2.5, "{p05} {p95}");
}

/// Lisinopril is absorbed slowly and incompletely, so its F follows the gut's transit and
/// surface: with PK-Sim's default absorption variability (not fitted to this), the
/// population's F is 0.27 +/- 0.15 as measured from urinary recovery after 20 mg fasted in
/// 18 volunteers (Mojaverian P et al. J Pharm Sci 1986;75:395, abstract, C): mean and CV
/// each within 1.5-fold. (Without absorption variability every subject had the same F.)
#[test]
fn lisinopril_bioavailability_varies_as_measured() {
    let ws = Workspace::new();
    let text = r#"
name = "lisinopril F over people"
[subjects]
population = "european"
count = 400
seed = 7
age_years = [20, 45]
[[arm]]
name = "oral"
dose = [ { compound = "lisinopril", route = "oral", mg = 20, at_h = 0 } ]
[simulation]
end_h = 96
"#;
    let r = run_path(&ws.write("s.toml", text), &RunOptions::default());
    let f: Vec<f64> = r
        .subjects
        .iter()
        .map(|s| s.metrics[0].fractions.unwrap().f_oral)
        .collect();
    let (m, sd) = mean_sd(&f);
    let (obs_m, obs_cv) = (0.27, 0.15 / 0.27);
    println!(
        "lisinopril F {m:.3} +/- {sd:.3} (CV {:.2}) against 0.27 +/- 0.15 (CV {obs_cv:.2})",
        sd / m
    );
    assert!((m / obs_m).ln().abs() < 1.5f64.ln());
    assert!((sd / m / obs_cv).ln().abs() < 1.5f64.ln());
}

/// A population's enzyme recovery in summary.json is the median over its subjects (each
/// subject's own, as its individual run reports it), and its profiles.csv carries no one
/// subject's enzyme-activity series beside the median plasma concentrations.
#[test]
fn population_enzyme_recovery_is_the_median_over_subjects() {
    let ws = Workspace::new();
    let text = r#"
name = "ketoconazole and ritonavir with midazolam, 7 subjects"
[subjects]
population = "european"
count = 7
seed = 3
[[arm]]
name = "control"
dose = [ { compound = "midazolam", route = "oral", mg = 2, at_h = 48 } ]
[[arm]]
name = "inhibited"
dose = [
  { compound = "ritonavir", route = "oral", mg = 100, at_h = 0, every_h = 24, times = 3 },
  { compound = "ketoconazole", route = "oral", mg = 200, at_h = 0, every_h = 24, times = 3 },
  { compound = "midazolam", route = "oral", mg = 2, at_h = 48 },
]
[simulation]
end_h = 200
[[compare]]
compound = "midazolam"
test = "inhibited"
reference = "control"
adjust_dose = false
"#;
    let path = ws.write("s.toml", text);
    let r = run_path(&path, &RunOptions::default());
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let p = pbpk::run::prepare(&s, &lib, &label).unwrap();
    let setup = pbpk::trial::PopulationSetup::load(&lib, "european", "test").unwrap();
    let mut end: Vec<f64> = (0..7)
        .map(|i| {
            let pop = &setup.population;
            let (sp, _) = setup
                .virtual_subject(&p, 3, i, pop.age_years, pop.female_fraction)
                .unwrap();
            let one = pbpk::run::run_arms(&s, &sp, &RunOptions::default()).unwrap();
            one.arms[1].enzymes[0].end_fraction
        })
        .collect();
    end.sort_by(f64::total_cmp);
    let e = &r.summary.arms[1].enzymes[0];
    println!(
        "{}: end fractions {end:?}, summary {}",
        e.enzyme, e.end_fraction
    );
    assert!(end[0] < end[6], "subjects differ");
    assert!((e.end_fraction / end[3] - 1.0).abs() < 1e-9);
    let out = ws.dir.path().join("out");
    pbpk::report::write_outputs(&r, &out).unwrap();
    let header = std::fs::read_to_string(out.join("profiles.csv")).unwrap();
    let header = header.lines().next().unwrap();
    assert!(
        header.contains("_fraction") && !header.contains("_activity"),
        "{header}"
    );
}

/// With the inhibitor given at the same time as an oral victim, the victim's Fh counts the
/// inhibition as it rises during absorption: higher than without the inhibitor (at the dose
/// instant the inhibitor is not yet there, and Fh read then was the uninhibited one).
#[test]
fn fh_counts_a_reversible_inhibitor_given_with_the_dose() {
    let ws = Workspace::new();
    let text = r#"
name = "ketoconazole with midazolam at the same time"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "control"
dose = [ { compound = "midazolam", route = "oral", mg = 7.5, at_h = 0 } ]
[[arm]]
name = "together"
dose = [
  { compound = "ketoconazole", route = "oral", mg = 400, at_h = 0 },
  { compound = "midazolam", route = "oral", mg = 7.5, at_h = 0 },
]
[simulation]
end_h = 48
"#;
    let r = run_path(&ws.write("s.toml", text), &RunOptions::default());
    let fh = |arm: usize| {
        r.arms[arm]
            .compounds
            .iter()
            .find(|c| c.compound == "midazolam")
            .unwrap()
            .fractions
            .unwrap()
            .fh
    };
    println!(
        "midazolam Fh alone {:.3}, with ketoconazole given together {:.3}",
        fh(0),
        fh(1)
    );
    assert!(
        fh(1) > fh(0) * 1.2,
        "inhibition raises the hepatic availability"
    );
}

/// Redraws keep the subject's sex: with women's BMI near the lower plausibility bound
/// (12.5 +/- 1.5 kg/m2: over a third of their draws fall below 12 and are redrawn) the
/// share of women stays the file's 0.5 (redrawing sex too turned rejected women into men:
/// about 0.39 here), and the redraws are said in a warning.
#[test]
fn redraws_keep_the_sex_ratio_and_are_reported() {
    let r = run_european_with(
        &[(
            "bmi_kg_per_m2 = { mean = 22.6, sd = 4.0,",
            "bmi_kg_per_m2 = { mean = 12.5, sd = 1.5,",
        )],
        800,
        5,
    );
    let n = r.subjects.len() as f64;
    let women: Vec<_> = r
        .subjects
        .iter()
        .filter(|s| s.subject.sex == "female")
        .collect();
    let redrawn = women.iter().filter(|s| s.subject.redraws > 0).count();
    let share = women.len() as f64 / n;
    println!(
        "{} subjects, women {share:.3}, of them redrawn {redrawn}; warnings {:?}",
        n, r.summary.warnings
    );
    assert!(
        redrawn as f64 > 0.08 * women.len() as f64,
        "the case redraws"
    );
    // Binomial SD of the share at n = 800 is 0.018.
    assert!((share - 0.5).abs() < 0.055, "{share}");
    assert!(r.summary.warnings.iter().any(|w| w.contains("redrawn")));
}

/// Oral midazolam in `count` subjects (seed `seed`) of the european population file with
/// each (from, to) text replaced, as population "custom".
fn run_european_with(replacements: &[(&str, &str)], count: usize, seed: u64) -> RunResult {
    let ws = Workspace::new();
    let eu = std::fs::read_to_string(repo().join("physiologies/european.toml")).unwrap();
    let mut custom = eu.clone();
    for (from, to) in replacements {
        assert!(custom.contains(from), "the european file changed: {from}");
        custom = custom.replace(from, to);
    }
    ws.write("physiologies/custom.toml", &custom);
    let text = format!(
        "name = \"custom population\"\n[subjects]\npopulation = \"custom\"\ncount = {count}\nseed = {seed}\n[[arm]]\nname = \"oral\"\ndose = [ {{ compound = \"midazolam\", route = \"oral\", mg = 7.5, at_h = 0 }} ]\n[simulation]\nend_h = 6\n"
    );
    run_path(&ws.write("s.toml", &text), &RunOptions::default())
}
