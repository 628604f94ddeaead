//! Dosing: a scenario arm's dose lines turned into state jumps (IV bolus into venous blood,
//! oral doses into the gut lumen) and zero-order infusions into venous blood.

use crate::data::scenario::{Arm, Route};
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
}

impl Regimen {
    /// Build the regimen of `arm`; `compound_index` maps a compound name to its position.
    pub fn from_arm(
        arm: &Arm,
        model: &Model,
        compound_index: impl Fn(&str) -> usize,
        body_weight_kg: f64,
    ) -> Self {
        let mut r = Regimen::default();
        for d in &arm.dose {
            let k = compound_index(&d.compound);
            let s = &model.layout.compounds[k];
            let amount = d.amount_mg(body_weight_kg);
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
                        state: s.lumen,
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
        b.sort_by(f64::total_cmp);
        b.dedup();
        b
    }

    /// Dose times of compound k (bolus, oral and infusion starts), sorted.
    pub fn dose_times(&self, k: usize) -> Vec<f64> {
        let mut t: Vec<f64> = self
            .jumps
            .iter()
            .filter(|j| j.compound == k)
            .map(|j| j.t_h)
            .collect();
        t.extend(
            self.infusions
                .iter()
                .filter(|(c, _)| *c == k)
                .map(|(_, i)| i.start_h),
        );
        t.sort_by(f64::total_cmp);
        t.dedup();
        t
    }
}
