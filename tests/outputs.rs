//! Every run writes summary.json, profiles.csv, partition.csv and its plots (PNG and SVG) into the output
//! folder; an interaction scenario adds the forest plot and the enzyme plot.
mod common;
use common::*;

#[test]
fn an_interaction_run_writes_its_tables_and_plots() {
    let r = run_shipped("ritonavir_midazolam");
    let ws = Workspace::new();
    let dir = ws.dir.path().join("out");
    pbpk::report::write_outputs(&r, &dir).unwrap();
    for name in [
        "summary.json",
        "profiles.csv",
        "partition.csv",
        "concentration_midazolam.png",
        "concentration_midazolam.svg",
        "concentration_ritonavir.png",
        "ddi_forest.png",
        "ddi_forest.svg",
        "enzymes.png",
        "enzymes.svg",
    ] {
        let p = dir.join(name);
        let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(bytes.len() > 1000, "{name} is only {} bytes", bytes.len());
        if name.ends_with(".png") {
            assert_eq!(&bytes[1..4], b"PNG", "{name} is not a PNG");
        }
        if name.ends_with(".svg") {
            let text = String::from_utf8(bytes).unwrap();
            assert!(
                text.contains("<svg") && text.contains("<text"),
                "{name}: no text"
            );
        }
    }
    // partition.csv: 15 organs per compound, Kp > 0 everywhere, and ritonavir (MW 721)
    // keeps its muscle cells behind membranes with a PA.
    let part = std::fs::read_to_string(dir.join("partition.csv")).unwrap();
    let rows: Vec<Vec<&str>> = part
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 2 * 15, "{part}");
    assert!(rows.iter().all(|r| r[2].parse::<f64>().unwrap() > 0.0));
    let muscle = rows
        .iter()
        .find(|r| r[0] == "ritonavir" && r[1] == "muscle")
        .unwrap();
    assert!(muscle[4].parse::<f64>().unwrap() > 0.0 && muscle[5].parse::<f64>().unwrap() > 0.0);
    let csv = std::fs::read_to_string(dir.join("profiles.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.contains("CYP3A4_liver_fraction") && header.contains("CYP3A4_gut_fraction"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let cmp = &json["comparisons"][0];
    assert!(cmp["adjusted_dose"]["converged"].as_bool().unwrap());
    assert!(cmp["static_model"]["auc_ratio"].as_f64().unwrap() > 1.0);
}

/// A run reports the known limitations of the compounds it uses, and every limitation a
/// shipped compound declares is anchored in shipped checks: its evidence names at least one
/// shipped scenario.
#[test]
fn runs_report_their_compounds_known_limitations() {
    let r = run_shipped("ritonavir_midazolam");
    let names: Vec<&str> = r
        .summary
        .limitations
        .iter()
        .map(|l| l.compound.as_str())
        .collect();
    assert!(names.contains(&"ritonavir"), "{names:?}");
    // ritonavir lists published alternative inactivation constants; midazolam lists none.
    assert_eq!(r.summary.alternatives_listed, vec!["ritonavir".to_string()]);
    let json = serde_json::to_value(&r.summary).unwrap();
    assert!(
        json["limitations"][0]["evidence"].as_str().is_some(),
        "{json}"
    );

    let scenarios: Vec<String> = std::fs::read_dir(repo().join("scenarios"))
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "toml")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    let mut declared = 0;
    for e in std::fs::read_dir(repo().join("compounds")).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let c = pbpk::data::compound::Compound::parse(&p.to_string_lossy(), &text).unwrap();
        for l in &c.limitation {
            declared += 1;
            assert!(
                scenarios.iter().any(|s| l.evidence.contains(s.as_str())),
                "{}: a limitation's evidence names no shipped scenario: {}",
                p.display(),
                l.evidence
            );
        }
    }
    assert!(declared > 0);
}

/// An AUC ratio built on AUC_inf with more than 20 % extrapolated says so in the warnings,
/// and every compound block reports its extrapolated share.
#[test]
fn auc_ratio_on_a_long_extrapolation_is_flagged() {
    let w = Workspace::new();
    let text = |end_h: f64| {
        format!(
            r#"
name = "extrapolation"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "a"
dose = [ {{ compound = "midazolam", route = "iv_bolus", mg = 2, at_h = 0 }} ]
[[arm]]
name = "b"
dose = [ {{ compound = "midazolam", route = "iv_bolus", mg = 2, at_h = 0 }} ]
[simulation]
end_h = {end_h}
[[compare]]
compound = "midazolam"
test = "b"
reference = "a"
"#
        )
    };
    for (end_h, flagged) in [(2.0, true), (48.0, false)] {
        let p = w.write("s.toml", &text(end_h));
        let r = run_path(&p, &pbpk::run::RunOptions::default());
        let pct = r.summary.arms[0].compounds[0]
            .auc_extrapolated_pct
            .as_ref()
            .expect("the extrapolated share is reported")
            .median;
        let warned = r
            .summary
            .warnings
            .iter()
            .any(|w| w.contains("extrapolated"));
        println!("end_h {end_h}: {pct:.1} % extrapolated, warned {warned}");
        assert_eq!(pct > 20.0, flagged, "{pct} % at end_h {end_h}");
        assert_eq!(warned, flagged, "{:?}", r.summary.warnings);
    }
}

/// Clearance (dose / AUC_inf) is reported for one administration only: after repeated doses
/// the last window's AUC_inf is not the AUC of the whole dose, so `cl_l_per_h` is null
/// there, and dose / AUC_inf after a single dose.
#[test]
fn clearance_is_not_computed_after_repeated_doses() {
    let w = Workspace::new();
    let text = |dose: &str| {
        format!(
            r#"
name = "clearance"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "a"
dose = [ {dose} ]
[simulation]
end_h = 96
[[observed]]
compound = "midazolam"
arm = "a"
metric = "cl_l_per_h"
value = 25.0
source = "test"
"#
        )
    };
    let single = r#"{ compound = "midazolam", route = "iv_bolus", mg = 2, at_h = 0 }"#;
    // Two single doses: the window after the second runs to end_h and has an AUC_inf, which
    // is not the AUC of the 4 mg given.
    let repeated = r#"{ compound = "midazolam", route = "iv_bolus", mg = 2, at_h = 0 }, { compound = "midazolam", route = "iv_bolus", mg = 2, at_h = 24 }"#;
    let p = w.write("s.toml", &text(single));
    let r = run_path(&p, &pbpk::run::RunOptions::default());
    let c = &r.summary.arms[0].compounds[0];
    let expected = 2.0 / c.auc_inf_mg_h_per_l.as_ref().unwrap().median;
    let got = r.summary.observed[0].predicted.unwrap();
    assert!((got / expected - 1.0).abs() < 1e-12, "{got} vs {expected}");
    let p = w.write("s.toml", &text(repeated));
    let r = run_path(&p, &pbpk::run::RunOptions::default());
    assert!(r.summary.arms[0].compounds[0].auc_inf_mg_h_per_l.is_some());
    assert!(r.summary.observed[0].predicted.is_none());
}

/// The metrics window after the last dose ends one dosing interval later, the interval of
/// the dose line that gives that last dose (not of the first repeated line), or at end_h
/// when the last dose is a single one.
#[test]
fn metrics_window_follows_the_line_of_the_last_dose() {
    let w = Workspace::new();
    let window = |doses: &str| {
        let p = w.write(
            "s.toml",
            &format!(
                "name = \"w\"\n[subjects]\nphysiology = \"adult_male_european\"\n[[arm]]\nname = \"a\"\ndose = [ {doses} ]\n[simulation]\nend_h = 200\n"
            ),
        );
        run_path(&p, &pbpk::run::RunOptions::default()).summary.arms[0].compounds[0].window_h
    };
    let m =
        |rest: &str| format!("{{ compound = \"midazolam\", route = \"oral\", mg = 2, {rest} }}");
    // q12h x3 (0-24 h), then q24h x2 (48, 72 h): the last dose's interval is 24 h.
    let w1 = window(&format!(
        "{}, {}",
        m("at_h = 0, every_h = 12, times = 3"),
        m("at_h = 48, every_h = 24, times = 2")
    ));
    assert_eq!(w1, [72.0, 96.0]);
    // q12h x3, then one dose at 48 h: the window runs to end_h.
    let w2 = window(&format!(
        "{}, {}",
        m("at_h = 0, every_h = 12, times = 3"),
        m("at_h = 48")
    ));
    assert_eq!(w2, [48.0, 200.0]);
}
