//! Virtual trials: every subject of a population through every arm, in parallel (rayon),
//! each subject with its own physiology (drawn by `population::sample`) and model.
//!
//! A subject whose draw or solve fails (a panic inside the solver included), or whose plasma
//! concentrations go negative beyond the solver tolerance, is reported (id, reason) and
//! counted, never silently dropped and never fatal to the run. Per subject only the metrics
//! and the venous plasma profile are kept, and the profiles only until their chunk of
//! subjects is folded into the median and 5-95 % percentile bands (`analysis::quantiles`),
//! so memory does not grow with them.

use crate::analysis::quantiles::Quantiles;
use crate::analysis::stats::percentile;
use crate::data::compound::{BindingProtein, Compound};
use crate::data::library::{Kind, Library};
use crate::data::physiology::Physiology;
use crate::data::population::Population;
use crate::data::scenario::Scenario;
use crate::error::{PbpkError, Result};
use crate::population::{sample, Subject};
use crate::report::summary::SubjectFailure;
use crate::run::{
    run_arm, run_arm_with, summarise_subjects, ArmRun, Prepared, RunOptions, RunResult,
};
use rayon::prelude::*;

/// The seed used when neither the scenario nor the command line gives one.
pub const DEFAULT_SEED: u64 = 20261124;
/// Subjects when neither the scenario nor the command line gives a count.
pub const DEFAULT_COUNT: usize = 100;
/// Subjects solved (in parallel) before their profiles are folded into the percentiles:
/// bounds the memory the profiles take, whatever the number of subjects.
const CHUNK: usize = 512;

/// A population file with its two reference individuals, loaded and validated.
#[derive(Debug, Clone)]
pub struct PopulationSetup {
    pub population: Population,
    pub male: Physiology,
    pub female: Physiology,
}

impl PopulationSetup {
    pub fn load(lib: &Library, name: &str, referer: &str) -> Result<Self> {
        let r = lib.resolve(Kind::Physiology, name, referer, "subjects.population")?;
        if !Population::is_population(&r.text) {
            return Err(PbpkError::invalid(
                referer,
                "subjects.population",
                format!(
                    "{} is an individual physiology, not a population (kind = \"population\"); use `physiology = \"{name}\"` or a population such as \"european\"",
                    r.label()
                ),
            ));
        }
        let population = Population::parse(&r.label(), &r.text)?;
        Self::with_references(population, lib, &r.label())
    }

    /// A parsed population (its file `label`) with its reference individuals from `lib`,
    /// its enzyme names checked against theirs.
    pub fn with_references(population: Population, lib: &Library, label: &str) -> Result<Self> {
        let male = lib.physiology(&population.male_reference, label, "male_reference")?;
        let female = lib.physiology(&population.female_reference, label, "female_reference")?;
        check_population_enzymes(&population, &male, &female, label)?;
        Ok(PopulationSetup {
            population,
            male,
            female,
        })
    }

    /// Virtual subject `id` (ages in `age`, female with probability `female_fraction`)
    /// drawn from the (seed, id) stream: the scenario prepared for its physiology, with
    /// the population tolerances, and what was drawn.
    pub fn virtual_subject(
        &self,
        p: &Prepared,
        seed: u64,
        id: usize,
        age: [f64; 2],
        female_fraction: f64,
    ) -> Result<(Prepared, Subject)> {
        let (phys, subject) = sample(
            &self.population,
            &self.male,
            &self.female,
            seed,
            id,
            age,
            female_fraction,
        )?;
        let reference = if subject.sex == "female" {
            &self.female
        } else {
            &self.male
        };
        let mut sp = p.for_subject(phys, reference)?;
        sp.default_tolerances = (
            crate::run::POPULATION_RTOL,
            crate::run::POPULATION_ATOL_REL_DOSE,
        );
        Ok((sp, subject))
    }

    /// The typical child of a pediatric population (one with `[ontogeny]`) at `age_years`,
    /// born at `gestational_age_weeks` (default the file's), with its growth ratios and the
    /// adult reference it grew from. `referer` and `field` name what asked for it in the
    /// error for an adult population.
    pub fn typical_child(
        &self,
        age_years: f64,
        female: bool,
        gestational_age_weeks: Option<f64>,
        referer: &str,
        field: &str,
    ) -> Result<(Physiology, crate::ontogeny::Growth, &Physiology)> {
        let Some(o) = &self.population.ontogeny else {
            return Err(PbpkError::invalid(
                referer,
                field,
                format!(
                    "\"{}\" is an adult population without [ontogeny]; a child needs a pediatric population such as \"pediatric\"",
                    self.population.name
                ),
            ));
        };
        let child = crate::ontogeny::Child {
            age_years,
            female,
            gestational_age_weeks: gestational_age_weeks.unwrap_or(o.default_gestational_age_weeks),
        };
        let reference = if female { &self.female } else { &self.male };
        let (p, g) = o.typical_child(reference, &child)?;
        Ok((p, g, reference))
    }
}

/// An enzyme the reference individuals lack would get variability or phenotypes that act
/// on nothing, and leave the real enzyme without them: an error naming the field.
fn check_population_enzymes(
    population: &Population,
    male: &Physiology,
    female: &Physiology,
    label: &str,
) -> Result<()> {
    let named = population
        .enzymes
        .keys()
        .map(|e| (e.as_str(), format!("enzymes.{e}")))
        .chain(
            population
                .genotypes
                .iter()
                .enumerate()
                .map(|(i, g)| (g.enzyme.as_str(), format!("genotypes[{i}].enzyme"))),
        );
    for (e, field) in named {
        for reference in [male, female] {
            if !reference.has_enzyme(e) {
                let hint = crate::data::library::closest_name(e, reference.enzyme_names())
                    .map(|k| format!("; did you mean \"{k}\"?"))
                    .unwrap_or_default();
                return Err(PbpkError::invalid(
                    label,
                    field,
                    format!(
                        "\"{e}\" is not an enzyme of the reference individual {} (it has {}){hint}",
                        reference.name,
                        reference.enzyme_names().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// One subject's row of `subjects.csv`: what was drawn and its metrics per arm and compound.
#[derive(Debug, Clone)]
pub struct SubjectRow {
    pub subject: Subject,
    /// Per arm and compound: the subject's NCA metrics and, for oral doses, fa, Fg, Fh, F.
    pub metrics: Vec<SubjectMetrics>,
    /// Per `[[compare]]` with `adjust_dose` (in scenario order): (victim, test arm, this
    /// subject's dose that restores its own reference exposure, or why the search failed).
    pub adjusted_doses: Vec<(
        String,
        String,
        std::result::Result<crate::report::summary::AdjustedDose, String>,
    )>,
    /// Per `[[target]]` (in scenario order): this subject's dose for the target, or why it
    /// could not be found.
    pub targets: Vec<std::result::Result<crate::report::summary::TargetDose, String>>,
}

/// One subject's metrics for one compound in one arm (a row's group of `subjects.csv`
/// columns).
#[derive(Debug, Clone)]
pub struct SubjectMetrics {
    pub arm: String,
    pub compound: String,
    pub nca: crate::analysis::nca::Nca,
    /// Oral doses: fa, Fg, Fh and F of the subject.
    pub fractions: Option<crate::run::OralFractions>,
}

/// The hematocrit at which the compound files' blood:plasma ratios are taken: the reference
/// man's (physiologies/adult_male_european.toml, PK-Sim's 0.47; a test keeps the two equal).
pub const REFERENCE_HEMATOCRIT: f64 = 0.47;

/// The blood:plasma ratio of compound `c` (whose file gives B:P with unbound fraction
/// `fu_file`) in `phys`, with the drug's blood-cell affinity kept. What belongs to the drug
/// is its unbound affinity for blood cells, Kpu,bc = (H_ref - 1 + B:P) / (H_ref fu) (Rodgers
/// et al. 2005, eq. 8, at the reference hematocrit; at least 0); an individual's B:P follows
/// from its own hematocrit and fu: B:P = 1 - H + H fu Kpu,bc. (Kept at the file's B:P at
/// every hematocrit, the back-calculated cell affinity moved instead, and with it every
/// tissue Kp of a drug whose B:P is near 1 - H: lisinopril's Vss doubled between hematocrit
/// 0.30 and 0.55 in a 2-year-old. Taken at each sex's own reference, a female's cell
/// affinity was clamped to 0 for every drug with B:P below 1 - 0.385.)
pub(crate) fn with_hematocrit(c: &mut Compound, fu_file: f64, phys: &Physiology) {
    let (h_ref, h) = (REFERENCE_HEMATOCRIT, phys.hematocrit);
    let fu = c.fu_plasma.value;
    if (h - h_ref).abs() < 1e-12 && (fu - fu_file).abs() < 1e-15 {
        return;
    }
    let bp = c.blood_plasma_ratio.value;
    let kpu_bc = ((h_ref - 1.0 + bp) / (h_ref * fu_file)).max(0.0);
    c.blood_plasma_ratio.value = 1.0 - h + h * fu * kpu_bc;
}

/// Blood binding of the subject: unbound fraction scaled with the subject's binding protein
/// (albumin or AGP) relative to the reference individual's (one binding site, unchanged
/// affinity; McNamara & Alcorn 2002): fu' = 1 / (1 + (1 - fu) / fu x P / P_ref); and the
/// blood:plasma ratio from the subject's hematocrit and fu' with the drug's blood-cell
/// affinity kept (below).
pub(crate) fn scale_fu(c: &Compound, phys: &Physiology, reference: &Physiology) -> Compound {
    let mut c = c.clone();
    let fu_ref = c.fu_plasma.value;
    let proteins = match c.binding_protein {
        BindingProtein::Albumin => Some((phys.albumin_g_per_l, reference.albumin_g_per_l)),
        BindingProtein::Agp => Some((phys.agp_g_per_l, reference.agp_g_per_l)),
        BindingProtein::Lipoprotein => None,
    };
    if let Some((p, p_ref)) = proteins.filter(|(_, p_ref)| *p_ref > 0.0) {
        c.fu_plasma.value = 1.0 / (1.0 + (1.0 - fu_ref) / fu_ref * p / p_ref);
    }
    with_hematocrit(&mut c, fu_ref, phys);
    c
}

/// A subject's plasma profiles [arm][compound] and enzyme fractions [arm][enzyme], as f32
/// (the full-precision metrics are kept in the arms): ~4 bytes a sample a subject, held
/// only while the subject's chunk is folded into the percentiles.
type Compact = (Vec<Vec<Vec<f32>>>, Vec<Vec<Vec<f32>>>);

/// (row, body weight, arms stripped of their profiles, compact profiles, full arms for
/// subject 0: the time grids and structure of the percentile profiles).
type SubjectOutcome = std::result::Result<
    (SubjectRow, f64, Vec<ArmRun>, Compact, Option<Vec<ArmRun>>),
    SubjectFailure,
>;

/// Keep the profiles as f32 and strip them from the arms, except the sample at each
/// compound's window end (its trough, see `run::predicted_metric`).
fn compact(arms: &mut [ArmRun]) -> Compact {
    let mut plasma = Vec::new();
    let mut enzymes = Vec::new();
    for a in arms.iter_mut() {
        // One subject's activity series would pass for the population's: not kept.
        a.enzyme_activity.clear();
        plasma.push(
            a.compounds
                .iter_mut()
                .map(|c| {
                    let v = c.profile.iter().map(|x| x.1 as f32).collect();
                    let end = c.window_h[1];
                    let keep: Vec<_> = c
                        .profile
                        .iter()
                        .find(|x| x.0 >= end)
                        .cloned()
                        .into_iter()
                        .collect();
                    c.profile = keep;
                    v
                })
                .collect(),
        );
        enzymes.push(
            a.enzymes
                .iter_mut()
                .map(|(_, series)| {
                    let v = series.iter().map(|x| x.1 as f32).collect();
                    *series = Vec::new();
                    v
                })
                .collect(),
        );
    }
    (plasma, enzymes)
}

/// Run one subject's work so that a panic inside it (a linear solver meeting a singular
/// matrix, say) becomes that subject's failure instead of ending the whole trial.
pub(crate) fn guarded<T>(
    id: usize,
    f: impl FnOnce() -> std::result::Result<T, SubjectFailure>,
) -> std::result::Result<T, SubjectFailure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|e| {
        let what = e
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        Err(SubjectFailure {
            subject: id,
            reason: format!("the solver stopped with an internal error: {what}"),
        })
    })
}

/// What only the first subject's arms need to keep: names (the summary locates arms and
/// compounds by the first subject's), fm, enzyme series labels; and no spare capacity.
/// (Each subject keeps its enzyme recovery: the summary gives its median over subjects.)
fn slim(arms: &mut Vec<ArmRun>) {
    for a in arms.iter_mut() {
        a.name = String::new();
        a.enzymes = Vec::new();
        for c in &mut a.compounds {
            c.compound = String::new();
            c.fm = Vec::new();
            c.profile.shrink_to_fit();
        }
        a.compounds.shrink_to_fit();
    }
    arms.shrink_to_fit();
}

fn run_subject(
    s: &Scenario,
    p: &Prepared,
    setup: &PopulationSetup,
    id: usize,
    seed: u64,
    opts: &RunOptions,
    keep_full: bool,
) -> SubjectOutcome {
    let fail = |reason: String| SubjectFailure {
        subject: id,
        reason,
    };
    let pop = &setup.population;
    let age = s.subjects.age_years.map_or(pop.age_years, |a| a.range());
    let ff = s.subjects.female_fraction.unwrap_or(pop.female_fraction);
    let (sp, subject) = setup
        .virtual_subject(p, seed, id, age, ff)
        .map_err(|e| fail(e.to_string()))?;
    let bw = sp.physiology.body_weight_kg;
    // Every arm of the subject; Err with the reason when the solver fails or a plasma
    // concentration goes below zero beyond the tolerance (a step the error control let
    // through, seen about once in a thousand subjects at the population tolerance).
    let solve_arms =
        |o: &RunOptions| -> std::result::Result<(Vec<ArmRun>, Vec<crate::prefix::Solved>), String> {
            let mut arms: Vec<ArmRun> = Vec::new();
            let mut solved = Vec::new();
            for arm in &s.arms {
                let (mut run, sol) =
                    run_arm_with(s, &sp, arm, o, &[], &solved).map_err(|e| e.to_string())?;
                solved.push(sol);
                for c in &mut run.compounds {
                    let negative = c.profile.iter().map(|x| x.1).fold(0.0_f64, f64::min);
                    if negative < -1e-6 * c.nca.cmax.max(1e-300) || !c.nca.cmax.is_finite() {
                        return Err(format!(
                        "{} in arm {}: concentration {negative:e} mg/L below zero beyond the solver tolerance",
                        c.compound, arm.name
                    ));
                    }
                    // Keep only the plasma profile (tissue profiles are per individual).
                    for x in &mut c.profile {
                        x.2 = Vec::new();
                    }
                }
                arms.push(run);
            }
            Ok((arms, solved))
        };
    // Such a subject is solved again at 10-fold tighter tolerances before it counts as failed.
    let tighter = RunOptions {
        tolerance_scale: opts.tolerance_scale * 0.1,
        ..opts.clone()
    };
    let (mut arms, solved) = solve_arms(opts)
        .or_else(|first| {
            solve_arms(&tighter).map_err(|e| format!("{first}; at 10-fold tighter tolerances: {e}"))
        })
        .map_err(fail)?;
    let metrics = arms
        .iter()
        .flat_map(|a| {
            a.compounds.iter().map(|c| SubjectMetrics {
                arm: a.name.clone(),
                compound: c.compound.clone(),
                nca: c.nca,
                fractions: c.fractions,
            })
        })
        .collect();
    // Each subject's own dose adjustment, starting from its solved arms' shared history.
    let adjusted_doses = s
        .comparisons
        .iter()
        .filter(|cmp| cmp.adjust_dose)
        .map(|cmp| {
            let a = crate::run::adjust_dose(s, &sp, opts, cmp, &arms, &solved)
                .map(|(a, _)| a)
                .map_err(|e| e.to_string());
            (cmp.compound.clone(), cmp.test.clone(), a)
        })
        .collect();
    let targets = (0..s.targets.len())
        .map(|i| {
            crate::run::dose_for_target(s, &sp, opts, i, &arms, &solved).map_err(|e| e.to_string())
        })
        .collect();
    // (Without the activity series: one subject's would pass for the population's.)
    let full = keep_full.then(|| {
        let mut f = arms.clone();
        f.iter_mut().for_each(|a| a.enzyme_activity.clear());
        f
    });
    let compact = compact(&mut arms);
    Ok((
        SubjectRow {
            subject,
            metrics,
            adjusted_doses,
            targets,
        },
        bw,
        arms,
        compact,
        full,
    ))
}

/// Run a scenario over its virtual population.
pub fn run_population(s: &Scenario, p: &Prepared, opts: &RunOptions) -> Result<RunResult> {
    let setup = p.population.as_ref().expect("a population scenario");
    let n = opts.subjects.or(s.subjects.count).unwrap_or(DEFAULT_COUNT);
    let seed = opts.seed.or(s.subjects.seed).unwrap_or(DEFAULT_SEED);
    // Progress on stderr when it is a terminal (never in pipes, logs or tests).
    use std::io::IsTerminal;
    let bar = if std::io::stderr().is_terminal() && n >= 20 {
        let b = indicatif::ProgressBar::new(n as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} subjects {pos}/{len} [{bar:40}] {elapsed_precise} (eta {eta})",
        ) {
            b.set_style(style.progress_chars("=> "));
        }
        Some(b)
    } else {
        None
    };
    let mut rows = Vec::new();
    let mut subjects = Vec::new();
    // The first subject's full arms (times and structure) and the percentile accumulators.
    let mut profiles: Option<(Vec<ArmRun>, ProfileBands)> = None;
    let mut failures = Vec::new();
    // Subjects are solved CHUNK at a time so that only one chunk's profiles are ever held;
    // each chunk's profiles are folded into the percentile accumulators, then dropped.
    for first in (0..n).step_by(CHUNK) {
        let outcomes: Vec<SubjectOutcome> = (first..(first + CHUNK).min(n))
            .into_par_iter()
            .map(|i| {
                let o = guarded(i, || run_subject(s, p, setup, i, seed, opts, i == 0));
                if let Some(b) = &bar {
                    b.inc(1);
                }
                o
            })
            .collect();
        // The percentile profiles take their times and structure from subject 0; if it
        // failed, from the first subject that did not (solved again, in full).
        if profiles.is_none() {
            let ok = outcomes.iter().zip(first..).find(|(o, _)| o.is_ok());
            if let Some((_, id)) = ok.filter(|(o, _)| matches!(o, Ok((.., None)))) {
                if let Ok((.., Some(full))) = run_subject(s, p, setup, id, seed, opts, true) {
                    let b = ProfileBands::new(&full);
                    profiles = Some((full, b));
                }
            }
        }
        let mut compacts = Vec::new();
        for o in outcomes {
            match o {
                Ok((row, bw, mut arms, c, full)) => {
                    rows.push(row);
                    // The summary takes fm and enzyme recovery from the first subject only.
                    if !subjects.is_empty() {
                        slim(&mut arms);
                    }
                    subjects.push((bw, arms));
                    compacts.push(c);
                    if let Some(full) = full {
                        let b = ProfileBands::new(&full);
                        profiles = Some((full, b));
                    }
                }
                Err(f) => failures.push(f),
            }
        }
        if let Some((_, b)) = &mut profiles {
            b.add(&compacts);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if subjects.is_empty() {
        return Err(PbpkError::Solver(format!(
            "every one of the {n} subjects failed; the first: subject {}: {}",
            failures[0].subject, failures[0].reason
        )));
    }
    let mut summary = summarise_subjects(s, &setup.population.name, &subjects, failures.len());
    summary.failures = failures;
    summary.seed = Some(seed);
    // Redrawn subjects (a draw outside the plausibility bounds, or a physiology that failed
    // validation) shift the realised distributions from the file's: say how many.
    let redrawn = rows.iter().filter(|r| r.subject.redraws > 0).count();
    if redrawn * 20 > rows.len() {
        summary.warnings.push(format!(
            "{redrawn} of {} subjects were redrawn at least once (column `redraws` in subjects.csv): their anthropometrics fell outside the plausibility bounds (BMI 12-70, height from 120 cm, fat at least 3 % of weight, liver over 0.3 L, hematocrit, albumin) or failed validation, so the realised height, BMI and organ sizes differ from the population file's distributions",
            rows.len()
        ));
    }
    adjusted_over_subjects(s, &rows, &mut summary);
    summary.targets_over_subjects = targets_over_subjects(s, &rows);
    // The static interaction model is a typical-value prediction: computed once, for the
    // population file's male reference individual (the prepared physiology).
    let compared: Vec<ArmRun> = s
        .arms
        .iter()
        .filter(|a| {
            summary
                .comparisons
                .iter()
                .any(|c| c.test == a.name || c.reference == a.name)
        })
        .filter_map(|a| run_arm(s, p, a, opts, &[]).ok())
        .collect();
    crate::run::static_models(p, &mut summary.comparisons, &compared);
    // Subject 0 gives the time grids; if it failed, the first subject's stripped arms (no
    // profiles) are reported instead.
    let arms = match profiles {
        Some((t, b)) => b.apply(t),
        None => subjects[0].1.clone(),
    };
    let median_bw = percentile(
        &{
            let mut v: Vec<f64> = subjects.iter().map(|x| x.0).collect();
            v.sort_by(f64::total_cmp);
            v
        },
        50.0,
    );
    Ok(RunResult {
        summary,
        arms,
        tissues: Vec::new(),
        body_weight_kg: median_bw,
        subjects: rows,
        observed_data: p.observed_data.clone(),
        distribution: p.model.compounds.clone(),
    })
}

/// Each `[[target]]` over the subjects: attainment at the arm's dose (share at or above the
/// target, and within 0.8-1.25 of it, of the subjects whose exposure was computed) and the
/// distribution of the doses the converged searches found.
fn targets_over_subjects(
    s: &Scenario,
    rows: &[SubjectRow],
) -> Vec<crate::report::summary::TargetOverSubjects> {
    s.targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let outcomes = rows.iter().filter_map(|r| r.targets.get(i).map(|o| (r, o)));
            let exposures: Vec<f64> = outcomes
                .clone()
                .filter_map(|(_, o)| o.as_ref().ok())
                .map(|d| d.exposure_at_arm_dose)
                .collect();
            // No share when no subject's exposure could be computed (null, not 0 %).
            let share = |keep: &dyn Fn(f64) -> bool| {
                (!exposures.is_empty()).then(|| {
                    exposures.iter().filter(|&&e| keep(e / t.value)).count() as f64
                        / exposures.len() as f64
                })
            };
            crate::report::summary::TargetOverSubjects {
                compound: t.compound.clone(),
                arm: t.arm.clone(),
                metric: t.metric.clone(),
                target: t.value,
                exposure_at_arm_dose: crate::analysis::stats::summarise(&exposures),
                share_at_or_above_target: share(&|r| r >= 1.0),
                share_within_80_125: share(&|r| (0.8..=1.25).contains(&r)),
                doses: dose_searches(outcomes.map(|(r, o)| {
                    (
                        r.subject.id,
                        o.as_ref().map(|d| &d.dose).map_err(|e| e.clone()),
                    )
                })),
            }
        })
        .collect()
}

/// The subjects' own dose searches (subject id, the search or why there is none): the
/// statistics of the converged factors and doses, and each other subject with its reason.
fn dose_searches<'a>(
    outcomes: impl Iterator<
        Item = (
            usize,
            std::result::Result<&'a crate::report::summary::AdjustedDose, String>,
        ),
    >,
) -> crate::report::summary::AdjustedDoseOverSubjects {
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for (subject, outcome) in outcomes {
        let reason = match outcome {
            Ok(a) if a.converged => {
                found.push(a);
                continue;
            }
            Ok(a) => format!(
                "the dose search did not converge to 0.1 % in {} iterations (last factor {:.4})",
                a.iterations, a.factor
            ),
            Err(e) => e,
        };
        failures.push(crate::report::summary::SubjectFailure { subject, reason });
    }
    let factors: Vec<f64> = found.iter().map(|a| a.factor).collect();
    let doses: Vec<f64> = found.iter().filter_map(|a| a.dose_mg).collect();
    crate::report::summary::AdjustedDoseOverSubjects {
        factor: crate::analysis::stats::summarise(&factors),
        dose_mg: crate::analysis::stats::summarise(&doses),
        not_converged: failures.len(),
        failures,
    }
}

/// Fill each comparison's `adjusted_dose_over_subjects` from the subjects' own searches.
fn adjusted_over_subjects(
    s: &Scenario,
    rows: &[SubjectRow],
    summary: &mut crate::report::summary::Summary,
) {
    for (i, cmp) in s.comparisons.iter().filter(|c| c.adjust_dose).enumerate() {
        let Some(out) = summary.comparisons.iter_mut().find(|o| o.is_of(cmp)) else {
            continue;
        };
        out.adjusted_dose_over_subjects = Some(dose_searches(rows.iter().map(|r| {
            let outcome = match r.adjusted_doses.get(i) {
                Some((_, _, a)) => a.as_ref().map_err(|e| e.clone()),
                None => Err("no dose search was run for this comparison".to_string()),
            };
            (r.subject.id, outcome)
        })));
    }
}

/// Per arm, plasma profile of each compound and remaining fraction of each enzyme: the
/// percentiles over subjects at every output time (all subjects share the output times),
/// accumulated chunk by chunk (`analysis::quantiles`).
struct ProfileBands {
    /// (arm, enzyme series (else plasma), index in the arm, one accumulator a time point)
    series: Vec<(usize, bool, usize, Vec<Quantiles>)>,
}

impl ProfileBands {
    fn new(arms: &[ArmRun]) -> Self {
        let mut series = Vec::new();
        for (ai, arm) in arms.iter().enumerate() {
            for (ci, c) in arm.compounds.iter().enumerate() {
                series.push((ai, false, ci, vec![Quantiles::default(); c.profile.len()]));
            }
            for (ei, (_, e)) in arm.enzymes.iter().enumerate() {
                series.push((ai, true, ei, vec![Quantiles::default(); e.len()]));
            }
        }
        ProfileBands { series }
    }

    fn add(&mut self, compacts: &[Compact]) {
        self.series.par_iter_mut().for_each(|(ai, enzyme, i, qs)| {
            for c in compacts {
                let values = if *enzyme { &c.1 } else { &c.0 };
                if let Some(v) = values.get(*ai).and_then(|a| a.get(*i)) {
                    for (q, &x) in qs.iter_mut().zip(v) {
                        q.push(x);
                    }
                }
            }
        });
    }

    /// Subject 0's arms with every plasma profile replaced by the median over subjects and
    /// the 5-95 % band, enzyme fractions by the median.
    fn apply(&self, mut arms: Vec<ArmRun>) -> Vec<ArmRun> {
        for (ai, enzyme, i, qs) in &self.series {
            let arm = &mut arms[*ai];
            if *enzyme {
                for (point, q) in arm.enzymes[*i].1.iter_mut().zip(qs) {
                    point.1 = q.percentile(50.0);
                }
            } else {
                let c = &mut arm.compounds[*i];
                for (point, q) in c.profile.iter_mut().zip(qs) {
                    point.1 = q.percentile(50.0);
                }
                c.band = Some(
                    qs.iter()
                        .map(|q| (q.percentile(5.0), q.percentile(95.0)))
                        .collect(),
                );
            }
        }
        for arm in &mut arms {
            arm.recovery.clear();
        }
        arms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_one_subject_is_that_subjects_failure() {
        let r: std::result::Result<(), SubjectFailure> = guarded(3, || panic!("singular matrix"));
        let f = r.unwrap_err();
        assert_eq!(f.subject, 3);
        assert!(f.reason.contains("singular matrix"), "{}", f.reason);
        assert_eq!(guarded(4, || Ok(7)).unwrap(), 7);
    }
}
