//! The scenario runner: scenario -> subjects x arms -> simulations -> metrics -> summary.
//! It calls the stages; the stages never call it.

use crate::analysis::nca::{nca, Nca};
use crate::analysis::stats::{summarise, Stat};
use crate::data::compound::{Compound, Formulation};
use crate::data::library::{Kind, Library};
use crate::data::physiology::{Physiology, Sex, ORGANS};
use crate::data::population::Population;
use crate::data::scenario::{Route, Scenario};
use crate::dosing::Regimen;
use crate::error::{PbpkError, Result};
use crate::model::{assemble, CompoundInfo, Model};
use crate::prefix::{solve, Solved};
use crate::report::summary::{
    AdjustedDose, ArmSummary, ComparisonSummary, CompoundSummary, EnzymeRecovery, ObservedCheck,
    Summary, TargetDose,
};
use crate::solve::Tolerances;

/// Default relative tolerance of the BDF solver (justified by the convergence test).
pub const DEFAULT_RTOL: f64 = 1e-6;
/// Default absolute tolerance, relative to the largest dose amount (1e-12: profiles agree
/// with peer solvers to 1e-4 down to 1e-6 of Cmax, docs/performance.md).
pub const DEFAULT_ATOL_REL_DOSE: f64 = 1e-12;
/// Default tolerances of virtual-trial subjects: PK-Sim's default relative tolerance
/// (1e-5; OSP docs, PK-Sim options) with the individuals' absolute tolerance. A population
/// reports medians and percentiles of metrics whose between-subject spread is tens of per
/// cent: tests/convergence.rs checks that tightening these 100-fold moves the population's
/// median AUC, Cmax and DDI ratios by < 1e-4. (With PK-Sim's absolute 1e-10 x dose, 2 of
/// 100,000 LPV/r + nifedipine subjects went unstable in an extended-release arm, with
/// concentrations down to -0.05 and -88 mg/L; at 1e-12 x dose the one re-run passes.)
pub const POPULATION_RTOL: f64 = 1e-5;
pub const POPULATION_ATOL_REL_DOSE: f64 = DEFAULT_ATOL_REL_DOSE;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub subjects: Option<usize>,
    pub seed: Option<u64>,
    /// Multiplies both tolerances (the convergence test tightens them by 100).
    pub tolerance_scale: f64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            subjects: None,
            seed: None,
            tolerance_scale: 1.0,
        }
    }
}

/// A compound's simulated profile and metrics in one arm.
#[derive(Debug, Clone)]
pub struct CompoundRun {
    pub compound: String,
    pub window_h: [f64; 2],
    pub nca: Nca,
    /// (time, venous plasma concentration mg/L, organ concentrations mg/L for requested tissues)
    pub profile: Vec<(f64, f64, Vec<f64>)>,
    pub dose_mg: f64,
    /// Amounts at the end (mg): absorbed into enterocytes, metabolised in gut wall, etc.
    pub fractions: Option<OralFractions>,
    pub vss_l: f64,
    /// Fraction of the compound's clearance by each pathway at low concentration, from the
    /// well-stirred liver (split by the pathways' CLint) and renal clearance, baseline enzymes.
    pub fm: Vec<(String, f64)>,
    /// The amount of the last dose (mg) and whether the compound is given orally.
    pub last_dose_mg: f64,
    /// Time of the compound's first dose in the arm (h).
    pub first_dose_h: f64,
    pub oral: bool,
    /// Populations: 5th and 95th percentile plasma concentration at each profile time.
    pub band: Option<Vec<(f64, f64)>>,
}

/// Fractions of an oral dose: fa absorbed, Fg escaping the gut wall, Fh escaping the
/// liver (well-stirred, linear), F = fa Fg Fh.
#[derive(Debug, Clone, Copy)]
pub struct OralFractions {
    pub fa: f64,
    pub fg: f64,
    pub fh: f64,
    pub f_oral: f64,
    /// Share of the oral doses still in the gut lumen (dissolved or not) at end_h: fa is
    /// what was absorbed by then.
    pub in_lumen_at_end: f64,
}

#[derive(Debug, Clone)]
pub struct ArmRun {
    pub name: String,
    pub compounds: Vec<CompoundRun>,
    pub mass_balance_rel_error: f64,
    /// Remaining fraction of each dynamic enzyme (by site: liver, gut = all segments
    /// together) at each sample time: (label, [(t, fraction)]).
    pub enzymes: Vec<(String, Vec<(f64, f64)>)>,
    /// For enzymes that a reversible inhibitor acts on: the activity left for a substrate
    /// far below its Km, E/E0 x 1/(1 + sum [I]u/Ki) summed over the site's compartments
    /// (one individual; empty for a population's median arms).
    pub enzyme_activity: Vec<(String, Vec<(f64, f64)>)>,
    /// Recovery after the last dose of a perpetrator, per enzyme and site.
    pub recovery: Vec<EnzymeRecovery>,
}

#[derive(Debug, Clone)]
pub struct RunResult {
    pub summary: Summary,
    /// One individual: its arms. A population: per arm and compound the median profile
    /// (with the 5-95 % band in `CompoundRun::band`); metrics are in `summary`.
    pub arms: Vec<ArmRun>,
    pub tissues: Vec<String>,
    pub body_weight_kg: f64,
    /// A population's subjects and their metrics (empty for one individual).
    pub subjects: Vec<crate::trial::SubjectRow>,
    /// Observed concentration-time data for the plots: (arm, compound, points).
    pub observed_data: Vec<(String, String, Vec<crate::data::observed::Point>)>,
    /// The (reference) individual's per-compound distribution data, for `partition.csv`.
    pub distribution: Vec<CompoundInfo>,
}

/// Everything a scenario needs, loaded and validated before anything runs.
pub struct Prepared {
    pub physiology: Physiology,
    pub compounds: Vec<(Compound, String)>,
    /// Each dose line's `compound` string (name or path) and the compound it resolved to.
    pub aliases: Vec<(String, usize)>,
    pub model: Model,
    /// Observed concentration-time data: (arm, compound, points in mg/L).
    pub observed_data: Vec<(String, String, Vec<crate::data::observed::Point>)>,
    /// For a virtual population: the population and its male and female references
    /// (`physiology` and `model` are then those of the male reference).
    pub population: Option<crate::trial::PopulationSetup>,
    /// The pediatric population of a `[children]` table.
    pub children: Option<crate::trial::PopulationSetup>,
    /// The individual built from a population (`physiology = "<population>"`): its
    /// covariates and phenotypes, reported in `summary.json`.
    pub patient: Option<crate::population::Subject>,
    /// The scenario file, for errors found while running.
    pub label: String,
    /// Solver tolerances when the scenario sets none: (rtol, atol relative to the largest
    /// dose); `DEFAULT_*` for individuals, `POPULATION_*` for virtual-trial subjects.
    pub default_tolerances: (f64, f64),
}

impl Prepared {
    /// Every name compound `k` is resolved by (the dose lines' strings, then its own name),
    /// so an in-memory replacement of its file catches every reference to it.
    pub fn compound_names(&self, k: usize) -> Vec<String> {
        let mut names: Vec<String> = self
            .aliases
            .iter()
            .filter(|(_, i)| *i == k)
            .map(|(a, _)| a.clone())
            .collect();
        let own = &self.compounds[k].0.name;
        if !names.contains(own) {
            names.push(own.clone());
        }
        names
    }

    /// The same scenario for another body: `phys`, with fu of albumin- or AGP-bound drugs
    /// scaled by its protein level against `reference` (the adult it was drawn or grown
    /// from), and its own model.
    pub fn for_subject(&self, phys: Physiology, reference: &Physiology) -> Result<Prepared> {
        let compounds: Vec<(Compound, String)> = self
            .compounds
            .iter()
            .map(|(c, l)| (crate::trial::scale_fu(c, &phys, reference), l.clone()))
            .collect();
        let model = assemble(&phys, &compounds)?;
        Ok(Prepared {
            physiology: phys,
            compounds,
            aliases: self.aliases.clone(),
            model,
            observed_data: Vec::new(),
            population: None,
            children: None,
            patient: None,
            label: self.label.clone(),
            default_tolerances: self.default_tolerances,
        })
    }

    /// The compound a dose line's `compound` string (name or path) resolved to.
    pub fn compound_index(&self, name: &str) -> usize {
        self.aliases
            .iter()
            .find(|(a, _)| a == name)
            .map(|(_, k)| *k)
            .expect("every dose compound resolved in prepare")
    }
}

/// Load the physiology and every compound a scenario names, and assemble the model.
pub fn prepare(s: &Scenario, lib: &Library, label: &str) -> Result<Prepared> {
    let mut population = match &s.subjects.population {
        Some(name) => Some(crate::trial::PopulationSetup::load(lib, name, label)?),
        None => None,
    };
    if let (Some(pop), Some(ages)) = (&population, s.subjects.age_years) {
        check_population_ages(&pop.population, ages.range(), label)?;
    }
    if let (Some(pop), Some(ga)) = (population.as_mut(), s.subjects.gestational_age_weeks) {
        if let Some(o) = pop.population.ontogeny.as_mut() {
            o.default_gestational_age_weeks = ga;
        }
    }
    let mut child_reference = None;
    let mut patient = None;
    let physiology = match &population {
        Some(pop) => pop.male.clone(),
        None => {
            let phys_name = s.subjects.physiology.as_deref().unwrap_or_default();
            let r = lib.resolve(Kind::Physiology, phys_name, label, "subjects.physiology")?;
            if Population::is_population(&r.text) {
                let (body, reference, record) = population_individual(s, lib, phys_name, label)?;
                child_reference = Some(reference);
                patient = Some(record);
                body
            } else {
                let body = Physiology::parse(&r.label(), &r.text)?;
                let sub = &s.subjects;
                let age = sub.age_years.map(|a| a.range());
                let conflict = [
                    ("sex", sub.sex.is_some_and(|x| x != body.sex)),
                    (
                        "age_years",
                        age.is_some_and(|[a0, a1]| a0 != a1 || (a0 - body.age_years).abs() > 1e-9),
                    ),
                    ("gestational_age_weeks", sub.gestational_age_weeks.is_some()),
                ];
                if let Some((field, _)) = conflict.iter().find(|(_, c)| *c) {
                    return Err(PbpkError::invalid(
                        label,
                        format!("subjects.{field}"),
                        format!(
                            "{} is one fixed individual ({:?}, {} y) and its {field} is in its file: remove the field, or name a population in `physiology` (\"european\", \"chinese\", \"pediatric\") to build an individual of that {field}",
                            r.label(),
                            body.sex,
                            body.age_years
                        ),
                    ));
                }
                if let Some(first) = s.subjects.patient_fields().first() {
                    return Err(PbpkError::invalid(
                        label,
                        format!("subjects.{first}"),
                        format!(
                            "describes a patient, but {} is one fixed individual: name a population in `physiology` (\"european\", \"chinese\", \"pediatric\") to build the patient from it, or edit the physiology file",
                            r.label()
                        ),
                    ));
                }
                body
            }
        }
    };
    let mut compounds: Vec<(Compound, String)> = Vec::new();
    // Every `compound` string used in a dose (a name or a path) -> index into `compounds`.
    let mut aliases: Vec<(String, usize)> = Vec::new();
    for (i, arm) in s.arms.iter().enumerate() {
        for (j, d) in arm.dose.iter().enumerate() {
            let field = format!("arm[{i}].dose[{j}].compound");
            let k = match aliases.iter().find(|(a, _)| *a == d.compound) {
                Some((_, k)) => *k,
                None => {
                    let r = lib.resolve(Kind::Compound, &d.compound, label, &field)?;
                    let c = Compound::parse(&r.label(), &r.text)?;
                    if c.name != d.compound && !d.compound.ends_with(".toml") {
                        return Err(PbpkError::invalid(
                            &r.label(),
                            "name",
                            format!(
                                "the file is named \"{}\" but its `name` is \"{}\"",
                                d.compound, c.name
                            ),
                        ));
                    }
                    let k = match compounds.iter().position(|(x, _)| x.name == c.name) {
                        Some(k) => k,
                        None => {
                            compounds.push((c, r.label()));
                            compounds.len() - 1
                        }
                    };
                    aliases.push((d.compound.clone(), k));
                    k
                }
            };
            let (c, clabel) = &compounds[k];
            if d.route == Route::Oral && c.absorption.is_none() {
                return Err(PbpkError::invalid(
                    label,
                    format!("arm[{i}].dose[{j}].route"),
                    format!(
                        "oral dosing of {} needs an [absorption] table in {clabel}",
                        c.name
                    ),
                ));
            }
            if let Some(f) = &d.formulation {
                if c.formulation(Some(f)).is_none() {
                    let known: Vec<&str> = c.formulation.iter().map(|f| f.name()).collect();
                    return Err(PbpkError::invalid(
                        label,
                        format!("arm[{i}].dose[{j}].formulation"),
                        format!(
                            "{clabel} has no formulation \"{f}\"; it has: {}",
                            if known.is_empty() {
                                "none (doses are solutions)".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    ));
                }
            }
        }
    }
    // One oral product per compound and arm, and zero-order doses spaced for their delivery:
    // checked once every dose line is resolved, by compound (two spellings of one compound,
    // a name and a path, are one compound).
    let alias = |name: &str| {
        aliases
            .iter()
            .find(|(a, _)| a == name)
            .map(|(_, k)| *k)
            .expect("every dose compound resolved above")
    };
    for (i, arm) in s.arms.iter().enumerate() {
        for (j, d) in arm.dose.iter().enumerate() {
            let k = alias(&d.compound);
            let c = &compounds[k].0;
            if d.route == Route::Oral {
                let product = c.formulation(d.formulation.as_deref());
                let this = product.as_ref().map(|f| f.name().to_string());
                let other = arm
                    .dose
                    .iter()
                    .filter(|e| alias(&e.compound) == k && e.route == Route::Oral)
                    .map(|e| {
                        c.formulation(e.formulation.as_deref())
                            .map(|f| f.name().to_string())
                    })
                    .find(|o| *o != this);
                if let Some(o) = other {
                    return Err(PbpkError::invalid(
                        label,
                        format!("arm[{i}].dose[{j}].formulation"),
                        format!(
                            "one arm gives {} as both {} and {}; use one oral product per compound and arm",
                            c.name, this.unwrap_or_default(), o.unwrap_or_default()
                        ),
                    ));
                }
                // A release runs on the time since the compound's latest dose: a zero-order
                // product must be empty before the next dose.
                if let Some(Formulation::ZeroOrder {
                    name,
                    lag_h,
                    duration_h,
                    ..
                }) = product
                {
                    let mut times: Vec<f64> = arm
                        .dose
                        .iter()
                        .filter(|e| alias(&e.compound) == k && e.route == Route::Oral)
                        .flat_map(|e| e.times_h())
                        .collect();
                    times.sort_by(f64::total_cmp);
                    let need = ((lag_h + duration_h) * 1000.0).round() / 1000.0;
                    if let Some(w) = times.windows(2).find(|w| w[1] - w[0] < need) {
                        return Err(PbpkError::invalid(
                            label,
                            format!("arm[{i}].dose[{j}]"),
                            format!(
                                "{}'s zero-order product \"{name}\" delivers for {need} h after a dose (lag_h + duration_h), but doses at {} h and {} h are closer: space its oral doses at least {need} h apart",
                                c.name, w[0], w[1]
                            ),
                        ));
                    }
                }
            }
        }
    }
    // Metabolites: every compound that a pathway forms joins the model (and so do theirs).
    let mut i = 0;
    while i < compounds.len() {
        let formed: Vec<(usize, String)> = compounds[i]
            .0
            .metabolites()
            .into_iter()
            .map(|(j, m)| (j, m.to_string()))
            .collect();
        for (j, m) in formed {
            if compounds.iter().any(|(x, _)| x.name == m) {
                continue;
            }
            let parent = compounds[i].1.clone();
            let r = lib.resolve(
                Kind::Compound,
                &m,
                &parent,
                &format!("elimination[{j}].metabolite"),
            )?;
            let c = Compound::parse(&r.label(), &r.text)?;
            if c.name != m {
                return Err(PbpkError::invalid(
                    &r.label(),
                    "name",
                    format!(
                        "{parent} names the metabolite \"{m}\" but this file's `name` is \"{}\"",
                        c.name
                    ),
                ));
            }
            compounds.push((c, r.label()));
        }
        i += 1;
    }
    for t in &s.simulation.tissues {
        if !ORGANS.contains(&t.as_str()) {
            return Err(PbpkError::invalid(
                label,
                "simulation.tissues",
                format!(
                    "unknown organ \"{t}\"; expected any of {}",
                    ORGANS.join(", ")
                ),
            ));
        }
    }
    for (i, c) in s.comparisons.iter().enumerate() {
        if !compounds.iter().any(|(k, _)| k.name == c.compound) {
            return Err(PbpkError::invalid(
                label,
                format!("compare[{i}].compound"),
                format!("\"{}\" is not dosed in any arm", c.compound),
            ));
        }
    }
    if let (Some(_), Some(_)) = (&patient, &s.children) {
        return Err(PbpkError::invalid(
            label,
            "children",
            "[children] grows children from one adult reference physiology file: name it in subjects.physiology (e.g. \"adult_male_european\"), not a population",
        ));
    }
    check_named_compounds(s, &compounds, label)?;
    set_fitted_livers(&mut compounds, lib)?;
    check_interaction_enzymes(&compounds, &physiology)?;
    if let Some(reference) = &child_reference {
        for (c, _) in compounds.iter_mut() {
            *c = crate::trial::scale_fu(c, &physiology, reference);
        }
    } else if population.is_none() {
        // An individual file with another hematocrit than the reference man's (a woman, a
        // user's patient file): the files' B:P apply at the reference hematocrit.
        for (c, _) in compounds.iter_mut() {
            let fu = c.fu_plasma.value;
            crate::trial::with_hematocrit(c, fu, &physiology);
        }
    }
    let model = assemble(&physiology, &compounds)?;
    let mut observed_data = Vec::new();
    for (i, d) in s.observed_data.iter().enumerate() {
        let field = format!("observed_data[{i}].file");
        let r = lib.data_file(&d.file, label, &field)?;
        let k = aliases
            .iter()
            .find(|(a, _)| *a == d.compound)
            .map(|(_, k)| *k)
            .ok_or_else(|| {
                PbpkError::invalid(label, format!("observed_data[{i}].compound"), "not dosed")
            })?;
        let points = crate::data::observed::parse(d, &r.label(), &r.text, compounds[k].0.mw())?;
        observed_data.push((d.arm.clone(), compounds[k].0.name.clone(), points));
    }
    let children = match &s.children {
        Some(ch) => {
            let setup = crate::trial::PopulationSetup::load(lib, &ch.population, label)?;
            if setup.population.ontogeny.is_none() {
                return Err(PbpkError::invalid(
                    label,
                    "children.population",
                    format!(
                        "\"{}\" is an adult population; [children] needs one with [ontogeny], e.g. \"pediatric\"",
                        ch.population
                    ),
                ));
            }
            Some(setup)
        }
        None => None,
    };
    Ok(Prepared {
        physiology,
        compounds,
        aliases,
        model,
        observed_data,
        population,
        children,
        patient,
        label: label.to_string(),
        default_tolerances: (DEFAULT_RTOL, DEFAULT_ATOL_REL_DOSE),
    })
}

/// The one individual a scenario builds with `physiology = "<population>"`: the typical
/// child of a pediatric population at one `age_years`, or the typical adult of an adult
/// population, either individualised by the patient fields of `[subjects]` (weight,
/// height, GFR, albumin, hematocrit, phenotypes; `population::Patient`). Returns the body,
/// the adult reference it was built from (for the plasma-protein scaling of fu) and its
/// record for `summary.json`.
fn population_individual(
    s: &Scenario,
    lib: &Library,
    name: &str,
    label: &str,
) -> Result<(Physiology, Physiology, crate::population::Subject)> {
    let setup = crate::trial::PopulationSetup::load(lib, name, label)?;
    let sub = &s.subjects;
    let age_years = match sub.age_years.map(|a| a.range()) {
        Some([a0, a1]) if a0 == a1 => Some(a0),
        None => None,
        Some(_) => {
            return Err(PbpkError::invalid(
                label,
                "subjects.age_years",
                format!("one individual built from population \"{name}\" has one age in years, e.g. age_years = 5, not a range"),
            ))
        }
    };
    let spec = crate::population::Patient {
        female: sub.sex == Some(Sex::Female),
        age_years,
        gestational_age_weeks: sub.gestational_age_weeks,
        weight_kg: sub.weight_kg,
        height_cm: sub.height_cm,
        gfr_ml_per_min: sub.gfr_ml_per_min,
        egfr_ml_per_min_per_1_73m2: sub.egfr_ml_per_min_per_1_73m2,
        albumin_g_per_l: sub.albumin_g_per_l,
        hematocrit: sub.hematocrit,
        phenotypes: sub.phenotypes.clone(),
    };
    let (p, record) =
        crate::population::patient(&setup.population, &setup.male, &setup.female, &spec)
            .map_err(|(field, msg)| PbpkError::invalid(label, field, msg))?;
    let reference = if spec.female {
        setup.female
    } else {
        setup.male
    };
    Ok((p, reference, record))
}

/// The output grid: regular steps plus every dose time.
fn output_grid(s: &Scenario, regimen: &Regimen) -> Vec<f64> {
    let end = s.simulation.end_h;
    let step = s
        .simulation
        .output_step_h
        .unwrap_or_else(|| (end / 2000.0).clamp(0.01, 0.25));
    let n = (end / step).round() as usize;
    let mut g: Vec<f64> = (0..=n).map(|i| (i as f64 * step).min(end)).collect();
    g.extend(regimen.breakpoints());
    // Dense points just after every dose (1, 2, 5 x 10^k h up to the step): after an IV
    // bolus venous concentrations fall by an order of magnitude within minutes, and the
    // trapezoids of a regular grid would overstate that first area.
    for d in regimen.breakpoints() {
        for k in -3..=0 {
            for m in [1.0, 2.0, 5.0] {
                let dt = m * 10f64.powi(k);
                if dt < step && d + dt < end {
                    g.push(d + dt);
                }
            }
        }
    }
    g.push(end);
    g.sort_by(f64::total_cmp);
    g.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    g
}

/// Run a scenario for its reference individual.
pub fn run_scenario(
    s: &Scenario,
    lib: &Library,
    label: &str,
    opts: &RunOptions,
) -> Result<RunResult> {
    run_scenario_prepared(s, lib, label, opts).map(|(r, _)| r)
}

/// Give every fitted hepatic clearance the amount of its enzyme (or microsomal protein) in
/// the liver it was fitted in (`fitted_physiology`, default the reference man), so that any
/// individual scales it by its own (`clearance::enzyme_pathways`).
fn set_fitted_livers(compounds: &mut [(Compound, String)], lib: &Library) -> Result<()> {
    use crate::data::compound::Elimination::HepaticFitted;
    // The fitted liver is the file as written, not as a sensitivity analysis perturbs it
    // (perturbing the reference man's CYP3A4 must change his clearance, not cancel out).
    let mut lib = lib.clone();
    lib.overrides.retain(|o| o.kind != Kind::Physiology);
    let mut livers: Vec<(String, Physiology)> = Vec::new();
    for (c, clabel) in compounds.iter_mut() {
        // Each fitted entry's liver (loaded once per name), amount and basis.
        let mut fitted: Vec<usize> = Vec::new();
        for (i, e) in c.elimination.iter_mut().enumerate() {
            let HepaticFitted {
                enzyme,
                fitted_physiology,
                fitted_liver_amount,
                fitted_by_enzyme,
                ..
            } = e
            else {
                continue;
            };
            let name = fitted_physiology.as_deref().unwrap_or(FITTED_PHYSIOLOGY);
            let field = format!("elimination[{i}].fitted_physiology");
            let li = match livers.iter().position(|(n, _)| n == name) {
                Some(li) => li,
                None => {
                    let r = lib.resolve(Kind::Physiology, name, clabel, &field)?;
                    if Population::is_population(&r.text) {
                        return Err(PbpkError::invalid(
                            clabel,
                            &field,
                            format!("\"{name}\" is a population; name the individual physiology file the clearance was fitted in (e.g. \"{FITTED_PHYSIOLOGY}\")"),
                        ));
                    }
                    livers.push((name.to_string(), Physiology::parse(&r.label(), &r.text)?));
                    livers.len() - 1
                }
            };
            let liver = &livers[li].1;
            if let Some(e) = enzyme.as_deref() {
                check_enzyme_case(liver, e, clabel, &format!("elimination[{i}].enzyme"))?;
            }
            *fitted_liver_amount = Some(liver.fitted_liver_amount(enzyme.as_deref()));
            *fitted_by_enzyme = enzyme
                .as_deref()
                .is_some_and(|e| liver.hepatic_enzyme_pmol(e).is_some());
            fitted.push(li);
        }
        // That liver's membranes for this compound (its own file values there), set once the
        // entries no longer borrow the compound.
        let membranes = fitted
            .iter()
            .map(|&li| crate::model::assemble::liver_membranes(c, &livers[li].1, clabel))
            .collect::<Result<Vec<_>>>()?;
        let mut m = membranes.into_iter();
        for e in c.elimination.iter_mut() {
            if let HepaticFitted {
                fitted_liver_membranes,
                ..
            } = e
            {
                *fitted_liver_membranes = m.next().flatten();
            }
        }
    }
    Ok(())
}

/// The liver a `hepatic_fitted` clearance was fitted in when its file names none.
const FITTED_PHYSIOLOGY: &str = "adult_male_european";

/// Every compound an `[[observed]]` value or a `[[compare]]` names must be one the scenario
/// doses or forms (a misspelt name would print "not computed" or drop the comparison).
fn check_named_compounds(
    s: &Scenario,
    compounds: &[(Compound, String)],
    label: &str,
) -> Result<()> {
    let known = |name: &str| compounds.iter().any(|(c, _)| c.name == name);
    let list = || {
        compounds
            .iter()
            .map(|(c, _)| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let named = s
        .observed
        .iter()
        .enumerate()
        .map(|(i, o)| (format!("observed[{i}].compound"), &o.compound))
        .chain(
            s.comparisons
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("compare[{i}].compound"), &c.compound)),
        );
    for (field, name) in named {
        if !known(name) {
            return Err(PbpkError::invalid(
                label,
                &field,
                format!(
                    "\"{name}\" is not a compound of this scenario; it doses or forms: {}",
                    list()
                ),
            ));
        }
    }
    Ok(())
}

/// A scenario's age range must lie within what its population describes: adults (no
/// ontogeny) from 18 y, children (an ontogeny) up to its adult age. Otherwise an adult
/// population would grow 3-year-olds of adult size, silently.
fn check_population_ages(pop: &Population, [a0, a1]: [f64; 2], label: &str) -> Result<()> {
    let (low, high, what) = match &pop.ontogeny {
        None => (18.0, 120.0, "adults (18 y and over)"),
        Some(o) => (
            0.0,
            o.adult_age_years,
            "children, from birth to its adult age",
        ),
    };
    if a0 < low || a1 > high {
        let hint = if pop.ontogeny.is_none() {
            "for children use the pediatric population (population = \"pediatric\")"
        } else {
            "for adults use an adult population (population = \"european\" or \"chinese\")"
        };
        return Err(PbpkError::invalid(
            label,
            "subjects.age_years",
            format!(
                "[{}, {}] y lies outside population {}, which describes {what} ({} to {} y); {hint}",
                crate::data::show(a0),
                crate::data::show(a1),
                pop.name,
                crate::data::show(low),
                crate::data::show(high)
            ),
        ));
    }
    Ok(())
}

/// An enzyme name that matches one of the physiology's only in letter case is a typo that
/// would silently remove an interaction or a pathway's scaling: an error naming the right one.
fn check_enzyme_case(phys: &Physiology, name: &str, label: &str, field: &str) -> Result<()> {
    match phys.enzyme_case_mismatch(name) {
        Some(listed) => Err(PbpkError::invalid(
            label,
            field,
            format!("\"{name}\" is not an enzyme of the physiology; enzyme names are case-sensitive: did you mean \"{listed}\"?"),
        )),
        None => Ok(()),
    }
}

/// An interaction naming an enzyme that matches one of the physiology's only in letter case
/// is a typo that would silently remove the interaction: an error.
fn check_interaction_enzymes(compounds: &[(Compound, String)], phys: &Physiology) -> Result<()> {
    for (c, clabel) in compounds {
        for (i, it) in c.interaction.iter().enumerate() {
            check_enzyme_case(
                phys,
                it.enzyme(),
                clabel,
                &format!("interaction[{i}].enzyme"),
            )?;
        }
    }
    Ok(())
}

/// A preterm birth (gestational age under 37 weeks) matures enzymes and GFR by postmenstrual
/// age, but body size and organ volumes come from the term growth reference: say so.
fn preterm_warnings(s: &Scenario) -> Vec<String> {
    let sub = &s.subjects;
    let one_child = sub.population.is_none();
    let at_birth = sub.age_years.is_some_and(|a| a.range()[0] < 0.1);
    let given = [
        (
            "subjects.gestational_age_weeks",
            sub.gestational_age_weeks,
            // Advice that can be followed: one child may be given its size.
            if !one_child {
                "; a virtual population's children are all of term size"
            } else if sub.weight_kg.is_some() {
                ", rescaled to the weight given"
            } else {
                "; give weight_kg and height_cm for a preterm infant's size (down to about 2.2 kg: smaller infants fall outside the size model)"
            },
            at_birth,
        ),
        (
            "children.gestational_age_weeks",
            s.children.as_ref().and_then(|c| c.gestational_age_weeks),
            "; the dose-finding children are all of term size",
            true,
        ),
    ];
    given
        .into_iter()
        .filter_map(|(field, ga, advice, newborn)| {
            let ga = ga.filter(|g| *g < 37.0)?;
            Some(format!(
                "{field} = {}: maturation (enzymes, GFR) follows postmenstrual age, but body size and organ volumes come from the term growth reference{}{advice}",
                crate::data::show(ga),
                if newborn { " (a newborn of about 3.5 kg)" } else { "" }
            ))
        })
        .collect()
}

/// An infusion still running at end_h delivers only part of its dose within the run: say
/// how much (a long infusion as a constant background is legitimate, a typo is not).
fn infusion_warnings(s: &Scenario) -> Vec<String> {
    let end = s.simulation.end_h;
    let mut out = Vec::new();
    for (a, arm) in s.arms.iter().enumerate() {
        for (i, d) in arm.dose.iter().enumerate() {
            let (Route::IvInfusion, Some(t)) = (d.route, d.duration_h) else {
                continue;
            };
            let late: Vec<f64> = d.times_h().into_iter().filter(|&t0| t0 + t > end).collect();
            if let Some(&t0) = late.first() {
                out.push(format!(
                    "arm[{a}].dose[{i}] (arm \"{}\", {}): an infusion from {} h runs to {} h, past simulation.end_h = {} h; only {:.1} % of that administration is given within the run (metrics and clearance use what was given)",
                    arm.name,
                    d.compound,
                    crate::data::show(t0),
                    crate::data::show(t0 + t),
                    crate::data::show(end),
                    100.0 * ((end - t0) / t).clamp(0.0, 1.0)
                ));
            }
        }
    }
    out
}

/// What the files of a prepared scenario allow but a run would warn about (an interaction on
/// an enzyme the physiology lacks, an infusion past the end, preterm sizes); `pbpk check`
/// prints these too.
pub fn input_warnings(s: &Scenario, p: &Prepared) -> Vec<String> {
    let mut out = interaction_warnings(p);
    out.extend(release_overlap_warnings(s, p));
    for (a, arm) in s.arms.iter().enumerate() {
        for (k, (c, _)) in p.compounds.iter().enumerate() {
            if oral_and_iv(p, arm, k) {
                out.push(format!(
                    "arm[{a}] (\"{}\") doses {} both orally and intravenously: fa, Fg, Fh and F are not reported there (the IV doses reach the gut wall and the bile too); an absolute bioavailability is the ratio of AUCs of an oral and an IV arm",
                    arm.name, c.name
                ));
            }
        }
    }
    out.extend(infusion_warnings(s));
    out.extend(preterm_warnings(s));
    out
}

/// Whether `arm` gives compound k both orally and intravenously.
fn oral_and_iv(p: &Prepared, arm: &crate::data::scenario::Arm, k: usize) -> bool {
    let routes = || {
        arm.dose
            .iter()
            .filter(move |d| p.compound_index(&d.compound) == k)
            .map(|d| d.route)
    };
    routes().any(|r| r == Route::Oral) && routes().any(|r| r != Route::Oral)
}

/// A new oral dose restarts the release clock of a Weibull product's unreleased rest (one
/// unreleased-product state per compound and gut segment): doses closer than the time to
/// release 95 %, lag + td (ln 20)^(1/beta), under-predict exposure by a few % (about 3-11 %
/// at steady state in an audit). Said, not refused: such regimens are common.
fn release_overlap_warnings(s: &Scenario, p: &Prepared) -> Vec<String> {
    let mut out = Vec::new();
    for (a, arm) in s.arms.iter().enumerate() {
        for (k, (c, _)) in p.compounds.iter().enumerate() {
            let oral: Vec<_> = arm
                .dose
                .iter()
                .filter(|d| d.route == Route::Oral && p.compound_index(&d.compound) == k)
                .collect();
            let Some(first) = oral.first() else { continue };
            let Some(crate::data::compound::Formulation::Weibull {
                name,
                lag_h,
                td_h,
                beta,
                ..
            }) = c.formulation(first.formulation.as_deref())
            else {
                continue;
            };
            let t95 = lag_h + td_h * 20f64.ln().powf(1.0 / beta);
            let mut times: Vec<f64> = oral.iter().flat_map(|d| d.times_h()).collect();
            times.sort_by(f64::total_cmp);
            if let Some(w) = times.windows(2).find(|w| w[1] - w[0] < t95) {
                out.push(format!(
                    "arm[{a}] (\"{}\"): {}'s Weibull product \"{name}\" releases 95 % in {t95:.1} h, but oral doses at {} h and {} h are closer: each dose restarts the release of what the previous one left, so exposure is under-predicted by a few %",
                    arm.name,
                    c.name,
                    crate::data::show(w[0]),
                    crate::data::show(w[1])
                ));
            }
        }
    }
    out
}

/// Interactions on an enzyme the physiology does not have act on nothing: say so, so that a
/// misspelt name is not read as "no interaction".
fn interaction_warnings(p: &Prepared) -> Vec<String> {
    let phys = &p.physiology;
    let mut out = Vec::new();
    for (c, _) in &p.compounds {
        for (i, it) in c.interaction.iter().enumerate() {
            let e = it.enzyme();
            if phys.has_enzyme(e) {
                continue;
            }
            let listed: Vec<&str> = phys.enzyme_names().collect();
            out.push(format!(
                "{}'s interaction[{i}] names enzyme \"{e}\", which the physiology {} does not have: it acts on nothing (the physiology has {})",
                c.name,
                phys.name,
                listed.join(", ")
            ));
        }
    }
    out
}

/// `run_scenario`, also returning the prepared scenario (compounds, model) it ran.
pub fn run_scenario_prepared(
    s: &Scenario,
    lib: &Library,
    label: &str,
    opts: &RunOptions,
) -> Result<(RunResult, Prepared)> {
    let p = prepare(s, lib, label)?;
    let mut r = if p.population.is_some() {
        crate::trial::run_population(s, &p, opts)?
    } else {
        let mut r = run_prepared(s, &p, opts)?;
        // Population settings on a one-individual scenario change nothing: say so.
        let sub = &s.subjects;
        // A [children] dose finding draws virtual children with the seed.
        let draws_children = s.children.as_ref().is_some_and(|c| {
            c.dose_finding
                .as_ref()
                .is_some_and(|d| d.virtual_children != Some(0))
        });
        for (what, set) in [
            ("--subjects", opts.subjects.is_some()),
            ("--seed", opts.seed.is_some() && !draws_children),
            ("subjects.count", sub.count.is_some()),
            ("subjects.seed", sub.seed.is_some() && !draws_children),
        ] {
            if set {
                r.summary.warnings.push(format!(
                    "{what} ignored: it applies to a virtual population (`[subjects] population = \"european\"`), and this scenario simulates one individual"
                ));
            }
        }
        r
    };
    r.summary.warnings.extend(input_warnings(s, &p));
    r.summary.limitations = limitations(&p);
    r.summary.alternatives_listed = alternatives_listed(&p);
    Ok((r, p))
}

/// The known limitations of every compound the scenario uses (metabolites included).
fn limitations(p: &Prepared) -> Vec<crate::report::summary::CompoundLimitation> {
    p.compounds
        .iter()
        .flat_map(|(c, _)| {
            c.limitation
                .iter()
                .map(|l| crate::report::summary::CompoundLimitation {
                    compound: c.name.clone(),
                    what: l.what.clone(),
                    evidence: l.evidence.clone(),
                })
        })
        .collect()
}

/// The compounds whose files list published alternative input sets.
fn alternatives_listed(p: &Prepared) -> Vec<String> {
    p.compounds
        .iter()
        .filter(|(c, _)| !c.alternative.is_empty())
        .map(|(c, _)| c.name.clone())
        .collect()
}

pub fn run_prepared(s: &Scenario, p: &Prepared, opts: &RunOptions) -> Result<RunResult> {
    let phys = &p.physiology;
    let (arms, solved) = run_all_arms(s, p, opts)?;
    let mut summary = summarise_run(s, phys, &arms);
    summary.patient = p.patient.clone();
    for cmp in s.comparisons.iter().filter(|c| c.adjust_dose) {
        let found = summary.comparisons.iter_mut().find(|o| o.is_of(cmp));
        if let Some(out) = found {
            let (a, cmax_ratio) = adjust_dose(s, p, opts, cmp, &arms, &solved)?;
            if a.converged {
                out.adjusted_dose_cmax_ratio = Some(cmax_ratio);
                summary
                    .warnings
                    .extend(adjusted_dose_warning(cmp, &a, cmax_ratio));
            }
            out.adjusted_dose = Some(a);
        }
    }
    for i in 0..s.targets.len() {
        let t = dose_for_target(s, p, opts, i, &arms, &solved)?;
        summary.warnings.extend(target_warnings(i, &t));
        summary.targets.push(t);
    }
    static_models(p, &mut summary.comparisons, &arms);
    let children = crate::pediatric::run_children(s, p, &arms, opts)?;
    summary.observed.extend(children.observed);
    summary
        .warnings
        .extend(children.dose_finding.iter().flat_map(dose_finding_warnings));
    summary.dose_finding = children.dose_finding;
    Ok(RunResult {
        summary,
        arms,
        tissues: s.simulation.tissues.clone(),
        body_weight_kg: phys.body_weight_kg,
        subjects: Vec::new(),
        observed_data: p.observed_data.clone(),
        distribution: p.model.compounds.clone(),
    })
}

/// The arms of the prepared individual and their summary (metrics and interaction ratios)
/// without the extras of `run_prepared` (adjusted doses, static models, children): what a
/// sensitivity analysis needs from each of its many runs.
pub fn run_arms(s: &Scenario, p: &Prepared, opts: &RunOptions) -> Result<Summary> {
    let (arms, _) = run_all_arms(s, p, opts)?;
    Ok(arms_summary(s, p, &arms))
}

/// The summary `run_arms` gives, from arms already run for the prepared individual.
pub fn arms_summary(s: &Scenario, p: &Prepared, arms: &[ArmRun]) -> Summary {
    summarise_run(s, &p.physiology, arms)
}

/// Arms in order, each starting from an earlier one where they share their history.
fn run_all_arms(
    s: &Scenario,
    p: &Prepared,
    opts: &RunOptions,
) -> Result<(Vec<ArmRun>, Vec<Solved>)> {
    let mut arms = Vec::new();
    let mut solved = Vec::new();
    for arm in &s.arms {
        let (run, sol) = run_arm_with(s, p, arm, opts, &[], &solved)?;
        arms.push(run);
        solved.push(sol);
    }
    Ok((arms, solved))
}

/// The FDA static interaction model of each comparison whose two arms are in `arms` (runs
/// of the prepared individual).
pub(crate) fn static_models(p: &Prepared, comparisons: &mut [ComparisonSummary], arms: &[ArmRun]) {
    for out in comparisons {
        let arm = |n: &str| arms.iter().find(|a| a.name == n);
        if let (Some(r), Some(t)) = (arm(&out.reference), arm(&out.test)) {
            out.static_model = crate::ddi_static::static_auc_ratio(p, &out.compound, r, t);
        }
    }
}

/// The exposure a comparison matches: AUC from dose to infinity for single doses, else the
/// AUC over the window (AUC_tau at steady state).
fn exposure(c: &CompoundRun, use_inf: bool) -> f64 {
    if use_inf {
        c.nca.auc_inf.unwrap_or(c.nca.auc)
    } else {
        c.nca.auc
    }
}

/// The dose of the compared compound in the test arm that gives the reference arm's AUC:
/// a secant root-find on log(AUC) against log(dose factor), since clearance may be
/// saturable or the compound may inhibit its own enzyme (ritonavir). Converges to 0.1 %.
/// Also returns the compound's Cmax at that dose over its Cmax in the reference arm.
pub(crate) fn adjust_dose(
    s: &Scenario,
    p: &Prepared,
    opts: &RunOptions,
    cmp: &crate::data::scenario::Compare,
    arms: &[ArmRun],
    solved: &[Solved],
) -> Result<(AdjustedDose, f64)> {
    let find = |name: &str| {
        arms.iter()
            .find(|a| a.name == name)
            .and_then(|a| a.compounds.iter().find(|c| c.compound == cmp.compound))
    };
    let (Some(t), Some(r)) = (find(&cmp.test), find(&cmp.reference)) else {
        return Err(PbpkError::Solver(format!(
            "comparison of {}: the compound is not dosed in both arms",
            cmp.compound
        )));
    };
    let use_inf = t.nca.auc_inf.is_some() && r.nca.auc_inf.is_some();
    let target = exposure(r, use_inf);
    let k = p
        .compounds
        .iter()
        .position(|(c, _)| c.name == cmp.compound)
        .expect("compared compound is dosed");
    let arm = s
        .arms
        .iter()
        .find(|a| a.name == cmp.test)
        .expect("validated arm");
    // The search's last simulation is at the factor it returns: its Cmax is kept, so the
    // peak at the adjusted dose costs no extra run.
    let last_cmax = std::cell::Cell::new(f64::NAN);
    let auc_at = |f: f64| -> Result<f64> {
        let (run, _) = run_arm_with(s, p, arm, opts, &[(k, f)], solved)?;
        let c = run
            .compounds
            .into_iter()
            .find(|c| c.compound == cmp.compound)
            .expect("dosed");
        last_cmax.set(c.nca.cmax);
        Ok(exposure(&c, use_inf))
    };
    let dose = search_dose(
        common_dose_mg(p, arm, k),
        target,
        exposure(t, use_inf),
        auc_at,
    )?;
    let cmax_ratio = if r.nca.cmax > 0.0 {
        last_cmax.get() / r.nca.cmax
    } else {
        f64::NAN
    };
    Ok((dose, cmax_ratio))
}

/// An adjusted dose outside 0.1-10 times the victim's dose is an extrapolation far beyond
/// the doses the compound is characterised at (a strong inducer or inhibitor): say so, with
/// the peak it would give.
fn adjusted_dose_warning(
    cmp: &crate::data::scenario::Compare,
    a: &AdjustedDose,
    cmax_ratio: f64,
) -> Option<String> {
    (!(0.1..=10.0).contains(&a.factor)).then(|| {
        format!(
            "comparison of {} (\"{}\" vs \"{}\"): the dose that restores its exposure is {:.3} x the arm's dose{}, outside 0.1-10 x the dose studied, and its Cmax at that dose is {:.3} x the reference's: read it as a measure of the interaction's size, not as a dose to give",
            cmp.compound,
            cmp.test,
            cmp.reference,
            a.factor,
            a.dose_mg.map_or(String::new(), |d| format!(" ({d:.4} mg)")),
            cmax_ratio
        )
    })
}

/// The factor on every dose of a compound in an arm that brings the exposure `at(factor)`
/// (a rerun of the arm) from `at_arm_dose` to `target`: the secant on log dose of
/// `pediatric::solve_dose_factor`, with the dose itself when the arm's doses are equal
/// (`each`, from `common_dose_mg`).
fn search_dose(
    each: Option<f64>,
    target: f64,
    at_arm_dose: f64,
    at: impl FnMut(f64) -> Result<f64>,
) -> Result<AdjustedDose> {
    let (factor, converged, iterations) =
        crate::pediatric::solve_dose_factor(target, Some(at_arm_dose), at)?;
    Ok(AdjustedDose {
        factor,
        dose_mg: each.map(|d| d * factor),
        converged,
        iterations,
    })
}

/// The dose (mg) of compound k in `arm` when all its doses there are equal (`None` if not).
fn common_dose_mg(p: &Prepared, arm: &crate::data::scenario::Arm, k: usize) -> Option<f64> {
    let doses: Vec<f64> = arm
        .dose
        .iter()
        .filter(|d| p.compound_index(&d.compound) == k)
        .map(|d| d.amount_mg(p.physiology.body_weight_kg))
        .collect();
    let same = doses.windows(2).all(|w| (w[0] - w[1]).abs() < 1e-12);
    if same {
        doses.first().copied()
    } else {
        None
    }
}

/// The dose meeting a `[[target]]`: all doses of the compound in the arm scaled by one
/// factor, found by the secant on log exposure vs log dose (0.1 %), then rounded to the
/// practical step and re-simulated.
pub(crate) fn dose_for_target(
    s: &Scenario,
    p: &Prepared,
    opts: &RunOptions,
    i: usize,
    arms: &[ArmRun],
    solved: &[Solved],
) -> Result<TargetDose> {
    let t = &s.targets[i];
    let k = p.compound_index(&t.compound);
    let name = &p.compounds[k].0.name;
    let arm = s
        .arms
        .iter()
        .find(|a| a.name == t.arm)
        .expect("validated arm");
    let bw = p.physiology.body_weight_kg;
    let field = format!("target[{i}].metric");
    let metric = |runs: &[CompoundRun]| -> Result<f64> {
        runs.iter()
            .find(|c| &c.compound == name)
            .and_then(|c| predicted_metric(c, &t.metric, bw))
            .ok_or_else(|| {
                PbpkError::invalid(
                    &p.label,
                    &field,
                    format!(
                        "{} of {name} in arm \"{}\" cannot be computed: no terminal phase could be estimated after the last dose (simulate longer after it, or use auc_mg_h_per_L, the AUC over the window)",
                        t.metric, t.arm
                    ),
                )
            })
    };
    let own = arms
        .iter()
        .find(|a| a.name == t.arm)
        .expect("validated arm");
    let at_arm_dose = metric(&own.compounds)?;
    // Below the solver's absolute tolerance a concentration is noise, not an exposure to
    // scale (e.g. a trough long after the drug has gone).
    if !(at_arm_dose > 1e-6 * t.value && at_arm_dose.is_finite()) {
        return Err(PbpkError::invalid(
            &p.label,
            &field,
            format!(
                "{} of {name} in arm \"{}\" is {at_arm_dose:.3e} at the arm's dose, below a millionth of the target, too small to scale a dose from: check the target's unit (mg/L, mg.h/L) and the window",
                t.metric, t.arm
            ),
        ));
    }
    let at = |f: f64| -> Result<f64> {
        let (run, _) = run_arm_with(s, p, arm, opts, &[(k, f)], solved)?;
        metric(&run.compounds)
    };
    let each = common_dose_mg(p, arm, k);
    let dose = search_dose(each, t.value, at_arm_dose, at)?;
    let (rounded_dose_mg, exposure_at_rounded_dose) = match (each, dose.dose_mg, t.round_to_mg) {
        (Some(each), Some(d), Some(step)) => {
            let r = crate::pediatric::round_to(d, Some(step));
            (Some(r), Some(at(r / each)?))
        }
        _ => (None, None),
    };
    Ok(TargetDose {
        compound: name.clone(),
        arm: t.arm.clone(),
        metric: t.metric.clone(),
        target: t.value,
        exposure_at_arm_dose: at_arm_dose,
        dose,
        rounded_dose_mg,
        exposure_at_rounded_dose,
    })
}

/// A target dose far from the arm's dose (a unit slip in the target is the usual cause), and
/// a rounding step that moves the dose by more than 1.5-fold, are said, not just printed.
fn target_warnings(i: usize, t: &TargetDose) -> Vec<String> {
    let mut out = Vec::new();
    let f = t.dose.factor;
    if t.dose.converged && !(0.1..=10.0).contains(&f) {
        out.push(format!(
            "target[{i}]: the dose for {} {} = {} is {f:.3} x the arm's dose; check the target's value and unit (mg/L, mg.h/L)",
            t.compound, t.metric, t.target
        ));
    }
    if let (Some(d), Some(exact)) = (t.rounded_dose_mg, t.dose.dose_mg) {
        if (d / exact).ln().abs() > 1.5_f64.ln() {
            out.push(format!(
                "target[{i}]: rounding to the step moves the dose from {exact:.4} to {d} mg (more than 1.5-fold)"
            ));
        }
    }
    out
}

/// The compound whose doses time compound k's outputs: k itself if the arm doses it, else
/// the nearest dosed ancestor that forms it (metabolites), else none (k is not in the arm).
fn dose_owner(compounds: &[(Compound, String)], regimen: &Regimen, k: usize) -> Option<usize> {
    let mut seen = vec![false; compounds.len()];
    let mut queue = vec![k];
    while let Some(j) = queue.pop() {
        if std::mem::replace(&mut seen[j], true) {
            continue;
        }
        if !regimen.dose_times(j).is_empty() {
            return Some(j);
        }
        let name = compounds[j].0.name.as_str();
        queue.extend(
            (0..compounds.len())
                .filter(|&i| compounds[i].0.metabolites().iter().any(|(_, m)| *m == name)),
        );
    }
    None
}

/// Simulate one arm; `dose_scale` multiplies the doses of the listed compounds.
/// One arm as an initial-value problem: the model with this arm's dosing terms, the dose
/// events, the output times and the tolerances (also what `pbpk export` writes).
pub struct ArmProblem {
    pub model: Model,
    pub regimen: Regimen,
    pub tol: Tolerances,
    pub grid: Vec<f64>,
    /// (time h, state, amount mg)
    pub jumps: Vec<(f64, usize, f64)>,
}

pub fn arm_problem(
    s: &Scenario,
    p: &Prepared,
    arm: &crate::data::scenario::Arm,
    opts: &RunOptions,
    dose_scale: &[(usize, f64)],
) -> ArmProblem {
    let phys = &p.physiology;
    let index = |name: &str| p.compound_index(name);
    let compounds: Vec<&Compound> = p.compounds.iter().map(|(c, _)| c).collect();
    let mut regimen = Regimen::from_arm(arm, &p.model, index, &compounds, phys.body_weight_kg);
    for &(k, f) in dose_scale {
        regimen.scale(k, f);
    }
    let mut model = p.model.clone();
    regimen.apply_to(&mut model, phys, &compounds);
    let max_dose = (0..p.compounds.len())
        .flat_map(|k| regimen.doses(k))
        .map(|(_, mg)| mg)
        .fold(0.0, f64::max);
    let tol = Tolerances {
        rtol: s.simulation.rtol.unwrap_or(p.default_tolerances.0) * opts.tolerance_scale,
        atol: s.simulation.atol_rel_dose.unwrap_or(p.default_tolerances.1)
            * max_dose
            * opts.tolerance_scale,
    };
    let grid = output_grid(s, &regimen);
    let jumps: Vec<(f64, usize, f64)> = regimen
        .jumps
        .iter()
        .map(|j| (j.t_h, j.state, j.amount_mg))
        .collect();
    ArmProblem {
        model,
        regimen,
        tol,
        grid,
        jumps,
    }
}

pub(crate) fn run_arm(
    s: &Scenario,
    p: &Prepared,
    arm: &crate::data::scenario::Arm,
    opts: &RunOptions,
    dose_scale: &[(usize, f64)],
) -> Result<ArmRun> {
    run_arm_with(s, p, arm, opts, dose_scale, &[]).map(|x| x.0)
}

/// Run one arm, starting from an `earlier` solution of the same individual where the two
/// share their history (`prefix`); also returns this arm's solution for later arms.
pub(crate) fn run_arm_with(
    s: &Scenario,
    p: &Prepared,
    arm: &crate::data::scenario::Arm,
    opts: &RunOptions,
    dose_scale: &[(usize, f64)],
    earlier: &[Solved],
) -> Result<(ArmRun, Solved)> {
    let phys = &p.physiology;
    let index = |name: &str| p.compound_index(name);
    let tissue_idx: Vec<usize> = s
        .simulation
        .tissues
        .iter()
        .map(|t| ORGANS.iter().position(|o| o == t).unwrap())
        .collect();
    let solved = solve(
        arm_problem(s, p, arm, opts, dose_scale),
        s.simulation.end_h,
        earlier,
    )?;
    let (model, regimen, samples) = (
        &solved.problem.model,
        &solved.problem.regimen,
        &solved.samples,
    );

    let enzymes = enzyme_fractions(model, samples);
    let enzyme_activity = enzyme_activity(model, samples);
    let end = s.simulation.end_h;
    let mut compounds = Vec::new();
    let mut mass_err: f64 = 0.0;
    for (k, (c, _)) in p.compounds.iter().enumerate() {
        // A metabolite is reported where an ancestor is dosed, over that ancestor's doses.
        let Some(owner) = dose_owner(&p.compounds, regimen, k) else {
            continue;
        };
        let doses = regimen.dose_times(owner);
        let st = &model.layout.compounds[k];
        // Mass balance at every sample after the jump: dose given + formed from parents =
        // body + lumen + sinks.
        let y_end = &samples.last().unwrap().y;
        let total = regimen.dosed_mg(k, end) + y_end[st.formed];
        for (i, smp) in samples.iter().enumerate() {
            let after_jump = i + 1 == samples.len() || samples[i + 1].t != smp.t;
            if !after_jump || total <= 0.0 {
                continue;
            }
            let formed = smp.y[st.formed];
            let held: f64 = smp.y[st.offset..st.end].iter().sum::<f64>() - formed;
            let given = regimen.dosed_mg(k, smp.t) + formed;
            mass_err = mass_err.max((given - held).abs() / total);
        }
        let last = *doses.last().unwrap();
        // Window: last dose to the next scheduled dose (tau) or to end_h.
        let tau = arm.dosing_interval_h(|d| index(&d.compound) == owner);
        let w_end = tau.map_or(end, |t| (last + t).min(end));
        let (wt, wc) = window(samples, |y| model.plasma_conc(k, y), last, w_end);
        let metrics = nca(&wt, &wc, tau.is_none());
        let profile = samples
            .iter()
            .map(|smp| {
                (
                    smp.t,
                    model.plasma_conc(k, &smp.y),
                    tissue_idx
                        .iter()
                        .map(|&o| model.organ_conc(k, o, &smp.y))
                        .collect(),
                )
            })
            .collect();
        let oral = arm
            .dose
            .iter()
            .any(|d| index(&d.compound) == k && d.route == Route::Oral);
        // IV doses of the same compound reach the gut wall (villous blood) and the bile too,
        // so the oral dose's fractions cannot be told from mass balance: not reported
        // (`input_warnings` says so).
        let fractions = if oral && !oral_and_iv(p, arm, k) {
            let y_end = &samples.last().unwrap().y;
            let oral_dose: f64 = regimen.oral_doses(k, model).map(|j| j.amount_mg).sum();
            let in_lumen: f64 = y_end[st.gut_lumen()].iter().sum();
            let absorbed = oral_dose - in_lumen - y_end[st.faeces];
            let fa = absorbed / oral_dose;
            let fg = if absorbed > 0.0 {
                1.0 - y_end[st.metabolised_gut] / absorbed
            } else {
                1.0
            };
            // Fh with the enzyme's activity (its amount and, where a reversible inhibitor
            // acts, the share inhibition leaves a linear substrate) at sample j.
            let fh_at = |j: usize| {
                hepatic_availability(phys, model, k, |enzyme| {
                    let label = format!("{enzyme}_liver");
                    enzyme_activity
                        .iter()
                        .chain(enzymes.iter())
                        .find(|(l, _)| *l == label)
                        .map_or(1.0, |(_, series)| series[j].1)
                })
            };
            // Averaged over the last dose's absorption: each interval's Fh (its two ends'
            // mean) weighted by the drug that left the lumen then, so that an inhibitor given
            // with the dose counts as it rises (at the dose instant it is not yet there).
            let lumen = |y: &[f64]| y[st.gut_lumen()].iter().sum::<f64>() + y[st.faeces];
            let first = samples.partition_point(|x| x.t < last);
            let (mut weighted, mut total) = (0.0, 0.0);
            for j in first..samples.len().saturating_sub(1) {
                let gone = lumen(&samples[j].y) - lumen(&samples[j + 1].y);
                if gone > 0.0 {
                    weighted += gone * 0.5 * (fh_at(j) + fh_at(j + 1));
                    total += gone;
                }
            }
            let fh = if total > 1e-12 * oral_dose {
                weighted / total
            } else {
                fh_at(first.min(samples.len() - 1))
            };
            Some(OralFractions {
                fa,
                fg,
                fh,
                f_oral: fa * fg * fh,
                in_lumen_at_end: in_lumen / oral_dose,
            })
        } else {
            None
        };
        compounds.push(CompoundRun {
            compound: c.name.clone(),
            window_h: [last, w_end],
            nca: metrics,
            profile,
            dose_mg: total,
            fractions,
            vss_l: model.compounds[k].vss_l,
            fm: fractions_metabolised(phys, model, k, c),
            last_dose_mg: regimen.doses(k).last().map_or(0.0, |d| d.1),
            oral,
            first_dose_h: doses[0],
            band: None,
        });
    }
    let run = ArmRun {
        name: arm.name.clone(),
        compounds,
        mass_balance_rel_error: mass_err,
        recovery: enzyme_recovery(&enzymes, &p.compounds, regimen),
        enzymes,
        enzyme_activity,
    };
    Ok((run, solved))
}

/// Days from the last dose of any compound that acts on an enzyme until the enzyme is back
/// to 80 % and 95 % of its baseline (after its lowest point), or, for an induced enzyme,
/// down to within 20 % and 5 % above baseline (after its highest point), per enzyme and site.
fn enzyme_recovery(
    enzymes: &[(String, Vec<(f64, f64)>)],
    compounds: &[(Compound, String)],
    regimen: &Regimen,
) -> Vec<EnzymeRecovery> {
    enzymes
        .iter()
        .filter_map(|(label, series)| {
            let enzyme = label.rsplit_once('_').map_or(label.as_str(), |x| x.0);
            let last = compounds
                .iter()
                .enumerate()
                .filter(|(_, (c, _))| c.interaction.iter().any(|i| i.enzyme() == enzyme))
                .filter_map(|(k, _)| regimen.dose_times(k).last().copied())
                .fold(None, |a: Option<f64>, t| Some(a.map_or(t, |a| a.max(t))))?;
            let after: Vec<&(f64, f64)> = series.iter().filter(|(t, _)| *t >= last).collect();
            let extreme = |pick: fn(&f64, &f64) -> std::cmp::Ordering| {
                after
                    .iter()
                    .enumerate()
                    .max_by(|a, b| pick(&a.1 .1, &b.1 .1))
                    .map(|(i, x)| (i, x.1))
            };
            let (i_min, min) = extreme(|a, b| b.total_cmp(a))?;
            let (i_max, max) = extreme(|a, b| a.total_cmp(b))?;
            // Lost enzyme (inactivation, inhibition of synthesis) recovers upwards to 80 % /
            // 95 % of baseline; induced enzyme returns downwards to within 20 % / 5 % above
            // it, whichever way the enzyme moved further after the last dose.
            let induced = EnzymeRecovery::is_induction(min, max);
            let reach = |level: f64| {
                // Never past the level after the last dose (e.g. reversible inhibition
                // only, which leaves the amount at baseline): 0 days.
                let inside = if induced {
                    max <= 2.0 - level
                } else {
                    min >= level
                };
                if inside {
                    return Some(0.0);
                }
                let from = if induced { i_max } else { i_min };
                after[from..]
                    .iter()
                    .find(|(_, f)| {
                        if induced {
                            *f <= 2.0 - level
                        } else {
                            *f >= level
                        }
                    })
                    .map(|(t, _)| (t - last) / 24.0)
            };
            Some(EnzymeRecovery {
                enzyme: label.clone(),
                last_perpetrator_dose_h: last,
                min_fraction: min,
                max_fraction: max,
                end_fraction: series.last().map_or(1.0, |x| x.1),
                days_to_80_percent: reach(0.8),
                days_to_95_percent: reach(0.95),
            })
        })
        .collect()
}

/// Well-stirred hepatic extraction at low concentration, plasma-referenced:
/// E = fu CLint / (Q B:P + fu CLint), so Fh = 1 - E and CL_H = Q B:P E.
/// Returns (E, Q B:P).
fn hepatic_extraction(phys: &Physiology, info: &CompoundInfo, clint_l_per_h: f64) -> (f64, f64) {
    let qb = phys.hepatic_blood_flow_l_per_h() * info.blood_plasma_ratio;
    // Permeability-limited liver (extended clearance): influx (passive PA + active uptake)
    // in series with metabolism against passive efflux,
    // CLint,all = (PA + CL_up) CLint / (PA + CLint).
    let clint_l_per_h = match info.liver_pa_l_per_h() {
        Some(pa) if clint_l_per_h > 0.0 => {
            (pa + info.liver_uptake_l_per_h) * clint_l_per_h / (pa + clint_l_per_h)
        }
        _ => clint_l_per_h,
    };
    let fu_clint = info.fu_plasma * clint_l_per_h;
    (fu_clint / (qb + fu_clint), qb)
}

/// fm per pathway: CL_H (well-stirred, low concentration) split by each pathway's CLint, and
/// renal clearance, over their sum. Pathways on the same enzyme are added.
pub fn fractions_metabolised(
    phys: &Physiology,
    model: &Model,
    k: usize,
    c: &Compound,
) -> Vec<(String, f64)> {
    let info = &model.compounds[k];
    let clint: f64 = info.clint_liver_l_per_h.iter().map(|(_, x)| x).sum();
    let (e_h, qb) = hepatic_extraction(phys, info, clint);
    let cl_h = qb * e_h;
    let cl_r = crate::model::clearance::renal_clearance_l_per_h(c, phys);
    let total = cl_h + cl_r;
    if total <= 0.0 {
        return Vec::new();
    }
    let mut out: Vec<(String, f64)> = Vec::new();
    for (e, x) in &info.clint_liver_l_per_h {
        let f = cl_h * x / clint / total;
        match out.iter_mut().find(|(n, _)| n == e) {
            Some(o) => o.1 += f,
            None => out.push((e.clone(), f)),
        }
    }
    if cl_r > 0.0 {
        out.push(("renal".into(), cl_r / total));
    }
    out
}

/// The dynamic enzymes grouped by enzyme and site (liver; the gut segments together):
/// (label such as `CYP3A4_liver`, [(state, E0 pmol)], total E0). States hold E / E0.
type EnzymeGroup = (String, Vec<(usize, f64)>, f64);

fn enzyme_groups(model: &Model) -> Vec<EnzymeGroup> {
    use crate::model::EnzymeSite;
    let mut groups: Vec<EnzymeGroup> = Vec::new();
    for t in &model.turnover {
        let es = model
            .layout
            .enzymes
            .iter()
            .find(|e| e.state == t.state)
            .expect("turnover of a layout enzyme");
        let label = match es.site {
            EnzymeSite::Liver => format!("{}_liver", es.enzyme),
            EnzymeSite::Gut(_) => format!("{}_gut", es.enzyme),
        };
        match groups.iter_mut().find(|g| g.0 == label) {
            Some(g) => {
                g.1.push((t.state, t.e0_pmol));
                g.2 += t.e0_pmol;
            }
            None => groups.push((label, vec![(t.state, t.e0_pmol)], t.e0_pmol)),
        }
    }
    groups
}

/// The activity of each enzyme and site that a reversible inhibitor acts on, for a linear
/// substrate: sum_i e_i E0_i / (1 + S_i) / sum_i E0_i over the site's compartments (liver;
/// the gut segments together), S_i = sum [I]u / Ki at compartment i. Enzymes no
/// reversible inhibitor acts on are left out (their activity is their amount).
pub fn enzyme_activity(
    model: &Model,
    samples: &[crate::solve::Sample],
) -> Vec<(String, Vec<(f64, f64)>)> {
    // The metabolism term whose inhibitors act at an enzyme state, if any.
    let inhibited = |state: usize| {
        model
            .metabolism
            .iter()
            .find(|m| m.enzyme == state && !m.inhibitors.is_empty())
    };
    enzyme_groups(model)
        .into_iter()
        .filter(|g| g.1.iter().any(|&(i, _)| inhibited(i).is_some()))
        .map(|(label, states, e0)| {
            let series = samples
                .iter()
                .map(|s| {
                    let a: f64 = states
                        .iter()
                        .map(|&(i, e)| {
                            s.y[i] * e * inhibited(i).map_or(1.0, |m| m.uninhibited_share(&s.y))
                        })
                        .sum();
                    (s.t, a / e0)
                })
                .collect();
            (label, series)
        })
        .collect()
}

/// Remaining enzyme fractions E/E0 per enzyme and site group (liver; gut wall summed over
/// the segments: sum E / sum E0), at every sample.
pub fn enzyme_fractions(
    model: &Model,
    samples: &[crate::solve::Sample],
) -> Vec<(String, Vec<(f64, f64)>)> {
    enzyme_groups(model)
        .into_iter()
        .map(|(label, states, e0)| {
            let series = samples
                .iter()
                .map(|s| {
                    (
                        s.t,
                        states.iter().map(|&(i, e)| s.y[i] * e).sum::<f64>() / e0,
                    )
                })
                .collect();
            (label, series)
        })
        .collect()
}

/// Hepatic availability at low concentration, well-stirred: Fh = Q B:P / (Q B:P + fu CLint),
/// with each pathway's CLint scaled by `remaining(enzyme)`, the share of its enzyme's
/// activity left at the time of the oral dose (1 without interactions).
pub fn hepatic_availability(
    phys: &Physiology,
    model: &Model,
    k: usize,
    remaining: impl Fn(&str) -> f64,
) -> f64 {
    let info = &model.compounds[k];
    let clint: f64 = info
        .clint_liver_l_per_h
        .iter()
        .map(|(e, c)| c * remaining(e))
        .sum();
    1.0 - hepatic_extraction(phys, info, clint).0
}

/// The samples of a window [a, b]: the post-dose sample at a, the pre-dose sample at b.
fn window(
    samples: &[crate::solve::Sample],
    conc: impl Fn(&[f64]) -> f64,
    a: f64,
    b: f64,
) -> (Vec<f64>, Vec<f64>) {
    let mut t = Vec::new();
    let mut c = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        if s.t < a || s.t > b {
            continue;
        }
        let next_same = i + 1 < samples.len() && samples[i + 1].t == s.t;
        let prev_same = i > 0 && samples[i - 1].t == s.t;
        if s.t == a && next_same {
            continue; // pre-dose sample at the window start
        }
        if s.t == b && prev_same && b > a {
            continue; // post-dose sample at the window end
        }
        t.push(s.t);
        c.push(conc(&s.y));
    }
    (t, c)
}

fn summarise_run(s: &Scenario, phys: &Physiology, arms: &[ArmRun]) -> Summary {
    summarise_subjects(s, &phys.name, &[(phys.body_weight_kg, arms.to_vec())], 0)
}

/// Analyses that rerun one individual (`pbpk sensitivity`, `alternatives`, `export`) take a
/// virtual population's reference individual; for a pediatric population that is the adult
/// the children are grown from, not a child, so they refuse it and say what to do.
pub fn check_one_individual(p: &Prepared, what: &str) -> Result<()> {
    if let Some(pop) = &p.population {
        if pop.population.ontogeny.is_some() {
            return Err(PbpkError::invalid(
                &p.label,
                "subjects.population",
                format!(
                    "{what} reruns one individual, and the reference individual of the pediatric population {} is the adult its children are grown from: analyse one child instead (subjects.physiology = \"{}\" with one age_years)",
                    pop.population.name, pop.population.name
                ),
            ));
        }
    }
    Ok(())
}

/// A pediatric band dose (its median mg/kg, rounded to the step given) that leaves an age of
/// the band more than 1.5-fold off the target exposure: said, as for `[[target]]` (a 0.5 mg
/// step gave a newborn needing 0.03 mg of oral midazolam 16 times the target).
fn dose_finding_warnings(d: &crate::pediatric::DoseFindingSummary) -> Vec<String> {
    d.ages
        .iter()
        .filter_map(|a| {
            let r = a.band_dose_exposure_ratio?;
            (!(1.0 / 1.5..=1.5).contains(&r)).then(|| {
                format!(
                    "dose finding of {}: at {} y ({}) the band's dose, {:.4} mg ({:.4} mg/kg{}), gives {:.2} x the target exposure, where this age needs {:.4} mg: {}",
                    d.compound,
                    crate::data::show(a.age_years),
                    a.band,
                    a.band_dose_mg,
                    a.band_dose_mg / a.weight_kg,
                    if d.round_to_mg.is_some() { ", rounded" } else { "" },
                    r,
                    a.pbpk_dose_mg,
                    if d.round_to_mg.is_some_and(|s| s > a.pbpk_dose_mg) {
                        "the rounding step is larger than the dose; use a smaller step (or a liquid formulation)"
                    } else {
                        "the band's ages need different mg/kg doses; dose this age on its own"
                    }
                )
            })
        })
        .collect()
}

/// All of the compound's administrations in the arm at one time (its window starts at its
/// first dose).
fn single_administration(c: &CompoundRun) -> bool {
    (c.window_h[0] - c.first_dose_h).abs() < 1e-9
}

/// Largest share of AUC_inf (%) extrapolated beyond the last sample before an AUC ratio
/// built on it is flagged.
const EXTRAPOLATION_LIMIT_PCT: f64 = 20.0;

/// A compound's run in the named arm.
/// Every subject runs the same arms with the same compounds in the same order, so the
/// first subject's names locate (arm, compound) in all of them (later subjects' copies
/// drop their names to save memory, `trial::slim`).
fn locate(first: &[ArmRun], arm: &str, compound: &str) -> Option<(usize, usize)> {
    let ai = first.iter().position(|a| a.name == arm)?;
    let ci = first[ai]
        .compounds
        .iter()
        .position(|c| c.compound == compound)?;
    Some((ai, ci))
}

/// Enzyme recovery over subjects: each field the median over the subjects (one subject:
/// its own values). A time to recovery counts as infinite where a subject had not
/// recovered by end_h, so the median is null when more than half had not.
fn median_recovery(
    subjects: &[(f64, Vec<ArmRun>)],
    arm: usize,
    first: &[EnzymeRecovery],
) -> Vec<EnzymeRecovery> {
    if subjects.len() == 1 {
        return first.to_vec();
    }
    first
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let values = |f: &dyn Fn(&EnzymeRecovery) -> Option<f64>| -> Vec<f64> {
                let mut v: Vec<f64> = subjects
                    .iter()
                    .filter_map(|(_, arms)| {
                        let r = arms.get(arm)?.recovery.get(k)?;
                        (r.enzyme == e.enzyme).then(|| f(r).unwrap_or(f64::INFINITY))
                    })
                    .collect();
                v.sort_by(f64::total_cmp);
                v
            };
            let median = |f: &dyn Fn(&EnzymeRecovery) -> Option<f64>| -> Option<f64> {
                let v = values(f);
                if v.is_empty() {
                    return None;
                }
                let (a, b) = (v[(v.len() - 1) / 2], v[v.len() / 2]);
                (a.is_finite() && b.is_finite()).then(|| (a + b) / 2.0)
            };
            let m = |f: fn(&EnzymeRecovery) -> f64| median(&|r| Some(f(r))).unwrap_or(f64::NAN);
            EnzymeRecovery {
                enzyme: e.enzyme.clone(),
                last_perpetrator_dose_h: e.last_perpetrator_dose_h,
                min_fraction: m(|r| r.min_fraction),
                max_fraction: m(|r| r.max_fraction),
                end_fraction: m(|r| r.end_fraction),
                days_to_80_percent: median(&|r| r.days_to_80_percent),
                days_to_95_percent: median(&|r| r.days_to_95_percent),
            }
        })
        .collect()
}

/// Per subject: (body weight, arms). Statistics over subjects.
pub(crate) fn summarise_subjects(
    s: &Scenario,
    physiology: &str,
    subjects: &[(f64, Vec<ArmRun>)],
    failed: usize,
) -> Summary {
    let first = &subjects[0].1;
    // Values of f over subjects for arm a, compound c (skipping subjects without it).
    let over = |a: usize, c: usize, f: &dyn Fn(&CompoundRun, f64) -> Option<f64>| -> Option<Stat> {
        let v: Vec<f64> = subjects
            .iter()
            .filter_map(|(bw, arms)| {
                arms.get(a)
                    .and_then(|arm| arm.compounds.get(c))
                    .and_then(|x| f(x, *bw))
            })
            .collect();
        summarise(&v)
    };
    let arm_summaries: Vec<ArmSummary> = first
        .iter()
        .enumerate()
        .map(|(ai, a)| ArmSummary {
            name: a.name.clone(),
            enzymes: median_recovery(subjects, ai, &a.recovery),
            compounds: a
                .compounds
                .iter()
                .enumerate()
                .map(|(ci, c)| CompoundSummary {
                    compound: c.compound.clone(),
                    window_h: c.window_h,
                    cmax_mg_per_l: over(ai, ci, &|x, _| Some(x.nca.cmax)),
                    tmax_h: over(ai, ci, &|x, _| Some(x.nca.tmax)),
                    auc_mg_h_per_l: over(ai, ci, &|x, _| Some(x.nca.auc)),
                    auc_inf_mg_h_per_l: over(ai, ci, &|x, _| x.nca.auc_inf),
                    auc_extrapolated_pct: over(ai, ci, &|x, _| x.nca.auc_extrapolated_pct),
                    t_half_h: over(ai, ci, &|x, _| x.nca.t_half),
                    vss_l_per_kg: over(ai, ci, &|x, bw| Some(x.vss_l / bw)),
                    fa: over(ai, ci, &|x, _| x.fractions.map(|f| f.fa)),
                    fg: over(ai, ci, &|x, _| x.fractions.map(|f| f.fg)),
                    fh: over(ai, ci, &|x, _| x.fractions.map(|f| f.fh)),
                    f_oral: over(ai, ci, &|x, _| x.fractions.map(|f| f.f_oral)),
                    fm: c.fm.iter().cloned().collect(),
                })
                .collect(),
        })
        .collect();
    let mut warnings = Vec::new();
    for a in &arm_summaries {
        for c in &a.compounds {
            let (ai, ci) = locate(first, &a.name, &c.compound).expect("summarised arm");
            let runs: Vec<&CompoundRun> = subjects
                .iter()
                .filter_map(|(_, arms)| arms.get(ai)?.compounds.get(ci))
                .collect();
            // A statistic over fewer subjects than the population (no terminal phase within
            // the window for the others) is said, with its count.
            for (name, f) in [
                (
                    "auc_inf_mg_h_per_L",
                    (|x: &CompoundRun| x.nca.auc_inf) as fn(&CompoundRun) -> Option<f64>,
                ),
                ("t_half_h", |x: &CompoundRun| x.nca.t_half),
            ] {
                let have = runs.iter().filter(|x| f(x).is_some()).count();
                if have > 0 && have < subjects.len() {
                    warnings.push(format!(
                        "{name} of {} in arm \"{}\" is over {have} of {} subjects (the others have no terminal phase within the window)",
                        c.compound,
                        a.name,
                        subjects.len()
                    ));
                }
            }
            // Oral absorption still going on at end_h after a single administration: fa and
            // F are what was absorbed by then. (After repeated doses a dosing interval's end
            // holds the last dose's rest, as it does at steady state; AUC_tau is right then.)
            let mut left: Vec<f64> = runs
                .iter()
                .filter(|x| single_administration(x))
                .filter_map(|x| x.fractions.map(|f| f.in_lumen_at_end))
                .collect();
            left.sort_by(f64::total_cmp);
            if let Some(&m) = left.get(left.len() / 2) {
                if m > 0.05 {
                    warnings.push(format!(
                        "{} in arm \"{}\": {:.0} % of the oral dose is still in the gut lumen at end_h{}, so fa and F are what was absorbed by then; a longer simulation.end_h gives the whole absorption",
                        c.compound,
                        a.name,
                        100.0 * m,
                        if subjects.len() > 1 { " (median subject)" } else { "" }
                    ));
                }
            }
        }
    }
    // Per-subject ratios, on one basis for every subject: AUC_inf where every subject has
    // it in both arms, else the AUC over the window (a ratio pooling both would mix two
    // quantities). Also returned: how many subjects lack AUC_inf, and how many extrapolate
    // more than EXTRAPOLATION_LIMIT_PCT of it in either arm.
    let ratios = |cmp: &crate::data::scenario::Compare| {
        let mut pairs = Vec::new();
        for (_, arms) in subjects {
            let at = |(a, c): (usize, usize)| arms.get(a).and_then(|x| x.compounds.get(c));
            if let (Some(t), Some(r)) = (
                locate(first, &cmp.test, &cmp.compound).and_then(at),
                locate(first, &cmp.reference, &cmp.compound).and_then(at),
            ) {
                pairs.push((t, r));
            }
        }
        let lacking = pairs
            .iter()
            .filter(|(t, r)| t.nca.auc_inf.is_none() || r.nca.auc_inf.is_none())
            .count();
        let use_inf = lacking == 0;
        let over_limit = pairs
            .iter()
            .filter(|(t, r)| {
                use_inf
                    && [t, r].iter().any(|x| {
                        x.nca
                            .auc_extrapolated_pct
                            .is_some_and(|p| p > EXTRAPOLATION_LIMIT_PCT)
                    })
            })
            .count();
        let auc: Vec<f64> = pairs
            .iter()
            .map(|(t, r)| exposure(t, use_inf) / exposure(r, use_inf))
            .collect();
        let cmax: Vec<f64> = pairs.iter().map(|(t, r)| t.nca.cmax / r.nca.cmax).collect();
        // A single dose's AUC over a window that ends before the terminal phase is not the
        // exposure a study reports (AUC_tau after repeated doses is).
        let single = pairs
            .iter()
            .any(|(t, r)| single_administration(t) || single_administration(r));
        (
            auc,
            cmax,
            lacking,
            over_limit,
            single && lacking == pairs.len(),
        )
    };
    let comparisons: Vec<ComparisonSummary> = s
        .comparisons
        .iter()
        .filter_map(|cmp| {
            let (auc, cmax, lacking, over_limit, truncated) = ratios(cmp);
            if auc.is_empty() {
                warnings.push(format!(
                    "no ratio for the comparison of {} (\"{}\" vs \"{}\"): the compound is not in both arms",
                    cmp.compound, cmp.test, cmp.reference
                ));
                return None;
            }
            if lacking > 0 && lacking < auc.len() {
                warnings.push(format!(
                    "the AUC ratio of {} (\"{}\" vs \"{}\") uses the AUC over the window for every subject: {lacking} of {} subjects have no AUC_inf in one of the arms",
                    cmp.compound, cmp.test, cmp.reference, auc.len()
                ));
            }
            if truncated {
                warnings.push(format!(
                    "the AUC ratio of {} (\"{}\" vs \"{}\") uses the AUC up to end_h: after a single dose no terminal phase was found within the window, so the ratio is of truncated AUCs; a longer simulation.end_h gives AUC_inf",
                    cmp.compound, cmp.test, cmp.reference
                ));
            }
            if over_limit > 0 && subjects.len() > 1 {
                warnings.push(format!(
                    "the AUC ratio of {} (\"{}\" vs \"{}\") uses AUC_inf, and {over_limit} of {} subjects extrapolate more than {EXTRAPOLATION_LIMIT_PCT:.0} % of it beyond end_h in one of the arms: their ratios rest on the terminal slope within the window; a longer simulation.end_h gives the model's full ratio",
                    cmp.compound, cmp.test, cmp.reference, auc.len()
                ));
            }
            Some(ComparisonSummary {
                compound: cmp.compound.clone(),
                test: cmp.test.clone(),
                reference: cmp.reference.clone(),
                auc_ratio: summarise(&auc),
                cmax_ratio: summarise(&cmax),
                adjusted_dose: None,
                adjusted_dose_cmax_ratio: None,
                static_model: None,
                adjusted_dose_over_subjects: None,
            })
        })
        .collect();
    // An AUC ratio from AUC_inf is only as good as the extrapolation: flag more than 20 %
    // (the FDA/EMA convention for a reliable AUC_inf). One individual here; a population's
    // subjects are counted above.
    for c in comparisons.iter().filter(|_| subjects.len() == 1) {
        let pct = |arm: &str| {
            arm_summaries
                .iter()
                .find(|a| a.name == arm)
                .and_then(|a| a.compounds.iter().find(|x| x.compound == c.compound))
                .and_then(|x| x.auc_extrapolated_pct.as_ref())
                .map(|p| p.median)
        };
        if let (Some(t), Some(r)) = (pct(&c.test), pct(&c.reference)) {
            if t.max(r) > EXTRAPOLATION_LIMIT_PCT {
                warnings.push(format!(
                    "the AUC ratio of {} (\"{}\" vs \"{}\") uses AUC_inf with {:.0} % and {:.0} % extrapolated beyond end_h (more than {EXTRAPOLATION_LIMIT_PCT:.0} %): it rests on the terminal slope within the window, as a study's sampling would; a longer simulation.end_h gives the model's full ratio",
                    c.compound, c.test, c.reference, t, r
                ));
            }
        }
    }
    let observed = s
        .observed
        .iter()
        .filter(|o| o.age_years.is_none())
        .map(|o| {
            let predicted = match o.metric.as_str() {
                "auc_ratio" | "cmax_ratio" => comparisons
                    .iter()
                    .find(|c: &&ComparisonSummary| c.compound == o.compound && c.test == o.arm)
                    .and_then(|c| {
                        if o.metric == "auc_ratio" {
                            c.auc_ratio
                        } else {
                            c.cmax_ratio
                        }
                    })
                    .map(|st| st.median),
                _ => {
                    let v: Vec<f64> = subjects
                        .iter()
                        .filter_map(|(bw, arms)| {
                            locate(first, &o.arm, &o.compound)
                                .and_then(|(a, c)| arms.get(a)?.compounds.get(c))
                                .and_then(|c| predicted_metric(c, &o.metric, *bw))
                        })
                        .collect();
                    summarise(&v).map(|st| st.median)
                }
            };
            ObservedCheck::new(o, o.arm.clone(), predicted)
        })
        .collect();
    Summary {
        scenario: s.name.clone(),
        pbpk_version: env!("CARGO_PKG_VERSION").to_string(),
        subjects: subjects.len(),
        seed: None,
        failed_subjects: failed,
        failures: Vec::new(),
        physiology: physiology.to_string(),
        patient: None,
        targets: Vec::new(),
        targets_over_subjects: Vec::new(),
        arms: arm_summaries,
        comparisons,
        observed,
        mass_balance_max_rel_error: subjects
            .iter()
            .flat_map(|(_, arms)| arms.iter().map(|a| a.mass_balance_rel_error))
            .fold(0.0, f64::max),
        dose_finding: None,
        warnings,
        limitations: Vec::new(),
        alternatives_listed: Vec::new(),
    }
}

/// The value of a named metric for one compound run (see `data::scenario::OBSERVED_METRICS`).
pub fn predicted_metric(c: &CompoundRun, metric: &str, body_weight_kg: f64) -> Option<f64> {
    match metric {
        "cmax_mg_per_L" => Some(c.nca.cmax),
        // The pre-dose sample at the window end (the first of the two samples at a dose).
        "ctrough_mg_per_L" => c
            .profile
            .iter()
            .find(|(t, _, _)| *t >= c.window_h[1])
            .map(|(_, cp, _)| *cp),
        "tmax_h" => Some(c.nca.tmax),
        "auc_mg_h_per_L" => Some(c.nca.auc),
        "auc_inf_mg_h_per_L" => c.nca.auc_inf,
        "t_half_h" => c.nca.t_half,
        "vss_l_per_kg" => Some(c.vss_l / body_weight_kg),
        // Dose / AUC_inf holds for one administration (or several at one time); after
        // repeated dosing the last window's AUC_inf is not the AUC of the whole dose.
        "cl_l_per_h" => single_administration(c)
            .then_some(c.nca.auc_inf)
            .flatten()
            .map(|a| c.dose_mg / a),
        "cl_ml_per_min_per_kg" => predicted_metric(c, "cl_l_per_h", body_weight_kg)
            .map(|cl| cl * 1000.0 / 60.0 / body_weight_kg),
        "f_oral" => c.fractions.map(|f| f.f_oral),
        "fa" => c.fractions.map(|f| f.fa),
        "fg" => c.fractions.map(|f| f.fg),
        // Fraction of the dose reaching the portal vein: what IV + oral studies report as
        // "Fa.Fg" (F / Fh, or F_G when absorption is taken as complete).
        "fa_fg" => c.fractions.map(|f| f.fa * f.fg),
        "fh" => c.fractions.map(|f| f.fh),
        _ => None,
    }
}
