//! Local sensitivity analysis: how far each input of a scenario's files moves its outputs.
//!
//! For an input p (any number in a compound file the scenario doses, and the physiology's
//! plasma proteins, hematocrit, GFR and the enzymes those compounds use) and an output Y (an
//! arm's AUC or Cmax of a compound, or an interaction's AUC or Cmax ratio), the normalised
//! sensitivity is the central difference on the log scale
//!   S = d ln Y / d ln p  ~  [ln Y(p f) - ln Y(p / f)] / (2 ln f),   f = 1 + delta,
//! the coefficient PK-Sim's sensitivity analysis reports and the EMA PBPK guideline
//! (EMA/CHMP/458101/2016) asks for on uncertain inputs: S = -1 means 10 % more p gives
//! about 10 % less Y. Inputs on a log10 scale (`log_p`, pKa) move by +/- log10 f, so S is
//! per relative change of P or Ka. Where the file's own validation rejects one side (fu
//! above 1), the one-sided difference is used and the row says so.
//!
//! Each perturbed run is the whole scenario again (`run::prepare` from the changed text,
//! then every arm), so partitioning, clearance scaling and enzyme turnover all follow the
//! change; virtual populations are analysed for their reference individual. For one
//! individual described in the scenario (a patient built from a population, or a child of
//! a pediatric population), the covariates the scenario gives (`[subjects]` age, weight,
//! height, GFR or eGFR, albumin, hematocrit) are inputs too, named `patient:subjects.<field>`:
//! the individual is rebuilt from the changed covariate, so a patient's sensitivity to its
//! own renal function or albumin is reported beside the compound inputs.

use crate::data::library::{Kind, Library, Override};
use crate::data::population::Population;
use crate::data::scenario::Scenario;
use crate::data::toml_path::with_value;
use crate::error::{PbpkError, Result};
use crate::report::summary::Summary;
use crate::run::{prepare, run_arms, RunOptions};
use rayon::prelude::*;

/// How an input is perturbed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Scale {
    /// p x f and p / f.
    Relative,
    /// p +/- log10 f (the number is itself a log10, e.g. log P or a pKa).
    Log10,
}

/// One number in one file.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub kind: Kind,
    /// Compound or physiology name.
    pub owner: String,
    /// Dotted path in the file, e.g. `fu_plasma.value`, `interaction[0].kinact_per_h`.
    pub path: String,
    pub value: f64,
    pub scale: Scale,
}

impl Parameter {
    pub fn label(&self) -> String {
        format!("{}:{}", self.owner, self.path)
    }
}

/// One (input, output) pair.
#[derive(Debug, Clone)]
pub struct Row {
    pub parameter: Parameter,
    pub output: String,
    pub output_value: f64,
    /// `None` when neither side could be run (see `note`).
    pub sensitivity: Option<f64>,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Analysis {
    pub scenario: String,
    pub delta: f64,
    /// Outputs of the unperturbed run, in report order (interaction ratios first).
    pub outputs: Vec<(String, f64)>,
    pub rows: Vec<Row>,
    pub runs: usize,
}

/// The numbers a compound file's keys hold that are not inputs to perturb (identity, and the
/// `[[alternative]]` sets and `[[limitation]]` notes, which no run uses).
const NOT_INPUTS: [&str; 3] = ["molecular_weight_g_per_mol", "alternative", "limitation"];
/// Physiology scalars analysed (organ volumes and flows are left out: they must balance).
const PHYSIOLOGY_INPUTS: [&str; 4] = [
    "hematocrit",
    "gfr_ml_per_min",
    "albumin_g_per_l",
    "agp_g_per_l",
];

/// The owner name of the scenario's own covariates.
const PATIENT: &str = "patient";

/// The covariates of one individual that the scenario's `[subjects]` sets (an age only for
/// a single age), each with its value.
fn patient_covariates(s: &Scenario) -> Vec<(&'static str, f64)> {
    let sub = &s.subjects;
    let age = match sub.age_years {
        Some(crate::data::scenario::Ages::One(a)) => Some(a),
        Some(crate::data::scenario::Ages::Range([a, b])) if a == b => Some(a),
        _ => None,
    };
    [
        ("age_years", age),
        ("weight_kg", sub.weight_kg),
        ("height_cm", sub.height_cm),
        ("gfr_ml_per_min", sub.gfr_ml_per_min),
        ("egfr_ml_per_min_per_1_73m2", sub.egfr_ml_per_min_per_1_73m2),
        ("albumin_g_per_l", sub.albumin_g_per_l),
        ("hematocrit", sub.hematocrit),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|x| *x != 0.0).map(|x| (k, x)))
    .collect()
}

/// The scenario with one `[subjects]` covariate (a name from `patient_covariates`) set.
fn with_covariate(s: &Scenario, field: &str, value: f64) -> Scenario {
    let mut s = s.clone();
    let sub = &mut s.subjects;
    match field {
        "age_years" => sub.age_years = Some(crate::data::scenario::Ages::One(value)),
        "weight_kg" => sub.weight_kg = Some(value),
        "height_cm" => sub.height_cm = Some(value),
        "gfr_ml_per_min" => sub.gfr_ml_per_min = Some(value),
        "egfr_ml_per_min_per_1_73m2" => sub.egfr_ml_per_min_per_1_73m2 = Some(value),
        "albumin_g_per_l" => sub.albumin_g_per_l = Some(value),
        "hematocrit" => sub.hematocrit = Some(value),
        other => unreachable!("{other} is not a patient covariate"),
    }
    s
}

/// Every float in `table` under `prefix`, with its dotted path.
fn floats(v: &toml::Value, path: String, out: &mut Vec<(String, f64)>) {
    match v {
        toml::Value::Float(x) => out.push((path, *x)),
        toml::Value::Table(t) => {
            for (k, x) in t {
                if NOT_INPUTS.contains(&k.as_str()) {
                    continue;
                }
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                floats(x, p, out);
            }
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                floats(x, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn scale_of(path: &str) -> Scale {
    let last = path.rsplit('.').next().unwrap_or(path);
    let log_scale = path.starts_with("log_p")
        || path.starts_with("log_d")
        || path.starts_with("pka[")
        || last.starts_with("log");
    if log_scale {
        Scale::Log10
    } else {
        Scale::Relative
    }
}

/// The inputs of one compound file: every nonzero float except identity fields.
fn compound_inputs(owner: &str, text: &str) -> Vec<Parameter> {
    let Ok(t) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    floats(&toml::Value::Table(t), String::new(), &mut out);
    out.into_iter()
        .filter(|(_, x)| *x != 0.0 && x.is_finite())
        .map(|(path, value)| Parameter {
            kind: Kind::Compound,
            owner: owner.to_string(),
            scale: scale_of(&path),
            path,
            value,
        })
        .collect()
}

/// Enzyme names a compound file uses (`enzyme = "..."` anywhere).
fn enzymes_named(v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                match (k.as_str(), x) {
                    ("enzyme", toml::Value::String(e)) => out.push(e.clone()),
                    _ => enzymes_named(x, out),
                }
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|x| enzymes_named(x, out)),
        _ => {}
    }
}

/// The physiology's inputs: plasma proteins, hematocrit, GFR, MPPGL and the abundance and
/// turnover of every enzyme the compounds name (liver and gut).
fn physiology_inputs(owner: &str, text: &str, enzymes: &[String]) -> Vec<Parameter> {
    let Ok(t) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for k in PHYSIOLOGY_INPUTS {
        if let Some(x) = t.get(k).and_then(toml::Value::as_float) {
            out.push((k.to_string(), x));
        }
    }
    if let Some(e) = t.get("enzymes") {
        let mut all = Vec::new();
        floats(e, "enzymes".into(), &mut all);
        out.extend(all.into_iter().filter(|(p, _)| {
            let parts: Vec<&str> = p.split('.').collect();
            // enzymes.<scalar> or enzymes.<site>.<ENZYME>.<field>
            parts.len() == 2 || (parts.len() == 4 && enzymes.iter().any(|n| n == parts[2]))
        }));
    }
    out.into_iter()
        .filter(|(_, x)| *x != 0.0)
        .map(|(path, value)| Parameter {
            kind: Kind::Physiology,
            owner: owner.to_string(),
            scale: Scale::Relative,
            path,
            value,
        })
        .collect()
}

/// The outputs of a run: interaction ratios, then every arm's AUC and Cmax per compound
/// (AUC to infinity where the window allows it, else over the window).
pub(crate) fn outputs(summary: &Summary) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for c in &summary.comparisons {
        let name = format!("{} {} vs {}", c.compound, c.test, c.reference);
        if let Some(r) = &c.auc_ratio {
            out.push((format!("AUC ratio: {name}"), r.median));
        }
        if let Some(r) = &c.cmax_ratio {
            out.push((format!("Cmax ratio: {name}"), r.median));
        }
    }
    for a in &summary.arms {
        for c in &a.compounds {
            let auc = c
                .auc_inf_mg_h_per_l
                .as_ref()
                .map(|s| ("AUCinf", s.median))
                .or(c.auc_mg_h_per_l.as_ref().map(|s| ("AUC", s.median)));
            if let Some((what, v)) = auc {
                out.push((format!("{what}: {} in {}", c.compound, a.name), v));
            }
            if let Some(s) = &c.cmax_mg_per_l {
                out.push((format!("Cmax: {} in {}", c.compound, a.name), s.median));
            }
        }
    }
    out
}

/// The outputs of one perturbed run, or why it could not run.
type Outcome = Result<Vec<(String, f64)>>;

/// What the analysis needs to rerun a scenario with one input changed.
struct Setup<'a> {
    scenario: &'a Scenario,
    lib: &'a Library,
    label: &'a str,
    opts: RunOptions,
    /// Per owner (kind, name): the names a scenario or parent file resolves it by, and
    /// the original text and where it came from.
    files: Vec<(Kind, String, Vec<String>, String, String)>,
}

impl Setup<'_> {
    /// Outputs with `prm` set to `value`; Err carries the reason (validation or solver).
    fn run_with(&self, prm: &Parameter, value: f64) -> Outcome {
        if prm.kind == Kind::Scenario {
            let field = prm.path.trim_start_matches("subjects.");
            let s = with_covariate(self.scenario, field, value);
            let p = prepare(&s, self.lib, self.label)?;
            return Ok(outputs(&run_arms(&s, &p, &self.opts)?));
        }
        let (_, _, names, text, origin) = self
            .files
            .iter()
            .find(|(k, o, ..)| *k == prm.kind && *o == prm.owner)
            .expect("every parameter comes from a listed file");
        let changed = with_value(text, &prm.path, value).ok_or_else(|| {
            PbpkError::invalid(origin, &prm.path, "could not rewrite the value".to_string())
        })?;
        let mut lib = self.lib.clone();
        lib.overrides = names
            .iter()
            .map(|n| Override {
                kind: prm.kind,
                name: n.clone(),
                label: format!("{origin} (sensitivity: {} = {value:.6e})", prm.path),
                text: changed.clone(),
            })
            .collect();
        let p = prepare(self.scenario, &lib, self.label)?;
        Ok(outputs(&run_arms(self.scenario, &p, &self.opts)?))
    }
}

/// Run the analysis. `filters`: keep only inputs whose `owner:path` contains one of them
/// (all if empty); an error if a filter matches nothing.
pub fn analyse(
    s: &Scenario,
    lib: &Library,
    label: &str,
    delta: f64,
    filters: &[String],
) -> Result<Analysis> {
    if !(delta > 0.0 && delta <= 0.5) {
        return Err(PbpkError::invalid(
            "command line",
            "--delta",
            format!("{delta} is outside (0, 0.5]; give a relative step such as 0.1 (10 %)"),
        ));
    }
    // Tighter tolerances than a normal run: differences of a few per cent must be exact.
    let opts = RunOptions {
        tolerance_scale: 0.1,
        ..RunOptions::default()
    };
    let p = prepare(s, lib, label)?;
    crate::run::check_one_individual(&p, "pbpk sensitivity")?;
    let base = outputs(&run_arms(s, &p, &opts)?);

    // The files: every compound (by each name that resolves to it), and a plain physiology.
    let mut files = Vec::new();
    let mut params = Vec::new();
    let mut enzymes = Vec::new();
    for (k, (c, _)) in p.compounds.iter().enumerate() {
        let names = p.compound_names(k);
        let r = lib.resolve(Kind::Compound, &names[0], label, "sensitivity")?;
        if let Ok(t) = toml::from_str::<toml::Table>(&r.text) {
            enzymes_named(&toml::Value::Table(t), &mut enzymes);
        }
        params.extend(compound_inputs(&c.name, &r.text));
        let origin = r.label();
        files.push((Kind::Compound, c.name.clone(), names, r.text, origin));
    }
    if let (None, None, Some(name)) = (&p.population, &p.children, &s.subjects.physiology) {
        let r = lib.resolve(Kind::Physiology, name, label, "subjects.physiology")?;
        if !Population::is_population(&r.text) {
            params.extend(physiology_inputs(&p.physiology.name, &r.text, &enzymes));
            let origin = r.label();
            files.push((
                Kind::Physiology,
                p.physiology.name.clone(),
                vec![name.clone()],
                r.text,
                origin,
            ));
        }
    }
    let plain_physiology = files.iter().any(|f| f.0 == Kind::Physiology);
    if p.population.is_none() && p.children.is_none() && !plain_physiology {
        params.extend(
            patient_covariates(s)
                .into_iter()
                .map(|(field, value)| Parameter {
                    kind: Kind::Scenario,
                    owner: PATIENT.to_string(),
                    path: format!("subjects.{field}"),
                    value,
                    scale: Scale::Relative,
                }),
        );
    }
    for f in filters {
        if !params.iter().any(|q| q.label().contains(f.as_str())) {
            let some: Vec<String> = params.iter().take(12).map(Parameter::label).collect();
            return Err(PbpkError::invalid(
                "command line",
                "--param",
                format!(
                    "\"{f}\" matches no input of this scenario; inputs are named owner:path, e.g. {}",
                    some.join(", ")
                ),
            ));
        }
    }
    if !filters.is_empty() {
        params.retain(|q| filters.iter().any(|f| q.label().contains(f.as_str())));
    }

    let setup = Setup {
        scenario: s,
        lib,
        label,
        opts,
        files,
    };
    let f = 1.0 + delta;
    let results: Vec<(Outcome, Outcome)> = params
        .par_iter()
        .map(|q| {
            let (up, down) = match q.scale {
                Scale::Relative => (q.value * f, q.value / f),
                Scale::Log10 => (q.value + f.log10(), q.value - f.log10()),
            };
            (setup.run_with(q, up), setup.run_with(q, down))
        })
        .collect();

    let mut rows = Vec::new();
    for (q, (up, down)) in params.iter().zip(&results) {
        for (i, (name, y0)) in base.iter().enumerate() {
            let value_of = |r: &Outcome| -> Option<f64> {
                r.as_ref()
                    .ok()
                    .and_then(|o| o.get(i).filter(|(n, _)| n == name).map(|(_, v)| *v))
            };
            let (yu, yd) = (value_of(up), value_of(down));
            let lnf = f.ln();
            let (sensitivity, note) = match (yu, yd) {
                (Some(a), Some(b)) => (Some((a.ln() - b.ln()) / (2.0 * lnf)), String::new()),
                (Some(a), None) => (
                    Some((a.ln() - y0.ln()) / lnf),
                    format!("one-sided (decrease: {})", reason(down)),
                ),
                (None, Some(b)) => (
                    Some((y0.ln() - b.ln()) / lnf),
                    format!("one-sided (increase: {})", reason(up)),
                ),
                (None, None) => (None, format!("not run: {}", reason(up))),
            };
            rows.push(Row {
                parameter: q.clone(),
                output: name.clone(),
                output_value: *y0,
                sensitivity: sensitivity.filter(|x| x.is_finite()),
                note,
            });
        }
    }
    Ok(Analysis {
        scenario: s.name.clone(),
        delta,
        outputs: base,
        rows,
        runs: 1 + 2 * params.len(),
    })
}

fn reason(r: &Outcome) -> String {
    match r {
        Ok(_) => "the outputs differ".into(),
        Err(e) => e.to_string().lines().next().unwrap_or_default().to_string(),
    }
}

impl Analysis {
    /// The rows of one output, largest |S| first, at least `min_abs`.
    pub fn ranked(&self, output: &str, min_abs: f64) -> Vec<&Row> {
        let mut v: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| r.output == output && r.sensitivity.is_some_and(|x| x.abs() >= min_abs))
            .collect();
        v.sort_by(|a, b| {
            b.sensitivity
                .unwrap_or(0.0)
                .abs()
                .total_cmp(&a.sensitivity.unwrap_or(0.0).abs())
        });
        v
    }

    /// The outputs the report leads with: the interaction ratios if there are any, else
    /// every arm output.
    pub fn headline_outputs(&self) -> Vec<&str> {
        let ratios: Vec<&str> = self
            .outputs
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| n.contains("ratio:"))
            .collect();
        if ratios.is_empty() {
            self.outputs.iter().map(|(n, _)| n.as_str()).collect()
        } else {
            ratios
        }
    }

    /// The printed report: per headline output, its `top` most sensitive inputs.
    pub fn table(&self, top: usize) -> String {
        let mut s = format!(
            "Sensitivity of \"{}\": S = d ln(output) / d ln(input), central differences at +/- {:.0} % ({} runs)\n",
            self.scenario,
            self.delta * 100.0,
            self.runs
        );
        for name in self.headline_outputs() {
            let value = self
                .outputs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| *v)
                .unwrap_or(f64::NAN);
            s += &format!("\n{name} = {value:.4}\n");
            let rows = self.ranked(name, 0.01);
            if rows.is_empty() {
                s += "  no input moves it by |S| >= 0.01\n";
            }
            for r in rows.iter().take(top) {
                s += &format!(
                    "  {:>8.3}  {}{}\n",
                    r.sensitivity.unwrap_or(f64::NAN),
                    r.parameter.label(),
                    if r.note.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", r.note)
                    }
                );
            }
        }
        s
    }
}
