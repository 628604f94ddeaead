//! Oral products in the gut lumen: modified release and particle dissolution.
//!
//! Release: the unreleased product in a segment releases drug into that segment's lumen at
//! the hazard h(tau) = F'(tau) / (1 - F(tau)) of its release profile F, tau the time since
//! the compound's latest dose, so that, with nothing lost to the faeces, the released
//! fraction is F(tau) wherever the product is:
//! * Weibull (as fitted to dissolution profiles; Costa & Sousa Lobo, Eur J Pharm Sci
//!   2001;13:123): F = 1 - exp(-((tau - lag) / td)^beta),
//!   h = (beta / td) ((tau - lag) / td)^(beta - 1)   for tau > lag;
//! * zero order (osmotic pumps such as nifedipine GITS/OROS: a constant delivery rate,
//!   Theeuwes F, J Pharm Sci 1975;64:1987): F = (tau - lag) / D,
//!   h = 1 / (D - (tau - lag))   for lag < tau < lag + D (the whole dose over D hours).
//!
//! The product moves down the gut with the same first-order transit as the fluid, and
//! unreleased drug reaching the end is excreted.
//!
//! Dissolution (Noyes-Whitney for monodisperse spheres; Hintz & Johnson, Int J Pharm
//! 1989;51:9): N spheres of initial radius r0 and density rho have surface
//! A = 3 M^(2/3) M0^(1/3) / (rho r0), so with diffusion layer thickness h = min(r0, 30 um)
//!   dM/dt = -(3 D M0^(1/3) M^(2/3) / (rho r0 h)) max(Cs - C, 0),
//! C the dissolved concentration in the segment fluid. No precipitation.

/// Cap on the release hazard (1/h): a Weibull with beta < 1 starts with an infinite hazard
/// and a zero-order hazard grows without bound at lag + D; capped at 100/h (time constant
/// 36 s) the profile differs negligibly.
pub const MAX_RELEASE_RATE_PER_H: f64 = 100.0;

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Release {
    pub compound: usize,
    pub from: usize,
    pub to: usize,
    pub lag_h: f64,
    #[serde(flatten)]
    pub shape: ReleaseShape,
}

/// The release profile after the lag time (exported as `"shape"` beside its constants).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum ReleaseShape {
    Weibull { td_h: f64, beta: f64 },
    ZeroOrder { duration_h: f64 },
}

impl Release {
    /// Hazard at time t given the compound's dose times (sorted).
    pub fn rate_per_h(&self, t: f64, dose_times: &[f64]) -> f64 {
        let Some(&t0) = dose_times.iter().rev().find(|&&d| d <= t) else {
            return 0.0;
        };
        // The hazard switches at the very times the solver stops at (`release_window`): off
        // at the stop itself, on after it. With t - t0 - lag instead, rounding could switch it
        // on at the stop that ends the lag, and a lag of 2.06 h after a dose at 216 h leaked
        // 2.4e-5 of the dose from the mass balance at the population tolerance.
        let (start, end) = release_window(t0, self.lag_h, self.shape);
        if t <= start {
            return 0.0;
        }
        let tau = t - start;
        let h = match (self.shape, end) {
            (ReleaseShape::Weibull { td_h, beta }, _) => {
                beta / td_h * (tau / td_h).powf(beta - 1.0)
            }
            (ReleaseShape::ZeroOrder { .. }, Some(end)) if t < end => 1.0 / (end - t),
            // Past lag + D nothing is left to release; the capped hazard empties any rest.
            (ReleaseShape::ZeroOrder { .. }, _) => MAX_RELEASE_RATE_PER_H,
        };
        h.min(MAX_RELEASE_RATE_PER_H)
    }
}

/// When a product dosed at `t0` starts to release, and (zero order) when it has delivered
/// its dose: the solver stops at exactly these times (`Regimen::release_breakpoints`) and
/// the hazard switches at them, so both take them from here.
pub fn release_window(t0: f64, lag_h: f64, shape: ReleaseShape) -> (f64, Option<f64>) {
    let end = match shape {
        ReleaseShape::ZeroOrder { duration_h } => Some(t0 + (lag_h + duration_h)),
        ReleaseShape::Weibull { .. } => None,
    };
    (t0 + lag_h, end)
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Dissolution {
    /// Undissolved amount state (mg) and the dissolved amount state of the same segment.
    pub solid: usize,
    pub dissolved: usize,
    /// 3 D M0^(1/3) / (rho r0 h) in (mg/h) per (mg^(2/3) mg/mL).
    pub k: f64,
    pub solubility_mg_per_ml: f64,
    pub fluid_volume_ml: f64,
    /// Smoothing amount (mg) for M^(2/3) near zero: M (M + eps)^(-1/3).
    pub eps_mg: f64,
}

impl Dissolution {
    /// M^(2/3), smoothed near zero as M (M + eps)^(-1/3), and its derivative. Below zero
    /// (the solver's tolerance can carry the solid a hair under it) it continues linearly
    /// with the slope it has at zero, eps^(-1/3): the rate stays smooth, turns negative and
    /// pulls the amount back to zero, and the Jacobian matches the right-hand side (a
    /// clamp at zero had the Jacobian report a steep slope where the rate was flat, and
    /// stalled Newton's method for fast-dissolving particles).
    fn m23(&self, m: f64) -> (f64, f64) {
        if m < 0.0 {
            let b = self.eps_mg.powf(-1.0 / 3.0);
            return (m * b, b);
        }
        let b = (m + self.eps_mg).powf(-1.0 / 3.0);
        let v = m * b;
        let dv = b - m / 3.0 * b / (m + self.eps_mg);
        (v, dv)
    }

    /// Cs - C (no precipitation: 0 above solubility). The dissolved amount is not clamped
    /// at zero, so that the rate's slope in it is the Jacobian's.
    fn drive(&self, y: &[f64]) -> f64 {
        (self.solubility_mg_per_ml - y[self.dissolved] / self.fluid_volume_ml).max(0.0)
    }

    pub fn rhs(&self, y: &[f64], dy: &mut [f64]) {
        let (m, _) = self.m23(y[self.solid]);
        let r = self.k * m * self.drive(y);
        dy[self.dissolved] += r;
        dy[self.solid] -= r;
    }

    pub fn jac_mul(&self, y: &[f64], w: &[f64], out: &mut [f64]) {
        let (m, dm) = self.m23(y[self.solid]);
        let g = self.drive(y);
        let mut d = self.k * dm * g * w[self.solid];
        if g > 0.0 {
            d -= self.k * m / self.fluid_volume_ml * w[self.dissolved];
        }
        out[self.dissolved] += d;
        out[self.solid] -= d;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integrate dU/dt = -h(t) U (trapezoidal rule in the exponent) from `t0` on, and
    /// return (t, U) at the first steps reaching each time in `at` (ascending).
    fn remaining(r: &Release, dose: &[f64], t0: f64, at: &[f64]) -> Vec<(f64, f64)> {
        let (mut u, dt, mut t) = (1.0, 1e-4, t0);
        let mut out = Vec::new();
        for &a in at {
            while t < a - dt / 2.0 {
                let k1 = r.rate_per_h(t, dose);
                let k2 = r.rate_per_h(t + dt, dose);
                u *= (-(k1 + k2) / 2.0 * dt).exp();
                t += dt;
            }
            out.push((t, u));
        }
        out
    }

    #[test]
    fn weibull_hazard_integrates_to_the_weibull_release() {
        let r = Release {
            compound: 0,
            from: 0,
            to: 1,
            lag_h: 0.5,
            shape: ReleaseShape::Weibull {
                td_h: 6.0,
                beta: 1.4,
            },
        };
        // U(t) after a dose at t = 2 h against exp(-((t - 2 - lag)/td)^beta).
        let [(t, u)] = remaining(&r, &[2.0], 2.0, &[14.0])[..] else {
            unreachable!()
        };
        let expected = (-((t - 2.0 - 0.5) / 6.0_f64).powf(1.4)).exp();
        assert!((u - expected).abs() < 1e-6, "{u} vs {expected}");
    }

    #[test]
    fn zero_order_hazard_releases_the_dose_at_a_constant_rate() {
        let r = Release {
            compound: 0,
            from: 0,
            to: 1,
            lag_h: 2.0,
            shape: ReleaseShape::ZeroOrder { duration_h: 16.0 },
        };
        // After a dose at t = 1 h: U(t) = 1 - (t - 1 - lag) / D until lag + D, then 0.
        let dose = [1.0];
        let u = remaining(&r, &dose, 1.0, &[11.0, 17.0, 25.0]);
        for &(t, u) in &u[..2] {
            let expected = 1.0 - (t - 1.0 - 2.0) / 16.0;
            assert!((u - expected).abs() < 1e-5, "t {t}: {u} vs {expected}");
        }
        assert!(
            u[2].1 < 1e-9,
            "everything is released by lag + D: {} left",
            u[2].1
        );
        assert_eq!(r.rate_per_h(2.5, &dose), 0.0, "nothing during the lag");
    }

    #[test]
    fn dissolution_stops_at_saturation_and_jacobian_matches() {
        let d = Dissolution {
            solid: 0,
            dissolved: 1,
            k: 0.8,
            solubility_mg_per_ml: 0.02,
            fluid_volume_ml: 100.0,
            eps_mg: 1e-6,
        };
        let mut dy = [0.0; 2];
        d.rhs(&[10.0, 2.5], &mut dy);
        assert_eq!(dy, [0.0, 0.0], "saturated: 2.5 mg / 100 mL > 0.02 mg/mL");
        let y = [10.0, 0.5];
        let mut a = [0.0; 2];
        for j in 0..2 {
            let mut w = [0.0; 2];
            w[j] = 1.0;
            a.iter_mut().for_each(|x| *x = 0.0);
            d.jac_mul(&y, &w, &mut a);
            let h = 1e-6;
            let (mut yp, mut ym) = (y, y);
            yp[j] += h;
            ym[j] -= h;
            let (mut fp, mut fm) = ([0.0; 2], [0.0; 2]);
            d.rhs(&yp, &mut fp);
            d.rhs(&ym, &mut fm);
            for i in 0..2 {
                let fd = (fp[i] - fm[i]) / (2.0 * h);
                assert!(
                    (fd - a[i]).abs() < 1e-6 * (1.0 + fd.abs()),
                    "{i},{j}: {} vs {fd}",
                    a[i]
                );
            }
        }
    }
}
