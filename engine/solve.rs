//! The diffsol glue and the dose-event loop. Knows nothing of pharmacology: it integrates
//! dy/dt = f(y, t) (with an analytic Jacobian-vector product) from a start time to `end`,
//! stopping exactly at every breakpoint, applying state jumps there and restarting the BDF
//! method from the modified state (diffsol resets to first order when the state was changed).
//!
//! States no dose has reached yet are not integrated. A state whose derivative is zero and
//! depends (through the Jacobian's structure) only on states with zero derivative stays
//! where it is: before a compound's first dose all of its states rest at zero, and an
//! enzyme no dosed compound acts on rests at its baseline. So the time axis is cut into
//! phases at the doses that reach new states, and each phase integrates only the states
//! reachable from those already moving (`active_states`), with the rest held fixed. A
//! control arm's nifedipine dose at 216 h is then a 47-state problem from 216 h on, not a
//! 149-state one from 0 h; results agree with integrating everything to within the solver
//! tolerance (tests/phases.rs).

use crate::error::{PbpkError, Result};
use diffsol::{
    FaerSparseMat, NalgebraLU, NalgebraMat, OdeBuilder, OdeSolverMethod, OdeSolverStopReason,
    Vector,
};
use std::cell::RefCell;

/// Something that can be integrated.
pub trait System {
    fn n_states(&self) -> usize;
    fn rhs(&self, y: &[f64], t: f64, dy: &mut [f64]);
    fn jac_mul(&self, y: &[f64], t: f64, v: &[f64], out: &mut [f64]);
    /// The state at t = 0 before any dose (zero unless the system has non-drug states).
    fn initial_state(&self) -> Vec<f64> {
        vec![0.0; self.n_states()]
    }
    /// Zero-order inputs that switch on at a time: (start time, receiving state).
    fn input_starts(&self) -> Vec<(f64, usize)> {
        Vec::new()
    }
}

impl System for crate::model::Model {
    fn n_states(&self) -> usize {
        self.n_states()
    }
    fn rhs(&self, y: &[f64], t: f64, dy: &mut [f64]) {
        crate::model::Model::rhs(self, y, t, dy)
    }
    fn jac_mul(&self, y: &[f64], t: f64, v: &[f64], out: &mut [f64]) {
        crate::model::Model::jac_mul(self, y, t, v, out)
    }
    fn initial_state(&self) -> Vec<f64> {
        crate::model::Model::initial_state(self)
    }
    fn input_starts(&self) -> Vec<(f64, usize)> {
        self.infusions
            .iter()
            .map(|i| (i.start_h, i.state))
            .collect()
    }
}

/// Solver settings.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Tolerances {
    pub rtol: f64,
    pub atol: f64,
}

/// One sample of the full state. At a jump time there are two samples: before and after.
#[derive(Debug, Clone)]
pub struct Sample {
    pub t: f64,
    pub y: Vec<f64>,
}

/// State count from which the sparse LU is used (measured: see docs/performance.md).
pub const SPARSE_FROM_STATES: usize = 80;

/// The states that can move from time t on: those moving now (non-zero derivative), those
/// just dosed (`seeds`), those already `active`, and every state whose derivative becomes
/// non-zero when the states that can move take generic values (repeated until nothing is
/// added). A drug state fed by a moving one is caught (k A_from != 0); a victim's states are
/// not caught by its enzyme moving (the rate is e x c with c = 0), and an enzyme is caught by
/// an inducer or inactivator that can move. The phase loop in `integrate_from` checks
/// afterwards that nothing held has started to move.
fn active_states<S: System>(
    sys: &S,
    y: &[f64],
    t: f64,
    seeds: &[usize],
    active: &[bool],
) -> Vec<bool> {
    let n = sys.n_states();
    let mut dy = vec![0.0; n];
    sys.rhs(y, t, &mut dy);
    let mut out: Vec<bool> = (0..n).map(|i| active[i] || dy[i] != 0.0).collect();
    for &i in seeds {
        out[i] = true;
    }
    let mut point = y.to_vec();
    loop {
        for i in 0..n {
            if out[i] {
                // Irregular values in (0.4, 0.9): no accidental cancellation.
                point[i] = 0.4 + 0.5 * ((i * 7919) % 97) as f64 / 97.0;
            }
        }
        sys.rhs(&point, t, &mut dy);
        let mut changed = false;
        for i in 0..n {
            if !out[i] && dy[i] != 0.0 {
                out[i] = true;
                changed = true;
            }
        }
        if !changed {
            return out;
        }
    }
}

/// `sys` restricted to the states `keep`; every other state held at its value in `held`.
struct Restricted<'a, S: System> {
    sys: &'a S,
    keep: Vec<usize>,
    /// Position in `keep` of each full state.
    local: Vec<Option<usize>>,
    y: RefCell<Vec<f64>>,
    v: RefCell<Vec<f64>>,
    out: RefCell<Vec<f64>>,
}

impl<'a, S: System> Restricted<'a, S> {
    fn new(sys: &'a S, active: &[bool], held: &[f64]) -> Self {
        let n = sys.n_states();
        let keep: Vec<usize> = (0..n).filter(|&i| active[i]).collect();
        let mut local = vec![None; n];
        for (k, &i) in keep.iter().enumerate() {
            local[i] = Some(k);
        }
        Restricted {
            sys,
            keep,
            local,
            y: RefCell::new(held.to_vec()),
            v: RefCell::new(vec![0.0; n]),
            out: RefCell::new(vec![0.0; n]),
        }
    }
    fn gather(&self, full: &[f64]) -> Vec<f64> {
        self.keep.iter().map(|&i| full[i]).collect()
    }
    fn scatter(&self, part: &[f64], full: &mut [f64]) {
        for (k, &i) in self.keep.iter().enumerate() {
            full[i] = part[k];
        }
    }
}

impl<S: System> System for Restricted<'_, S> {
    fn n_states(&self) -> usize {
        self.keep.len()
    }
    fn rhs(&self, y: &[f64], t: f64, dy: &mut [f64]) {
        let mut full = self.y.borrow_mut();
        self.scatter(y, &mut full);
        let mut out = self.out.borrow_mut();
        self.sys.rhs(&full, t, &mut out);
        for (k, &i) in self.keep.iter().enumerate() {
            dy[k] = out[i];
        }
    }
    fn jac_mul(&self, y: &[f64], t: f64, v: &[f64], out_part: &mut [f64]) {
        let mut full = self.y.borrow_mut();
        self.scatter(y, &mut full);
        let mut fv = self.v.borrow_mut();
        self.scatter(v, &mut fv);
        let mut out = self.out.borrow_mut();
        self.sys.jac_mul(&full, t, &fv, &mut out);
        for (k, &i) in self.keep.iter().enumerate() {
            out_part[k] = out[i];
        }
    }
}

/// Where a phase's integration writes: the samples (full states) and the output cursor.
struct Recorder<'a> {
    outputs: &'a [f64],
    next: usize,
    samples: Vec<Sample>,
}

/// Integrate one phase from (t0, y0) to `stops.last()`, applying `jumps` at the stops
/// before the last, sampling outputs strictly before the last stop. Returns the state at
/// the last stop (before anything happens there).
macro_rules! phase_with {
    ($mat:ty, $lu:ty, $sys:expr, $t0:expr, $y0:expr, $jumps:expr, $stops:expr, $tol:expr, $rec:expr, $full:expr) => {{
        let (sys, t0, y0, jumps, stops, tol, rec, full): (
            &Restricted<_>,
            f64,
            Vec<f64>,
            &[(f64, usize, f64)],
            &[f64],
            Tolerances,
            &mut Recorder,
            &mut Vec<f64>,
        ) = ($sys, $t0, $y0, $jumps, $stops, $tol, $rec, $full);
        let n = sys.n_states();
        let y0c = y0.clone();
        let problem = OdeBuilder::<$mat>::new()
            .t0(t0)
            .rtol(tol.rtol)
            .atol([tol.atol])
            .h0(1e-4)
            .rhs_implicit(
                |y: &[f64], _p: &[f64], t: f64, dy: &mut [f64]| sys.rhs(y, t, dy),
                |y: &[f64], _p: &[f64], t: f64, v: &[f64], out: &mut [f64]| {
                    sys.jac_mul(y, t, v, out)
                },
            )
            .init(
                move |_p: &[f64], _t: f64, y: &mut [f64]| y.copy_from_slice(&y0c),
                n,
            )
            .build()
            .map_err(|e| PbpkError::Solver(e.to_string()))?;
        // diffsol counts Newton failures cumulatively over the whole solve (each is an ordinary
        // step-size cut); a month of dosing accumulates more than its default 50. A genuinely
        // failing solve still stops at the minimum step size.
        let mut problem = problem;
        problem.ode_options.max_nonlinear_solver_failures = 1_000_000;
        let mut solver = problem
            .bdf::<$lu>()
            .map_err(|e| PbpkError::Solver(e.to_string()))?;
        let last = *stops.last().expect("a phase has an end");
        let mut dy = vec![0.0; n];
        // A phase starts at a stop, and its rates are those just after it: an infusion or a
        // release that starts there is on (the model's rates belong to the segment that ends
        // at a stop, so at t0 itself they are the previous segment's).
        sys.rhs(&y0, just_after(t0), &mut dy);
        {
            let state = solver.state_mut();
            for (i, d) in dy.iter().enumerate() {
                state.dy[i] = *d;
            }
        }
        for &stop in stops {
            solver
                .set_stop_time(stop)
                .map_err(|e| PbpkError::Solver(format!("cannot stop at t = {stop} h: {e}")))?;
            loop {
                let reason = solver.step().map_err(|e| {
                    PbpkError::Solver(format!("at t = {:.4} h: {e}", solver.state().t))
                })?;
                let t_now = solver.state().t;
                while rec.next < rec.outputs.len()
                    && rec.outputs[rec.next] < t_now
                    && rec.outputs[rec.next] < stop
                {
                    let v = solver
                        .interpolate(rec.outputs[rec.next])
                        .map_err(|e| PbpkError::Solver(e.to_string()))?;
                    sys.scatter(&v.clone_as_vec(), full);
                    rec.samples.push(Sample {
                        t: rec.outputs[rec.next],
                        y: full.clone(),
                    });
                    rec.next += 1;
                }
                if matches!(reason, OdeSolverStopReason::TstopReached) {
                    break;
                }
            }
            let y_stop = solver.state().y.clone_as_vec();
            if y_stop.iter().any(|v| !v.is_finite()) {
                return Err(PbpkError::Solver(format!(
                    "non-finite state at t = {stop} h"
                )));
            }
            sys.scatter(&y_stop, full);
            if stop == last {
                break;
            }
            let jumped = jumps_at(jumps, stop).next().is_some();
            record_stop(rec, stop, full, jumped);
            let mut y = y_stop;
            if jumped {
                for (i, a) in jumps_at(jumps, stop) {
                    // A phase ends at any jump into a state outside it.
                    y[sys.local[i].expect("jump into an active state")] += a;
                }
                sys.scatter(&y, full);
                rec.samples.push(Sample {
                    t: stop,
                    y: full.clone(),
                });
            }
            // Restart from the rates just after the stop: the state after a jump, or a rate
            // that switches there (an infusion or a release starting or ending).
            sys.rhs(&y, just_after(stop), &mut dy);
            let state = solver.state_mut();
            for i in 0..n {
                state.y[i] = y[i];
                state.dy[i] = dy[i];
            }
            if jumped {
                *state.h = state.h.min(1e-3);
            }
        }
        Ok::<(), PbpkError>(())
    }};
}

/// A time just after t, past a rate switch at t (relative, so it stays after t at any t).
fn just_after(t: f64) -> f64 {
    t + 1e-12 * t.abs().max(1.0)
}

/// The (state, amount) jumps at time t.
fn jumps_at(jumps: &[(f64, usize, f64)], t: f64) -> impl Iterator<Item = (usize, f64)> + '_ {
    jumps.iter().filter(move |j| j.0 == t).map(|j| (j.1, j.2))
}

/// At a stop: the state before any jump is a sample if something happens there or an
/// output falls on it; outputs up to the stop are then done.
fn record_stop(rec: &mut Recorder, stop: f64, full: &[f64], has_jump: bool) {
    let is_output = rec.next < rec.outputs.len() && rec.outputs[rec.next] <= stop;
    if has_jump || is_output {
        rec.samples.push(Sample {
            t: stop,
            y: full.to_vec(),
        });
    }
    while rec.next < rec.outputs.len() && rec.outputs[rec.next] <= stop {
        rec.next += 1;
    }
}

/// Integrate `sys` from its initial state at t = 0 to `end`, with `jumps` (time, state, amount)
/// applied at their times, sampling at `outputs` (sorted) and at every jump (before/after).
pub fn integrate<S: System>(
    sys: &S,
    jumps: &[(f64, usize, f64)],
    breakpoints: &[f64],
    outputs: &[f64],
    end: f64,
    tol: Tolerances,
) -> Result<Vec<Sample>> {
    integrate_from(
        sys,
        0.0,
        sys.initial_state(),
        jumps,
        breakpoints,
        outputs,
        end,
        tol,
    )
}

/// As `integrate`, from state `y0` at time `t0` (before the jumps at `t0`); outputs and
/// jumps before `t0` are ignored. For t0 > 0 this continues a solution the caller holds up
/// to t0: the state before the jumps at t0 and the outputs at t0 are the caller's, the
/// state after them is the first sample.
#[allow(clippy::too_many_arguments)]
pub fn integrate_from<S: System>(
    sys: &S,
    t0: f64,
    y0: Vec<f64>,
    jumps: &[(f64, usize, f64)],
    breakpoints: &[f64],
    outputs: &[f64],
    end: f64,
    tol: Tolerances,
) -> Result<Vec<Sample>> {
    let n = sys.n_states();
    if t0 >= end {
        return Err(PbpkError::Solver(format!(
            "nothing to integrate: start {t0} h is not before the end {end} h"
        )));
    }
    let jumps: Vec<(f64, usize, f64)> = jumps.iter().copied().filter(|j| j.0 >= t0).collect();
    let inputs = sys.input_starts();
    // Stops: every breakpoint and jump after t0, and the end.
    let mut stops: Vec<f64> = breakpoints
        .iter()
        .copied()
        .chain(jumps.iter().map(|j| j.0))
        .chain(inputs.iter().map(|i| i.0))
        .filter(|&b| b > t0 && b < end)
        .collect();
    stops.push(end);
    stops.sort_by(f64::total_cmp);
    stops.dedup();
    let first_output = outputs.partition_point(|&o| o < t0);
    let mut rec = Recorder {
        outputs,
        next: first_output,
        samples: Vec::with_capacity(outputs.len() - first_output + 2 * jumps.len()),
    };

    let mut full = y0;
    let mut active = vec![false; n];
    let mut t = t0;
    let mut first = true;
    loop {
        // What happens at t: jumps (after the state before them was recorded, unless t is
        // the very start, where only the state after the jumps is a sample).
        let seeds: Vec<usize> = jumps_at(&jumps, t)
            .map(|(i, _)| i)
            .chain(inputs.iter().filter(|i| i.0 == t).map(|i| i.1))
            .collect();
        for (i, a) in jumps_at(&jumps, t) {
            full[i] += a;
        }
        if first && t > 0.0 {
            // A continuation: the caller holds the state before t (and the outputs at t).
            if jumps_at(&jumps, t).next().is_some() {
                rec.samples.push(Sample { t, y: full.clone() });
            }
            while rec.next < outputs.len() && outputs[rec.next] <= t {
                rec.next += 1;
            }
        } else if first {
            while rec.next < outputs.len() && outputs[rec.next] <= t {
                rec.samples.push(Sample { t, y: full.clone() });
                rec.next += 1;
            }
        } else if jumps_at(&jumps, t).next().is_some() {
            rec.samples.push(Sample { t, y: full.clone() });
        }
        first = false;
        active = active_states(sys, &full, just_after(t), &seeds, &active);
        // The phase runs to the first later stop that sets a state outside it moving: a
        // dose or infusion into it, or a term that switches on there (a modified release
        // after its lag time moves product into the lumen).
        let later: Vec<f64> = stops.iter().copied().filter(|&s| s > t).collect();
        let phase_end = later
            .iter()
            .copied()
            .find(|&s| {
                s == end
                    || jumps_at(&jumps, s).any(|(i, _)| !active[i])
                    || inputs.iter().any(|i| i.0 == s && !active[i.1])
                    || active_states(sys, &full, just_after(s), &[], &active) != active
            })
            .unwrap_or(end);
        let phase_stops: Vec<f64> = later.into_iter().filter(|&s| s <= phase_end).collect();
        let (start_state, start_samples, start_next) = (full.clone(), rec.samples.len(), rec.next);
        loop {
            let sub = Restricted::new(sys, &active, &full);
            let y_sub = sub.gather(&full);
            if sub.n_states() == 0 {
                // Nothing moves: the state is constant until the phase ends.
                while rec.next < outputs.len() && outputs[rec.next] < phase_end {
                    rec.samples.push(Sample {
                        t: outputs[rec.next],
                        y: full.clone(),
                    });
                    rec.next += 1;
                }
            } else {
                // The same phase with either matrix and linear-solver type.
                macro_rules! phase {
                    ($mat:ty, $lu:ty) => {
                        phase_with!(
                            $mat,
                            $lu,
                            &sub,
                            t,
                            y_sub,
                            &jumps,
                            &phase_stops,
                            tol,
                            &mut rec,
                            &mut full
                        )
                    };
                }
                if sub.n_states() >= SPARSE_FROM_STATES {
                    phase!(FaerSparseMat<f64>, crate::sparse_lu::SparseLu)?;
                } else {
                    phase!(NalgebraMat<f64>, NalgebraLU<f64>)?;
                }
            }
            // Held states must still be at rest at the end of the phase; if one is not (a
            // dependency `active_states` missed), the phase is solved again with every state.
            let mut dy = vec![0.0; n];
            let t_check = phase_end - 1e-9 * phase_end.abs().max(1.0);
            sys.rhs(&full, t_check, &mut dy);
            if (0..n).all(|i| active[i] || dy[i] == 0.0) {
                break;
            }
            active = vec![true; n];
            full = start_state.clone();
            rec.samples.truncate(start_samples);
            rec.next = start_next;
        }
        let has_jump = phase_end < end && jumps_at(&jumps, phase_end).next().is_some();
        record_stop(&mut rec, phase_end, &full, has_jump);
        if phase_end >= end {
            break;
        }
        t = phase_end;
    }
    Ok(rec.samples)
}
