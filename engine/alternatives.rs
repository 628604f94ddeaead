//! Predictions over the published alternatives of a scenario's inputs.
//!
//! In-vitro constants differ between laboratories by up to an order of magnitude (a
//! mechanism-based inactivator's KI and kinact from different microsome preparations; a log P
//! quoted as 3.4 or 4.8). A compound file uses one value and may list the others as
//! `[[alternative]]` sets, each with its source. `pbpk alternatives SCENARIO` reruns the
//! scenario once with the files' values and once per set (that set in place of its file's
//! values, everything else unchanged) and reports, for every interaction ratio and every
//! observed quantity, the prediction of each run and the range they span beside the
//! observation. The spread of the literature is then shown, not picked from by outcome: a
//! set is never chosen because it fits (docs/formats.md, `[[alternative]]`).
//!
//! Each run is the whole scenario again (`run::prepare` from the changed text), so
//! partitioning, clearance scaling and enzyme turnover all follow; a virtual population is
//! analysed for its reference individual, as the sensitivity analysis does.

use crate::data::library::{Kind, Library, Override};
use crate::data::scenario::Scenario;
use crate::error::Result;
use crate::report::summary::Summary;
use crate::run::{prepare, run_arms, Prepared, RunOptions};
use rayon::prelude::*;

/// One predicted quantity: an interaction ratio, an observed metric, or (when the scenario
/// has neither) an arm's AUC or Cmax.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Output {
    pub name: String,
    /// The observation the scenario names for it, if any.
    pub observed: Option<f64>,
    /// What it is, structurally (arm names are free text, so outputs are matched by this,
    /// not by their printed name); `None` for the plain AUC/Cmax list.
    #[serde(skip)]
    pub key: Option<Key>,
}

/// An interaction ratio (`metric` `auc_ratio`/`cmax_ratio`, `arm` the test arm, `reference`
/// its reference) or an observed metric (`reference` empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub metric: String,
    pub compound: String,
    pub arm: String,
    pub reference: String,
}

impl Key {
    /// Does this output answer the observation (metric, compound, arm)?
    fn answers(&self, metric: &str, compound: &str, arm: &str) -> bool {
        self.metric == metric && self.compound == compound && self.arm == arm
    }
}

/// An observation's prediction range over the files' values and the published sets.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublishedRange {
    pub low: f64,
    pub high: f64,
    /// The sets (`compound: name`) whose prediction reaches the observation.
    pub reached_by: Vec<String>,
    /// Published sets whose run failed or gave no value here (not in the range).
    pub not_run: usize,
}

/// One run: the files' values, or one alternative set in place of its file's values.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Run {
    /// `None` for the files' own values.
    pub compound: Option<String>,
    pub alternative: String,
    pub source: String,
    /// The set's status tag (C, C2, D, R; `-` for the files' values).
    pub status: String,
    /// Status C or C2: the set's values were published (see `data::compound::Alternative`).
    pub published: bool,
    /// The inputs this set changes: (path, file value, set value).
    pub changes: Vec<(String, f64, f64)>,
    /// Per output (same order as `Analysis::outputs`); `None` where the run gave none.
    pub values: Vec<Option<f64>>,
    /// Why the run failed, if it did.
    pub error: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Analysis {
    pub scenario: String,
    /// What the runs leave out (a population's subjects, a `[children]` table).
    pub scope: Vec<String>,
    pub outputs: Vec<Output>,
    /// The files' values first, then every alternative of every compound used.
    pub runs: Vec<Run>,
}

/// The quantities a run predicts, with their observations: interaction ratios (observed
/// `auc_ratio`/`cmax_ratio` attach to their comparison), then the other observed metrics;
/// without either, every arm's AUC (to infinity where it exists) and Cmax.
fn outputs_of(s: &Summary) -> Vec<(Output, Option<f64>)> {
    let mut out = Vec::new();
    let observed = |metric: &str, compound: &str, arm: &str| {
        s.observed
            .iter()
            .find(|o| o.metric == metric && o.compound == compound && o.arm == arm)
            .map(|o| o.observed)
    };
    for c in &s.comparisons {
        for (label, metric, stat) in [
            ("AUC ratio", "auc_ratio", &c.auc_ratio),
            ("Cmax ratio", "cmax_ratio", &c.cmax_ratio),
        ] {
            if let Some(r) = stat {
                out.push((
                    Output {
                        name: format!("{label}: {} in {} vs {}", c.compound, c.test, c.reference),
                        observed: observed(metric, &c.compound, &c.test),
                        key: Some(Key {
                            metric: metric.into(),
                            compound: c.compound.clone(),
                            arm: c.test.clone(),
                            reference: c.reference.clone(),
                        }),
                    },
                    Some(r.median),
                ));
            }
        }
    }
    for o in &s.observed {
        if o.metric == "auc_ratio" || o.metric == "cmax_ratio" {
            continue;
        }
        out.push((
            Output {
                name: format!("{}: {} in {}", o.metric, o.compound, o.arm),
                observed: Some(o.observed),
                key: Some(Key {
                    metric: o.metric.clone(),
                    compound: o.compound.clone(),
                    arm: o.arm.clone(),
                    reference: String::new(),
                }),
            },
            o.predicted,
        ));
    }
    if out.is_empty() {
        // No comparison and no observation: every arm's AUC and Cmax, named as the
        // sensitivity analysis names them.
        for (name, v) in crate::sensitivity::outputs(s) {
            let output = Output {
                name,
                observed: None,
                key: None,
            };
            out.push((output, Some(v)));
        }
    }
    out
}

/// This run's values of the named outputs.
fn values_for(outputs: &[Output], s: &Summary) -> Vec<Option<f64>> {
    let got = outputs_of(s);
    outputs
        .iter()
        .map(|o| {
            got.iter()
                .find(|(g, _)| match (&g.key, &o.key) {
                    (Some(a), Some(b)) => a == b,
                    (None, None) => g.name == o.name,
                    _ => false,
                })
                .and_then(|(_, v)| *v)
        })
        .collect()
}

/// Run the analysis: the files' values first, then each alternative set.
pub fn analyse(s: &Scenario, lib: &Library, label: &str) -> Result<Analysis> {
    let p = prepare(s, lib, label)?;
    crate::run::check_one_individual(&p, "pbpk alternatives")?;
    let base = run_arms(s, &p, &RunOptions::default())?;
    analyse_from(s, lib, label, &p, &base)
}

/// The analysis around a run of the files' values already made (`base`, from `run_arms`
/// or `crate::run::arms_summary` of the same scenario with default options), so that a
/// caller who has run the scenario (`pbpk qualify`) does not run it twice.
pub fn analyse_from(
    s: &Scenario,
    lib: &Library,
    label: &str,
    p: &Prepared,
    base: &Summary,
) -> Result<Analysis> {
    let opts = RunOptions::default();
    let with_base: Vec<(Output, Option<f64>)> = outputs_of(base);
    let outputs: Vec<Output> = with_base.iter().map(|(o, _)| o.clone()).collect();
    let mut runs = vec![Run {
        compound: None,
        alternative: "files' values".into(),
        source: "the compound files as shipped".into(),
        status: "-".into(),
        published: false,
        changes: Vec::new(),
        values: with_base.iter().map(|(_, v)| *v).collect(),
        error: None,
    }];

    // Every (compound, alternative) with the changed file text and the names it resolves by.
    let mut jobs = Vec::new();
    for (k, (c, _)) in p.compounds.iter().enumerate() {
        if c.alternative.is_empty() {
            continue;
        }
        let names = p.compound_names(k);
        let r = lib.resolve(Kind::Compound, &names[0], label, "alternatives")?;
        let origin = r.label();
        for (i, a) in c.alternative.iter().enumerate() {
            let text = c.with_alternative(&origin, &r.text, i)?;
            let changes = a
                .values
                .iter()
                .map(|(path, v)| {
                    let was = crate::data::toml_path::number_at(&r.text, path).unwrap_or(f64::NAN);
                    (path.clone(), was, *v)
                })
                .collect();
            let overrides: Vec<Override> = names
                .iter()
                .map(|n| Override {
                    kind: Kind::Compound,
                    name: n.clone(),
                    label: format!("{origin} (alternative \"{}\")", a.name),
                    text: text.clone(),
                })
                .collect();
            jobs.push((c.name.clone(), a.clone(), changes, overrides));
        }
    }
    let done: Vec<Run> = jobs
        .into_par_iter()
        .map(|(compound, a, changes, overrides)| {
            let mut l = lib.clone();
            l.overrides = overrides;
            let result = prepare(s, &l, label).and_then(|p| run_arms(s, &p, &opts));
            let (values, error) = match result {
                Ok(summary) => (values_for(&outputs, &summary), None),
                Err(e) => (
                    vec![None; outputs.len()],
                    Some(e.to_string().lines().next().unwrap_or_default().to_string()),
                ),
            };
            Run {
                compound: Some(compound),
                published: a.is_published(),
                alternative: a.name,
                source: a.source,
                status: a.status,
                changes,
                values,
                error,
            }
        })
        .collect();
    runs.extend(done);
    let mut scope = Vec::new();
    if s.subjects.population.is_some() {
        scope.push("the virtual population is analysed for its reference individual".to_string());
    }
    if s.children.is_some() {
        scope.push(
            "the [children] table (pediatric checks and dose finding) is not rerun".to_string(),
        );
    }
    Ok(Analysis {
        scenario: s.name.clone(),
        scope,
        outputs,
        runs,
    })
}

impl Analysis {
    /// The range of the prediction answering observation (metric, compound, arm) over the
    /// files' values and the *published* sets (status C or C2), with the sets whose
    /// prediction reaches the observation (lies at or beyond it, seen from the files'
    /// prediction). Sets whose run failed (e.g. a re-derived fitted term the cell membranes
    /// cannot carry) are counted in `not_run`, not in the range (and listed by
    /// `failed_published_sets`). `None` when no published set ran and moved the prediction by
    /// more than 1 %.
    pub fn published_range(
        &self,
        metric: &str,
        compound: &str,
        arm: &str,
        observed: f64,
    ) -> Option<PublishedRange> {
        let i = self.outputs.iter().position(|o| {
            o.key
                .as_ref()
                .is_some_and(|k| k.answers(metric, compound, arm))
        })?;
        let runs: Vec<&Run> = self
            .runs
            .iter()
            .filter(|r| r.compound.is_none() || r.published)
            .collect();
        let not_run = runs.iter().filter(|r| r.values[i].is_none()).count();
        let runs: Vec<&Run> = runs.into_iter().filter(|r| r.values[i].is_some()).collect();
        if runs.len() < 2 || runs[0].compound.is_some() {
            return None;
        }
        let v: Vec<f64> = runs.iter().filter_map(|r| r.values[i]).collect();
        let (lo, hi) = min_max(v.iter().copied())?;
        // A set "moves" the prediction when it changes it by more than 1 % (less is
        // numerical noise or irrelevant to the check).
        if hi <= lo * 1.01 {
            return None;
        }
        let files = v[0];
        let reached_by = runs[1..]
            .iter()
            .filter(|r| {
                let x = r.values[i].unwrap_or(f64::NAN);
                (files < observed && x >= observed) || (files > observed && x <= observed)
            })
            .map(|r| label(r))
            .collect();
        Some(PublishedRange {
            low: lo,
            high: hi,
            reached_by,
            not_run,
        })
    }

    /// The published (C, C2) sets whose run failed, with the reason.
    pub fn failed_published_sets(&self) -> Vec<String> {
        self.runs
            .iter()
            .filter(|r| r.published)
            .filter_map(|r| Some(format!("{} ({})", label(r), r.error.as_ref()?)))
            .collect()
    }

    /// (lowest, highest) prediction of output `i` over the runs that gave one.
    pub fn range(&self, i: usize) -> Option<(f64, f64)> {
        min_max(self.runs.iter().filter_map(|r| r.values[i]))
    }

    /// The printed report: per output, each run's prediction and its ratio to the
    /// observation, then the range over the runs.
    pub fn table(&self) -> String {
        let n = self.runs.len();
        let mut s = format!(
            "Alternatives for \"{}\": {n} run{} (the files' values, then each listed set in place of its file's values, one at a time)\n",
            self.scenario,
            if n == 1 { "" } else { "s" }
        );
        for note in &self.scope {
            s += &format!("  Note: {note}.\n");
        }
        if n == 1 {
            s += "\nNo compound this scenario uses lists an [[alternative]]: only the files' values were run.\n";
        }
        for r in self.runs.iter().skip(1) {
            let what: Vec<String> = r
                .changes
                .iter()
                .map(|(p, was, v)| format!("{p} {was} -> {v}"))
                .collect();
            s += &format!(
                "  {} [{}] ({}): {}\n",
                label(r),
                r.status,
                what.join(", "),
                r.source
            );
        }
        let width = self.runs.iter().map(|r| label(r).len()).max().unwrap_or(10);
        for (i, o) in self.outputs.iter().enumerate() {
            s += &format!(
                "\n{}{}\n",
                o.name,
                o.observed
                    .map_or(String::new(), |x| format!("  (observed {})", sig(x)))
            );
            let vs = |v: f64| {
                o.observed
                    .map_or(String::new(), |x| format!("  {:>6.2}x observed", v / x))
            };
            let first = self.runs[0].values[i];
            let same = self.runs.iter().all(|r| {
                r.error.is_none()
                    && r.values[i]
                        .zip(first)
                        .is_some_and(|(a, b)| (a - b).abs() <= 1e-6 * a.abs().max(b.abs()))
            });
            if same && n > 1 {
                let v = first.unwrap_or(f64::NAN);
                s += &format!("  {:<width$}  {:>12}{}\n", "every run", sig(v), vs(v));
                continue;
            }
            for r in &self.runs {
                let cell = match r.values[i] {
                    Some(v) => format!("{:>12}{}", sig(v), vs(v)),
                    None => format!("not run: {}", r.error.as_deref().unwrap_or("no value")),
                };
                s += &format!("  {:<width$}  {cell}\n", label(r));
            }
            if let Some((lo, hi)) = self.range(i) {
                let inside = o.observed.map_or(String::new(), |x| {
                    if x >= lo && x <= hi {
                        "; the observation lies inside it".into()
                    } else {
                        format!(
                            "; the observation lies outside it ({:.2}-{:.2}x)",
                            lo / x,
                            hi / x
                        )
                    }
                });
                s += &format!("  range over the runs: {} - {}{inside}\n", sig(lo), sig(hi));
            }
        }
        s
    }
}

/// The lowest and highest of some values (`None` when there are none).
fn min_max(v: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    v.fold(None, |acc, x| match acc {
        None => Some((x, x)),
        Some((lo, hi)) => Some((lo.min(x), hi.max(x))),
    })
}

/// Four significant figures, plain or in exponent form for small or large values.
pub fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    if v.abs() < 0.01 || v.abs() >= 1e5 {
        format!("{v:.3e}")
    } else {
        let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
        format!("{v:.digits$}")
    }
}

fn label(r: &Run) -> String {
    match &r.compound {
        None => r.alternative.clone(),
        Some(c) => format!("{c}: {}", r.alternative),
    }
}
