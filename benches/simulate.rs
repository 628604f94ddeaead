//! Criterion benches: file loading and model assembly (start-up after editing a TOML),
//! single subjects (IV midazolam; oral nifedipine through the transit gut; the LPV/r +
//! nifedipine steady-state interaction: three compounds, CYP3A4 turnover, 20 doses), a
//! 100-subject population and the 1000-subject LPV/r + nifedipine trial.
//! Run: `cargo bench --bench simulate`. Timings are printed by criterion; compare runs on
//! the same machine (docs/performance.md; whole-trial throughput and memory:
//! benches/population.sh).

use criterion::{criterion_group, criterion_main, Criterion};
use pbpk::data::library::Library;
use pbpk::run::{prepare, run_prepared, run_scenario, RunOptions};
use std::hint::black_box;

fn scenario(name: &str) -> (pbpk::data::scenario::Scenario, Library, String) {
    Library::scenario(name).expect("shipped scenario")
}

fn loading_and_assembly(c: &mut Criterion) {
    c.bench_function("load and assemble lpvr_nifedipine", |b| {
        b.iter(|| {
            let (s, lib, label) = scenario("lpvr_nifedipine");
            black_box(prepare(&s, &lib, &label).unwrap())
        })
    });
}

fn single_subject(c: &mut Criterion) {
    let mut g = c.benchmark_group("single subject");
    for name in ["midazolam_iv", "nifedipine_oral"] {
        let (s, lib, label) = scenario(name);
        let p = prepare(&s, &lib, &label).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| black_box(run_prepared(&s, &p, &RunOptions::default()).unwrap()))
        });
    }
    // The interaction scenario without the dose root-finds (one solve per arm).
    let (mut s, lib, label) = scenario("lpvr_nifedipine");
    for c in &mut s.comparisons {
        c.adjust_dose = false;
    }
    let p = prepare(&s, &lib, &label).unwrap();
    g.sample_size(10);
    g.bench_function("lpvr_nifedipine (4 arms)", |b| {
        b.iter(|| black_box(run_prepared(&s, &p, &RunOptions::default()).unwrap()))
    });
    g.finish();
}

fn population(c: &mut Criterion) {
    let mut g = c.benchmark_group("population");
    g.sample_size(10);
    let (s, lib, label) = scenario("virtual_trial_midazolam_european");
    let opts = RunOptions {
        subjects: Some(100),
        ..RunOptions::default()
    };
    g.bench_function("oral midazolam, 100 European subjects", |b| {
        b.iter(|| black_box(run_scenario(&s, &lib, &label, &opts).unwrap()))
    });
    // The issue-8 trial: LPV/r + nifedipine, 1000 subjects on all cores (ratios only; the
    // per-subject dose searches are timed by benches/population.sh). About 15 s a run.
    let (mut s, lib, label) = scenario("lpvr_nifedipine_population");
    for c in &mut s.comparisons {
        c.adjust_dose = false;
    }
    let opts = RunOptions {
        subjects: Some(1000),
        ..RunOptions::default()
    };
    g.measurement_time(std::time::Duration::from_secs(160));
    g.bench_function("LPV/r + nifedipine trial, 1000 subjects", |b| {
        b.iter(|| black_box(run_scenario(&s, &lib, &label, &opts).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, loading_and_assembly, single_subject, population);
criterion_main!(benches);
