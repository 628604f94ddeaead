//! Arms of one subject that share their history are solved once up to where they part.
//!
//! Two arms of the same individual are the same problem up to the first dose of any
//! compound whose regimen differs between them (before it, that compound's states rest at
//! zero in both, and its formulation acts on nothing), provided the tolerances, output
//! times and breakpoints before that time agree. The later arm then starts from the
//! earlier arm's state there. In the LPV/r + nifedipine trial the 216 h of lopinavir and
//! ritonavir dosing are solved once for the IR and ER arms, and once for every step of the
//! dose root-finding (which scales only the victim's dose).

use crate::dosing::Regimen;
use crate::error::Result;
use crate::run::ArmProblem;
use crate::solve::{integrate, integrate_from, Sample};

/// An arm's problem and its solution (full states at every sample), kept while the
/// subject's other arms may start from it.
pub struct Solved {
    pub problem: ArmProblem,
    pub samples: Vec<Sample>,
}

/// Everything compound k receives in a regimen.
fn plan(r: &Regimen, k: usize) -> impl PartialEq + '_ {
    (
        r.jumps
            .iter()
            .filter(move |j| j.compound == k)
            .collect::<Vec<_>>(),
        r.infusions
            .iter()
            .filter(move |i| i.0 == k)
            .collect::<Vec<_>>(),
        r.solids
            .iter()
            .filter(move |s| s.0 == k)
            .collect::<Vec<_>>(),
    )
}

/// The time up to which `a` and `b` are the same problem (0: none; infinite: all of it).
pub fn shared_until(a: &ArmProblem, b: &ArmProblem) -> f64 {
    if a.tol.rtol != b.tol.rtol || a.tol.atol != b.tol.atol {
        return 0.0;
    }
    let mut t = f64::INFINITY;
    for k in 0..a.model.compounds.len() {
        if plan(&a.regimen, k) != plan(&b.regimen, k) {
            let first = a
                .regimen
                .doses(k)
                .into_iter()
                .chain(b.regimen.doses(k))
                .map(|d| d.0)
                .fold(f64::INFINITY, f64::min);
            t = t.min(first);
        }
    }
    let before = |v: &[f64]| -> Vec<f64> { v.iter().copied().filter(|&x| x < t).collect() };
    if before(&a.grid) != before(&b.grid)
        || before(&a.regimen.breakpoints()) != before(&b.regimen.breakpoints())
    {
        return 0.0;
    }
    t
}

/// Solve `pr` to `end`, from the latest time an `earlier` solution of the same subject
/// shares with it (its sample there: the state before anything happens), else from 0.
pub fn solve(pr: ArmProblem, end: f64, earlier: &[Solved]) -> Result<Solved> {
    let breakpoints = pr.regimen.breakpoints();
    let best = earlier
        .iter()
        .map(|e| (shared_until(&e.problem, &pr), e))
        .filter(|(t, _)| *t > 0.0)
        .max_by(|x, y| x.0.total_cmp(&y.0));
    if let Some((t, e)) = best {
        if t >= end {
            let samples = e.samples.clone();
            return Ok(Solved {
                problem: pr,
                samples,
            });
        }
        if let Some(i) = e.samples.iter().position(|s| s.t == t) {
            let mut samples = e.samples[..i].to_vec();
            let y = e.samples[i].y.clone();
            let has_jump = pr.jumps.iter().any(|j| j.0 == t);
            if has_jump || pr.grid.contains(&t) {
                samples.push(Sample { t, y: y.clone() });
            }
            samples.extend(integrate_from(
                &pr.model,
                t,
                y,
                &pr.jumps,
                &breakpoints,
                &pr.grid,
                end,
                pr.tol,
            )?);
            return Ok(Solved {
                problem: pr,
                samples,
            });
        }
    }
    let samples = integrate(&pr.model, &pr.jumps, &breakpoints, &pr.grid, end, pr.tol)?;
    Ok(Solved {
        problem: pr,
        samples,
    })
}
