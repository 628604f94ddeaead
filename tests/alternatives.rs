//! `pbpk alternatives`: a published alternative set really replaces the file's values (the
//! AUC follows the well-stirred closed form with the alternative CLint), the shipped sets
//! run, and bad sets are rejected on load with the field named.

mod common;
use common::*;
use pbpk::alternatives::analyse;
use pbpk::data::library::Library;

/// The shared hepatic-only test compound with one alternative set: a five-fold lower CLint.
fn with_alternative() -> String {
    format!(
        "{HEPATIC_ONLY}\n[[alternative]]\nname = \"another laboratory\"\nvalues = {{ \"elimination[0].clint_u_l_per_h\" = 60.0 }}\nsource = \"test: a five-fold lower CLint\"\nstatus = \"C\"\n"
    )
}

#[test]
fn an_alternative_set_replaces_the_files_value_in_the_whole_model() {
    let ws = Workspace::new();
    ws.write("compounds/hepatic_only.toml", &with_alternative());
    let path = ws.write("iv.toml", IV_SCENARIO);
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let a = analyse(&s, &lib, &label).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.runs.len(), 2);
    assert_eq!(a.runs[1].alternative, "another laboratory");
    assert_eq!(
        a.runs[1].changes,
        vec![("elimination[0].clint_u_l_per_h".to_string(), 300.0, 60.0)]
    );
    let i = a
        .outputs
        .iter()
        .position(|o| o.name.starts_with("AUCinf"))
        .expect("an AUCinf output");
    let (base, alt) = (a.runs[0].values[i].unwrap(), a.runs[1].values[i].unwrap());
    // AUC = dose / CL with the well-stirred CL = Q_H B:P fu_b CLint / (Q_H + fu_b CLint).
    let phys = Library::default()
        .physiology("adult_male_european", "test", "physiology")
        .unwrap();
    let q = phys.organ("liver").blood_flow_l_per_h.unwrap() + phys.portal_flow_l_per_h();
    let (fu, bp) = (0.1, 0.9);
    let cl = |c: f64| q * bp * (fu / bp * c) / (q + fu / bp * c);
    let expected = cl(300.0) / cl(60.0);
    println!(
        "AUC with the alternative / with the file: {:.5} (closed form {expected:.5})",
        alt / base
    );
    assert!((alt / base / expected - 1.0).abs() < 0.01);
    assert!(a.table().contains("another laboratory"));
}

#[test]
fn shipped_alternatives_run_and_span_their_spread() {
    let (s, lib, label) = Library::scenario("clarithromycin_midazolam").unwrap();
    let a = analyse(&s, &lib, &label).unwrap();
    assert_eq!(a.runs.len(), 5, "files' values + four published sets");
    assert!(a.runs.iter().all(|r| r.error.is_none()));
    // The files' run is the ordinary run.
    let plain = run_shipped("clarithromycin_midazolam");
    let ratio = plain.summary.comparisons[0].auc_ratio.unwrap().median;
    let i = a
        .outputs
        .iter()
        .position(|o| o.name.starts_with("AUC ratio: midazolam in clarithromycin"))
        .unwrap();
    assert_eq!(a.outputs[i].observed, Some(6.8));
    assert!((a.runs[0].values[i].unwrap() / ratio - 1.0).abs() < 1e-9);
    // Every published set moves the ratio; the range spans them.
    let (lo, hi) = a.range(i).unwrap();
    for r in &a.runs[1..] {
        assert!(
            (r.values[i].unwrap() / ratio - 1.0).abs() > 0.01,
            "{}",
            r.alternative
        );
    }
    assert!(lo < ratio && hi >= ratio);
    // A scenario whose compounds list no alternatives runs once and says so.
    let (s, lib, label) = Library::scenario("midazolam_iv").unwrap();
    let b = analyse(&s, &lib, &label).unwrap();
    assert_eq!(b.runs.len(), 1);
    assert!(b
        .table()
        .contains("No compound this scenario uses lists an [[alternative]]"));
}

#[test]
fn bad_alternatives_are_rejected_with_the_field_named() {
    let cases: [(&str, &str, &[&str]); 4] = [
        (
            "values = { \"elimination[0].clint_u_l_per_h\" = 60.0 }",
            "values = { \"elimination[0].clint_per_h\" = 60.0 }",
            &["alternative[0].values.\"elimination[0].clint_per_h\"", "names no number"],
        ),
        (
            "values = { \"elimination[0].clint_u_l_per_h\" = 60.0 }",
            "values = { \"fu_plasma.value\" = 1.5 }",
            &["with alternative \"another laboratory\"", "fu_plasma.value", "(0, 1]"],
        ),
        (
            "values = { \"elimination[0].clint_u_l_per_h\" = 60.0 }",
            "values = {}",
            &["alternative[0].values", "at least one"],
        ),
        (
            "status = \"C\"",
            "status = \"C\"\n\n[[alternative]]\nname = \"another laboratory\"\nvalues = { \"log_p.value\" = 3.0 }\nsource = \"test\"\nstatus = \"C\"",
            &["alternative[1].name", "unique"],
        ),
    ];
    for (from, to, must) in cases {
        expect_rejected(&with_alternative(), from, to, must);
    }
}

/// `good` with `from` replaced by `to` is rejected on load, and the error names `must`.
fn expect_rejected(good: &str, from: &str, to: &str, must: &[&str]) {
    assert!(good.contains(from));
    let ws = Workspace::new();
    let p = ws.write("compounds/hepatic_only.toml", &good.replace(from, to));
    let text = std::fs::read_to_string(&p).unwrap();
    let err = pbpk::data::compound::Compound::parse(p.to_str().unwrap(), &text)
        .expect_err("a bad alternative must be rejected")
        .to_string();
    for m in must {
        assert!(err.contains(m), "error lacks {m:?}: {err}");
    }
}

#[test]
fn malformed_paths_statuses_and_integer_fields_are_errors_not_panics() {
    let from = "values = { \"elimination[0].clint_u_l_per_h\" = 60.0 }";
    let cases: [(&str, &str, &[&str]); 5] = [
        (
            from,
            "values = { \"elimination[0]].clint_u_l_per_h\" = 60.0 }",
            &["names no number"],
        ),
        (
            from,
            "values = { \"elimination[0]\u{e9}].clint_u_l_per_h\" = 60.0 }",
            &["names no number"],
        ),
        (
            from,
            "values = { \"elimination[x].clint_u_l_per_h\" = 60.0 }",
            &["names no number"],
        ),
        (
            "status = \"C\"",
            "status = \"measured\"",
            &["alternative[0].status", "C (read in the source)"],
        ),
        (
            from,
            "values = { \"halogens.cl\" = 1.5 }",
            &["alternative[0].values.\"halogens.cl\"", "whole number"],
        ),
    ];
    let good = with_alternative().replace(
        "blood_plasma_ratio = {",
        "halogens = { cl = 1 }\nblood_plasma_ratio = {",
    );
    for (from, to, must) in cases {
        expect_rejected(&good, from, to, must);
    }
    // A whole number on an integer field is accepted and stays an integer.
    let ws = Workspace::new();
    let good = with_alternative()
        .replace(
            "blood_plasma_ratio = {",
            "halogens = { cl = 1 }\nblood_plasma_ratio = {",
        )
        .replace(from, "values = { \"halogens.cl\" = 2 }");
    let p = ws.write("compounds/hepatic_only.toml", &good);
    let c = pbpk::data::compound::Compound::parse(p.to_str().unwrap(), &good).unwrap();
    let changed = c.with_alternative("test", &good, 0).unwrap();
    assert!(changed.contains("cl = 2\n"), "{changed}");
}

#[test]
fn sensitivity_ignores_alternatives_and_limitations() {
    let ws = Workspace::new();
    ws.write(
        "compounds/hepatic_only.toml",
        &format!(
            "{}\n[[limitation]]\nwhat = \"test\"\nevidence = \"midazolam_iv\"\n",
            with_alternative()
        ),
    );
    let path = ws.write("iv.toml", IV_SCENARIO);
    let (s, lib, label) = Library::scenario(path.to_str().unwrap()).unwrap();
    let a = pbpk::sensitivity::analyse(&s, &lib, &label, 0.1, &[]).unwrap();
    assert!(a
        .rows
        .iter()
        .all(|r| !r.parameter.path.starts_with("alternative")
            && !r.parameter.path.starts_with("limitation")));
}
