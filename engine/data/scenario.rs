//! Scenario files (`scenarios/*.toml`): who is dosed, with what, when, and what to compare.
//! The core is fixed by `docs/formats.md` (the interface page users' scripts rely on).

use super::physiology::Sex;
use super::{parse_toml, Check};
use crate::error::{PbpkError, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub subjects: Subjects,
    #[serde(rename = "arm")]
    pub arms: Vec<Arm>,
    pub simulation: Simulation,
    #[serde(default, rename = "compare")]
    pub comparisons: Vec<Compare>,
    /// Observed clinical values this scenario predicts (used by tests and `pbpk qualify`).
    #[serde(default)]
    pub observed: Vec<Observed>,
    /// Observed concentration-time data files, plotted beside the predictions.
    #[serde(default)]
    pub observed_data: Vec<super::observed::ObservedData>,
    /// Typical children by age: dose finding against the adult and pediatric checks.
    #[serde(default)]
    pub children: Option<Children>,
    /// Target exposures: the dose that meets each (per subject for a population, with the
    /// share of subjects reaching the target at the arm's dose).
    #[serde(default, rename = "target")]
    pub targets: Vec<Target>,
}

/// `[[target]]`: the dose of `compound` in `arm` (all its doses there scaled together)
/// that gives the simulated individual (each virtual subject, for a population) the
/// exposure `value` of `metric`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub compound: String,
    pub arm: String,
    /// One of `DOSE_FINDING_METRICS`, over the compound's window in the arm.
    pub metric: String,
    /// The target, in the metric's unit (mg/L or mg.h/L).
    pub value: f64,
    /// Practical dose step (mg): the rounded dose and the exposure it gives are reported too.
    #[serde(default)]
    pub round_to_mg: Option<f64>,
    /// Where the target comes from (free text).
    #[serde(default)]
    pub source: String,
}

/// `[children]`: typical children of a pediatric population at given ages, who receive
/// the scenario's arms (mg_per_kg doses by their own weight).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Children {
    /// A population file with `[ontogeny]` (e.g. "pediatric").
    pub population: String,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub gestational_age_weeks: Option<f64>,
    /// Postnatal ages (y) of the typical children of the dose-finding table.
    #[serde(default)]
    pub ages_years: Vec<f64>,
    #[serde(default)]
    pub dose_finding: Option<DoseFinding>,
}

/// `[children.dose_finding]`: per age, the dose of `compound` in `arm` that gives the child
/// the adult's exposure `metric` (or `target`), beside the classical scaling rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DoseFinding {
    pub compound: String,
    pub arm: String,
    /// `auc_mg_h_per_L` (over the metrics window: AUC_tau at steady state),
    /// `auc_inf_mg_h_per_L`, `cmax_mg_per_L` or `ctrough_mg_per_L`.
    pub metric: String,
    /// Explicit target in the metric's unit; default: the adult reference's value in `arm`.
    #[serde(default)]
    pub target: Option<f64>,
    /// Practical dose step (mg): doses are also given rounded to a multiple of it.
    #[serde(default)]
    pub round_to_mg: Option<f64>,
    /// Virtual children drawn per ICH E11 band (ages uniform over the band) who receive the
    /// band's mg/kg dose: the spread of exposure the band dose gives. Default 100; 0: none.
    #[serde(default)]
    pub virtual_children: Option<usize>,
}

/// Virtual children per band when `virtual_children` is not given.
pub const DEFAULT_VIRTUAL_CHILDREN: usize = 100;

pub const DOSE_FINDING_METRICS: [&str; 4] = [
    "auc_mg_h_per_L",
    "auc_inf_mg_h_per_L",
    "cmax_mg_per_L",
    "ctrough_mg_per_L",
];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Subjects {
    #[serde(default)]
    pub physiology: Option<String>,
    #[serde(default)]
    pub population: Option<String>,
    #[serde(default)]
    pub count: Option<usize>,
    #[serde(default)]
    pub seed: Option<u64>,
    /// A population's age range `[low, high]`, or the age of one pediatric individual
    /// (`physiology = "pediatric"`, a number or `[a, a]`).
    #[serde(default)]
    pub age_years: Option<Ages>,
    #[serde(default)]
    pub female_fraction: Option<f64>,
    /// Sex of a pediatric individual (default male).
    #[serde(default)]
    pub sex: Option<Sex>,
    /// Gestational age at birth of a pediatric individual or population (weeks; default
    /// the ontogeny file's, 40 = term).
    #[serde(default)]
    pub gestational_age_weeks: Option<f64>,
    /// One patient built from the population that `physiology` names (see
    /// `population::Patient`): body weight (kg) and height (cm) ...
    #[serde(default)]
    pub weight_kg: Option<f64>,
    #[serde(default)]
    pub height_cm: Option<f64>,
    /// ... measured GFR (mL/min, absolute) or eGFR (mL/min/1.73 m^2, converted with the
    /// patient's BSA), not both ...
    #[serde(default)]
    pub gfr_ml_per_min: Option<f64>,
    #[serde(default)]
    pub egfr_ml_per_min_per_1_73m2: Option<f64>,
    /// ... plasma albumin (g/L; fu of albumin-bound drugs follows it), hematocrit ...
    #[serde(default)]
    pub albumin_g_per_l: Option<f64>,
    #[serde(default)]
    pub hematocrit: Option<f64>,
    /// ... and known phenotypes, enzyme -> phenotype name of the population's `[[genotypes]]`.
    #[serde(default)]
    pub phenotypes: std::collections::BTreeMap<String, String>,
}

impl Subjects {
    /// The `[subjects]` fields that describe one patient, set in this file.
    pub fn patient_fields(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        for (name, set) in [
            ("weight_kg", self.weight_kg.is_some()),
            ("height_cm", self.height_cm.is_some()),
            ("gfr_ml_per_min", self.gfr_ml_per_min.is_some()),
            (
                "egfr_ml_per_min_per_1_73m2",
                self.egfr_ml_per_min_per_1_73m2.is_some(),
            ),
            ("albumin_g_per_l", self.albumin_g_per_l.is_some()),
            ("hematocrit", self.hematocrit.is_some()),
            ("phenotypes", !self.phenotypes.is_empty()),
        ] {
            if set {
                f.push(name);
            }
        }
        f
    }
}

/// An age (y) or an age range.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Ages {
    One(f64),
    Range([f64; 2]),
}

impl Ages {
    pub fn range(&self) -> [f64; 2] {
        match *self {
            Ages::One(a) => [a, a],
            Ages::Range(r) => r,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Arm {
    pub name: String,
    pub dose: Vec<Dose>,
}

impl Arm {
    /// The dosing interval (h) of a compound in this arm: `every_h` of the dose line that
    /// gives its last dose, if that line is given more than once (`None`: the last dose is a
    /// single one). `is` picks the compound's dose lines. It ends the metrics window after
    /// the last dose (`run::run_arm`).
    pub fn dosing_interval_h(&self, is: impl Fn(&Dose) -> bool) -> Option<f64> {
        let last = |d: &Dose| d.times_h().last().copied().unwrap_or(d.at_h);
        let line = self
            .dose
            .iter()
            .filter(|d| is(d))
            .max_by(|a, b| last(a).total_cmp(&last(b)))?;
        if line.times > 1 {
            line.every_h
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    IvBolus,
    IvInfusion,
    Oral,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dose {
    pub compound: String,
    pub route: Route,
    #[serde(default)]
    pub mg: Option<f64>,
    #[serde(default)]
    pub mg_per_kg: Option<f64>,
    pub at_h: f64,
    #[serde(default)]
    pub every_h: Option<f64>,
    #[serde(default = "one")]
    pub times: u32,
    #[serde(default)]
    pub duration_h: Option<f64>,
    /// Oral product, by name from the compound's `[[formulation]]` list (default: the first
    /// listed, or a solution).
    #[serde(default)]
    pub formulation: Option<String>,
}

fn one() -> u32 {
    1
}

impl Dose {
    /// The administration times (h) of this dose line.
    pub fn times_h(&self) -> Vec<f64> {
        (0..self.times)
            .map(|k| self.at_h + k as f64 * self.every_h.unwrap_or(0.0))
            .collect()
    }
    /// Amount in mg for a subject of the given body weight.
    pub fn amount_mg(&self, body_weight_kg: f64) -> f64 {
        match (self.mg, self.mg_per_kg) {
            (Some(mg), _) => mg,
            (None, Some(k)) => k * body_weight_kg,
            (None, None) => 0.0,
        }
    }
}

/// Longest simulation accepted (h): about 11 years.
pub const MAX_END_H: f64 = 100_000.0;
/// Most regular output times accepted (end_h / output_step_h).
pub const MAX_OUTPUT_TIMES: f64 = 1_000_000.0;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    pub end_h: f64,
    /// Spacing of the output grid (h); dose times are always added.
    #[serde(default)]
    pub output_step_h: Option<f64>,
    #[serde(default)]
    pub rtol: Option<f64>,
    /// Absolute tolerance relative to the largest dose amount.
    #[serde(default)]
    pub atol_rel_dose: Option<f64>,
    /// Organs whose tissue concentrations go into `profiles.csv`.
    #[serde(default)]
    pub tissues: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Compare {
    pub compound: String,
    pub test: String,
    pub reference: String,
    /// Also find the dose of `compound` in the test arm that restores the reference AUC
    /// (a root-find on the dose; default true).
    #[serde(default = "yes")]
    pub adjust_dose: bool,
}

fn yes() -> bool {
    true
}

/// A gestational age at birth must be 22 to 44 weeks (scenarios and `pbpk child` alike).
pub fn check_gestational_age(path: &str, field: &str, weeks: f64) -> Result<()> {
    if (22.0..=44.0).contains(&weeks) {
        return Ok(());
    }
    Err(PbpkError::invalid(
        path,
        field,
        format!(
            "must be between 22 and 44 weeks (40 = term), got {}",
            crate::data::show(weeks)
        ),
    ))
}

/// One observed clinical value with its study.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    pub compound: String,
    pub arm: String,
    /// One of `OBSERVED_METRICS`: an NCA metric of the window (`cmax_mg_per_L`,
    /// `ctrough_mg_per_L` at its end, `tmax_h`, `auc_mg_h_per_L`, `auc_inf_mg_h_per_L`,
    /// `t_half_h`), `vss_l_per_kg`, `cl_l_per_h`, `cl_ml_per_min_per_kg`, an oral fraction
    /// (`f_oral`, `fa`, `fg`, `fa_fg`, `fh`); or, with `arm` the test arm of a `[[compare]]` of
    /// this compound, `auc_ratio` or `cmax_ratio`.
    pub metric: String,
    pub value: f64,
    /// Accepted fold error for the check (default 2).
    #[serde(default)]
    pub fold: Option<f64>,
    pub source: String,
    /// A pediatric observation: checked on the typical child of this age (`[children]`).
    #[serde(default)]
    pub age_years: Option<f64>,
}

pub const OBSERVED_METRICS: [&str; 16] = [
    "cmax_mg_per_L",
    "ctrough_mg_per_L",
    "tmax_h",
    "auc_mg_h_per_L",
    "auc_inf_mg_h_per_L",
    "t_half_h",
    "vss_l_per_kg",
    "cl_l_per_h",
    "cl_ml_per_min_per_kg",
    "f_oral",
    "fa",
    "fg",
    "fa_fg",
    "fh",
    "auc_ratio",
    "cmax_ratio",
];

impl Scenario {
    pub fn parse(path: &str, text: &str) -> Result<Scenario> {
        let s: Scenario = parse_toml(path, text)?;
        s.validate(path)?;
        Ok(s)
    }

    /// `arm` names an arm of this scenario that doses `compound` (errors on `<at>.arm` and
    /// `<at>.compound`).
    fn dosed_in_arm(&self, path: &str, at: &str, arm: &str, compound: &str) -> Result<()> {
        let Some(a) = self.arms.iter().find(|a| a.name == arm) else {
            return Err(PbpkError::invalid(
                path,
                format!("{at}.arm"),
                format!("no arm is named \"{arm}\"; arms are: {}", self.arm_names()),
            ));
        };
        if !a.dose.iter().any(|x| x.compound == compound) {
            return Err(PbpkError::invalid(
                path,
                format!("{at}.compound"),
                format!("\"{compound}\" is not dosed in arm \"{arm}\""),
            ));
        }
        Ok(())
    }

    /// A target's metric is read over the window after the compound's last dose in the arm:
    /// to the next scheduled dose (repeated dosing, `every_h` with `times` > 1) or to `end_h`
    /// (`run::run_arm`). A trough needs a next dose, and a trough or AUC_tau needs the whole
    /// interval inside the simulation; otherwise the dose search would aim at a concentration
    /// a few hours after the dose.
    fn target_window(&self, path: &str, i: usize, t: &Target) -> Result<()> {
        let Some(arm) = self.arms.iter().find(|a| a.name == t.arm) else {
            return Ok(()); // reported by dosed_in_arm
        };
        let doses: Vec<&Dose> = arm
            .dose
            .iter()
            .filter(|d| d.compound == t.compound)
            .collect();
        let last = doses
            .iter()
            .flat_map(|d| d.times_h())
            .fold(f64::NEG_INFINITY, f64::max);
        let tau = arm.dosing_interval_h(|d| d.compound == t.compound);
        let end = self.simulation.end_h;
        match (t.metric.as_str(), tau) {
            ("ctrough_mg_per_L", None) => Err(PbpkError::invalid(
                path,
                format!("target[{i}].metric"),
                format!(
                    "a trough needs repeated dosing: the last dose of \"{}\" in arm \"{}\" is a single one, so there is no next dose (end with a line of every_h and times > 1, or aim at cmax_mg_per_L or auc_inf_mg_h_per_L)",
                    t.compound, t.arm
                ),
            )),
            ("ctrough_mg_per_L" | "auc_mg_h_per_L", Some(tau)) if last + tau > end * (1.0 + 1e-12) => {
                Err(PbpkError::invalid(
                    path,
                    "simulation.end_h",
                    format!(
                        "target[{i}] reads {} over the dosing interval after the last dose of \"{}\" in arm \"{}\" ({last} to {} h), which ends after end_h = {end} h: set end_h to at least {}",
                        t.metric,
                        t.compound,
                        t.arm,
                        last + tau,
                        last + tau
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// The patient fields: plausible values, one kind of GFR, and only for one individual.
    fn validate_patient(&self, path: &str) -> Result<()> {
        let sub = &self.subjects;
        let fields = sub.patient_fields();
        if let (Some(first), Some(_)) = (fields.first(), &sub.population) {
            return Err(PbpkError::invalid(
                path,
                format!("subjects.{first}"),
                "describes one patient, but `population` runs a virtual trial: name the population in `physiology` instead (physiology = \"european\") to simulate this patient",
            ));
        }
        let range = |field: &str, v: Option<f64>, lo: f64, hi: f64, unit: &str| -> Result<()> {
            match v {
                Some(x) if !(x.is_finite() && lo < x && x <= hi) => Err(PbpkError::invalid(
                    path,
                    format!("subjects.{field}"),
                    format!(
                        "must be above {lo} and at most {hi} {unit}, got {}",
                        crate::data::show(x)
                    ),
                )),
                _ => Ok(()),
            }
        };
        range("weight_kg", sub.weight_kg, 0.3, 350.0, "kg")?;
        range("height_cm", sub.height_cm, 25.0, 250.0, "cm")?;
        range("gfr_ml_per_min", sub.gfr_ml_per_min, 0.0, 300.0, "mL/min")?;
        range(
            "egfr_ml_per_min_per_1_73m2",
            sub.egfr_ml_per_min_per_1_73m2,
            0.0,
            300.0,
            "mL/min/1.73 m2",
        )?;
        range("albumin_g_per_l", sub.albumin_g_per_l, 5.0, 70.0, "g/L")?;
        range(
            "hematocrit",
            sub.hematocrit,
            0.1,
            0.7,
            "(a fraction, e.g. 0.42)",
        )?;
        if sub.gfr_ml_per_min.is_some() && sub.egfr_ml_per_min_per_1_73m2.is_some() {
            return Err(PbpkError::invalid(
                path,
                "subjects.egfr_ml_per_min_per_1_73m2",
                "give the GFR once: either gfr_ml_per_min (absolute) or egfr_ml_per_min_per_1_73m2 (per 1.73 m2 of BSA)",
            ));
        }
        Ok(())
    }

    pub fn validate(&self, path: &str) -> Result<()> {
        let c = Check { path };
        if self.name.trim().is_empty() {
            return Err(PbpkError::invalid(path, "name", "must not be empty"));
        }
        match (&self.subjects.physiology, &self.subjects.population) {
            (Some(_), Some(_)) => {
                return Err(PbpkError::invalid(
                    path,
                    "subjects",
                    "give either `physiology` (one reference individual) or `population`, not both",
                ))
            }
            (None, None) => {
                return Err(PbpkError::invalid(
                    path,
                    "subjects.physiology",
                    "missing: name a physiology (e.g. \"adult_male_european\") or a population",
                ))
            }
            _ => {}
        }
        // Fields that only one of the two modes reads: a field the run would ignore is an
        // error, not a silent default (a patient without `sex` would otherwise be a man).
        let sub = &self.subjects;
        if sub.population.is_some() && sub.sex.is_some() {
            return Err(PbpkError::invalid(
                path,
                "subjects.sex",
                "a virtual population draws each subject's sex: set female_fraction (0 = all men, 1 = all women) instead of sex",
            ));
        }
        // (count and seed with `physiology` change nothing and are reported as warnings by
        // the run; a share of women would silently be a man, so it is an error.)
        if sub.physiology.is_some() && sub.female_fraction.is_some() {
            return Err(PbpkError::invalid(
                path,
                "subjects.female_fraction",
                "applies to a virtual population (`population = \"european\"`), but `physiology` simulates one individual: remove it (for one patient give `sex`, \"male\" or \"female\")",
            ));
        }
        if let Some(n) = self.subjects.count {
            if !(1..=1_000_000).contains(&n) {
                return Err(PbpkError::invalid(
                    path,
                    "subjects.count",
                    format!("must be a number of virtual subjects from 1 to 1000000, got {n}"),
                ));
            }
        }
        if let Some(f) = self.subjects.female_fraction {
            c.fraction("subjects.female_fraction", f)?;
        }
        if let Some(a) = self.subjects.age_years {
            let [a0, a1] = a.range();
            if !(a0.is_finite() && a1.is_finite() && 0.0 <= a0 && a0 <= a1 && a1 <= 120.0) {
                return Err(PbpkError::invalid(
                    path,
                    "subjects.age_years",
                    format!("must be an age or [low, high] with 0 <= low <= high <= 120 (years), got {}, {}", crate::data::show(a0), crate::data::show(a1)),
                ));
            }
        }
        if let Some(g) = self.subjects.gestational_age_weeks {
            check_gestational_age(path, "subjects.gestational_age_weeks", g)?;
        }
        self.validate_patient(path)?;
        let end = self.simulation.end_h;
        if !(end.is_finite() && end > 0.0) {
            return Err(PbpkError::invalid(
                path,
                "simulation.end_h",
                format!(
                    "the simulation must have a positive length in h, got {}",
                    crate::data::show(end)
                ),
            ));
        }
        c.at_most("simulation.end_h", end, MAX_END_H, "h (about 11 years)")?;
        if let Some(s) = self.simulation.output_step_h {
            c.positive("simulation.output_step_h", s)?;
            if end / s > MAX_OUTPUT_TIMES {
                return Err(PbpkError::invalid(
                    path,
                    "simulation.output_step_h",
                    format!(
                        "gives more than {MAX_OUTPUT_TIMES} output times over end_h: use a step of at least {} h",
                        crate::data::show(end / MAX_OUTPUT_TIMES)
                    ),
                ));
            }
            if s > end {
                return Err(PbpkError::invalid(
                    path,
                    "simulation.output_step_h",
                    "must not exceed end_h",
                ));
            }
        }
        if let Some(r) = self.simulation.rtol {
            if !(1e-12..0.1).contains(&r) {
                return Err(PbpkError::invalid(
                    path,
                    "simulation.rtol",
                    format!(
                        "must be in [1e-12, 0.1) (below about 1e-12 double-precision round-off makes the solver fail; the default is 1e-6), got {}",
                        crate::data::show(r)
                    ),
                ));
            }
        }
        if let Some(a) = self.simulation.atol_rel_dose {
            c.positive("simulation.atol_rel_dose", a)?;
        }
        if self.arms.is_empty() {
            return Err(PbpkError::invalid(
                path,
                "arm",
                "at least one [[arm]] is needed",
            ));
        }
        for (i, arm) in self.arms.iter().enumerate() {
            if arm.name.trim().is_empty() {
                return Err(PbpkError::invalid(
                    path,
                    format!("arm[{i}].name"),
                    "must not be empty",
                ));
            }
            if self.arms[..i].iter().any(|a| a.name == arm.name) {
                return Err(PbpkError::invalid(
                    path,
                    format!("arm[{i}].name"),
                    format!("arm name \"{}\" is used twice", arm.name),
                ));
            }
            if arm.dose.is_empty() {
                return Err(PbpkError::invalid(
                    path,
                    format!("arm[{i}].dose"),
                    "an arm needs at least one dose",
                ));
            }
            for (j, d) in arm.dose.iter().enumerate() {
                let f = |s: &str| format!("arm[{i}].dose[{j}].{s}");
                match (d.mg, d.mg_per_kg) {
                    (Some(_), Some(_)) => {
                        return Err(PbpkError::invalid(
                            path,
                            f("mg"),
                            "give `mg` or `mg_per_kg`, not both",
                        ))
                    }
                    (None, None) => {
                        return Err(PbpkError::invalid(
                            path,
                            f("mg"),
                            "missing: the amount as `mg` or `mg_per_kg`",
                        ))
                    }
                    (Some(v), None) => c.within(&f("mg"), v, 1e-6, 1e6, "mg (1 ng to 1 kg)")?,
                    (None, Some(v)) => {
                        c.within(&f("mg_per_kg"), v, 1e-8, 1e4, "mg/kg (10 pg/kg to 10 g/kg)")?
                    }
                }
                c.non_negative(&f("at_h"), d.at_h)?;
                if d.times == 0 {
                    return Err(PbpkError::invalid(path, f("times"), "must be at least 1"));
                }
                c.at_most(&f("times"), d.times as f64, 100_000.0, "administrations")?;
                match d.every_h {
                    Some(e) => c.positive(&f("every_h"), e)?,
                    None if d.times > 1 => {
                        return Err(PbpkError::invalid(
                            path,
                            f("every_h"),
                            "repeated doses (`times` > 1) need `every_h`",
                        ))
                    }
                    None => {}
                }
                match (d.route, d.duration_h) {
                    (Route::IvInfusion, None) => {
                        return Err(PbpkError::invalid(
                            path,
                            f("duration_h"),
                            "an iv_infusion needs `duration_h`",
                        ))
                    }
                    (Route::IvInfusion, Some(t)) => c.positive(&f("duration_h"), t)?,
                    (_, Some(_)) => {
                        return Err(PbpkError::invalid(
                            path,
                            f("duration_h"),
                            "only iv_infusion takes `duration_h`",
                        ))
                    }
                    _ => {}
                }
                if d.formulation.is_some() && d.route != Route::Oral {
                    return Err(PbpkError::invalid(
                        path,
                        f("formulation"),
                        "only oral doses take a `formulation`",
                    ));
                }
                let last = *d.times_h().last().unwrap_or(&d.at_h);
                if last >= end {
                    return Err(PbpkError::invalid(
                        path,
                        f("at_h"),
                        format!("a dose at {last} h falls at or after simulation.end_h = {end} h"),
                    ));
                }
            }
        }
        for (i, cmp) in self.comparisons.iter().enumerate() {
            for (field, arm) in [("test", &cmp.test), ("reference", &cmp.reference)] {
                if !self.arms.iter().any(|a| &a.name == arm) {
                    return Err(PbpkError::invalid(
                        path,
                        format!("compare[{i}].{field}"),
                        format!("no arm is named \"{arm}\"; arms are: {}", self.arm_names()),
                    ));
                }
            }
        }
        for (i, d) in self.observed_data.iter().enumerate() {
            self.dosed_in_arm(path, &format!("observed_data[{i}]"), &d.arm, &d.compound)?;
        }
        for (i, t) in self.targets.iter().enumerate() {
            let f = |x: &str| format!("target[{i}].{x}");
            self.dosed_in_arm(path, &format!("target[{i}]"), &t.arm, &t.compound)?;
            if !DOSE_FINDING_METRICS.contains(&t.metric.as_str()) {
                return Err(PbpkError::invalid(
                    path,
                    f("metric"),
                    format!(
                        "unknown metric \"{}\"; expected one of {}",
                        t.metric,
                        DOSE_FINDING_METRICS.join(", ")
                    ),
                ));
            }
            c.positive(&f("value"), t.value)?;
            if let Some(r) = t.round_to_mg {
                c.positive(&f("round_to_mg"), r)?;
            }
            self.target_window(path, i, t)?;
        }
        for (i, o) in self.observed.iter().enumerate() {
            if !self.arms.iter().any(|a| a.name == o.arm) {
                return Err(PbpkError::invalid(
                    path,
                    format!("observed[{i}].arm"),
                    format!(
                        "no arm is named \"{}\"; arms are: {}",
                        o.arm,
                        self.arm_names()
                    ),
                ));
            }
            if !OBSERVED_METRICS.contains(&o.metric.as_str()) {
                return Err(PbpkError::invalid(
                    path,
                    format!("observed[{i}].metric"),
                    format!(
                        "unknown metric \"{}\"; expected one of {}",
                        o.metric,
                        OBSERVED_METRICS.join(", ")
                    ),
                ));
            }
            if o.metric.ends_with("_ratio")
                && !self
                    .comparisons
                    .iter()
                    .any(|cmp| cmp.compound == o.compound && cmp.test == o.arm)
            {
                return Err(PbpkError::invalid(
                    path,
                    format!("observed[{i}].metric"),
                    format!(
                        "{} is read from a [[compare]] of \"{}\" with test arm \"{}\", and the scenario has none: add one (with its reference arm)",
                        o.metric, o.compound, o.arm
                    ),
                ));
            }
            c.positive(&format!("observed[{i}].value"), o.value)?;
            if let Some(f) = o.fold {
                if !(f.is_finite() && f > 1.0) {
                    return Err(PbpkError::invalid(
                        path,
                        format!("observed[{i}].fold"),
                        format!(
                            "must be a fold error above 1 (2 accepts predicted/observed in [0.5, 2]), got {}",
                            crate::data::show(f)
                        ),
                    ));
                }
            }
            c.source(&format!("observed[{i}].source"), &o.source)?;
            if let Some(a) = o.age_years {
                if self.children.is_none() {
                    return Err(PbpkError::invalid(
                        path,
                        format!("observed[{i}].age_years"),
                        "a pediatric observation needs a [children] table naming the pediatric population",
                    ));
                }
                if !(0.0..=18.0).contains(&a) || o.metric.ends_with("_ratio") {
                    return Err(PbpkError::invalid(
                        path,
                        format!("observed[{i}].age_years"),
                        format!("must be an age in [0, 18] years for a single-arm metric, got {} with {}", crate::data::show(a), o.metric),
                    ));
                }
            }
        }
        if let Some(ch) = &self.children {
            self.validate_children(path, ch)?;
        }
        Ok(())
    }

    fn validate_children(&self, path: &str, ch: &Children) -> Result<()> {
        let c = Check { path };
        if self.subjects.physiology.is_none() {
            return Err(PbpkError::invalid(
                path,
                "children",
                "[children] compares children with one adult reference individual: use subjects.physiology, not a population",
            ));
        }
        if ch.population.trim().is_empty() {
            return Err(PbpkError::invalid(
                path,
                "children.population",
                "must name a pediatric population, e.g. \"pediatric\"",
            ));
        }
        if let Some(g) = ch.gestational_age_weeks {
            check_gestational_age(path, "children.gestational_age_weeks", g)?;
        }
        for (i, a) in ch.ages_years.iter().enumerate() {
            if !(0.0..=18.0).contains(a) {
                return Err(PbpkError::invalid(
                    path,
                    format!("children.ages_years[{i}]"),
                    format!(
                        "must be a postnatal age in [0, 18] years, got {}",
                        crate::data::show(*a)
                    ),
                ));
            }
        }
        if let Some(d) = &ch.dose_finding {
            let f = |k: &str| format!("children.dose_finding.{k}");
            if ch.ages_years.is_empty() {
                return Err(PbpkError::invalid(
                    path,
                    "children.ages_years",
                    "dose finding needs at least one age",
                ));
            }
            let Some(arm) = self.arms.iter().find(|a| a.name == d.arm) else {
                return Err(PbpkError::invalid(
                    path,
                    f("arm"),
                    format!(
                        "no arm is named \"{}\"; arms are: {}",
                        d.arm,
                        self.arm_names()
                    ),
                ));
            };
            let doses: Vec<&Dose> = arm
                .dose
                .iter()
                .filter(|x| x.compound == d.compound)
                .collect();
            if doses.is_empty() {
                return Err(PbpkError::invalid(
                    path,
                    f("compound"),
                    format!("\"{}\" is not dosed in arm \"{}\"", d.compound, d.arm),
                ));
            }
            if doses
                .windows(2)
                .any(|w| w[0].mg != w[1].mg || w[0].mg_per_kg != w[1].mg_per_kg)
            {
                return Err(PbpkError::invalid(
                    path,
                    f("arm"),
                    format!("the doses of {} in arm \"{}\" differ; dose finding scales one repeated dose", d.compound, d.arm),
                ));
            }
            if !DOSE_FINDING_METRICS.contains(&d.metric.as_str()) {
                return Err(PbpkError::invalid(
                    path,
                    f("metric"),
                    format!(
                        "unknown metric \"{}\"; expected one of {}",
                        d.metric,
                        DOSE_FINDING_METRICS.join(", ")
                    ),
                ));
            }
            if let Some(t) = d.target {
                c.positive(&f("target"), t)?;
            }
            if d.virtual_children.is_some_and(|n| n > 100_000) {
                return Err(PbpkError::invalid(
                    path,
                    f("virtual_children"),
                    "at most 100000 virtual children a band (0 for none)",
                ));
            }
            if let Some(r) = d.round_to_mg {
                c.positive(&f("round_to_mg"), r)?;
            }
        }
        Ok(())
    }

    fn arm_names(&self) -> String {
        self.arms
            .iter()
            .map(|a| format!("\"{}\"", a.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
