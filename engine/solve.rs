//! The diffsol glue and the dose-event loop. Knows nothing of pharmacology: it integrates
//! dy/dt = f(y, t) (with an analytic Jacobian-vector product) from t = 0 to `end`, stopping
//! exactly at every breakpoint, applying state jumps there and restarting the BDF method
//! from the modified state (diffsol resets to first order when the state was changed).

use crate::error::{PbpkError, Result};
use diffsol::{
    FaerSparseLU, FaerSparseMat, NalgebraLU, NalgebraMat, OdeBuilder, OdeSolverMethod,
    OdeSolverStopReason, Vector,
};

/// Something that can be integrated.
pub trait System {
    fn n_states(&self) -> usize;
    fn rhs(&self, y: &[f64], t: f64, dy: &mut [f64]);
    fn jac_mul(&self, y: &[f64], t: f64, v: &[f64], out: &mut [f64]);
    /// The state at t = 0 before any dose (zero unless the system has non-drug states).
    fn initial_state(&self) -> Vec<f64> {
        vec![0.0; self.n_states()]
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

/// The dose-event loop for one matrix and linear-solver type.
macro_rules! integrate_with {
    ($mat:ty, $lu:ty, $sys:expr, $jumps:expr, $breakpoints:expr, $outputs:expr, $end:expr, $tol:expr) => {{
        let (sys, jumps, breakpoints, outputs, end, tol) =
            ($sys, $jumps, $breakpoints, $outputs, $end, $tol);
        let n = sys.n_states();
        let mut y0 = sys.initial_state();
        for &(t, i, a) in jumps {
            if t == 0.0 {
                y0[i] += a;
            }
        }
        let mut samples = Vec::with_capacity(outputs.len() + 2 * jumps.len());
        let y0c = y0.clone();
        let problem = OdeBuilder::<$mat>::new()
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

        // Stops: every breakpoint after 0 and the end.
        let mut stops: Vec<f64> = breakpoints
            .iter()
            .copied()
            .filter(|&b| b > 0.0 && b < end)
            .collect();
        stops.push(end);
        stops.dedup();

        let mut out_i = 0;
        // Outputs at t = 0 (after the t = 0 doses).
        while out_i < outputs.len() && outputs[out_i] <= 0.0 {
            samples.push(Sample {
                t: 0.0,
                y: y0.clone(),
            });
            out_i += 1;
        }
        let mut dy = vec![0.0; n];
        for &stop in &stops {
            solver
                .set_stop_time(stop)
                .map_err(|e| PbpkError::Solver(format!("cannot stop at t = {stop} h: {e}")))?;
            loop {
                let reason = match solver.step() {
                    Ok(r) => r,
                    Err(e) => {
                        if std::env::var("PBPK_DEBUG").is_ok() {
                            let y = solver.state().y.clone_as_vec();
                            let mut idx: Vec<usize> = (0..y.len()).collect();
                            idx.sort_by(|a, b| y[*a].total_cmp(&y[*b]));
                            for i in idx.iter().take(8).chain(idx.iter().rev().take(4)) {
                                eprintln!("state {i}: {:e}", y[*i]);
                            }
                            eprintln!("h = {:e}", solver.state().h);
                        }
                        return Err(PbpkError::Solver(format!(
                            "at t = {:.4} h: {e}",
                            solver.state().t
                        )));
                    }
                };
                let t_now = solver.state().t;
                while out_i < outputs.len() && outputs[out_i] < t_now && outputs[out_i] < stop {
                    let v = solver
                        .interpolate(outputs[out_i])
                        .map_err(|e| PbpkError::Solver(e.to_string()))?;
                    samples.push(Sample {
                        t: outputs[out_i],
                        y: v.clone_as_vec(),
                    });
                    out_i += 1;
                }
                if matches!(reason, OdeSolverStopReason::TstopReached) {
                    break;
                }
            }
            // At the stop: the state before any jump.
            let y_stop = solver.state().y.clone_as_vec();
            if y_stop.iter().any(|v| !v.is_finite()) {
                return Err(PbpkError::Solver(format!(
                    "non-finite state at t = {stop} h"
                )));
            }
            let has_jump = jumps.iter().any(|j| j.0 == stop);
            let is_output = out_i < outputs.len() && outputs[out_i] <= stop;
            if has_jump || is_output {
                samples.push(Sample {
                    t: stop,
                    y: y_stop.clone(),
                });
            }
            while out_i < outputs.len() && outputs[out_i] <= stop {
                out_i += 1;
            }
            if has_jump && stop < end {
                let mut y = y_stop;
                for &(t, i, a) in jumps {
                    if t == stop {
                        y[i] += a;
                    }
                }
                samples.push(Sample {
                    t: stop,
                    y: y.clone(),
                });
                sys.rhs(&y, stop, &mut dy);
                let state = solver.state_mut();
                for i in 0..n {
                    state.y[i] = y[i];
                    state.dy[i] = dy[i];
                }
                *state.h = state.h.min(1e-3);
            } else if stop < end {
                // Rate discontinuity only (infusion start or end): refresh dy.
                let y = solver.state().y.clone_as_vec();
                sys.rhs(&y, stop + 1e-12, &mut dy);
                let state = solver.state_mut();
                for (i, d) in dy.iter().enumerate() {
                    state.dy[i] = *d;
                }
            }
        }
        Ok(samples)
    }};
}

/// Integrate `sys` from its initial state at t = 0 to `end`, with `jumps` (time, state, amount)
/// applied at their times, sampling at `outputs` (sorted) and at every jump (before/after).
/// Dense nalgebra LU below `SPARSE_FROM_STATES` states, faer sparse LU from there on.
pub fn integrate<S: System>(
    sys: &S,
    jumps: &[(f64, usize, f64)],
    breakpoints: &[f64],
    outputs: &[f64],
    end: f64,
    tol: Tolerances,
) -> Result<Vec<Sample>> {
    if sys.n_states() >= SPARSE_FROM_STATES {
        integrate_with!(
            FaerSparseMat<f64>,
            FaerSparseLU<f64>,
            sys,
            jumps,
            breakpoints,
            outputs,
            end,
            tol
        )
    } else {
        integrate_with!(
            NalgebraMat<f64>,
            NalgebraLU<f64>,
            sys,
            jumps,
            breakpoints,
            outputs,
            end,
            tol
        )
    }
}
