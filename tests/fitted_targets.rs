//! Fitted inputs still reproduce what they were fitted to.
//!
//! Some compound files derive a clearance input from an in vivo clearance (a retrograde
//! CYP3A4 CLint, or a `hepatic_fitted` term). That derivation assumes a model structure; when
//! the structure changes (session 8 made every compound's cells permeability-limited) a fitted
//! value can silently stop doing what its source says. Each entry here runs the shipped
//! compound as its fit did (a small IV dose in the linear range, or the oral dose the fit
//! used) and checks the model's clearance (dose / AUC_inf: CL, or CL/F for an oral fit)
//! against the target the file names. A known departure is
//! listed with its reason, and the test fails if it disappears, as for the clinical misses.

mod common;
use common::*;

/// (compound, dose line, target dose / AUC_inf in L/h, where the file derives it from, known
/// departure).
const IV: &str = "route = \"iv_infusion\", mg = 1.0, duration_h = 0.5";
const TARGETS: [(&str, &str, f64, &str, Option<&str>); 6] = [
    (
        "nifedipine",
        IV,
        26.7,
        "retrograde CYP3A4 CLint from IV CL 26.7 L/h (Kleinbloesem 1984)",
        None,
    ),
    (
        "amlodipine",
        IV,
        30.66,
        "hepatic_fitted from IV CL 7 mL/min/kg x 73 kg (Faulkner 1986) with the renal 10 %",
        None,
    ),
    (
        "felodipine",
        IV,
        48.18,
        "hepatic_fitted from IV CL 11 mL/min/kg x 73 kg (Lombardo 2018, from Edgar 1985)",
        None,
    ),
    (
        "rifampicin",
        IV,
        5.69,
        "hepatic_fitted from the first-dose IV CL 5.69 L/h (Loos 1985) plus renal filtration",
        None,
    ),
    (
        "ketoconazole",
        "route = \"oral\", mg = 400.0",
        8.0,
        "hepatic_fitted from the 400 mg oral AUC 50 mg.h/L (Baxter 1986): CL/F 8.0 L/h",
        None,
    ),
    (
        "clarithromycin",
        IV,
        29.2,
        "retrograde CYP3A4 Vmax from IV CL 29.2 L/h (Rodvold 1999)",
        Some(
            "derived for a perfusion-limited liver; with the PK-Sim Standard cell membranes the \
             liver PA (97 L/h) caps hepatic CL at 22.4 L/h and the model gives about 19 L/h \
             (compounds/clarithromycin.toml, docs/research/mbi_in_vivo.md section 12)",
        ),
    ),
];

fn clearance(ws: &Workspace, compound: &str, dose: &str) -> f64 {
    let scenario = format!(
        r#"
name = "{compound} IV clearance"
[subjects]
physiology = "adult_male_european"
[[arm]]
name = "iv"
dose = [ {{ compound = "{compound}", {dose}, at_h = 0 }} ]
[simulation]
end_h = 1000
"#
    );
    let path = ws.write(&format!("{compound}_fit.toml"), &scenario);
    let r = run_path(&path, &pbpk::run::RunOptions::default());
    let auc = r.summary.arms[0].compounds[0]
        .auc_inf_mg_h_per_l
        .expect("AUC_inf of a single dose")
        .median;
    let mg: f64 = dose
        .split("mg = ")
        .nth(1)
        .and_then(|x| x.split(',').next())
        .and_then(|x| x.trim().parse().ok())
        .expect("a dose in mg");
    mg / auc
}

#[test]
fn fitted_clearances_reproduce_their_targets() {
    let ws = Workspace::new();
    let mut failures = Vec::new();
    for (compound, dose, target, source, known) in TARGETS {
        let cl = clearance(&ws, compound, dose);
        let ratio = cl / target;
        let within = (ratio - 1.0).abs() <= 0.10;
        println!(
            "{compound:<16} dose/AUC {cl:>7.2} L/h, target {target:>6.2} ({ratio:.2}x): {source}"
        );
        match (within, known) {
            (true, None) | (false, Some(_)) => {}
            (false, None) => failures.push(format!(
                "{compound}: dose/AUC {cl:.2} L/h is {ratio:.2}x the {target} L/h its file was fitted to ({source})"
            )),
            (true, Some(_)) => failures.push(format!(
                "{compound}: dose/AUC {cl:.2} L/h now reproduces its target {target}: remove its known departure"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
