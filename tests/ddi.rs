//! Interaction checks with closed-form answers:
//! - a victim not cleared by the inhibited enzyme (fm = 0) keeps its AUC (ratio 1);
//! - an IV victim cleared only by hepatic CYP3A4, under a constant competitive inhibitor,
//!   has AUC ratio CL_H(CLint) / CL_H(CLint / (1 + I_u/Ki)) (well-stirred liver, which for
//!   a low-extraction drug is 1 + I_u/Ki);
//! - after an inactivator is gone the enzyme returns to baseline with half-life ln2/kdeg,
//!   in the liver and in the gut wall (which an IV inactivator reaches by the villous blood);
//! - at steady state an inactivator alone removes enzyme at kinact x / (1 + x) (x = I_u/KI,
//!   its own reversible Ki not counted again), and a substrate at its Km protects the
//!   enzyme: the loss rate kinact x / (1 + x + s) (s = S_u/Km) falls by (1 + x + s)/(1 + x).
mod common;
use common::*;
use pbpk::run::RunOptions;

/// A neutral test drug: `elimination` is the TOML of its pathways.
fn drug(name: &str, elimination: &str, extra: &str) -> String {
    format!(
        r#"
name = "{name}"
molecular_weight_g_per_mol = {{ value = 350.0, source = "test compound" }}
log_p = {{ value = 1.0, source = "test compound" }}
fu_plasma = {{ value = 0.5, source = "test compound" }}
blood_plasma_ratio = {{ value = 1.0, source = "test compound" }}
{elimination}
{extra}
"#
    )
}

const CYP3A4_VICTIM: &str = r#"
[[elimination]]
type = "hepatic_enzyme"
enzyme = "CYP3A4"
clint_ul_per_min_per_pmol = 0.02
in_gut = false
source = "test compound"
"#;

const CYP2C9_VICTIM: &str = r#"
[[elimination]]
type = "hepatic_enzyme"
enzyme = "CYP2C9"
clint_ul_per_min_per_pmol = 0.05
source = "test compound"
"#;

/// Cleared by the kidney only (t1/2 well under an hour), so its concentration follows the
/// dosing closely and it never meets the enzyme it acts on as a substrate.
const RENAL: &str = r#"
[[elimination]]
type = "renal"
gfr_fraction = 1.0
secretion_l_per_h = 40.0
source = "test compound"
"#;

/// Mechanism-based inactivation of CYP3A4 (KI 0.1 uM, kinact 20 /h).
macro_rules! mbi {
    () => {
        r#"
[[interaction]]
type = "mechanism_based"
enzyme = "CYP3A4"
ki_umol_per_l = 0.1
kinact_per_h = 20.0
source = "test compound"
"#
    };
}
const MBI: &str = mbi!();

/// The same inactivator with a reversible Ki (0.05 uM) as well, as ritonavir has.
const MBI_AND_KI: &str = concat!(
    mbi!(),
    r#"
[[interaction]]
type = "competitive"
enzyme = "CYP3A4"
ki_umol_per_l = 0.05
source = "test compound"
"#
);

fn scenario(perpetrator_dose: &str, victim: &str, victim_dose: &str, end_h: f64) -> String {
    format!(
        r#"
name = "interaction check"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "control"
dose = [ {{ compound = "{victim}", {victim_dose} }} ]
[[arm]]
name = "inhibited"
dose = [ {perpetrator_dose}, {{ compound = "{victim}", {victim_dose} }} ]
[simulation]
end_h = {end_h}
rtol = 1e-9
output_step_h = 0.02
[[compare]]
compound = "{victim}"
test = "inhibited"
reference = "control"
adjust_dose = false
"#
    )
}

#[test]
fn victim_with_fm_zero_is_unaffected() {
    let ws = Workspace::new();
    ws.write(
        "compounds/inhibitor.toml",
        &drug("inhibitor", RENAL, MBI_AND_KI),
    );
    ws.write("compounds/victim.toml", &drug("victim", CYP2C9_VICTIM, ""));
    let path = ws.write(
        "s.toml",
        &scenario(
            r#"{ compound = "inhibitor", route = "iv_infusion", mg = 200, at_h = 0, duration_h = 30 }"#,
            "victim",
            r#"route = "iv_bolus", mg = 5, at_h = 10"#,
            60.0,
        ),
    );
    let r = run_path(&path, &RunOptions::default());
    let cmp = &r.summary.comparisons[0];
    let ratio = cmp.auc_ratio.unwrap().median;
    let liver = &r.arms[1].recovery[0];
    println!(
        "AUC ratio {ratio:.9}; lowest hepatic CYP3A4 fraction {:.4}",
        liver.min_fraction
    );
    assert!(
        liver.min_fraction < 0.5,
        "the inactivator must actually act"
    );
    assert!((ratio - 1.0).abs() < 1e-6, "AUC ratio {ratio}");
}

#[test]
fn constant_competitive_inhibition_of_an_iv_victim_matches_the_closed_form() {
    let ws = Workspace::new();
    let ki_umol = 0.5;
    let inh = format!(
        r#"
[[interaction]]
type = "competitive"
enzyme = "CYP3A4"
ki_umol_per_l = {ki_umol}
source = "test compound"
"#
    );
    ws.write("compounds/inhibitor.toml", &drug("inhibitor", RENAL, &inh));
    ws.write("compounds/victim.toml", &drug("victim", CYP3A4_VICTIM, ""));
    // Infusion from 0 to 1000 h: steady state long before the victim at 50 h and throughout
    // its 950 h of sampling (many half-lives, so AUC extrapolation is negligible).
    let path = ws.write(
        "s.toml",
        &scenario(
            r#"{ compound = "inhibitor", route = "iv_infusion", mg = 20000, at_h = 0, duration_h = 1000 }"#,
            "victim",
            r#"route = "iv_bolus", mg = 5, at_h = 50"#,
            999.0,
        ),
    );
    let r = run_path(&path, &RunOptions::default());
    let arm = &r.arms[1];
    let inh_run = arm
        .compounds
        .iter()
        .find(|c| c.compound == "inhibitor")
        .unwrap();
    let c_inh: Vec<f64> = inh_run
        .profile
        .iter()
        .filter(|(t, _, _)| *t >= 50.0)
        .map(|(_, c, _)| *c)
        .collect();
    let (lo, hi) = c_inh
        .iter()
        .fold((f64::INFINITY, 0.0_f64), |(a, b), &c| (a.min(c), b.max(c)));
    assert!((hi - lo) / hi < 1e-6, "inhibitor not constant: {lo}..{hi}");
    let i_u_umol = 0.5 * hi * 1000.0 / 350.0;
    // Well-stirred hepatic clearance of the victim (plasma = blood here, B:P 1).
    let phys = pbpk::data::library::Library::beside(&path)
        .physiology("adult_male_european", "test", "physiology")
        .unwrap();
    let q = phys.organ("liver").blood_flow_l_per_h.unwrap() + phys.portal_flow_l_per_h();
    let clint = 0.02 * 60e-6 * phys.hepatic_enzyme_pmol("CYP3A4").unwrap();
    let cl_h = |ci: f64| q * 0.5 * ci / (q + 0.5 * ci);
    let expected = cl_h(clint) / cl_h(clint / (1.0 + i_u_umol / ki_umol));
    let ratio = r.summary.comparisons[0].auc_ratio.unwrap().median;
    for a in &r.arms {
        let v = a.compounds.iter().find(|c| c.compound == "victim").unwrap();
        println!(
            "{}: AUC {:.6} AUCinf {:?} t1/2 {:?} c_last {:e}",
            a.name, v.nca.auc, v.nca.auc_inf, v.nca.t_half, v.nca.c_last
        );
    }
    println!(
        "I_u = {i_u_umol:.4} uM, Ki = {ki_umol} uM: 1 + I/Ki = {:.5}; well-stirred expectation {expected:.5}; simulated {ratio:.5}",
        1.0 + i_u_umol / ki_umol
    );
    assert!(
        (ratio / expected - 1.0).abs() < 1e-3,
        "ratio {ratio} vs {expected}"
    );
    // The hepatic CYP3A4 activity left for a linear substrate is 1 / (1 + [I]u/Ki) while
    // its amount stays at baseline (reversible inhibition destroys nothing).
    let at = |series: &[(String, Vec<(f64, f64)>)]| {
        let (_, v) = series.iter().find(|(l, _)| l == "CYP3A4_liver").unwrap();
        v.iter().find(|(t, _)| *t >= 100.0).unwrap().1
    };
    let activity = at(&arm.enzyme_activity);
    println!(
        "hepatic CYP3A4 activity {activity:.6} (1 / (1 + I/Ki) = {:.6}), amount {:.6}",
        1.0 / (1.0 + i_u_umol / ki_umol),
        at(&arm.enzymes)
    );
    assert!((activity * (1.0 + i_u_umol / ki_umol) - 1.0).abs() < 1e-3);
    assert!((at(&arm.enzymes) - 1.0).abs() < 1e-9);
}

/// A renally cleared perpetrator (`interaction` TOML) given as `dose`, beside an IV victim
/// cleared by CYP2C9 only (so the perpetrator's CYP3A4 is followed undisturbed).
fn perpetrator_with_cyp2c9_victim(
    name: &str,
    interaction: &str,
    dose: &str,
    end_h: f64,
) -> pbpk::run::RunResult {
    let ws = Workspace::new();
    ws.write(
        &format!("compounds/{name}.toml"),
        &drug(name, RENAL, interaction),
    );
    ws.write("compounds/victim.toml", &drug("victim", CYP2C9_VICTIM, ""));
    let path = ws.write(
        "s.toml",
        &scenario(
            dose,
            "victim",
            r#"route = "iv_bolus", mg = 1, at_h = 0"#,
            end_h,
        ),
    );
    run_path(&path, &RunOptions::default())
}

#[test]
fn enzyme_recovers_with_the_turnover_half_life() {
    let r = perpetrator_with_cyp2c9_victim(
        "inhibitor",
        MBI,
        r#"{ compound = "inhibitor", route = "iv_bolus", mg = 100, at_h = 0 }"#,
        200.0,
    );
    // The inactivator is given IV: the gut wall meets it through the villous blood only,
    // and loses enzyme too. Each site recovers with its own kdeg (physiology file).
    for (site, kdeg) in [("CYP3A4_liver", 0.0193), ("CYP3A4_gut", 0.0301)] {
        let (_, series) = r.arms[1]
            .enzymes
            .iter()
            .find(|(l, _)| l == site)
            .unwrap_or_else(|| panic!("no {site} series"));
        let at = |t: f64| {
            series
                .iter()
                .find(|(s, _)| (*s - t).abs() < 1e-9)
                .unwrap()
                .1
        };
        let (t0, t1) = (48.0, 150.0);
        let (d0, d1) = (1.0 - at(t0), 1.0 - at(t1));
        let expected = (-kdeg * (t1 - t0)).exp();
        println!(
            "{site}: enzyme loss {d0:.4} at {t0} h, {d1:.5} at {t1} h: ratio {:.6} vs exp(-kdeg dt) {expected:.6}",
            d1 / d0
        );
        assert!(
            d0 > 0.05,
            "{site}: the inactivator must have removed enzyme"
        );
        assert!((d1 / d0 / expected - 1.0).abs() < 1e-3, "{site}");
    }
}

#[test]
fn inactivation_follows_ki_and_kinact_and_a_substrate_protects() {
    let ws = Workspace::new();
    // The inactivator also has a reversible Ki: its binding is already in KI (measured with
    // it alone), so the Ki must not slow its own inactivation a second time.
    ws.write(
        "compounds/inhibitor.toml",
        &drug("inhibitor", RENAL, MBI_AND_KI),
    );
    // A renally cleared substrate with Km 0.1 uM and a negligible CYP3A4 Vmax: its
    // concentration stays put while it occupies the active site.
    let km_umol = 0.1;
    let substrate = format!(
        r#"{RENAL}
[[elimination]]
type = "hepatic_enzyme"
enzyme = "CYP3A4"
vmax_pmol_per_min_per_pmol = 1e-6
km_umol_per_l = {km_umol}
in_gut = false
source = "test compound"
"#
    );
    ws.write(
        "compounds/substrate.toml",
        &drug("substrate", &substrate, ""),
    );
    // Constant infusions from 0 to 1000 h: steady state (the enzyme settles with rate
    // constant kdeg + loss, > 0.02 /h) long before the end.
    let inf = |c: &str, mg: f64| {
        format!(
            r#"{{ compound = "{c}", route = "iv_infusion", mg = {mg}, at_h = 0, duration_h = 1000 }}"#
        )
    };
    let path = ws.write(
        "s.toml",
        &format!(
            r#"
name = "substrate protection"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "inactivator"
dose = [ {a} ]
[[arm]]
name = "inactivator and substrate"
dose = [ {a}, {b} ]
[simulation]
end_h = 999
rtol = 1e-9
output_step_h = 1.0
"#,
            a = inf("inhibitor", 2000.0),
            b = inf("substrate", 2000.0),
        ),
    );
    let r = run_path(&path, &RunOptions::default());
    let last = |arm: usize, c: &str| {
        let p = &r.arms[arm]
            .compounds
            .iter()
            .find(|x| x.compound == c)
            .unwrap()
            .profile;
        p[p.len() - 1].1
    };
    // Unbound (fu 0.5) plasma concentrations in umol/L (MW 350).
    let x = 0.5 * last(1, "inhibitor") * 1000.0 / 350.0 / 0.1;
    let s = 0.5 * last(1, "substrate") * 1000.0 / 350.0 / km_umol;
    let e = |arm: usize| {
        let (_, series) = r.arms[arm]
            .enzymes
            .iter()
            .find(|(l, _)| l == "CYP3A4_liver")
            .unwrap();
        series[series.len() - 1].1
    };
    let kdeg = 0.0193;
    let loss = |arm: usize| kdeg * (1.0 / e(arm) - 1.0);
    let observed = loss(0) / loss(1);
    let expected = (1.0 + x + s) / (1.0 + x);
    let alone = 20.0 * x / (1.0 + x);
    println!(
        "x = I/KI {x:.4}, s = S/Km {s:.4}; liver CYP3A4 {:.5} alone, {:.5} with substrate; loss rate alone {:.5} /h vs kinact x/(1 + x) {alone:.5}; loss-rate ratio {observed:.5} vs (1 + x + s)/(1 + x) {expected:.5}",
        e(0),
        e(1),
        loss(0)
    );
    assert!(s > 0.5 && x > 0.5, "both ligands must matter: x {x}, s {s}");
    assert!(
        (loss(0) / alone - 1.0).abs() < 2e-3,
        "loss rate {} vs {alone}",
        loss(0)
    );
    assert!(
        (observed / expected - 1.0).abs() < 2e-3,
        "ratio {observed} vs {expected}"
    );
}

/// An inducer, once gone, leaves the induced enzyme to decay back with kdeg: the excess
/// E/E0 - 1 halves every ln2/kdeg, and the reported recovery (back within 20 % and 5 % of
/// baseline) is the time that decay takes from the peak, not "at once" (the enzyme is never
/// below 80 % of baseline).
#[test]
fn induced_enzyme_returns_with_the_turnover_half_life() {
    let inducer = r#"
[[interaction]]
type = "induction"
enzyme = "CYP3A4"
emax = 4.0
ec50_umol_per_l = 1.0
source = "test compound"
"#;
    let r = perpetrator_with_cyp2c9_victim(
        "inducer",
        inducer,
        r#"{ compound = "inducer", route = "iv_infusion", mg = 2000, at_h = 0, duration_h = 96 }"#,
        400.0,
    );
    let kdeg = 0.0193;
    let liver = r.arms[1]
        .recovery
        .iter()
        .find(|e| e.enzyme == "CYP3A4_liver")
        .unwrap();
    let (_, series) = r.arms[1]
        .enzymes
        .iter()
        .find(|(l, _)| l == "CYP3A4_liver")
        .unwrap();
    let (t_peak, peak) = series
        .iter()
        .filter(|(t, _)| *t >= 96.0)
        .fold((0.0, 0.0), |a, &(t, f)| if f > a.1 { (t, f) } else { a });
    // After the peak the excess decays as exp(-kdeg t) (the inducer is gone within hours);
    // days are counted from the last perpetrator dose (the infusion's start).
    let last = liver.last_perpetrator_dose_h;
    let expected = |level: f64| (t_peak + ((peak - 1.0) / (1.0 - level)).ln() / kdeg - last) / 24.0;
    println!(
        "peak {peak:.3} at {t_peak} h; within 20 % after {:?} d (expected {:.2}), within 5 % after {:?} d (expected {:.2})",
        liver.days_to_80_percent,
        expected(0.8),
        liver.days_to_95_percent,
        expected(0.95)
    );
    assert!(peak > 2.0, "the inducer must act");
    assert!((liver.max_fraction - peak).abs() < 1e-9);
    for (got, level) in [
        (liver.days_to_80_percent, 0.8),
        (liver.days_to_95_percent, 0.95),
    ] {
        let got = got.expect("back within the simulation");
        assert!(
            (got - expected(level)).abs() < 0.1,
            "{got} vs {}",
            expected(level)
        );
    }
}

/// The FDA static model by hand: a victim cleared by CYP3A4 and CYP2C9 (and the kidney),
/// an IV perpetrator (1 h infusion) inhibiting both competitively. The static AUC ratio must
/// be 1 / (sum_i fm_i / (1 + [I]u/Ki_i) + 1 - sum_i fm_i) with [I]u = fu Cmax (no absorption
/// term for an IV perpetrator; Fg 1 for an IV victim), both enzymes counted; a perpetrator
/// whose last dose is days before the victim's is not counted (no static ratio).
#[test]
fn static_model_combines_enzymes_and_skips_absent_perpetrators() {
    let ws = Workspace::new();
    let inh = r#"
[[interaction]]
type = "competitive"
enzyme = "CYP3A4"
ki_umol_per_l = 0.5
source = "test compound"

[[interaction]]
type = "competitive"
enzyme = "CYP2C9"
ki_umol_per_l = 2.0
source = "test compound"
"#;
    ws.write("compounds/inhibitor.toml", &drug("inhibitor", RENAL, inh));
    let filtration =
        "[[elimination]]\ntype = \"renal\"\ngfr_fraction = 1.0\nsource = \"test compound\"\n";
    let both = format!("{CYP3A4_VICTIM}\n{CYP2C9_VICTIM}\n{filtration}");
    ws.write("compounds/victim.toml", &drug("victim", &both, ""));
    let text = scenario(
        r#"{ compound = "inhibitor", route = "iv_infusion", mg = 5, duration_h = 1, at_h = 0 }"#,
        "victim",
        r#"route = "iv_bolus", mg = 5, at_h = 0"#,
        48.0,
    )
    .replace(
        "[simulation]",
        r#"[[arm]]
name = "washout"
dose = [ { compound = "inhibitor", route = "iv_infusion", mg = 5, duration_h = 1, at_h = 0 }, { compound = "victim", route = "iv_bolus", mg = 5, at_h = 72 } ]
[simulation]"#,
    )
    .replace("end_h = 48", "end_h = 120")
        + r#"
[[compare]]
compound = "victim"
test = "washout"
reference = "control"
adjust_dose = false
"#;
    let path = ws.write("s.toml", &text);
    let r = run_path(&path, &RunOptions::default());
    let victim = r.arms[0]
        .compounds
        .iter()
        .find(|c| c.compound == "victim")
        .unwrap();
    let fm = |e: &str| victim.fm.iter().find(|(x, _)| x == e).unwrap().1;
    let cmax = r.arms[1]
        .compounds
        .iter()
        .find(|c| c.compound == "inhibitor")
        .unwrap()
        .nca
        .cmax;
    let i_u = 0.5 * cmax * 1000.0 / 350.0;
    let (f3, f2) = (fm("CYP3A4"), fm("CYP2C9"));
    let expected = 1.0 / (f3 / (1.0 + i_u / 0.5) + f2 / (1.0 + i_u / 2.0) + 1.0 - f3 - f2);
    let s = r.summary.comparisons[0].static_model.as_ref().unwrap();
    println!(
        "fm CYP3A4 {f3:.4}, CYP2C9 {f2:.4}; [I]u {i_u:.4} uM; static {} (expected {expected})",
        s.auc_ratio
    );
    assert!(f3 > 0.2 && f2 > 0.2, "both enzymes matter");
    assert!((s.auc_ratio / expected - 1.0).abs() < 1e-9);
    assert_eq!(s.enzyme.split('+').count(), 2);
    // summary.json lists every enzyme's terms and the perpetrator's inlet concentration, so
    // the ratio can be recomputed from the file alone.
    let [p] = &s.perpetrators[..] else {
        panic!("one perpetrator")
    };
    assert_eq!(p.compound, "inhibitor");
    assert!((p.i_h_umol_per_l / i_u - 1.0).abs() < 1e-9);
    assert_eq!(s.liver_terms.len(), 2);
    let from_terms = 1.0
        / (s.liver_terms
            .iter()
            .map(|t| t.fm * t.a * t.b * t.c)
            .sum::<f64>()
            + 1.0
            - s.liver_terms.iter().map(|t| t.fm).sum::<f64>());
    let a_2c9 = s
        .liver_terms
        .iter()
        .find(|t| t.enzyme == "CYP2C9")
        .unwrap()
        .a;
    assert!((a_2c9 - 1.0 / (1.0 + i_u / 2.0)).abs() < 1e-12);
    assert!((from_terms / s.auc_ratio - 1.0).abs() < 1e-12);
    assert!(
        r.summary.comparisons[1].static_model.is_none(),
        "a perpetrator dosed 72 h before the victim is not present in the static model"
    );
}

/// The victim's own metabolites are not its perpetrators in the static model: itraconazole
/// (whose hydroxy-, keto- and N-desalkyl metabolites inhibit CYP3A4) with a compound that
/// acts on nothing has no static ratio (it had 2.28 from its own metabolites).
#[test]
fn static_model_does_not_count_the_victims_metabolites() {
    let ws = Workspace::new();
    let text = r#"
name = "itraconazole as a victim"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "alone"
dose = [ { compound = "itraconazole", route = "oral", mg = 200, at_h = 0 } ]
[[arm]]
name = "with midazolam"
dose = [ { compound = "midazolam", route = "oral", mg = 1, at_h = 0 }, { compound = "itraconazole", route = "oral", mg = 200, at_h = 0 } ]
[simulation]
end_h = 48
[[compare]]
compound = "itraconazole"
test = "with midazolam"
reference = "alone"
adjust_dose = false
"#;
    let path = ws.write("s.toml", text);
    let r = run_path(&path, &RunOptions::default());
    let c = &r.summary.comparisons[0];
    println!(
        "AUC ratio {:?}, static {:?}",
        c.auc_ratio.map(|s| s.median),
        c.static_model.as_ref().map(|s| s.auc_ratio)
    );
    assert!(c.static_model.is_none());
}

/// The static model's gut term is the guidance's for CYP3A substrates: an oral inhibitor of
/// CYP2C9 alone leaves the gut factors of a CYP3A4 + CYP2C9 substrate at 1 (it gave the whole
/// gut loss, which is CYP3A4's, the CYP2C9 inhibitor's A term), while the liver term counts
/// CYP2C9.
#[test]
fn static_gut_term_is_for_cyp3a4_only() {
    let ws = Workspace::new();
    let mdz = std::fs::read_to_string(repo().join("compounds/midazolam.toml")).unwrap();
    let victim = mdz.replacen("name = \"midazolam\"", "name = \"victim2c9\"", 1)
        + r#"
[[elimination]]
type = "hepatic_enzyme"
enzyme = "CYP2C9"
clint_ul_per_min_per_pmol = 1.0
source = "test pathway"
"#;
    ws.write("compounds/victim2c9.toml", &victim);
    let keto = std::fs::read_to_string(repo().join("compounds/ketoconazole.toml")).unwrap();
    let inh = keto
        .replacen("name = \"ketoconazole\"", "name = \"inh2c9\"", 1)
        .replacen(
            "type = \"competitive\"\nenzyme = \"CYP3A4\"",
            "type = \"competitive\"\nenzyme = \"CYP2C9\"",
            1,
        );
    assert!(
        inh.contains("enzyme = \"CYP2C9\""),
        "ketoconazole's interaction moved"
    );
    ws.write("compounds/inh2c9.toml", &inh);
    let text = scenario(
        r#"{ compound = "inh2c9", route = "oral", mg = 400, at_h = 0 }"#,
        "victim2c9",
        r#"route = "oral", mg = 7.5, at_h = 1"#,
        48.0,
    );
    let path = ws.write("s.toml", &text);
    let r = run_path(&path, &RunOptions::default());
    let s = r.summary.comparisons[0].static_model.as_ref().unwrap();
    println!(
        "enzymes {} fm {:.3}; gut A {} B {} C {}; liver A {:.4}; AUCR {:.3}",
        s.enzyme, s.fm, s.a_gut, s.b_gut, s.c_gut, s.a_liver, s.auc_ratio
    );
    assert_eq!(s.enzyme, "CYP2C9");
    assert_eq!((s.a_gut, s.b_gut, s.c_gut), (1.0, 1.0, 1.0));
    assert!(s.a_liver < 1.0 && s.auc_ratio > 1.0);
}

/// An adjusted victim dose outside 0.1-10 x its dose is said in a warning, and the victim's
/// Cmax at that dose is reported: for a linear victim given as an IV bolus, Cmax is
/// proportional to the dose, so it is factor x Cmax(test) / Cmax(reference).
#[test]
fn an_extreme_adjusted_dose_is_warned_about_with_its_cmax() {
    let ws = Workspace::new();
    let inh = "[[interaction]]\ntype = \"competitive\"\nenzyme = \"CYP3A4\"\nki_umol_per_l = 0.02\nsource = \"test compound\"\n";
    ws.write("compounds/inhibitor.toml", &drug("inhibitor", RENAL, inh));
    ws.write("compounds/victim.toml", &drug("victim", CYP3A4_VICTIM, ""));
    let text = scenario(
        r#"{ compound = "inhibitor", route = "iv_infusion", mg = 20000, at_h = 0, duration_h = 1000 }"#,
        "victim",
        r#"route = "iv_bolus", mg = 5, at_h = 50"#,
        999.0,
    )
    .replace("adjust_dose = false", "adjust_dose = true");
    let r = run_path(&ws.write("s.toml", &text), &RunOptions::default());
    let c = &r.summary.comparisons[0];
    let (a, cmax_ratio) = (
        c.adjusted_dose.as_ref().unwrap(),
        c.adjusted_dose_cmax_ratio.unwrap(),
    );
    let cmax = |arm: usize| {
        r.arms[arm]
            .compounds
            .iter()
            .find(|x| x.compound == "victim")
            .unwrap()
            .nca
            .cmax
    };
    let expected = a.factor * cmax(1) / cmax(0);
    println!(
        "AUC ratio {:.3}, dose factor {:.5}; Cmax ratio at that dose {cmax_ratio:.5} (linear: {expected:.5}); warnings {:?}",
        c.auc_ratio.unwrap().median,
        a.factor,
        r.summary.warnings
    );
    assert!(a.converged && a.factor < 0.1);
    assert!((cmax_ratio / expected - 1.0).abs() < 1e-3);
    assert!(r
        .summary
        .warnings
        .iter()
        .any(|w| w.contains("victim") && w.contains("outside 0.1-10")));
}

/// A single-dose AUC ratio over a window too short for a terminal phase is a ratio of
/// truncated AUCs: said in a warning (a repeated-dose AUC_tau ratio is not).
#[test]
fn a_ratio_of_truncated_single_dose_aucs_is_warned_about() {
    let ws = Workspace::new();
    let text = |end: f64| {
        format!(
            r#"
name = "short window"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "control"
dose = [ {{ compound = "midazolam", route = "oral", mg = 7.5, at_h = 0 }} ]
[[arm]]
name = "keto"
dose = [
  {{ compound = "ketoconazole", route = "oral", mg = 400, at_h = 0 }},
  {{ compound = "midazolam", route = "oral", mg = 7.5, at_h = 0 }},
]
[simulation]
end_h = {end}
[[compare]]
compound = "midazolam"
test = "keto"
reference = "control"
adjust_dose = false
"#
        )
    };
    let warned = |end: f64| {
        let r = run_path(
            &ws.write(&format!("s{end}.toml"), &text(end)),
            &RunOptions::default(),
        );
        r.summary
            .warnings
            .iter()
            .any(|w| w.contains("truncated AUCs"))
    };
    assert!(warned(0.5), "half an hour after the dose, before the peak");
    assert!(!warned(48.0), "48 h: AUC_inf");
}
