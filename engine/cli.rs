//! The command line: `pbpk run`, `pbpk check`, `pbpk list` (see docs/formats.md).

use crate::data::compound::Compound;
use crate::data::library::{Kind, Library};
use crate::data::physiology::Physiology;
use crate::data::scenario::Scenario;
use crate::error::{PbpkError, Result};
use crate::run::{prepare, run_scenario, RunOptions, RunResult};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "pbpk", version, about = "Whole-body PBPK simulator")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario (a path or the name of a shipped scenario).
    Run {
        scenario: String,
        /// Output folder (default out/<scenario file stem>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Number of virtual subjects (overrides the scenario's `subjects.count`; at least 1).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        subjects: Option<u32>,
        /// Random seed of a virtual population's draws (overrides `subjects.seed`; default 20261124).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (at least 1; default: all cores).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
        threads: Option<u32>,
    },
    /// Validate physiology, compound or scenario files; exit 1 on the first error.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List shipped and local physiologies, compounds and scenarios.
    List,
    /// Run a scenario and print only its interaction table: the dynamic AUC and Cmax ratios
    /// beside the FDA 2020 mechanistic static model computed from the same compound files.
    DdiStatic { scenario: String },
    /// Write one arm of a scenario as a self-contained JSON ODE problem (equations' terms,
    /// doses, output times, tolerances and pbpk's own solution), for peer tools.
    Export {
        scenario: String,
        #[arg(long)]
        arm: String,
        /// Output file (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the typical child of an age built by a pediatric population (growth ratios and
    /// the whole physiology as TOML), to inspect what a pediatric scenario simulates.
    Child {
        /// Postnatal age in years.
        #[arg(long)]
        age: f64,
        #[arg(long, default_value = "male")]
        sex: String,
        /// Gestational age at birth (weeks).
        #[arg(long)]
        gestational_age: Option<f64>,
        /// The pediatric population file.
        #[arg(long, default_value = "pediatric")]
        population: String,
    },
    /// Local sensitivity analysis: rerun the scenario with each input of its compound files
    /// (and the physiology's proteins, GFR and enzymes) 10 % up and down, and rank the inputs
    /// by the normalised sensitivity d ln(output) / d ln(input) of the interaction ratios (or,
    /// without comparisons, of every AUC and Cmax). Writes sensitivity.csv and tornado plots.
    Sensitivity {
        scenario: String,
        /// Output folder (default out/<scenario file stem>_sensitivity).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Relative step: inputs are multiplied and divided by 1 + delta.
        #[arg(long, default_value_t = 0.1)]
        delta: f64,
        /// Analyse only inputs whose owner:path contains this text (repeatable), e.g.
        /// --param ritonavir:interaction or --param fu_plasma.
        #[arg(long)]
        param: Vec<String>,
        /// Inputs printed per output.
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// Rerun the scenario with each published alternative set of its compounds' inputs
    /// (`[[alternative]]` in a compound file: another laboratory's KI and kinact, another
    /// measured log P) in place of the file's values, and print every interaction ratio and
    /// observed quantity per run with the range they span. Writes alternatives.csv.
    Alternatives {
        scenario: String,
        /// Output folder (default out/<scenario file stem>_alternatives).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run every shipped scenario with observed values and write the qualification report
    /// (qualification.md, qualification.csv, goodness-of-fit plots).
    Qualify {
        /// Output folder (default out/qualification).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// The default output folder of an analysis command: `out/<scenario file stem>_<what>`.
fn analysis_dir(scenario: &str, what: &str) -> PathBuf {
    let stem = std::path::Path::new(scenario)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "scenario".into());
    PathBuf::from("out").join(format!("{stem}_{what}"))
}

/// Run the command line; the error is printed by `main`.
pub fn main_with(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Export { scenario, arm, out } => {
            let (s, lib, label) = Library::scenario(&scenario)?;
            let p = prepare(&s, &lib, &label)?;
            crate::run::check_one_individual(&p, "pbpk export")?;
            let json = crate::report::export::export_arm(&s, &p, &arm)?;
            let text = serde_json::to_string(&json).map_err(|e| PbpkError::Output {
                path: PathBuf::from("-"),
                message: e.to_string(),
            })?;
            match out {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|source| PbpkError::Io { path, source })?
                }
                None => println!("{text}"),
            }
            Ok(())
        }
        Command::Child {
            age,
            sex,
            gestational_age,
            population,
        } => {
            let lib = Library::default();
            let setup = crate::trial::PopulationSetup::load(&lib, &population, "pbpk child")?;
            let female = match sex.as_str() {
                "male" => false,
                "female" => true,
                _ => {
                    return Err(PbpkError::invalid(
                        "pbpk child",
                        "--sex",
                        format!("must be male or female, got {sex}"),
                    ))
                }
            };
            // The same ranges as a scenario's child (subjects.age_years of a pediatric
            // physiology, gestational_age_weeks).
            let adult = setup
                .population
                .ontogeny
                .as_ref()
                .map_or(f64::INFINITY, |o| o.adult_age_years);
            if !(0.0..=adult).contains(&age) {
                return Err(PbpkError::invalid(
                    "pbpk child",
                    "--age",
                    format!(
                        "must be 0 to {} years (the population's adult age), got {}",
                        crate::data::show(adult),
                        crate::data::show(age)
                    ),
                ));
            }
            if let Some(g) = gestational_age {
                crate::data::scenario::check_gestational_age("pbpk child", "--gestational-age", g)?;
            }
            let (p, g, _) =
                setup.typical_child(age, female, gestational_age, "pbpk child", "--population")?;
            use std::fmt::Write as _;
            let mut out = String::new();
            let _ = writeln!(out, "# {}", p.name);
            let _ = writeln!(
                out,
                "# weight {:.2} kg, height {:.1} cm, BSA {:.3} m2, cardiac output x{:.3}, blood volume x{:.3}, GFR maturation {:.3}",
                g.weight_kg, g.height_cm, g.bsa_m2, g.cardiac_output_ratio, g.blood_volume_ratio, g.gfr_maturation
            );
            for (organ, r) in &g.volume_ratio {
                let _ = writeln!(out, "# volume ratio {organ}: {r:.4}");
            }
            for (e, site, f) in &g.enzyme_maturation {
                let _ = writeln!(out, "# maturation {e} ({site}): {f:.4}");
            }
            let text = toml::to_string(&p).map_err(|e| PbpkError::Output {
                path: PathBuf::from("-"),
                message: e.to_string(),
            })?;
            out.push_str(&text);
            // A closed pipe (`pbpk child ... | head`) is not an error worth a panic.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes());
            Ok(())
        }
        Command::Sensitivity {
            scenario,
            out,
            delta,
            param,
            top,
        } => {
            let (s, lib, label) = Library::scenario(&scenario)?;
            let dir = out.unwrap_or_else(|| analysis_dir(&scenario, "sensitivity"));
            crate::report::check_output_folder(&dir)?;
            let a = crate::sensitivity::analyse(&s, &lib, &label, delta, &param)?;
            crate::report::sensitivity::write(&a, &dir)?;
            print!("{}", a.table(top));
            println!(
                "\nAll inputs against all outputs: {}/sensitivity.csv (tornado plots beside it)",
                dir.display()
            );
            Ok(())
        }
        Command::Alternatives { scenario, out } => {
            let (s, lib, label) = Library::scenario(&scenario)?;
            let dir = out.unwrap_or_else(|| analysis_dir(&scenario, "alternatives"));
            crate::report::check_output_folder(&dir)?;
            let a = crate::alternatives::analyse(&s, &lib, &label)?;
            crate::report::alternatives::write(&a, &dir)?;
            print!("{}", a.table());
            println!("\nEvery run and output: {}/alternatives.csv", dir.display());
            Ok(())
        }
        Command::Qualify { out } => {
            let dir = out.unwrap_or_else(|| PathBuf::from("out/qualification"));
            let rows = crate::qualify::run_suite()?;
            let cats = crate::qualify::write_report(&rows, &dir)?;
            println!(
                "{:<36} {:>4} {:>10} {:>10} {:>10} {:>6}",
                "category", "n", "<=1.25x", "<=2x", "Guest", "GMFE"
            );
            for c in &cats {
                println!(
                    "{:<36} {:>4} {:>9.0}% {:>9.0}% {:>10} {:>6.2}",
                    c.category,
                    c.n,
                    100.0 * c.within_1_25,
                    100.0 * c.within_2,
                    c.within_guest
                        .map_or("-".into(), |g| format!("{:.0}%", 100.0 * g)),
                    c.gmfe
                );
            }
            println!("\nReport written to {}/qualification.md", dir.display());
            Ok(())
        }
        Command::DdiStatic { scenario } => {
            let (s, lib, label) = Library::scenario(&scenario)?;
            if s.comparisons.is_empty() {
                return Err(PbpkError::invalid(
                    &label,
                    "compare",
                    "the scenario has no [[compare]] table: name a victim compound, a test arm and a reference arm",
                ));
            }
            let r = run_scenario(&s, &lib, &label, &RunOptions::default())?;
            for w in &r.summary.warnings {
                eprintln!("warning: {w}");
            }
            println!("Scenario: {}", r.summary.scenario);
            print_ddi_table(&r);
            if r.summary
                .comparisons
                .iter()
                .any(|c| c.static_model.is_none())
            {
                println!(
                    "  (static '-': it does not apply there: no perpetrator acts on the victim's enzymes within {} h before its dose (a washout arm, a perpetrator dosed after the victim, or an interaction on an enzyme that does not clear it), or the reference arm doses a perpetrator too)",
                    crate::ddi_static::PRESENT_WITHIN_H
                );
            }
            Ok(())
        }
        Command::Run {
            scenario,
            out,
            subjects,
            seed,
            threads,
        } => {
            if let Some(t) = threads {
                let _ = rayon::ThreadPoolBuilder::new()
                    .num_threads(t as usize)
                    .build_global();
            }
            let (s, lib, label) = Library::scenario(&scenario)?;
            let stem = std::path::Path::new(&scenario)
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_else(|| "scenario".into());
            let dir = out.unwrap_or_else(|| PathBuf::from("out").join(stem));
            crate::report::check_output_folder(&dir)?;
            let opts = RunOptions {
                subjects: subjects.map(|n| n as usize),
                seed,
                ..Default::default()
            };
            let result = run_scenario(&s, &lib, &label, &opts)?;
            crate::report::write_outputs(&result, &dir)?;
            print_result(&result);
            println!(
                "\nResults written to {}/ (summary.json, profiles.csv, partition.csv, plots as PNG and SVG)",
                dir.display()
            );
            Ok(())
        }
        Command::Check { files } => {
            for f in files {
                let (kind, warnings) = check_file(&f)?;
                for w in &warnings {
                    eprintln!("warning: {w}");
                }
                println!("{}: ok ({kind})", f.display());
            }
            Ok(())
        }
        Command::List => {
            let lib = Library::default();
            // Individuals and populations share the physiologies/ folder.
            let physiologies = lib.list(Kind::Physiology);
            let is_population = |name: &str| {
                lib.resolve(Kind::Physiology, name, "list", "name")
                    .map(|r| crate::data::population::Population::is_population(&r.text))
                    .unwrap_or(false)
            };
            println!("physiologies (individuals):");
            for (name, origin) in physiologies.iter().filter(|(n, _)| !is_population(n)) {
                println!("  {name:<32} {origin}");
            }
            println!("populations:");
            for (name, origin) in physiologies.iter().filter(|(n, _)| is_population(n)) {
                println!("  {name:<32} {origin}");
            }
            for kind in [Kind::Compound, Kind::Scenario] {
                println!("{}:", kind.folder());
                for (name, origin) in lib.list(kind) {
                    println!("  {name:<32} {origin}");
                }
            }
            Ok(())
        }
    }
}

/// Validate one file, telling its kind from its keys; a scenario also gives the warnings
/// its run would print about its inputs.
pub fn check_file(path: &std::path::Path) -> Result<(&'static str, Vec<String>)> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| PbpkError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let value: toml::Table = crate::data::parse_toml(&label, &text)?;
    if value.contains_key("arm") || value.contains_key("subjects") {
        let s = Scenario::parse(&label, &text)?;
        let p = prepare(&s, &Library::beside(path), &label)?;
        Ok(("scenario", crate::run::input_warnings(&s, &p)))
    } else if value.get("kind").and_then(|k| k.as_str()) == Some("population") {
        let pop = crate::data::population::Population::parse(&label, &text)?;
        crate::trial::PopulationSetup::with_references(pop, &Library::beside(path), &label)?;
        Ok(("population", Vec::new()))
    } else if value.contains_key("organs") {
        Physiology::parse(&label, &text)?;
        Ok(("physiology", Vec::new()))
    } else if value.contains_key("molecular_weight_g_per_mol") {
        Compound::parse(&label, &text)?;
        Ok(("compound", Vec::new()))
    } else {
        Err(PbpkError::invalid(
            &label,
            "(top level)",
            "cannot tell the file kind: a scenario has [[arm]], a physiology [organs.*], a compound molecular_weight_g_per_mol",
        ))
    }
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{x:.4}"))
}

/// A concentration or AUC for a table: 4 decimals, or 4 significant digits when small.
fn num(v: f64) -> String {
    if v.abs() >= 0.01 || v == 0.0 {
        format!("{v:.4}")
    } else {
        format!("{v:.3e}")
    }
}

/// Each `[[target]]` over a population: attainment at the arm's dose and the subjects' doses.
fn print_targets_over_subjects(r: &RunResult) {
    let stat = |s: &Option<crate::analysis::stats::Stat>| {
        s.as_ref().map_or("-".to_string(), |s| {
            format!("{} [{} - {}]", num(s.median), num(s.p05), num(s.p95))
        })
    };
    let pct = |x: Option<f64>| {
        x.map_or("- (no exposure computed)".to_string(), |x| {
            format!("{:.1} %", 100.0 * x)
        })
    };
    for t in &r.summary.targets_over_subjects {
        println!(
            "\nTarget {} = {} for {} in arm \"{}\":",
            t.metric,
            num(t.target),
            t.compound,
            t.arm
        );
        println!(
            "  at the arm's dose: exposure median [5th - 95th] {}; {} of subjects at or above the target, {} within 0.8-1.25 of it",
            stat(&t.exposure_at_arm_dose),
            pct(t.share_at_or_above_target),
            pct(t.share_within_80_125)
        );
        println!(
            "  each subject's dose for the target: {} mg (factor {}){}",
            stat(&t.doses.dose_mg),
            stat(&t.doses.factor),
            if t.doses.not_converged > 0 {
                format!(
                    "; {} subjects without one (summary.json failures)",
                    t.doses.not_converged
                )
            } else {
                String::new()
            }
        );
    }
}

/// The dose meeting each `[[target]]`.
fn print_targets(r: &RunResult) {
    if r.summary.targets.is_empty() {
        return;
    }
    println!(
        "\nDose for a target exposure (all doses of the compound in the arm scaled together):"
    );
    println!(
        "  {:<12} {:<20} {:<20} {:>10} {:>12} {:>12} rounded mg",
        "compound", "arm", "metric", "target", "at arm dose", "dose mg"
    );
    for t in &r.summary.targets {
        let rounded = match (
            t.rounded_dose_mg,
            t.exposure_at_rounded_dose,
            t.dose.dose_mg,
        ) {
            (Some(d), Some(e), Some(exact)) => {
                let off = (d / exact).ln().abs() > 1.5_f64.ln();
                format!(
                    "{d} (gives {}){}",
                    num(e),
                    if off {
                        "; the step moves the dose by more than 1.5-fold"
                    } else {
                        ""
                    }
                )
            }
            _ => "-".to_string(),
        };
        let dose = match t.dose.dose_mg {
            Some(d) => format!("{d:.4}"),
            None => format!("x{:.4}", t.dose.factor),
        };
        println!(
            "  {:<12} {:<20} {:<20} {:>10} {:>12} {:>12} {}{}",
            t.compound,
            t.arm,
            t.metric,
            num(t.target),
            num(t.exposure_at_arm_dose),
            dose,
            rounded,
            if t.dose.converged {
                ""
            } else {
                "  (not converged)"
            }
        );
    }
}

/// The comparisons of a run: dynamic AUC and Cmax ratios, the FDA static model from the
/// same files, and the dose that restores the reference exposure.
pub fn print_ddi_table(r: &RunResult) {
    if r.summary.comparisons.is_empty() {
        return;
    }
    println!(
        "\n  {:<12} {:<28} {:<14} {:>9} {:>9} {:>9} {:>6} {:>6} {:>22}",
        "victim",
        "test",
        "reference",
        "AUCR dyn",
        "CmaxR dyn",
        "AUCR stat",
        "fm",
        "Fg",
        "dose for ref. AUC"
    );
    for cmp in &r.summary.comparisons {
        let st = cmp.static_model.as_ref();
        println!(
            "  {:<12} {:<28} {:<14} {:>9} {:>9} {:>9} {:>6} {:>6} {:>22}",
            cmp.compound,
            cmp.test,
            cmp.reference,
            cmp.auc_ratio
                .map_or("-".into(), |s| format!("{:.3}", s.median)),
            cmp.cmax_ratio
                .map_or("-".into(), |s| format!("{:.3}", s.median)),
            st.map_or("-".into(), |s| format!("{:.3}", s.auc_ratio)),
            st.map_or("-".into(), |s| format!("{:.3}", s.fm)),
            st.map_or("-".into(), |s| format!("{:.3}", s.fg)),
            cmp.adjusted_dose.as_ref().map_or("-".into(), |a| {
                let d = a
                    .dose_mg
                    .map_or(format!("x{:.4}", a.factor), |d| format!("{d:.4} mg"));
                if a.converged {
                    d
                } else {
                    format!("{d} (not converged)")
                }
            }),
        );
    }
    if r.summary.subjects > 1 {
        println!(
            "  (ratios: median over the {} subjects; static model: the population's reference individual)",
            r.summary.subjects
        );
        for cmp in &r.summary.comparisons {
            if let (Some(a), Some(c)) = (&cmp.auc_ratio, &cmp.cmax_ratio) {
                println!(
                    "  {} {} vs {}: AUC ratio 5th-95th percentile {:.3}-{:.3}, Cmax ratio {:.3}-{:.3}",
                    cmp.compound, cmp.test, cmp.reference, a.p05, a.p95, c.p05, c.p95
                );
            }
        }
    }
    for cmp in &r.summary.comparisons {
        let Some(a) = &cmp.adjusted_dose_over_subjects else {
            continue;
        };
        let stat = |s: &crate::analysis::stats::Stat, unit: &str| {
            format!("{:.4}{unit} [{:.4}-{:.4}]", s.median, s.p05, s.p95)
        };
        let what = match (&a.dose_mg, &a.factor) {
            (Some(d), _) => stat(d, " mg"),
            (None, Some(f)) => format!("x {}", stat(f, "")),
            (None, None) => "-".into(),
        };
        println!(
            "  {} in \"{}\": each subject's dose for its own reference AUC, median [5th-95th]: {what}{}",
            cmp.compound,
            cmp.test,
            if a.not_converged > 0 {
                format!(" ({} subjects not converged)", a.not_converged)
            } else {
                String::new()
            }
        );
    }
}

fn print_dose_finding(r: &RunResult) {
    let Some(d) = &r.summary.dose_finding else {
        return;
    };
    println!(
        "\nPediatric dose of {} in arm \"{}\" for the adult's {} = {:.4} ({}):",
        d.compound, d.arm, d.metric, d.target, d.target_source
    );
    println!(
        "  {:>8} {:>9} {:>11} {:>9} {:>13} {:>12}   band",
        "age y",
        "weight kg",
        "PBPK mg",
        "mg/kg",
        if d.round_to_mg.is_some() {
            "band mg (rnd)"
        } else {
            "band mg"
        },
        "band dose/tgt"
    );
    for a in &d.ages {
        println!(
            "  {:>8.3} {:>9.2} {:>11.4} {:>9.4} {:>13.4} {:>12}   {}",
            a.age_years,
            a.weight_kg,
            a.pbpk_dose_mg,
            a.pbpk_dose_mg_per_kg,
            a.band_dose_mg,
            fmt_opt(a.band_dose_exposure_ratio),
            a.band
        );
    }
    for b in &d.bands {
        let v = &b.virtual_children;
        let spread = match (v.exposure_ratio_p05, v.exposure_ratio_median, v.exposure_ratio_p95) {
            (Some(lo), Some(m), Some(hi)) => format!(
                "; {} virtual children ({} failed): exposure/target {m:.2} [{lo:.2}-{hi:.2}], {:.0} % within 0.8-1.25",
                v.count,
                v.failed,
                100.0 * v.share_within_80_125.unwrap_or(0.0)
            ),
            _ => String::new(),
        };
        println!(
            "  {}: {:.4} mg/kg (ages' range {:.4}-{:.4}){spread}",
            b.band, b.dose_mg_per_kg, b.dose_mg_per_kg_min, b.dose_mg_per_kg_max
        );
    }
}

fn print_observed(r: &RunResult) {
    if !r.summary.observed.is_empty() {
        println!("\nPredicted vs observed:");
        for o in &r.summary.observed {
            println!(
                "  {:<12} {:<10} {:<20} pred {:>10} obs {:>10.4} ratio {:>6} {}",
                o.compound,
                o.arm,
                o.metric,
                fmt_opt(o.predicted),
                o.observed,
                o.ratio.map_or("-".into(), |r| format!("{r:.2}")),
                match o.within_fold {
                    Some(true) => format!("within {}-fold", o.fold),
                    Some(false) => format!("OUTSIDE {}-fold", o.fold),
                    None => "not computed".into(),
                }
            );
        }
    }
}

/// The known limitations of the compounds used (their `[[limitation]]`), so a prediction
/// outside the shipped checks carries the caveats the checks found.
fn print_limitations(r: &RunResult) {
    if !r.summary.alternatives_listed.is_empty() {
        let text = format!(
            "Other values of some inputs of {} (published, or derived from published data) are listed in their files: `pbpk alternatives SCENARIO` reruns this scenario with each.",
            r.summary.alternatives_listed.join(", ")
        );
        println!("\n{}", textwrap::fill(&text, 92));
    }
    if r.summary.limitations.is_empty() {
        return;
    }
    println!("\nKnown limitations of the compound models used (from their checks against clinical data):");
    let indent = |first: &'static str| {
        textwrap::Options::new(92)
            .initial_indent(first)
            .subsequent_indent("      ")
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
    };
    for l in &r.summary.limitations {
        let what = format!("{}: {}", l.compound, l.what);
        println!("{}", textwrap::fill(&what, indent("  - ")));
        let ev = format!("evidence: {}", l.evidence);
        println!("{}", textwrap::fill(&ev, indent("      ")));
    }
}

/// Print a population run: per arm and compound, median [5th-95th percentile].
fn print_population(r: &RunResult) {
    let sm = &r.summary;
    println!(
        "Scenario: {}  (population {}, {} subjects, {} failed)",
        sm.scenario, sm.physiology, sm.subjects, sm.failed_subjects
    );
    let f = |s: &Option<crate::analysis::stats::Stat>| {
        s.map_or("-".to_string(), |s| {
            format!("{:.4} [{:.4}-{:.4}]", s.median, s.p05, s.p95)
        })
    };
    for arm in &sm.arms {
        println!("\nArm \"{}\"  (median [5th-95th percentile])", arm.name);
        for c in &arm.compounds {
            println!("  {}", c.compound);
            println!("    Cmax mg/L      {}", f(&c.cmax_mg_per_l));
            println!("    Tmax h         {}", f(&c.tmax_h));
            println!("    AUC mg.h/L     {}", f(&c.auc_mg_h_per_l));
            println!("    AUCinf mg.h/L  {}", f(&c.auc_inf_mg_h_per_l));
            println!("    t1/2 h         {}", f(&c.t_half_h));
            if c.f_oral.is_some() {
                println!(
                    "    fa / Fg / Fh   {} / {} / {}",
                    f(&c.fa),
                    f(&c.fg),
                    f(&c.fh)
                );
                println!("    F              {}", f(&c.f_oral));
            }
        }
    }
    for fl in sm.failures.iter().take(10) {
        println!("  failed subject {}: {}", fl.subject, fl.reason);
    }
}

/// Print the metrics of a run as plain tables.
pub fn print_result(r: &RunResult) {
    for w in &r.summary.warnings {
        eprintln!("warning: {w}");
    }
    if !r.subjects.is_empty() {
        print_population(r);
        print_ddi_table(r);
        print_targets_over_subjects(r);
        print_observed(r);
        print_limitations(r);
        return;
    }
    println!(
        "Scenario: {}  (physiology {})",
        r.summary.scenario, r.summary.physiology
    );
    if let Some(p) = &r.summary.patient {
        let phenotypes: Vec<String> = p
            .phenotypes
            .iter()
            .map(
                |(e, n)| match n.strip_prefix("unknown: population mean activity ") {
                    Some(a) => format!("{e} mean {a}"),
                    None => format!("{e} {n}"),
                },
            )
            .collect();
        println!(
            "Patient: {}, {:.1} y, {:.1} kg, {:.0} cm, BSA {:.2} m2, GFR {:.0} mL/min, albumin {:.0} g/L, hematocrit {:.2}, liver {:.2} L{}",
            p.sex,
            p.age_years,
            p.weight_kg,
            p.height_cm,
            p.bsa_m2,
            p.gfr_ml_per_min,
            p.albumin_g_per_l,
            p.hematocrit,
            p.liver_volume_l,
            if phenotypes.is_empty() {
                String::new()
            } else {
                format!("; {}", phenotypes.join(", "))
            }
        );
    }
    for arm in &r.arms {
        println!("\nArm \"{}\"", arm.name);
        println!(
            "  {:<14} {:>12} {:>8} {:>14} {:>14} {:>8} {:>8} {:>5} {:>5} {:>5} {:>5}",
            "compound",
            "Cmax mg/L",
            "Tmax h",
            "AUC mg.h/L",
            "AUCinf mg.h/L",
            "t1/2 h",
            "Vss L/kg",
            "fa",
            "Fg",
            "Fh",
            "F"
        );
        for c in &arm.compounds {
            println!(
                "  {:<14} {:>12.5} {:>8.2} {:>14.4} {:>14} {:>8} {:>8.2} {:>5} {:>5} {:>5} {:>5}",
                c.compound,
                c.nca.cmax,
                c.nca.tmax,
                c.nca.auc,
                fmt_opt(c.nca.auc_inf),
                c.nca.t_half.map_or("-".into(), |x| format!("{x:.2}")),
                c.vss_l / r.body_weight_kg,
                c.fractions.map_or("-".into(), |f| format!("{:.2}", f.fa)),
                c.fractions.map_or("-".into(), |f| format!("{:.2}", f.fg)),
                c.fractions.map_or("-".into(), |f| format!("{:.2}", f.fh)),
                c.fractions
                    .map_or("-".into(), |f| format!("{:.2}", f.f_oral)),
            );
        }
        for c in arm.compounds.iter().filter(|c| !c.fm.is_empty()) {
            let parts: Vec<String> = c.fm.iter().map(|(e, f)| format!("{e} {f:.3}")).collect();
            println!("  {} fm: {}", c.compound, parts.join(", "));
        }
        for e in &arm.recovery {
            let days = |d: Option<f64>| d.map_or("not by the end".into(), |d| format!("{d:.1} d"));
            let induced = crate::report::summary::EnzymeRecovery::is_induction(
                e.min_fraction,
                e.max_fraction,
            );
            if (e.min_fraction - 1.0).abs() < 1e-3 && (e.max_fraction - 1.0).abs() < 1e-3 {
                println!(
                    "  {}: amount unchanged after the last perpetrator dose ({} h): E/E0 stays 1.000 (reversible inhibition acts on activity, not on the amount)",
                    e.enzyme, e.last_perpetrator_dose_h
                );
                continue;
            }
            let (extreme, fraction, near, close) = if induced {
                (
                    "highest induced",
                    e.max_fraction,
                    "within 20 % of baseline",
                    "within 5 %",
                )
            } else {
                ("lowest remaining", e.min_fraction, "80 %", "95 %")
            };
            println!(
                "  {}: {extreme} fraction {fraction:.3}, at the end {:.3}; after the last perpetrator dose ({} h): {near} {}, {close} {}",
                e.enzyme,
                e.end_fraction,
                e.last_perpetrator_dose_h,
                days(e.days_to_80_percent),
                days(e.days_to_95_percent)
            );
        }
    }
    print_ddi_table(r);
    print_targets(r);
    print_dose_finding(r);
    print_observed(r);
    print_limitations(r);
    println!(
        "\nMass balance max relative error: {:.2e}",
        r.summary.mass_balance_max_rel_error
    );
}
