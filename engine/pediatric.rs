//! Pediatric extrapolation (`[children]` in a scenario): typical children of a pediatric
//! population at given ages receive the scenario's arms.
//!
//! Dose finding (`[children.dose_finding]`): per age, the dose of one compound in one arm
//! that gives the child the adult reference's exposure (AUC, Cmax or trough) in that arm,
//! or an explicit target, solved by a secant on log(exposure) against log(dose) (converges
//! to 0.1 %; exposure need not be proportional to dose). Beside it, the doses of the
//! classical rules and the exposure each gives (simulated, not assumed proportional):
//! - weight: D x W / 70 kg;
//! - BSA: D x BSA / 1.73 m^2 (Du Bois);
//! - Young (1813): D x age / (age + 12), age in years;
//! - Clark: D x W(lb) / 150 = D x W / 68.04 kg.
//!
//! Ages are grouped into the ICH E11 (R1, 2017) bands: term newborn (0-27 days), infants and
//! toddlers (28 days-23 months), children (2-11 y), adolescents (12-17 y). A band's dose is
//! the median over its ages of the PBPK dose in mg/kg; the exposure that band dose gives at
//! each of the band's ages is simulated too, so the table shows how well one mg/kg dose
//! serves the band; and virtual children of the band (a pediatric population, ages uniform
//! over the band, `virtual_children` a band) receive the band's mg/kg dose, so the table
//! also shows the spread of exposure (5th-95th percentile of exposure / target, and the
//! share within 0.8-1.25). Observations with `age_years` are checked on the typical child
//! of that age running their arm as written.

use crate::analysis::stats::percentile;
use crate::data::physiology::Sex;
use crate::data::scenario::{Children, Scenario};
use crate::error::{PbpkError, Result};
use crate::report::summary::ObservedCheck;
use crate::run::{predicted_metric, run_arm, Prepared, RunOptions};
use crate::trial::PopulationSetup;
use rayon::prelude::*;
use serde::Serialize;

/// ICH E11 age bands (upper bounds in years, exclusive).
pub const ICH_E11_BANDS: [(&str, f64); 4] = [
    ("term newborn (0-27 d)", 28.0 / 365.25),
    ("infants and toddlers (28 d-23 mo)", 2.0),
    ("children (2-11 y)", 12.0),
    ("adolescents (12-17 y)", 18.0 + 1e-9),
];

pub fn ich_e11_band(age_years: f64) -> &'static str {
    ICH_E11_BANDS
        .iter()
        .find(|(_, hi)| age_years < *hi)
        .map_or(ICH_E11_BANDS[3].0, |b| b.0)
}

/// A classical dose rule: its name and dose factor relative to the adult dose.
pub fn classical_rules(age_years: f64, weight_kg: f64, bsa_m2: f64) -> [(&'static str, f64); 4] {
    [
        ("weight (mg/kg, 70 kg adult)", weight_kg / 70.0),
        ("BSA (1.73 m2 adult)", bsa_m2 / 1.73),
        ("Young", age_years / (age_years + 12.0)),
        ("Clark", weight_kg / 68.04),
    ]
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleDose {
    pub rule: String,
    pub dose_mg: f64,
    pub exposure: Option<f64>,
    /// exposure / target
    pub ratio: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgeRow {
    pub age_years: f64,
    pub band: String,
    pub weight_kg: f64,
    pub height_cm: f64,
    pub bsa_m2: f64,
    pub gfr_ml_per_min: f64,
    /// The dose that meets the target (mg a dose) and per kg.
    pub pbpk_dose_mg: f64,
    pub pbpk_dose_mg_per_kg: f64,
    pub pbpk_dose_rounded_mg: Option<f64>,
    pub converged: bool,
    /// Clearance (IV) or apparent clearance CL/F (oral) at the PBPK dose, mL/min/kg,
    /// from dose / AUC_inf (absent when AUC_inf cannot be estimated).
    pub clearance_ml_per_min_per_kg: Option<f64>,
    pub t_half_h: Option<f64>,
    pub rules: Vec<RuleDose>,
    /// The band's mg/kg dose at this child's weight (rounded if a step is given) and the
    /// exposure it gives relative to the target.
    pub band_dose_mg: f64,
    pub band_dose_exposure_ratio: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BandRow {
    pub band: String,
    pub ages_years: Vec<f64>,
    pub dose_mg_per_kg: f64,
    pub dose_mg_per_kg_min: f64,
    pub dose_mg_per_kg_max: f64,
    /// Range over the band's ages of the exposure the band dose gives / target.
    pub exposure_ratio_min: Option<f64>,
    pub exposure_ratio_max: Option<f64>,
    /// Virtual children of the band (ages uniform over it) on the band's mg/kg dose.
    pub virtual_children: VirtualBand,
}

/// Exposure / target over the virtual children of a band given the band dose.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VirtualBand {
    /// Children drawn and children whose draw or solve failed (not in the statistics).
    pub count: usize,
    pub failed: usize,
    pub age_range_years: [f64; 2],
    pub exposure_ratio_p05: Option<f64>,
    pub exposure_ratio_median: Option<f64>,
    pub exposure_ratio_p95: Option<f64>,
    /// Share of children whose exposure is within 0.8-1.25 of the target.
    pub share_within_80_125: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DoseFindingSummary {
    pub compound: String,
    pub arm: String,
    pub metric: String,
    pub target: f64,
    /// Where the target comes from.
    pub target_source: String,
    pub adult_dose_mg: f64,
    /// The rounding step of the pediatric doses (mg), if one is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_to_mg: Option<f64>,
    pub population: String,
    pub sex: String,
    /// The seed of the virtual children's draws, as used.
    pub seed: u64,
    pub ages: Vec<AgeRow>,
    pub bands: Vec<BandRow>,
}

/// What the `[children]` table adds to a run: the dose-finding table and the pediatric
/// observation checks.
#[derive(Debug, Clone, Default)]
pub struct ChildrenOutcome {
    pub dose_finding: Option<DoseFindingSummary>,
    pub observed: Vec<ObservedCheck>,
}

/// The scenario prepared for the typical child of `age` (fu scaled by its plasma
/// proteins, its own model).
fn child_prepared(
    p: &Prepared,
    setup: &PopulationSetup,
    ch: &Children,
    age: f64,
) -> Result<Prepared> {
    let female = ch.sex == Some(Sex::Female);
    let (phys, _, reference) = setup.typical_child(
        age,
        female,
        ch.gestational_age_weeks,
        "scenario",
        "children.population",
    )?;
    p.for_subject(phys, reference)
}

/// Secant on log(y(f) / target) against log f, from f = 1 (`y1` = y(1), if already known),
/// slope clamped to [0.2, 5]. Returns (factor, converged to 0.1 %, evaluations).
pub(crate) fn solve_dose_factor(
    target: f64,
    y1: Option<f64>,
    mut y: impl FnMut(f64) -> Result<f64>,
) -> Result<(f64, bool, usize)> {
    let mut evaluations = 0;
    let y1 = match y1 {
        Some(v) => v,
        None => {
            evaluations += 1;
            y(1.0)?
        }
    };
    let (mut x0, mut e0) = (0.0_f64, (y1 / target).ln());
    if !e0.is_finite() {
        return Err(PbpkError::Solver(format!(
            "dose finding: exposure {y1} at the starting dose cannot be compared with the target {target}"
        )));
    }
    let mut x1 = -e0;
    let mut e1 = (y(x1.exp())? / target).ln();
    evaluations += 1;
    while e1.abs() > 1e-3 && evaluations < 14 {
        let slope = if (e1 - e0).abs() > 1e-12 && (x1 - x0).abs() > 1e-12 {
            (e1 - e0) / (x1 - x0)
        } else {
            1.0
        };
        let x2 = x1 - e1 / slope.clamp(0.2, 5.0);
        x0 = x1;
        e0 = e1;
        x1 = x2;
        e1 = (y(x1.exp())? / target).ln();
        evaluations += 1;
    }
    Ok((x1.exp(), e1.abs() <= 1e-3, evaluations))
}

pub(crate) fn round_to(x: f64, step: Option<f64>) -> f64 {
    match step {
        Some(s) => ((x / s).round() * s).max(s),
        None => x,
    }
}

/// Run the `[children]` table of `s` (the adult arms are in `adult_arms`).
pub fn run_children(
    s: &Scenario,
    p: &Prepared,
    adult_arms: &[crate::run::ArmRun],
    opts: &RunOptions,
) -> Result<ChildrenOutcome> {
    let (Some(ch), Some(setup)) = (&s.children, &p.children) else {
        return Ok(ChildrenOutcome::default());
    };
    let mut out = ChildrenOutcome::default();
    // Pediatric observations.
    for o in s.observed.iter().filter(|o| o.age_years.is_some()) {
        let age = o.age_years.unwrap_or_default();
        let cp = child_prepared(p, setup, ch, age)?;
        let arm = s.arms.iter().find(|a| a.name == o.arm).expect("validated");
        let run = run_arm(s, &cp, arm, opts, &[])?;
        let predicted = run
            .compounds
            .iter()
            .find(|c| c.compound == o.compound)
            .and_then(|c| predicted_metric(c, &o.metric, cp.physiology.body_weight_kg));
        out.observed.push(ObservedCheck::new(
            o,
            format!("{} (child {age} y)", o.arm),
            predicted,
        ));
    }
    let Some(d) = &ch.dose_finding else {
        return Ok(out);
    };
    let arm = s.arms.iter().find(|a| a.name == d.arm).expect("validated");
    let k = p.compound_index(&d.compound);
    let exposure_of = |run: &crate::run::ArmRun, bw: f64| -> Option<f64> {
        run.compounds
            .iter()
            .find(|c| c.compound == d.compound)
            .and_then(|c| predicted_metric(c, &d.metric, bw))
    };
    let adult_bw = p.physiology.body_weight_kg;
    let adult_run = adult_arms
        .iter()
        .find(|a| a.name == d.arm)
        .expect("every arm is run");
    let (target, target_source) = match d.target {
        Some(t) => (t, "explicit target".to_string()),
        None => (
            exposure_of(adult_run, adult_bw).ok_or_else(|| {
                PbpkError::Solver(format!(
                    "dose finding: the adult's {} of {} in arm \"{}\" could not be computed (no terminal phase for auc_inf?)",
                    d.metric, d.compound, d.arm
                ))
            })?,
            format!("{} in arm \"{}\"", p.physiology.name, d.arm),
        ),
    };
    let dose_of = |bw: f64| {
        arm.dose
            .iter()
            .find(|x| x.compound == d.compound)
            .map_or(0.0, |x| x.amount_mg(bw))
    };
    let adult_dose = dose_of(adult_bw);
    let mut ages = Vec::new();
    // Each child is built once and serves both its own dose and its band's.
    let mut children = Vec::new();
    for &age in &ch.ages_years {
        children.push(child_prepared(p, setup, ch, age)?);
        let cp = &children[children.len() - 1];
        let bw = cp.physiology.body_weight_kg;
        let base = dose_of(bw);
        let exposure_at = |f: f64| -> Result<Option<f64>> {
            let run = run_arm(s, cp, arm, opts, &[(k, f)])?;
            Ok(exposure_of(&run, bw))
        };
        let at = |f: f64| -> Result<f64> {
            exposure_at(f)?.ok_or_else(|| {
                PbpkError::Solver(format!(
                    "dose finding at {age} y: the child's {} of {} could not be computed",
                    d.metric, d.compound
                ))
            })
        };
        let (factor, converged, _) = solve_dose_factor(target, None, at)?;
        let run = run_arm(s, cp, arm, opts, &[(k, factor)])?;
        let c = run
            .compounds
            .iter()
            .find(|c| c.compound == d.compound)
            .expect("dosed");
        let pbpk = base * factor;
        let height = cp.physiology.height_cm;
        let bsa = crate::population::bsa_du_bois(bw, height);
        let mut rules = Vec::new();
        for (name, f) in classical_rules(age, bw, bsa) {
            let dose = adult_dose * f;
            let e = if dose > 0.0 {
                exposure_at(dose / base)?
            } else {
                Some(0.0)
            };
            rules.push(RuleDose {
                rule: name.to_string(),
                dose_mg: dose,
                exposure: e,
                ratio: e.map(|v| v / target),
            });
        }
        ages.push(AgeRow {
            age_years: age,
            band: ich_e11_band(age).to_string(),
            weight_kg: bw,
            height_cm: height,
            bsa_m2: bsa,
            gfr_ml_per_min: cp.physiology.gfr_ml_per_min,
            pbpk_dose_mg: pbpk,
            pbpk_dose_mg_per_kg: pbpk / bw,
            pbpk_dose_rounded_mg: d.round_to_mg.map(|r| round_to(pbpk, Some(r))),
            converged,
            clearance_ml_per_min_per_kg: predicted_metric(c, "cl_ml_per_min_per_kg", bw),
            t_half_h: c.nca.t_half,
            rules,
            band_dose_mg: 0.0,
            band_dose_exposure_ratio: None,
        });
    }
    // Bands: the median mg/kg of the band's ages, and what it gives at each of them.
    let mut bands = Vec::new();
    for (band, _) in ICH_E11_BANDS {
        let idx: Vec<usize> = (0..ages.len()).filter(|&i| ages[i].band == band).collect();
        if idx.is_empty() {
            continue;
        }
        let mut per_kg: Vec<f64> = idx.iter().map(|&i| ages[i].pbpk_dose_mg_per_kg).collect();
        per_kg.sort_by(f64::total_cmp);
        let dose_per_kg = percentile(&per_kg, 50.0);
        let mut ratios = Vec::new();
        for &i in &idx {
            let row = &ages[i];
            let base = dose_of(row.weight_kg);
            let dose = round_to(dose_per_kg * row.weight_kg, d.round_to_mg);
            let run = run_arm(s, &children[i], arm, opts, &[(k, dose / base)])?;
            let r = exposure_of(&run, row.weight_kg).map(|v| v / target);
            ages[i].band_dose_mg = dose;
            ages[i].band_dose_exposure_ratio = r;
            ratios.extend(r);
        }
        bands.push(BandRow {
            band: band.to_string(),
            ages_years: idx.iter().map(|&i| ages[i].age_years).collect(),
            dose_mg_per_kg: dose_per_kg,
            dose_mg_per_kg_min: per_kg[0],
            dose_mg_per_kg_max: per_kg[per_kg.len() - 1],
            exposure_ratio_min: ratios.iter().cloned().reduce(f64::min),
            exposure_ratio_max: ratios.iter().cloned().reduce(f64::max),
            virtual_children: VirtualBand::default(),
        });
    }
    // Virtual children of each band on the band's mg/kg dose.
    let n_virtual = d
        .virtual_children
        .unwrap_or(crate::data::scenario::DEFAULT_VIRTUAL_CHILDREN);
    let seed = opts
        .seed
        .or(s.subjects.seed)
        .unwrap_or(crate::trial::DEFAULT_SEED);
    for b in &mut bands {
        let bi = ICH_E11_BANDS
            .iter()
            .position(|x| x.0 == b.band)
            .expect("a band");
        let lo = if bi == 0 {
            0.0
        } else {
            ICH_E11_BANDS[bi - 1].1
        };
        let hi = ICH_E11_BANDS[bi].1.min(18.0);
        let female_fraction = match ch.sex {
            Some(Sex::Female) => 1.0,
            Some(Sex::Male) => 0.0,
            None => 0.5,
        };
        let per_kg = b.dose_mg_per_kg;
        let ratios: Vec<Option<f64>> = (0..n_virtual)
            .into_par_iter()
            .map(|i| {
                // A failed draw or solve (or a panic inside the solver) is one failed child.
                let child = || -> Option<f64> {
                    let (cp, _) = setup
                        .virtual_subject(p, seed, bi * 1_000_000 + i, [lo, hi], female_fraction)
                        .ok()?;
                    let bw = cp.physiology.body_weight_kg;
                    let dose = round_to(per_kg * bw, d.round_to_mg);
                    let run = run_arm(s, &cp, arm, opts, &[(k, dose / dose_of(bw))]).ok()?;
                    exposure_of(&run, bw).map(|v| v / target)
                };
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(child))
                    .ok()
                    .flatten()
            })
            .collect();
        let mut v: Vec<f64> = ratios.iter().flatten().copied().collect();
        v.sort_by(f64::total_cmp);
        let pct = |q: f64| (!v.is_empty()).then(|| percentile(&v, q));
        b.virtual_children = VirtualBand {
            count: n_virtual,
            failed: n_virtual - v.len(),
            age_range_years: [lo, hi],
            exposure_ratio_p05: pct(5.0),
            exposure_ratio_median: pct(50.0),
            exposure_ratio_p95: pct(95.0),
            share_within_80_125: (!v.is_empty()).then(|| {
                v.iter().filter(|r| (0.8..=1.25).contains(*r)).count() as f64 / v.len() as f64
            }),
        };
    }
    out.dose_finding = Some(DoseFindingSummary {
        compound: d.compound.clone(),
        arm: d.arm.clone(),
        metric: d.metric.clone(),
        target,
        target_source,
        adult_dose_mg: adult_dose,
        round_to_mg: d.round_to_mg,
        population: ch.population.clone(),
        sex: if ch.sex == Some(Sex::Female) {
            "female".into()
        } else {
            "male".into()
        },
        seed,
        ages,
        bands,
    });
    Ok(out)
}
