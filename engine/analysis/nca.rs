//! Non-compartmental analysis (NCA) of one concentration-time profile.
//!
//! AUC by the linear-up/log-down trapezoidal rule; lambda_z by log-linear regression over
//! the last n >= 3 points after Cmax, choosing n by the best adjusted R² and, among fits
//! within 1e-4 of the best, the largest n (the Phoenix WinNonlin "best fit" rule);
//! t1/2 = ln 2 / lambda_z; AUC_inf = AUC_last + C_last / lambda_z, with % extrapolated.

/// Adjusted-R² tolerance of the best-fit rule.
const ADJ_R2_TOLERANCE: f64 = 1e-4;
/// Concentrations below this fraction of the peak are left out of the terminal-slope fit, as
/// an assay's lower limit of quantification would leave them out (clinical assays span about
/// three decades below the peak), so that the half-life is the one a study could measure,
/// not that of a tail far below any assay (and as the solver's absolute tolerance makes such
/// tails noise).
pub const LLOQ_FRACTION_OF_CMAX: f64 = 1e-3;
/// The peak that quantification limit refers to is the highest concentration from this long
/// after the window start (h): the earliest sample of a typical IV bolus study (5 min). The
/// model's venous plasma just after a bolus holds the whole dose in the venous blood pool, a
/// spike no study samples; referring the limit to it cut IV bolus profiles off in their
/// distribution phase (midazolam IV: t1/2 fitted over 3.0-3.5 h).
pub const EARLIEST_SAMPLE_H: f64 = 5.0 / 60.0;
/// Fewest points for a terminal-slope fit.
const MIN_POINTS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nca {
    pub cmax: f64,
    /// Time of Cmax after the window start (h).
    pub tmax: f64,
    /// AUC over the window (mg·h/L).
    pub auc: f64,
    pub c_last: f64,
    pub lambda_z: Option<f64>,
    pub t_half: Option<f64>,
    pub auc_inf: Option<f64>,
    pub auc_extrapolated_pct: Option<f64>,
    /// The peak as a study samples it: the highest concentration from `EARLIEST_SAMPLE_H`
    /// after the window start (Cmax when the window has no later sample). After an IV bolus
    /// it leaves out the venous spike of the whole dose in the venous blood.
    pub sampled_peak: f64,
}

/// One trapezoid, linear when rising or flat, logarithmic when falling.
pub fn trapezoid(t0: f64, c0: f64, t1: f64, c1: f64) -> f64 {
    let dt = t1 - t0;
    if c1 < c0 && c1 > 0.0 && c0 > 0.0 {
        (c0 - c1) * dt / (c0 / c1).ln()
    } else {
        0.5 * (c0 + c1) * dt
    }
}

/// NCA of samples `(t, c)` (sorted by time; the window starts at `t[0]`).
/// `extrapolate`: estimate lambda_z and AUC_inf (false for a dosing interval).
pub fn nca(t: &[f64], c: &[f64], extrapolate: bool) -> Nca {
    assert_eq!(t.len(), c.len());
    let n = t.len();
    let (mut imax, mut cmax) = (0, f64::NEG_INFINITY);
    for (i, &ci) in c.iter().enumerate() {
        if ci > cmax {
            cmax = ci;
            imax = i;
        }
    }
    let auc: f64 = (1..n)
        .map(|i| trapezoid(t[i - 1], c[i - 1], t[i], c[i]))
        .sum();
    let c_last = c.last().copied().unwrap_or(0.0);
    let sampled_peak = t
        .iter()
        .zip(c)
        .filter(|(&ti, _)| n > 0 && ti >= t[0] + EARLIEST_SAMPLE_H)
        .map(|(_, &ci)| ci)
        .fold(f64::NEG_INFINITY, f64::max);
    let sampled_peak = if sampled_peak.is_finite() {
        sampled_peak
    } else {
        cmax
    };
    let lambda_z = if extrapolate {
        terminal_slope(
            &t[imax.min(n)..],
            &c[imax.min(n)..],
            sampled_peak * LLOQ_FRACTION_OF_CMAX,
        )
    } else {
        None
    };
    let (t_half, auc_inf, pct) = match lambda_z {
        Some(l) => {
            let extra = c_last / l;
            let inf = auc + extra;
            (
                Some(std::f64::consts::LN_2 / l),
                Some(inf),
                Some(100.0 * extra / inf),
            )
        }
        None => (None, None, None),
    };
    Nca {
        cmax: cmax.max(0.0),
        tmax: if n > 0 { t[imax] - t[0] } else { 0.0 },
        auc,
        c_last,
        lambda_z,
        t_half,
        auc_inf,
        auc_extrapolated_pct: pct,
        sampled_peak,
    }
}

/// Best-adjusted-R² terminal slope over the points after the first one (Cmax excluded).
fn terminal_slope(t: &[f64], c: &[f64], lloq: f64) -> Option<f64> {
    // Points after Cmax above the quantification limit.
    let pts: Vec<(f64, f64)> = t
        .iter()
        .zip(c)
        .skip(1)
        .filter(|(_, &ci)| ci > lloq && ci > 0.0)
        .map(|(&ti, &ci)| (ti, ci.ln()))
        .collect();
    if pts.len() < MIN_POINTS {
        return None;
    }
    // Accumulate sums from the end so each n is O(1).
    let (mut sx, mut sy, mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut fits: Vec<(usize, f64, f64)> = Vec::new(); // (n, adj R², slope)
    for (k, &(x, y)) in pts.iter().rev().enumerate() {
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        syy += y * y;
        let m = (k + 1) as f64;
        if k + 1 < MIN_POINTS {
            continue;
        }
        let vxx = sxx - sx * sx / m;
        let vyy = syy - sy * sy / m;
        let vxy = sxy - sx * sy / m;
        if vxx <= 0.0 {
            continue;
        }
        let slope = vxy / vxx;
        let r2 = if vyy > 0.0 {
            (vxy * vxy / (vxx * vyy)).min(1.0)
        } else {
            1.0
        };
        let adj = 1.0 - (1.0 - r2) * (m - 1.0) / (m - 2.0);
        fits.push((k + 1, adj, slope));
    }
    let best = fits.iter().map(|f| f.1).fold(f64::NEG_INFINITY, f64::max);
    let chosen = fits
        .iter()
        .filter(|f| f.1 >= best - ADJ_R2_TOLERANCE)
        .max_by_key(|f| f.0)?;
    let lambda = -chosen.2;
    (lambda > 0.0 && lambda.is_finite()).then_some(lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monoexponential_is_exact() {
        let k: f64 = 0.2;
        let t: Vec<f64> = (0..=100).map(|i| i as f64 * 0.5).collect();
        let c: Vec<f64> = t.iter().map(|&x| 10.0 * (-k * x).exp()).collect();
        let r = nca(&t, &c, true);
        assert!((r.lambda_z.unwrap() - k).abs() < 1e-10);
        // Log-down trapezoids are exact for an exponential.
        assert!((r.auc_inf.unwrap() - 10.0 / k).abs() < 1e-9);
        assert!((r.t_half.unwrap() - std::f64::consts::LN_2 / k).abs() < 1e-9);
        assert_eq!(r.cmax, 10.0);
        assert_eq!(r.tmax, 0.0);
    }

    #[test]
    fn linear_up_trapezoid() {
        assert!((trapezoid(0.0, 0.0, 2.0, 4.0) - 4.0).abs() < 1e-12);
    }
}
