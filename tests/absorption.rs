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

/// The shared linear test compound made very permeable and without gut metabolism.
fn permeable_compound() -> String {
    let text = LINEAR_COMPOUND
        .replace(
            "peff_cm_per_s = { value = 1.5e-5",
            "peff_cm_per_s = { value = 1.0e-2",
        )
        .replace(
            "clint_ul_per_min_per_mg = 50.0",
            "clint_ul_per_min_per_mg = 50.0\nin_gut = false",
        );
    assert!(
        text.contains("1.0e-2") && text.contains("in_gut = false"),
        "LINEAR_COMPOUND changed: update this test"
    );
    text
}

#[test]
fn very_permeable_drug_without_gut_metabolism_has_fa_and_fg_of_one() {
    let ws = Workspace::new();
    ws.write("compounds/linear_test.toml", &permeable_compound());
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

#[test]
fn zero_order_release_delivers_the_dose_like_a_solution_only_later() {
    // A very permeable drug without gut metabolism, released at a constant rate over 2 h
    // after a 1 h lag: almost everything is delivered and absorbed (a little product leaves
    // the colon before it is empty), the exposure is a solution's times fa (the model is
    // linear and the colon has no metabolism), and concentrations rise while the pump
    // delivers, so the peak comes at the end of delivery (lag + duration), not before.
    let ws = Workspace::new();
    let text = permeable_compound()
        + r#"
[[formulation]]
kind = "solution"
name = "solution"

[[formulation]]
kind = "zero_order"
name = "pump"
lag_h = 1.0
duration_h = 2.0
source = "test product"
"#;
    ws.write("compounds/linear_test.toml", &text);
    let run = |f: &str| {
        let extra = format!(", formulation = \"{f}\"");
        let path = ws.write(&format!("{f}.toml"), &scenario("linear_test", &extra));
        run_path(&path, &RunOptions::default())
    };
    let (sol, pump) = (run("solution"), run("pump"));
    let (a, b) = (&sol.arms[0].compounds[0], &pump.arms[0].compounds[0]);
    let fa = b.fractions.unwrap().fa;
    let auc_ratio = b.nca.auc_inf.unwrap() / a.nca.auc_inf.unwrap();
    println!(
        "solution: Cmax {:.4} at {:.2} h; pump: Cmax {:.4} at {:.2} h, fa {fa:.6}, AUC ratio {auc_ratio:.6}, mass balance {:.1e}",
        a.nca.cmax, a.nca.tmax, b.nca.cmax, b.nca.tmax, pump.arms[0].mass_balance_rel_error
    );
    assert!(fa > 0.99 && fa < 1.0, "fa = {fa}");
    assert!(
        (auc_ratio - fa).abs() < 1e-3,
        "AUC ratio {auc_ratio} vs fa {fa}"
    );
    assert!(pump.arms[0].mass_balance_rel_error < 1e-6);
    assert!(
        b.nca.tmax > 2.9 && b.nca.tmax < 3.3,
        "peak at the end of delivery (3 h): {}",
        b.nca.tmax
    );
    assert!(
        b.nca.cmax < a.nca.cmax,
        "spread over 2 h, the peak is lower"
    );
}

#[test]
fn modified_release_switches_exactly_at_the_solver_stops() {
    // The GITS tablet (lag 2.06 h) given at 216 h, at the virtual-trial tolerance: when the
    // release hazard was switched by t - t0 - lag, rounding turned it on at the stop that
    // ends the lag (216 + 2.06), and 2.4e-5 of the dose went missing from the mass balance.
    let ws = Workspace::new();
    let text = scenario("nifedipine", ", formulation = \"er_tablet\"")
        .replace("at_h = 0", "at_h = 216")
        .replace("end_h = 72", "end_h = 264\nrtol = 1e-5");
    assert!(text.contains("at_h = 216") && text.contains("rtol = 1e-5"));
    let path = ws.write("s.toml", &text);
    let r = run_path(&path, &RunOptions::default());
    let err = r.arms[0].mass_balance_rel_error;
    println!("mass balance {err:.1e}");
    assert!(err < 1e-10, "mass balance {err:.1e}");
}

#[test]
fn acid_degradation_takes_its_analytic_share_in_the_stomach() {
    // A very permeable drug degraded by gastric acid: what leaves the stomach is absorbed at
    // once (and at pH >= 5 it is stable), so the share lost is the stomach's competing
    // first-order rates, k_deg / (k_deg + 1/transit), k_deg = ln 2 / t1/2 x 10^(pH_ref - pH).
    let ws = Workspace::new();
    let text = permeable_compound().replace(
        "[absorption]\n",
        "[absorption]\nacid_degradation = { half_life_h = 0.2833, ph = 1.39, source = \"test\" }\n",
    );
    assert!(text.contains("acid_degradation"));
    ws.write("compounds/linear_test.toml", &text);
    let path = ws.write("s.toml", &scenario("linear_test", ""));
    let r = run_path(&path, &RunOptions::default());
    let fa = r.arms[0].compounds[0].fractions.unwrap().fa;

    let lib = pbpk::data::library::Library::default();
    let phys = lib
        .physiology("adult_male_european", "test", "physiology")
        .unwrap();
    let stomach = &phys.gut.segments["stomach"];
    let k = std::f64::consts::LN_2 / 0.2833 * 10f64.powf(1.39 - stomach.ph);
    let expected = k / (k + 1.0 / stomach.transit_time_h);
    println!(
        "lost in the gut {:.5} vs k/(k + 1/T) {expected:.5} (stomach pH {}); mass balance {:.1e}",
        1.0 - fa,
        stomach.ph,
        r.arms[0].mass_balance_rel_error
    );
    assert!(((1.0 - fa) - expected).abs() < 1e-3);
    assert!(r.arms[0].mass_balance_rel_error < 1e-6);
}

/// A linear test drug (MW 300, neutral, fu 0.5, filtered by the kidney) with `extra`
/// appended (pathways, formulations).
fn linear_drug(name: &str, extra: &str) -> String {
    format!(
        r#"
name = "{name}"
molecular_weight_g_per_mol = {{ value = 300.0, source = "test compound" }}
log_p = {{ value = 2.0, source = "test compound" }}
fu_plasma = {{ value = 0.5, source = "test compound" }}
blood_plasma_ratio = {{ value = 1.0, source = "test compound" }}
[[elimination]]
type = "renal"
gfr_fraction = 1.0
source = "test compound"
[absorption]
peff_cm_per_s = {{ value = 4e-4, source = "test compound" }}
{extra}
"#
    )
}

fn one_arm(doses: &str, end_h: f64) -> String {
    format!(
        "name = \"t\"\n[subjects]\nphysiology = \"adult_male_european\"\n[[arm]]\nname = \"a\"\ndose = [ {doses} ]\n[simulation]\nend_h = {end_h}\n"
    )
}

/// Biliary excretion without enterohepatic circulation is hepatic elimination: it does not
/// count as unabsorbed drug. A very permeable drug then has fa near 1, and F = fa Fg Fh
/// equals the ratio of oral to IV AUC (it was 0.25 against 0.90 when the bile went to the
/// faeces sink that fa is computed from).
#[test]
fn biliary_excretion_does_not_count_as_unabsorbed() {
    let ws = Workspace::new();
    let bile = "[[elimination]]\ntype = \"biliary\"\nclint_u_l_per_h = 20.0\nenterohepatic = false\nsource = \"test compound\"\n";
    ws.write("compounds/bil.toml", &linear_drug("bil", bile));
    let run = |route: &str, name: &str| {
        let dose = format!("{{ compound = \"bil\", route = \"{route}\", mg = 10, at_h = 0 }}");
        run_path(
            &ws.write(name, &one_arm(&dose, 400.0)),
            &RunOptions::default(),
        )
    };
    let (po, iv) = (run("oral", "po.toml"), run("iv_bolus", "iv.toml"));
    let c = &po.arms[0].compounds[0];
    let f = c.fractions.unwrap();
    let ratio = c.nca.auc_inf.unwrap() / iv.arms[0].compounds[0].nca.auc_inf.unwrap();
    println!("fa {:.4}, F {:.4}, AUC ratio {ratio:.4}", f.fa, f.f_oral);
    assert!(f.fa > 0.99);
    assert!((f.f_oral / ratio - 1.0).abs() < 0.02);
}

/// A modified-release product's clock runs from its oral dose: an IV dose of the same
/// compound 3 h later puts nothing in the gut, so for this linear drug the profile is the
/// sum of the two given alone (the IV dose used to restart the release and cut the
/// tablet's absorption). An arm dosing one compound both ways reports no oral fractions.
#[test]
fn an_iv_dose_does_not_restart_a_tablets_release() {
    let ws = Workspace::new();
    let er = "[[formulation]]\nkind = \"weibull\"\nname = \"er\"\nlag_h = 1\ntd_h = 8\nbeta = 1.5\nsource = \"test compound\"\n";
    ws.write("compounds/erw.toml", &linear_drug("erw", er));
    let tablet = "{ compound = \"erw\", route = \"oral\", mg = 100, at_h = 0 }";
    let iv = "{ compound = \"erw\", route = \"iv_bolus\", mg = 1, at_h = 3 }";
    // (time, plasma concentration), whether oral fractions were reported, and the warnings.
    let run = |doses: &str, name: &str| {
        let r = run_path(
            &ws.write(name, &one_arm(doses, 300.0)),
            &RunOptions::default(),
        );
        let c = &r.arms[0].compounds[0];
        let profile: Vec<(f64, f64)> = c.profile.iter().map(|x| (x.0, x.1)).collect();
        (profile, c.fractions.is_some(), r.summary.warnings.clone())
    };
    let (both, both_fractions, warnings) = run(&format!("{tablet}, {iv}"), "both.toml");
    let (alone, alone_fractions, _) = run(tablet, "tablet.toml");
    let (iv_alone, ..) = run(iv, "iv.toml");
    // Linear interpolation (the runs' output grids differ by their dose times).
    let at = |p: &[(f64, f64)], t: f64| {
        let i = p.iter().rposition(|x| x.0 <= t).unwrap();
        let ((t0, c0), (t1, c1)) = (p[i], p[i + 1]);
        c0 + (c1 - c0) * (t - t0) / (t1 - t0)
    };
    let mut worst: f64 = 0.0;
    for t in [4.0, 6.0, 10.0, 20.0, 40.0] {
        let sum = at(&alone, t) + at(&iv_alone, t);
        worst = worst.max((at(&both, t) / sum - 1.0).abs());
    }
    println!("tablet + IV against the sum of each alone: worst relative difference {worst:.2e}");
    assert!(worst < 1e-3);
    assert!(alone_fractions && !both_fractions);
    assert!(warnings
        .iter()
        .any(|w| w.contains("both orally and intravenously")));
}

/// Micronised particles of a soluble drug dissolve at once and are absorbed like a
/// solution (the solver used to stall on them: the dissolution Jacobian, clamped at zero
/// solid, disagreed with the rate).
#[test]
fn fast_dissolving_particles_behave_like_a_solution() {
    let ws = Workspace::new();
    let particles = "[[formulation]]\nkind = \"particles\"\nname = \"p\"\nradius_um = 1\ndiffusion_cm2_per_s = 5e-6\nsource = \"test compound\"\n";
    let drug = linear_drug("micro", particles).replace(
        "[absorption]\n",
        "[absorption]\nsolubility_mg_per_ml = { value = 10, source = \"test compound\" }\n",
    );
    ws.write("compounds/micro.toml", &drug);
    let dose = "{ compound = \"micro\", route = \"oral\", mg = 100, at_h = 0 }";
    let r = run_path(
        &ws.write("s.toml", &one_arm(dose, 200.0)),
        &RunOptions::default(),
    );
    let f = r.arms[0].compounds[0].fractions.unwrap();
    println!(
        "fa {:.5}, mass balance {:.1e}",
        f.fa, r.summary.mass_balance_max_rel_error
    );
    assert!(f.fa > 0.99);
    assert!(r.summary.mass_balance_max_rel_error < 1e-6);
}

/// Two spellings of one compound (its name and its file's path) are one compound: giving
/// it as two different oral products in one arm is refused as for one spelling (the check
/// compared the spellings, and the second product was silently released as the first).
#[test]
fn two_spellings_of_one_compound_are_one_compound() {
    let ws = Workspace::new();
    let products = "[[formulation]]\nkind = \"solution\"\nname = \"drink\"\nsource = \"test compound\"\n[[formulation]]\nkind = \"weibull\"\nname = \"er\"\nlag_h = 1\ntd_h = 8\nbeta = 1.5\nsource = \"test compound\"\n";
    let path = ws.write("compounds/two.toml", &linear_drug("two", products));
    let doses = format!(
        "{{ compound = \"two\", route = \"oral\", mg = 10, at_h = 0, formulation = \"er\" }}, {{ compound = \"{}\", route = \"oral\", mg = 10, at_h = 24, formulation = \"drink\" }}",
        path.display()
    );
    let s = ws.write("s.toml", &one_arm(&doses, 48.0));
    let (sc, lib, label) = pbpk::data::library::Library::scenario(s.to_str().unwrap()).unwrap();
    let err = pbpk::run::prepare(&sc, &lib, &label)
        .err()
        .expect("refused")
        .to_string();
    println!("{err}");
    assert!(
        err.contains("one oral product per compound and arm"),
        "{err}"
    );
}

/// Weibull doses closer than the product's 95 % release time (lag 1 h + 8 h x ln(20)^(1/1.5)
/// = 18.7 h) restart the release of the previous dose's rest: said in a warning.
#[test]
fn overlapping_weibull_doses_are_warned_about() {
    let ws = Workspace::new();
    let er = "[[formulation]]\nkind = \"weibull\"\nname = \"er\"\nlag_h = 1\ntd_h = 8\nbeta = 1.5\nsource = \"test compound\"\n";
    ws.write("compounds/erw.toml", &linear_drug("erw", er));
    let warned = |every: f64, name: &str| {
        let dose = format!(
            "{{ compound = \"erw\", route = \"oral\", mg = 10, at_h = 0, every_h = {every}, times = 3 }}"
        );
        let r = run_path(
            &ws.write(name, &one_arm(&dose, 96.0)),
            &RunOptions::default(),
        );
        r.summary
            .warnings
            .iter()
            .any(|w| w.contains("restarts the release"))
    };
    assert!(warned(12.0, "q12.toml"));
    assert!(!warned(24.0, "q24.toml"));
}

/// Particle inputs in the wrong unit (a diffusion coefficient in m2/s, a density in kg/m3)
/// are errors naming the field, not runs that dissolve nothing or everything.
#[test]
fn particle_inputs_in_the_wrong_unit_are_rejected() {
    for (line, field) in [
        ("diffusion_cm2_per_s = 5e-10", "diffusion_cm2_per_s"),
        ("density_g_per_ml = 1200", "density_g_per_ml"),
    ] {
        let particles = format!(
            "[[formulation]]\nkind = \"particles\"\nname = \"p\"\nradius_um = 10\n{line}\n{}source = \"test compound\"\n",
            if field == "density_g_per_ml" { "diffusion_cm2_per_s = 5e-6\n" } else { "" }
        );
        let text = linear_drug("slip", &particles).replace(
            "[absorption]\n",
            "[absorption]\nsolubility_mg_per_ml = { value = 1, source = \"test compound\" }\n",
        );
        let err = pbpk::data::compound::Compound::parse("slip.toml", &text)
            .expect_err("refused")
            .to_string();
        println!("{err}");
        assert!(
            err.contains(field) && err.contains("must be between"),
            "{err}"
        );
    }
}

/// A run that ends while an oral dose is still in the gut reports fa and F as what was
/// absorbed by then, and says so (a zero-order pump delivering over 16 h after a 2 h lag,
/// with end_h at 4 h, left 89 % in the lumen silently).
#[test]
fn absorption_cut_off_by_end_h_is_said() {
    let ws = Workspace::new();
    let pump = "[[formulation]]\nkind = \"zero_order\"\nname = \"pump\"\nlag_h = 2\nduration_h = 16\nsource = \"test compound\"\n";
    ws.write("compounds/pump.toml", &linear_drug("pump", pump));
    let dose = "{ compound = \"pump\", route = \"oral\", mg = 10, at_h = 0 }";
    let run = |end: f64, name: &str| {
        let r = run_path(&ws.write(name, &one_arm(dose, end)), &RunOptions::default());
        let left = r.arms[0].compounds[0].fractions.unwrap().in_lumen_at_end;
        let said = r
            .summary
            .warnings
            .iter()
            .any(|w| w.contains("still in the gut lumen"));
        (left, said)
    };
    let (left, said) = run(4.0, "short.toml");
    println!("in the lumen at 4 h: {left:.3}");
    assert!(left > 0.8 && said);
    let (left, said) = run(96.0, "long.toml");
    assert!(left < 0.01 && !said);
}
