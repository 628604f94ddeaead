//! The assembled ODE system: organs and flows of one individual, for one or more compounds.
//!
//! States are drug amounts (mg). Each compartment i has a plasma-referenced capacity
//! cap_i = V_i K_i (L), so its plasma-equivalent concentration is C_i = A_i / cap_i; blood
//! carries drug at Q_blood x B:P x C (mg/h). Every transport and linear clearance is a term
//! `dA_to/dt += k A_from, dA_from/dt -= k A_from`, so mass is conserved by construction;
//! saturable (Michaelis-Menten) metabolism adds `v = Vmax c_u / (Km + c_u)` from a tissue to
//! its sink. Sinks (metabolised in liver or gut wall, excreted in urine, lost to faeces) are
//! states too, so the dose can be accounted for at every time.

pub mod assemble;
pub mod clearance;
pub mod enzymes;
pub mod gut;
pub mod layout;
pub mod partition;
pub mod permeability;

pub use assemble::assemble;
pub use enzymes::{Inducer, Inhibitor, Ligand, Metabolism, Turnover};
pub use gut::{Dissolution, Release, ReleaseShape};
pub use layout::{CompoundStates, EnzymeSite, Layout};

/// A linear first-order transfer `dA_to += k A_from`, `dA_from -= k A_from` (to == None:
/// the amount leaves the system, which the model never does; all sinks are states).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Transfer {
    pub from: usize,
    pub to: usize,
    pub k_per_h: f64,
}

/// A metabolite formed by a metabolism term of rate r (mg parent/h): `dA_state += yield r`
/// and the metabolite's `formed` counter likewise; yield = MW_metabolite / MW_parent (mg
/// of metabolite per mg of parent metabolised). The parent's amount goes to its own sink,
/// so each compound's mass balance closes on its own.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Product {
    pub state: usize,
    pub formed: usize,
    pub yield_mg_per_mg: f64,
}

impl Product {
    /// Add the formation term for a parent rate r.
    #[inline]
    pub fn add(p: &Option<Product>, r: f64, dy: &mut [f64]) {
        if let Some(p) = p {
            dy[p.state] += p.yield_mg_per_mg * r;
            dy[p.formed] += p.yield_mg_per_mg * r;
        }
    }
}

/// A linear metabolism term that forms a metabolite (its parent-side transfer is an
/// ordinary `Transfer` to the sink): rate k A_from.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Formation {
    pub from: usize,
    pub k_per_h: f64,
    pub product: Product,
}

/// Saturable elimination from `from` to `to`: v = vmax c / (km + |c|), c = scale x A_from
/// (unbound concentration at the enzyme, mg/L), forming `product` if given.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct MichaelisMenten {
    pub from: usize,
    pub to: usize,
    pub vmax_mg_per_h: f64,
    pub km_mg_per_l: f64,
    pub scale_per_l: f64,
    pub product: Option<Product>,
}

/// A zero-order input (IV infusion) into `state` on [start, end).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Infusion {
    pub state: usize,
    pub rate_mg_per_h: f64,
    pub start_h: f64,
    pub end_h: f64,
}

/// What the model knows about one compound after assembly (for outputs and checks).
#[derive(Debug, Clone, serde::Serialize)]
pub struct CompoundInfo {
    pub name: String,
    pub mw: f64,
    pub fu_plasma: f64,
    pub blood_plasma_ratio: f64,
    /// Tissue:plasma partition coefficient per organ (as predicted or overridden).
    pub kp: Vec<(String, f64)>,
    /// Steady-state volume of distribution, plasma-referenced: sum of capacities (L).
    pub vss_l: f64,
    /// Plasma-referenced capacity of venous blood (V_venous x B:P), L.
    pub venous_capacity_l: f64,
    /// Organ volumes (L), in `ORGANS` order.
    pub organ_volume_l: [f64; crate::data::physiology::ORGANS.len()],
    /// Enterocyte volume per small-intestine segment (L) and unbound fraction there.
    pub enterocyte_volume_l: [f64; layout::N_SI],
    pub fu_gut: f64,
    /// Plasma-referenced capacity of the liver (L): unbound liver conc = fu x A / cap (of the
    /// liver cells where they are a compartment of their own).
    pub liver_capacity_l: f64,
    /// Permeability-limited compounds: capacity of each organ's cells (L), `ORGANS` order.
    pub cell_capacity_l: Option<[f64; crate::data::physiology::ORGANS.len()]>,
    /// Per organ, the membrane PA (L/h) where the cells are a compartment of their own.
    pub membrane_pa_l_per_h: [Option<f64>; crate::data::physiology::ORGANS.len()],
    /// Active uptake into the liver cells (unbound CLint at low concentration, L/h; 0 none).
    pub liver_uptake_l_per_h: f64,
    /// Hepatic and gut unbound intrinsic clearance per enzyme at low concentration (L/h).
    pub clint_liver_l_per_h: Vec<(String, f64)>,
    pub clint_gut_l_per_h: Vec<(String, f64)>,
}

impl CompoundInfo {
    /// Unbound clearance across the liver's cell membranes (PA, L/h) where they limit
    /// uptake (CLint,all = PA CLint / (PA + CLint)); `None` for a one-compartment liver.
    pub fn liver_pa_l_per_h(&self) -> Option<f64> {
        let liver = crate::data::physiology::ORGANS
            .iter()
            .position(|o| *o == "liver")
            .expect("the liver is an organ");
        self.membrane_pa_l_per_h[liver]
    }
}

/// The assembled system.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Model {
    pub layout: Layout,
    pub transfers: Vec<Transfer>,
    /// Metabolites formed by linear pathways.
    pub formations: Vec<Formation>,
    pub saturable: Vec<MichaelisMenten>,
    /// Metabolism by a dynamic enzyme amount, with reversible inhibition.
    pub metabolism: Vec<Metabolism>,
    /// Enzyme turnover: synthesis (with induction), degradation and inactivation.
    pub turnover: Vec<Turnover>,
    /// Modified-release products (time-dependent release, set per regimen).
    pub releases: Vec<Release>,
    /// Particle dissolution (set per regimen: depends on the dose).
    pub dissolutions: Vec<Dissolution>,
    pub infusions: Vec<Infusion>,
    /// Oral dose times of each compound (the clock of its release profiles), set per regimen.
    pub dose_times: Vec<Vec<f64>>,
    pub compounds: Vec<CompoundInfo>,
}

impl Model {
    pub fn n_states(&self) -> usize {
        self.layout.n_states
    }

    /// Right-hand side: dy/dt = f(y, t).
    pub fn rhs(&self, y: &[f64], t: f64, dy: &mut [f64]) {
        dy.iter_mut().for_each(|d| *d = 0.0);
        for tr in &self.transfers {
            let r = tr.k_per_h * y[tr.from];
            dy[tr.to] += r;
            dy[tr.from] -= r;
        }
        for f in &self.formations {
            Product::add(&Some(f.product), f.k_per_h * y[f.from], dy);
        }
        for m in &self.saturable {
            let c = m.scale_per_l * y[m.from];
            let r = m.vmax_mg_per_h * c / (m.km_mg_per_l + c.abs());
            dy[m.to] += r;
            dy[m.from] -= r;
            Product::add(&m.product, r, dy);
        }
        for m in &self.metabolism {
            m.rhs(y, dy);
        }
        for e in &self.turnover {
            e.rhs(y, dy);
        }
        for r in &self.releases {
            let k = r.rate_per_h(t, &self.dose_times[r.compound]);
            let v = k * y[r.from];
            dy[r.to] += v;
            dy[r.from] -= v;
        }
        for d in &self.dissolutions {
            d.rhs(y, dy);
        }
        // An infusion runs on (start, end]: at a solver stop the right-hand side belongs to the
        // segment that ends there (as the release hazard does), so the step that ends at the
        // infusion's start does not already take some of it in.
        for inf in &self.infusions {
            if t > inf.start_h && t <= inf.end_h {
                dy[inf.state] += inf.rate_mg_per_h;
            }
        }
    }

    /// Jacobian-vector product J(y) v (analytic).
    pub fn jac_mul(&self, y: &[f64], t: f64, v: &[f64], out: &mut [f64]) {
        out.iter_mut().for_each(|d| *d = 0.0);
        for tr in &self.transfers {
            let r = tr.k_per_h * v[tr.from];
            out[tr.to] += r;
            out[tr.from] -= r;
        }
        for f in &self.formations {
            Product::add(&Some(f.product), f.k_per_h * v[f.from], out);
        }
        for m in &self.saturable {
            let c = m.scale_per_l * y[m.from];
            let d =
                m.vmax_mg_per_h * m.km_mg_per_l * m.scale_per_l / (m.km_mg_per_l + c.abs()).powi(2);
            let r = d * v[m.from];
            out[m.to] += r;
            out[m.from] -= r;
            Product::add(&m.product, r, out);
        }
        for m in &self.metabolism {
            m.jac_mul(y, v, out);
        }
        for e in &self.turnover {
            e.jac_mul(y, v, out);
        }
        for r in &self.releases {
            let k = r.rate_per_h(t, &self.dose_times[r.compound]);
            let d = k * v[r.from];
            out[r.to] += d;
            out[r.from] -= d;
        }
        for d in &self.dissolutions {
            d.jac_mul(y, v, out);
        }
    }

    /// The initial state: zero drug, every dynamic enzyme at its baseline (fraction 1).
    pub fn initial_state(&self) -> Vec<f64> {
        let mut y = vec![0.0; self.n_states()];
        for e in &self.turnover {
            y[e.state] = 1.0;
        }
        y
    }

    /// The constant matrix of the linear part (for analytic checks: dy/dt = A y when there
    /// is no saturable, enzyme, release or dissolution term and no infusion).
    pub fn linear_matrix(&self) -> Vec<Vec<f64>> {
        let n = self.n_states();
        let mut a = vec![vec![0.0; n]; n];
        for tr in &self.transfers {
            a[tr.to][tr.from] += tr.k_per_h;
            a[tr.from][tr.from] -= tr.k_per_h;
        }
        for f in &self.formations {
            a[f.product.state][f.from] += f.k_per_h * f.product.yield_mg_per_mg;
            a[f.product.formed][f.from] += f.k_per_h * f.product.yield_mg_per_mg;
        }
        a
    }
}
