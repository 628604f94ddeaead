//! Checks of the transit gut model: complete absorption and no gut loss in the limit of a
//! very permeable drug without gut metabolism; knocking out gut CYP3A4 raises midazolam's
//! oral AUC by exactly the 1/Fg the model reports; modified release delays the peak.
mod common;
use common::*;
use pbpk::run::RunOptions;

fn scenario(compound: &str, extra: &str) -> String {
    format!(
        r#"
name = "absorption check"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "oral"
dose = [ {{ compound = "{compound}", route = "oral", mg = 10, at_h = 0 {extra} }} ]
[simulation]
end_h = 72
"#
    )
}

#[test]
fn very_permeable_drug_without_gut_metabolism_has_fa_and_fg_of_one() {
    let ws = Workspace::new();
    let text = LINEAR_COMPOUND
        .replace(
            "peff_cm_per_s = { value = 1.5e-5",
            "peff_cm_per_s = { value = 1.0e-2",
        )
        .replace(
            "clint_ul_per_min_per_mg = 50.0",
            "clint_ul_per_min_per_mg = 50.0\nin_gut = false",
        );
    ws.write("compounds/linear_test.toml", &text);
    let path = ws.write("s.toml", &scenario("linear_test", ""));
    let r = run_path(&path, &RunOptions::default());
    let f = r.arms[0].compounds[0].fractions.unwrap();
    println!("fa = {}, Fg = {}", f.fa, f.fg);
    assert!((f.fa - 1.0).abs() < 1e-6, "fa = {}", f.fa);
    assert!((f.fg - 1.0).abs() < 1e-12, "Fg = {}", f.fg);
}

#[test]
fn knocking_out_gut_cyp3a4_raises_midazolam_auc_by_one_over_fg() {
    let base = run_shipped("midazolam_oral");
    let c = &base.arms[0].compounds[0];
    let fg = c.fractions.unwrap().fg;
    let auc = c.nca.auc_inf.unwrap();

    let ws = Workspace::new();
    let phys =
        std::fs::read_to_string(repo().join("physiologies/adult_male_european.toml")).unwrap();
    let marker = "[enzymes.gut.CYP3A4]\namount_nmol = 70.0";
    assert!(
        phys.contains(marker),
        "the physiology file changed: update this test"
    );
    ws.write(
        "physiologies/no_gut_cyp3a4.toml",
        &phys
            .replace(marker, "[enzymes.gut.CYP3A4]\namount_nmol = 0.0")
            .replace("name = \"adult_male_european\"", "name = \"no_gut_cyp3a4\""),
    );
    let text = std::fs::read_to_string(repo().join("scenarios/midazolam_oral.toml"))
        .unwrap()
        .replace("adult_male_european", "no_gut_cyp3a4");
    let path = ws.write("s.toml", &text);
    let ko = run_path(&path, &RunOptions::default());
    let k = &ko.arms[0].compounds[0];
    assert!((k.fractions.unwrap().fg - 1.0).abs() < 1e-12);
    let ratio = k.nca.auc_inf.unwrap() / auc;
    println!(
        "Fg = {fg:.4}; AUC ratio without gut CYP3A4 {ratio:.4} vs 1/Fg {:.4}",
        1.0 / fg
    );
    // Hepatic metabolism is Michaelis-Menten: the higher portal load saturates it slightly.
    assert!(
        (ratio * fg - 1.0).abs() < 0.02,
        "AUC ratio {ratio} vs 1/Fg {}",
        1.0 / fg
    );
}

#[test]
fn extended_release_nifedipine_peaks_later_and_lower_than_the_capsule() {
    let ws = Workspace::new();
    let ir = run_path(
        &ws.write(
            "ir.toml",
            &scenario("nifedipine", ", formulation = \"ir_capsule\""),
        ),
        &RunOptions::default(),
    );
    let er = run_path(
        &ws.write(
            "er.toml",
            &scenario("nifedipine", ", formulation = \"er_tablet\""),
        ),
        &RunOptions::default(),
    );
    let (a, b) = (&ir.arms[0].compounds[0], &er.arms[0].compounds[0]);
    println!(
        "IR: Cmax {:.4} mg/L at {:.2} h; ER: Cmax {:.4} at {:.2} h; fa IR {:.3}, ER {:.3}",
        a.nca.cmax,
        a.nca.tmax,
        b.nca.cmax,
        b.nca.tmax,
        a.fractions.unwrap().fa,
        b.fractions.unwrap().fa
    );
    assert!(b.nca.tmax > 3.0 * a.nca.tmax);
    assert!(b.nca.cmax < 0.5 * a.nca.cmax);
    // Release continues in the colon, where Peff is lower, and some tablet leaves unreleased.
    assert!(b.fractions.unwrap().fa < a.fractions.unwrap().fa);
}
