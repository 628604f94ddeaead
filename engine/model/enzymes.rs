//! Enzymes that change: metabolism by a dynamic enzyme amount under reversible inhibition,
//! and enzyme turnover with mechanism-based inactivation and induction.
//!
//! Metabolism of a substrate at unbound concentration c by enzyme amount E (pmol), with
//! reversible inhibitors I_j (unbound, at the same site) of constants Ki_j (binding to
//! free enzyme) and Kiu_j (to the enzyme-substrate complex), the general mixed form
//!   v = kcat E c / (Km (1 + S) + c (1 + U)),   S = sum I_j / Ki_j,   U = sum I_j / Kiu_j
//! (competitive: Kiu = inf; uncompetitive: Ki = inf; non-competitive: Ki = Kiu), and for
//! a linear pathway (c << Km) v = CLint E c / (1 + S).
//!
//! Turnover (PK-Sim and Simcyp; Mager & Jusko for the ligand-protection term), written
//! below for the amount E and integrated as the fraction e = E / E0:
//!   dE/dt = kdeg E0 (1 + sum Emax_i I_i^n / (EC50_i^n + I_i^n)) - kdeg E
//!           - E sum_i kinact_i x_i / (1 + sum_j x_j),   x_j = L_j / K_j,
//! where the ligands L_j are every inactivator (K = KI), every reversible inhibitor of
//! the enzyme (K = Ki) and every Michaelis-Menten substrate (K = Km), so competing ligands
//! protect the enzyme from inactivation.
//! Concentrations are unbound, at the enzyme's site (liver tissue or enterocytes).

/// An unbound concentration read from a state: c = scale x y[state] (mg/L).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Probe {
    pub state: usize,
    pub scale_per_l: f64,
}

impl Probe {
    /// The concentration, unclamped (tiny negative values from the solver's tolerance pull
    /// back to zero through the same smooth rate law; a clamp would make the Jacobian lie).
    fn raw(&self, y: &[f64]) -> f64 {
        self.scale_per_l * y[self.state]
    }
    /// The concentration, clamped at zero (inhibitor and inducer effects).
    fn c(&self, y: &[f64]) -> f64 {
        self.raw(y).max(0.0)
    }
}

/// A reversible inhibitor of one metabolism term. Infinite constants mean "no effect".
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Inhibitor {
    pub conc: Probe,
    pub ki_mg_per_l: f64,
    pub kiu_mg_per_l: f64,
}

/// Metabolism by a dynamic enzyme amount: from `from` (substrate) to its sink `to`.
/// The enzyme state holds the remaining fraction e = E / E0 (states of order 1 keep the
/// Newton iterations well conditioned; amounts in pmol would be ~1e7).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Metabolism {
    pub substrate: Probe,
    pub from: usize,
    pub to: usize,
    /// Enzyme state (remaining fraction E / E0).
    pub enzyme: usize,
    /// At the baseline amount E0: linear CLint (L/h) or saturable Vmax (mg/h).
    pub rate_at_e0: f64,
    /// Unbound Km (mg/L); `None` for a linear pathway.
    pub km_mg_per_l: Option<f64>,
    pub inhibitors: Vec<Inhibitor>,
    /// The metabolite this pathway forms, if any.
    pub product: Option<super::Product>,
}

impl Metabolism {
    fn sums(&self, y: &[f64]) -> (f64, f64) {
        let mut s = 0.0;
        let mut u = 0.0;
        for i in &self.inhibitors {
            let c = i.conc.c(y);
            s += c / i.ki_mg_per_l;
            u += c / i.kiu_mg_per_l;
        }
        (s, u)
    }

    /// The share of the enzyme's activity that reversible inhibition leaves a substrate far
    /// below its Km: 1 / (1 + S).
    pub fn uninhibited_share(&self, y: &[f64]) -> f64 {
        1.0 / (1.0 + self.sums(y).0)
    }

    /// v = a e c / (1 + S), or a e c / (Km (1 + S) + |c| (1 + U)) (|c|: smooth through 0).
    pub fn rate(&self, y: &[f64]) -> f64 {
        let c = self.substrate.raw(y);
        let e = y[self.enzyme];
        let (s, u) = self.sums(y);
        match self.km_mg_per_l {
            None => self.rate_at_e0 * e * c / (1.0 + s),
            Some(km) => self.rate_at_e0 * e * c / (km * (1.0 + s) + c.abs() * (1.0 + u)),
        }
    }

    pub fn rhs(&self, y: &[f64], dy: &mut [f64]) {
        let r = self.rate(y);
        dy[self.to] += r;
        dy[self.from] -= r;
        super::Product::add(&self.product, r, dy);
    }

    /// Adds (dv/dy) . w to out[to] and subtracts it from out[from].
    pub fn jac_mul(&self, y: &[f64], w: &[f64], out: &mut [f64]) {
        let c = self.substrate.raw(y);
        let e = y[self.enzyme];
        let (s, u) = self.sums(y);
        let a = self.rate_at_e0;
        let sc = self.substrate.scale_per_l;
        let mut d = 0.0;
        match self.km_mg_per_l {
            None => {
                let den = 1.0 + s;
                d += a * e * sc / den * w[self.from];
                d += a * c / den * w[self.enzyme];
                for i in &self.inhibitors {
                    if i.conc.raw(y) < 0.0 {
                        continue;
                    }
                    let dc = i.conc.scale_per_l / i.ki_mg_per_l;
                    d -= a * e * c / (den * den) * dc * w[i.conc.state];
                }
            }
            Some(km) => {
                let den = km * (1.0 + s) + c.abs() * (1.0 + u);
                d += a * e * km * (1.0 + s) / (den * den) * sc * w[self.from];
                d += a * c / den * w[self.enzyme];
                for i in &self.inhibitors {
                    if i.conc.raw(y) < 0.0 {
                        continue;
                    }
                    let dden = (km / i.ki_mg_per_l + c.abs() / i.kiu_mg_per_l) * i.conc.scale_per_l;
                    d -= a * e * c / (den * den) * dden * w[i.conc.state];
                }
            }
        }
        out[self.to] += d;
        out[self.from] -= d;
        super::Product::add(&self.product, d, out);
    }
}

/// An inducer of one enzyme site.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Inducer {
    pub conc: Probe,
    pub emax: f64,
    pub ec50_mg_per_l: f64,
    pub hill: f64,
}

/// A ligand binding the enzyme: an inactivator (kinact > 0, K = KI) or a reversible
/// inhibitor (kinact = 0, K = Ki) that protects it.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Ligand {
    pub conc: Probe,
    pub k_mg_per_l: f64,
    pub kinact_per_h: f64,
}

/// Turnover of one enzyme at one site; the state is the remaining fraction e = E / E0:
///   de/dt = kdeg (1 + induction) - kdeg e - e sum kinact_i x_i / (1 + sum x_j).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Turnover {
    pub state: usize,
    /// Baseline amount (pmol), for reporting.
    pub e0_pmol: f64,
    pub kdeg_per_h: f64,
    pub inducers: Vec<Inducer>,
    pub ligands: Vec<Ligand>,
}

/// x^n, without `powf` for the common n = 1 (the right-hand side's hottest call otherwise).
fn hill_pow(x: f64, n: f64) -> f64 {
    if n == 1.0 {
        x
    } else {
        x.powf(n)
    }
}

impl Turnover {
    fn induction(&self, y: &[f64]) -> f64 {
        self.inducers
            .iter()
            .map(|i| {
                let c = hill_pow(i.conc.c(y), i.hill);
                i.emax * c / (hill_pow(i.ec50_mg_per_l, i.hill) + c)
            })
            .sum()
    }

    /// (sum kinact_i x_i, 1 + sum x_j)
    fn inactivation(&self, y: &[f64]) -> (f64, f64) {
        let mut q = 0.0;
        let mut p = 1.0;
        for l in &self.ligands {
            let x = l.conc.c(y) / l.k_mg_per_l;
            q += l.kinact_per_h * x;
            p += x;
        }
        (q, p)
    }

    pub fn rhs(&self, y: &[f64], dy: &mut [f64]) {
        let e = y[self.state];
        let (q, p) = self.inactivation(y);
        dy[self.state] +=
            self.kdeg_per_h * (1.0 + self.induction(y)) - self.kdeg_per_h * e - e * q / p;
    }

    pub fn jac_mul(&self, y: &[f64], w: &[f64], out: &mut [f64]) {
        let e = y[self.state];
        let (q, p) = self.inactivation(y);
        let mut d = -(self.kdeg_per_h + q / p) * w[self.state];
        for i in &self.inducers {
            let c = i.conc.c(y);
            if c <= 0.0 {
                // Keep the entry in the Jacobian's pattern (diffsol reads the sparsity with
                // NaN probes at the phase start, often with no inducer yet): the slope at
                // c = 0 is Emax/EC50 for Hill 1 and 0 above it.
                let slope = if i.hill == 1.0 {
                    i.emax / i.ec50_mg_per_l
                } else {
                    0.0
                };
                d += self.kdeg_per_h * slope * i.conc.scale_per_l * w[i.conc.state];
                continue;
            }
            let k = hill_pow(i.ec50_mg_per_l, i.hill);
            let cn = hill_pow(c, i.hill);
            // d/dc [Emax c^n / (k + c^n)] = Emax n c^(n-1) k / (k + c^n)^2
            let dc = i.emax * i.hill * cn / c * k / ((k + cn) * (k + cn));
            d += self.kdeg_per_h * dc * i.conc.scale_per_l * w[i.conc.state];
        }
        for l in &self.ligands {
            if y[l.conc.state] < 0.0 {
                continue;
            }
            // d(q/p)/dL = (kinact p - q) / (K p^2)
            let dqp = (l.kinact_per_h * p - q) / (l.k_mg_per_l * p * p);
            d -= e * dqp * l.conc.scale_per_l * w[l.conc.state];
        }
        out[self.state] += d;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fd_check(
        rhs: impl Fn(&[f64], &mut [f64]),
        jac: impl Fn(&[f64], &[f64], &mut [f64]),
        y: &[f64],
    ) {
        let n = y.len();
        for j in 0..n {
            let mut w = vec![0.0; n];
            w[j] = 1.0;
            let mut a = vec![0.0; n];
            jac(y, &w, &mut a);
            let h = 1e-6 * y[j].abs().max(1e-3);
            let mut yp = y.to_vec();
            yp[j] += h;
            let mut ym = y.to_vec();
            ym[j] -= h;
            let mut fp = vec![0.0; n];
            let mut fm = vec![0.0; n];
            rhs(&yp, &mut fp);
            rhs(&ym, &mut fm);
            for i in 0..n {
                let fd = (fp[i] - fm[i]) / (2.0 * h);
                assert!(
                    (fd - a[i]).abs() <= 1e-6 * (1.0 + fd.abs()),
                    "d f{i} / d y{j}: analytic {} vs finite difference {fd}",
                    a[i]
                );
            }
        }
    }

    #[test]
    fn metabolism_jacobian_matches_finite_differences() {
        let p = |s| Probe {
            state: s,
            scale_per_l: 0.7,
        };
        for km in [None, Some(0.3)] {
            let m = Metabolism {
                substrate: p(0),
                from: 0,
                to: 1,
                enzyme: 2,
                rate_at_e0: 1e-3,
                km_mg_per_l: km,
                inhibitors: vec![
                    Inhibitor {
                        conc: p(3),
                        ki_mg_per_l: 0.05,
                        kiu_mg_per_l: f64::INFINITY,
                    },
                    Inhibitor {
                        conc: p(4),
                        ki_mg_per_l: 0.2,
                        kiu_mg_per_l: 0.4,
                    },
                ],
                // Forms a metabolite into state 5 (counter 6) at 1.2 mg per mg.
                product: Some(crate::model::Product {
                    state: 5,
                    formed: 6,
                    yield_mg_per_mg: 1.2,
                }),
            };
            let y = [0.8, 0.1, 0.9, 0.03, 0.5, 0.2, 0.0];
            fd_check(|y, d| m.rhs(y, d), |y, w, o| m.jac_mul(y, w, o), &y);
        }
    }

    #[test]
    fn turnover_jacobian_matches_finite_differences() {
        let p = |s| Probe {
            state: s,
            scale_per_l: 0.5,
        };
        let t = Turnover {
            state: 0,
            e0_pmol: 1000.0,
            kdeg_per_h: 0.02,
            inducers: vec![Inducer {
                conc: p(1),
                emax: 8.0,
                ec50_mg_per_l: 0.1,
                hill: 1.3,
            }],
            ligands: vec![
                Ligand {
                    conc: p(2),
                    k_mg_per_l: 0.05,
                    kinact_per_h: 15.0,
                },
                Ligand {
                    conc: p(3),
                    k_mg_per_l: 0.3,
                    kinact_per_h: 0.0,
                },
            ],
        };
        let y = [0.7, 0.2, 0.04, 0.6];
        fd_check(|y, d| t.rhs(y, d), |y, w, o| t.jac_mul(y, w, o), &y);
    }
}
