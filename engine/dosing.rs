//! Dosing: a scenario arm's dose lines turned into state jumps (IV bolus into venous blood,
//! oral doses into the stomach: dissolved for a solution, undissolved for a solid product)
//! and zero-order infusions into venous blood; the regimen also sets the formulation terms
//! (release and dissolution) of the model it runs on.

use crate::data::compound::{Compound, Formulation};
use crate::data::physiology::{Physiology, GUT_SEGMENTS};
use crate::data::scenario::{Arm, Route};
use crate::model::gut::{release_window, Dissolution, Release, ReleaseShape};
use crate::model::{Infusion, Model};

/// An instantaneous addition of `amount_mg` to `state` at `t_h`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jump {
    pub t_h: f64,
    pub state: usize,
    pub amount_mg: f64,
    pub compound: usize,
}

/// The dosing of one arm for one subject.
#[derive(Debug, Clone, Default)]
pub struct Regimen {
    pub jumps: Vec<Jump>,
    pub infusions: Vec<(usize, Infusion)>,
    /// The solid oral product of each compound in this arm, with its largest dose (mg).
    pub solids: Vec<(usize, Formulation, f64)>,
}

impl Regimen {
    /// Build the regimen of `arm`; `compound_index` maps a compound name to its position.
    /// Build the regimen of `arm`; `compound_index` maps a compound name to its position,
    /// `compounds` are the model's compounds (formulations were checked in `run::prepare`).
    pub fn from_arm(
        arm: &Arm,
        model: &Model,
        compound_index: impl Fn(&str) -> usize,
        compounds: &[&Compound],
        body_weight_kg: f64,
    ) -> Self {
        let mut r = Regimen::default();
        for d in &arm.dose {
            let k = compound_index(&d.compound);
            let s = &model.layout.compounds[k];
            let amount = d.amount_mg(body_weight_kg);
            let solid = if d.route == Route::Oral {
                compounds[k]
                    .formulation(d.formulation.as_deref())
                    .filter(|f| f.is_solid())
            } else {
                None
            };
            if let Some(f) = &solid {
                match r.solids.iter_mut().find(|(c, _, _)| *c == k) {
                    Some(x) => x.2 = x.2.max(amount),
                    None => r.solids.push((k, f.clone(), amount)),
                }
            }
            for t in d.times_h() {
                match d.route {
                    Route::IvBolus => r.jumps.push(Jump {
                        t_h: t,
                        state: s.venous,
                        amount_mg: amount,
                        compound: k,
                    }),
                    Route::Oral => r.jumps.push(Jump {
                        t_h: t,
                        state: if solid.is_some() {
                            s.solid[0]
                        } else {
                            s.lumen[0]
                        },
                        amount_mg: amount,
                        compound: k,
                    }),
                    Route::IvInfusion => {
                        let dur = d.duration_h.unwrap_or(0.0);
                        r.infusions.push((
                            k,
                            Infusion {
                                state: s.venous,
                                rate_mg_per_h: amount / dur,
                                start_h: t,
                                end_h: t + dur,
                            },
                        ));
                    }
                }
            }
        }
        r.jumps.sort_by(|a, b| a.t_h.total_cmp(&b.t_h));
        r
    }

    /// Put this regimen's dose times and formulation terms (release, dissolution) into
    /// `model`, a fresh copy of the assembled model.
    pub fn apply_to(&self, model: &mut Model, phys: &Physiology, compounds: &[&Compound]) {
        model.infusions = self.infusions.iter().map(|(_, i)| *i).collect();
        // A modified-release product's clock starts at its oral doses (an IV dose of the same
        // compound puts nothing in the gut and must not restart it).
        let oral_times: Vec<Vec<f64>> = (0..model.dose_times.len())
            .map(|k| {
                let mut t: Vec<f64> = self.oral_doses(k, model).map(|j| j.t_h).collect();
                t.dedup();
                t
            })
            .collect();
        model.dose_times = oral_times;
        model.releases.clear();
        model.dissolutions.clear();
        for (k, f, dose) in &self.solids {
            let st = &model.layout.compounds[*k];
            for (seg, name) in GUT_SEGMENTS.iter().enumerate() {
                if let Some((lag_h, shape)) = release_profile(f) {
                    model.releases.push(Release {
                        compound: *k,
                        from: st.solid[seg],
                        to: st.lumen[seg],
                        lag_h,
                        shape,
                    });
                }
                if let Formulation::Particles {
                    radius_um,
                    density_g_per_ml,
                    diffusion_cm2_per_s,
                    ..
                } = f
                {
                    let cs = compounds[*k]
                        .absorption
                        .as_ref()
                        .and_then(|a| a.solubility_mg_per_ml.as_ref())
                        .map_or(0.0, |s| s.value);
                    let r0_cm = radius_um * 1e-4;
                    let h_cm = r0_cm.min(30e-4);
                    let rho_mg_per_ml = density_g_per_ml * 1000.0;
                    // 3 D M0^(1/3) / (rho r0 h), per second -> per hour.
                    let k_nw = 3.0 * diffusion_cm2_per_s * dose.cbrt()
                        / (rho_mg_per_ml * r0_cm * h_cm)
                        * 3600.0;
                    model.dissolutions.push(Dissolution {
                        solid: st.solid[seg],
                        dissolved: st.lumen[seg],
                        k: k_nw,
                        solubility_mg_per_ml: cs,
                        fluid_volume_ml: phys.gut.segments[*name].fluid_volume_l * 1000.0,
                        eps_mg: 1e-9 * dose,
                    });
                }
            }
        }
    }

    /// Multiply every dose of compound k by `factor` (dose adjustment).
    pub fn scale(&mut self, k: usize, factor: f64) {
        for j in self.jumps.iter_mut().filter(|j| j.compound == k) {
            j.amount_mg *= factor;
        }
        for (_, i) in self.infusions.iter_mut().filter(|(c, _)| *c == k) {
            i.rate_mg_per_h *= factor;
        }
        for s in self.solids.iter_mut().filter(|s| s.0 == k) {
            s.2 *= factor;
        }
    }

    /// Release-profile breakpoints: the end of each lag after a dose, and the end of a
    /// zero-order delivery.
    pub fn release_breakpoints(&self) -> Vec<f64> {
        let mut b = Vec::new();
        for (k, f, _) in &self.solids {
            let Some((lag, shape)) = release_profile(f) else {
                continue;
            };
            for t in self.dose_times(*k) {
                let (start, end) = release_window(t, lag, shape);
                b.push(start);
                b.extend(end);
            }
        }
        b
    }

    /// Amount of compound k given up to time t (bolus and oral doses at t included).
    pub fn dosed_mg(&self, k: usize, t: f64) -> f64 {
        let j: f64 = self
            .jumps
            .iter()
            .filter(|j| j.compound == k && j.t_h <= t)
            .map(|j| j.amount_mg)
            .sum();
        let i: f64 = self
            .infusions
            .iter()
            .filter(|(c, _)| *c == k)
            .map(|(_, inf)| inf.rate_mg_per_h * (t.min(inf.end_h) - inf.start_h).max(0.0))
            .sum();
        j + i
    }

    /// Times at which the right-hand side or the state changes discontinuously.
    pub fn breakpoints(&self) -> Vec<f64> {
        let mut b: Vec<f64> = self.jumps.iter().map(|j| j.t_h).collect();
        for (_, inf) in &self.infusions {
            b.push(inf.start_h);
            b.push(inf.end_h);
        }
        b.extend(self.release_breakpoints());
        b.sort_by(f64::total_cmp);
        b.dedup();
        b
    }

    /// Doses of compound k as (time, mg), by time: bolus and oral doses, and infusions at
    /// their start with their whole amount.
    pub fn doses(&self, k: usize) -> Vec<(f64, f64)> {
        let mut d: Vec<(f64, f64)> = self
            .jumps
            .iter()
            .filter(|j| j.compound == k)
            .map(|j| (j.t_h, j.amount_mg))
            .collect();
        d.extend(
            self.infusions
                .iter()
                .filter(|(c, _)| *c == k)
                .map(|(_, i)| (i.start_h, i.rate_mg_per_h * (i.end_h - i.start_h))),
        );
        d.sort_by(|a, b| a.0.total_cmp(&b.0));
        d
    }

    /// The oral doses of compound k: the jumps into its gut lumen, in time order.
    pub fn oral_doses<'a>(&'a self, k: usize, model: &Model) -> impl Iterator<Item = &'a Jump> {
        let lumen = model.layout.compounds[k].gut_lumen();
        self.jumps
            .iter()
            .filter(move |j| j.compound == k && lumen.contains(&j.state))
    }

    /// Dose times of compound k (bolus, oral and infusion starts), sorted.
    pub fn dose_times(&self, k: usize) -> Vec<f64> {
        let mut t: Vec<f64> = self.doses(k).into_iter().map(|d| d.0).collect();
        t.dedup();
        t
    }
}

/// The lag and release shape of a modified-release formulation (none for a solution or
/// particles).
fn release_profile(f: &Formulation) -> Option<(f64, ReleaseShape)> {
    match f {
        Formulation::Weibull {
            lag_h, td_h, beta, ..
        } => Some((
            *lag_h,
            ReleaseShape::Weibull {
                td_h: *td_h,
                beta: *beta,
            },
        )),
        Formulation::ZeroOrder {
            lag_h, duration_h, ..
        } => Some((
            *lag_h,
            ReleaseShape::ZeroOrder {
                duration_h: *duration_h,
            },
        )),
        Formulation::Solution { .. } | Formulation::Particles { .. } => None,
    }
}
