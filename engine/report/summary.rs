//! `summary.json`, in the shape fixed by the interface page (fields may be added, never
//! renamed). Concentrations are venous plasma, mg/L; times in h.

use crate::analysis::stats::Stat;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub scenario: String,
    /// The pbpk version that wrote this file.
    pub pbpk_version: String,
    pub subjects: usize,
    /// The random seed of a virtual population's (or virtual children's) draws, as used
    /// (from `--seed`, the scenario, or the default), so that the run can be repeated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Subjects whose simulation failed (listed with their reason in `failures`).
    pub failed_subjects: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<SubjectFailure>,
    pub physiology: String,
    /// The individual built from a population (`physiology = "<population>"`): its
    /// covariates (sex, age, height, weight, BSA, liver and fat volume, cardiac output, GFR,
    /// hematocrit, albumin) and the phenotypes given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<crate::population::Subject>,
    pub arms: Vec<ArmSummary>,
    pub comparisons: Vec<ComparisonSummary>,
    /// Predicted versus observed clinical values named in the scenario.
    pub observed: Vec<ObservedCheck>,
    pub mass_balance_max_rel_error: f64,
    /// The dose meeting each `[[target]]` exposure (one individual).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<TargetDose>,
    /// Each `[[target]]` over a population's subjects: target attainment at the arm's dose
    /// and the distribution of the subjects' own doses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets_over_subjects: Vec<TargetOverSubjects>,
    /// Pediatric dose finding (`[children.dose_finding]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dose_finding: Option<crate::pediatric::DoseFindingSummary>,
    /// Inputs the run did not use (e.g. `--subjects` on a one-individual scenario), said
    /// rather than silently ignored; also printed on stderr.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Known limitations of the compounds this run used (their files' `[[limitation]]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub limitations: Vec<CompoundLimitation>,
    /// Compounds of this run whose files list published alternative input sets
    /// (`[[alternative]]`; `pbpk alternatives` reruns the scenario with each).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives_listed: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompoundLimitation {
    pub compound: String,
    pub what: String,
    pub evidence: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubjectFailure {
    pub subject: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArmSummary {
    pub name: String,
    pub compounds: Vec<CompoundSummary>,
    /// Enzymes that a perpetrator in this arm acts on: lowest remaining fraction and the
    /// recovery after the perpetrator's last dose.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub enzymes: Vec<EnzymeRecovery>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnzymeRecovery {
    /// Enzyme and site, e.g. `CYP3A4_liver`, `CYP3A4_gut` (all gut segments together).
    pub enzyme: String,
    pub last_perpetrator_dose_h: f64,
    /// Lowest and highest E/E0 after the last perpetrator dose.
    pub min_fraction: f64,
    pub max_fraction: f64,
    pub end_fraction: f64,
    /// Days from the last perpetrator dose to 80 % / 95 % of baseline, or for an induced
    /// enzyme (further above baseline than below it) back down to 1.2 / 1.05 x baseline
    /// (null: not by end_h; 0: the enzyme never went past that level after the last dose,
    /// e.g. under reversible inhibition alone, which leaves the amount at baseline).
    pub days_to_80_percent: Option<f64>,
    pub days_to_95_percent: Option<f64>,
}

impl EnzymeRecovery {
    /// Induction, not loss: the enzyme moved further above baseline than below it.
    pub fn is_induction(min_fraction: f64, max_fraction: f64) -> bool {
        max_fraction - 1.0 > 1.0 - min_fraction
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CompoundSummary {
    pub compound: String,
    pub window_h: [f64; 2],
    #[serde(rename = "cmax_mg_per_L")]
    pub cmax_mg_per_l: Option<Stat>,
    pub tmax_h: Option<Stat>,
    #[serde(rename = "auc_mg_h_per_L")]
    pub auc_mg_h_per_l: Option<Stat>,
    #[serde(rename = "auc_inf_mg_h_per_L")]
    pub auc_inf_mg_h_per_l: Option<Stat>,
    /// Share of AUC_inf extrapolated beyond the window's last sample, % (with auc_inf).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auc_extrapolated_pct: Option<Stat>,
    pub t_half_h: Option<Stat>,
    /// Predicted steady-state volume of distribution (plasma-referenced), L/kg.
    pub vss_l_per_kg: Option<Stat>,
    /// Oral doses only: fraction absorbed, escaping gut-wall and hepatic first pass, and F.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fa: Option<Stat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fg: Option<Stat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fh: Option<Stat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f_oral: Option<Stat>,
    /// Fraction of clearance per pathway (enzyme, or `renal`), reference values at low
    /// concentration (the first subject's for a population).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fm: std::collections::BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComparisonSummary {
    pub compound: String,
    pub test: String,
    pub reference: String,
    pub auc_ratio: Option<Stat>,
    pub cmax_ratio: Option<Stat>,
    /// The victim dose in the test arm that restores the reference AUC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjusted_dose: Option<AdjustedDose>,
    /// The victim's Cmax at the adjusted dose over its Cmax in the reference arm (matching
    /// the AUC does not match the peak).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjusted_dose_cmax_ratio: Option<f64>,
    /// The FDA 2020 mechanistic static model from the same files, for comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub static_model: Option<crate::ddi_static::StaticDdi>,
    /// Populations: each subject's own adjusted dose, over subjects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjusted_dose_over_subjects: Option<AdjustedDoseOverSubjects>,
}

impl ComparisonSummary {
    /// Whether this is the summary of the scenario's comparison `c`.
    pub fn is_of(&self, c: &crate::data::scenario::Compare) -> bool {
        self.compound == c.compound && self.test == c.test && self.reference == c.reference
    }
}

/// The per-subject dose root-find of a population: the dose factor (and dose, when all
/// doses are equal) over the subjects whose search converged.
#[derive(Debug, Clone, Serialize)]
pub struct AdjustedDoseOverSubjects {
    pub factor: Option<crate::analysis::stats::Stat>,
    pub dose_mg: Option<crate::analysis::stats::Stat>,
    /// Subjects whose search failed or did not converge to 0.1 % (not in the statistics).
    pub not_converged: usize,
    /// Each of those subjects with its reason (subjects whose simulation failed are in the
    /// summary's `failures` and not repeated here).
    pub failures: Vec<SubjectFailure>,
}

/// The dose that meets a `[[target]]`: `factor` x each dose of the compound in the arm
/// (`dose_mg` when all its doses are equal), and the rounded dose with its exposure.
#[derive(Debug, Clone, Serialize)]
pub struct TargetDose {
    pub compound: String,
    pub arm: String,
    pub metric: String,
    pub target: f64,
    /// The exposure at the arm's own dose.
    pub exposure_at_arm_dose: f64,
    /// The search: `factor`, `dose_mg`, `converged`, `iterations` (flattened).
    #[serde(flatten)]
    pub dose: AdjustedDose,
    pub rounded_dose_mg: Option<f64>,
    pub exposure_at_rounded_dose: Option<f64>,
}

/// A `[[target]]` over the subjects of a virtual population.
#[derive(Debug, Clone, Serialize)]
pub struct TargetOverSubjects {
    pub compound: String,
    pub arm: String,
    pub metric: String,
    pub target: f64,
    /// The subjects' exposure at the arm's dose.
    pub exposure_at_arm_dose: Option<crate::analysis::stats::Stat>,
    /// Share of subjects whose exposure at the arm's dose is at or above the target
    /// (probability of target attainment), and within 0.8-1.25 of it.
    pub share_at_or_above_target: Option<f64>,
    pub share_within_80_125: Option<f64>,
    /// Each subject's own dose (factor x the arm's dose) that meets the target, and the
    /// subjects without one: `factor`, `dose_mg`, `not_converged`, `failures` (flattened).
    #[serde(flatten)]
    pub doses: AdjustedDoseOverSubjects,
}

/// Result of the dose root-find: `factor` x each dose of the compound in the test arm
/// (`dose_mg` when all its doses are equal).
#[derive(Debug, Clone, Serialize)]
pub struct AdjustedDose {
    pub factor: f64,
    pub dose_mg: Option<f64>,
    pub converged: bool,
    pub iterations: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObservedCheck {
    pub compound: String,
    pub arm: String,
    pub metric: String,
    pub observed: f64,
    pub predicted: Option<f64>,
    /// predicted / observed
    pub ratio: Option<f64>,
    pub within_fold: Option<bool>,
    pub fold: f64,
    pub source: String,
}

impl ObservedCheck {
    /// The check of observation `o` (reported under `arm`) against `predicted`.
    pub fn new(o: &crate::data::scenario::Observed, arm: String, predicted: Option<f64>) -> Self {
        let fold = o.fold.unwrap_or(2.0);
        let ratio = predicted.map(|p| p / o.value);
        ObservedCheck {
            compound: o.compound.clone(),
            arm,
            metric: o.metric.clone(),
            observed: o.value,
            predicted,
            ratio,
            within_fold: ratio.map(|r| r <= fold && r >= 1.0 / fold),
            fold,
            source: o.source.clone(),
        }
    }
}
