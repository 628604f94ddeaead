//! In vitro to in vivo extrapolation (IVIVE) of enzyme kinetics, and renal clearance.
//!
//! Liver: enzyme amount E_liver (pmol) = abundance (pmol/mg microsomal protein) x MPPGL
//! (mg/g) x liver mass (g). Gut: E_gut = intestinal enzyme amount (pmol). A recombinant
//! (per pmol) rate scales by E; a microsomal (per mg) rate is attributed to its enzyme by
//! dividing by the hepatic abundance, then scaled the same way, so liver and gut share one
//! kinetic constant per enzyme (as in Simcyp's and PK-Sim's enzyme-amount scaling).
//! Unbound parameters: CLint,u = CLint / fu_mic, Km,u = Km x fu_mic.
//! Units: pmol/min x 60 x MW x 1e-9 = mg/h; uL/min x 60e-6 = L/h.

use crate::data::compound::{Compound, Elimination};
use crate::data::physiology::Physiology;
use crate::error::{PbpkError, Result};

/// Unbound kinetics of one pathway at one site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kinetics {
    /// v = CLint,u x c_u
    Linear { clint_u_l_per_h: f64 },
    /// v = Vmax c_u / (Km,u + c_u)
    Saturable {
        vmax_mg_per_h: f64,
        km_u_mg_per_l: f64,
    },
}

impl Kinetics {
    /// Intrinsic clearance at low concentration (L/h).
    pub fn clint_l_per_h(&self) -> f64 {
        match self {
            Kinetics::Linear { clint_u_l_per_h } => *clint_u_l_per_h,
            Kinetics::Saturable {
                vmax_mg_per_h,
                km_u_mg_per_l,
            } => vmax_mg_per_h / km_u_mg_per_l,
        }
    }
}

/// One pathway, scaled for a site.
#[derive(Debug, Clone)]
pub struct Pathway {
    pub label: String,
    /// The enzyme, if the pathway is attributed to one (for interactions and fm).
    pub enzyme: Option<String>,
    /// Enzyme amount at the site the kinetics were scaled with (pmol; 0 if none).
    pub amount_pmol: f64,
    pub kinetics: Kinetics,
    /// The compound this pathway forms, if any.
    pub metabolite: Option<String>,
    /// A `hepatic_fitted` pathway: its CLint was derived from in-vivo clearance, so it is
    /// the liver's overall intrinsic clearance (membranes included), here scaled to the
    /// individual.
    pub fitted: Option<FittedScaling>,
    /// Biliary excretion of unchanged drug: `Some(true)` drains into the duodenal lumen
    /// (enterohepatic circulation), `Some(false)` to the faeces; `None`: metabolism.
    pub to_bile: Option<bool>,
}

/// How a fitted pathway's CLint was scaled from the liver it was fitted in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FittedScaling {
    /// A / A_fit: the individual's enzyme (or microsomal protein) over the fitted liver's.
    pub scale: f64,
    /// The fitted liver's membranes (PS_in, PS_out, L/h; inner `None`: perfusion-limited
    /// there); outer `None`: not known (the pathway is taken in the individual's own liver).
    pub membranes: Option<Option<[f64; 2]>>,
}

impl Pathway {
    /// Kinetics per pmol of enzyme: (rate per pmol, unbound Km in mg/L if saturable), where
    /// the rate is CLint (L/h/pmol) or Vmax (mg/h/pmol).
    pub fn per_pmol(&self) -> Option<(f64, Option<f64>)> {
        if self.amount_pmol <= 0.0 {
            return None;
        }
        Some(match self.kinetics {
            Kinetics::Linear { clint_u_l_per_h } => (clint_u_l_per_h / self.amount_pmol, None),
            Kinetics::Saturable {
                vmax_mg_per_h,
                km_u_mg_per_l,
            } => (vmax_mg_per_h / self.amount_pmol, Some(km_u_mg_per_l)),
        })
    }
}

pub enum Site {
    Liver,
    Gut,
}

const PMOL_PER_MIN_TO_MG_PER_H_PER_MW: f64 = 60.0 * 1e-9;
const UL_PER_MIN_TO_L_PER_H: f64 = 60.0 * 1e-6;

/// Scale every enzyme pathway of `c` to the liver or the gut wall of `phys`.
pub fn enzyme_pathways(
    c: &Compound,
    phys: &Physiology,
    site: Site,
    path: &str,
) -> Result<Vec<Pathway>> {
    let mut out = Vec::new();
    for (i, e) in c.elimination.iter().enumerate() {
        match e {
            Elimination::HepaticEnzyme {
                enzyme,
                vmax_pmol_per_min_per_pmol,
                vmax_pmol_per_min_per_mg,
                km_umol_per_l,
                clint_ul_per_min_per_pmol,
                clint_ul_per_min_per_mg,
                fu_mic,
                scaling_factor,
                in_gut,
                metabolite,
                ..
            } => {
                let abundance = phys
                    .enzymes
                    .liver
                    .get(enzyme)
                    .map(|e| e.abundance_pmol_per_mg);
                let amount_pmol = match site {
                    Site::Liver => phys.hepatic_enzyme_pmol(enzyme),
                    Site::Gut if *in_gut => Some(phys.gut_enzyme_pmol(enzyme).unwrap_or(0.0)),
                    Site::Gut => Some(0.0),
                };
                let amount_pmol = amount_pmol.ok_or_else(|| {
                    PbpkError::invalid(
                        path,
                        format!("elimination[{i}].enzyme"),
                        format!(
                            "the physiology {} has no hepatic abundance for \"{enzyme}\"; it has: {}",
                            phys.name,
                            phys.enzymes.liver.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    )
                })?;
                // Microsomal rates per mg -> per pmol of the named enzyme.
                let per_mg_to_per_pmol = |v: f64| -> Result<f64> {
                    match abundance {
                        Some(a) if a > 0.0 => Ok(v / a),
                        _ => Err(PbpkError::invalid(
                            path,
                            format!("elimination[{i}].enzyme"),
                            format!(
                                "a microsomal rate needs a positive hepatic abundance of {enzyme}"
                            ),
                        )),
                    }
                };
                let sf = *scaling_factor;
                let mw = c.mw();
                let kinetics = if let Some(km) = km_umol_per_l {
                    let vmax_per_pmol = match (vmax_pmol_per_min_per_pmol, vmax_pmol_per_min_per_mg)
                    {
                        (Some(v), _) => *v,
                        (None, Some(v)) => per_mg_to_per_pmol(*v)?,
                        _ => unreachable!("validated: a Km comes with a Vmax"),
                    };
                    Kinetics::Saturable {
                        vmax_mg_per_h: vmax_per_pmol
                            * amount_pmol
                            * sf
                            * PMOL_PER_MIN_TO_MG_PER_H_PER_MW
                            * mw,
                        km_u_mg_per_l: km * fu_mic * mw / 1000.0,
                    }
                } else {
                    let clint_per_pmol = match (clint_ul_per_min_per_pmol, clint_ul_per_min_per_mg)
                    {
                        (Some(v), _) => *v,
                        (None, Some(v)) => per_mg_to_per_pmol(*v)?,
                        _ => unreachable!("validated: one kinetic description"),
                    };
                    Kinetics::Linear {
                        clint_u_l_per_h: clint_per_pmol * amount_pmol * sf * UL_PER_MIN_TO_L_PER_H
                            / fu_mic,
                    }
                };
                out.push(Pathway {
                    label: enzyme.clone(),
                    enzyme: Some(enzyme.clone()),
                    amount_pmol,
                    kinetics,
                    metabolite: metabolite.clone(),
                    fitted: None,
                    to_bile: None,
                });
            }
            Elimination::HepaticFitted {
                clint_u_l_per_h,
                enzyme,
                fitted_liver_amount,
                fitted_by_enzyme,
                fitted_liver_membranes,
                ..
            } => {
                if matches!(site, Site::Liver) {
                    // Scaled from the liver it was fitted in by this individual's amount of
                    // the enzyme (or microsomal protein, the basis the fitted liver fixed):
                    // CLint,cells = CLint,cells,fit x A / A_fit (`assemble` converts the
                    // fitted overall CLint to the cells' own behind that liver's membranes).
                    let amount = if *fitted_by_enzyme {
                        let e = enzyme.as_deref().unwrap_or_default();
                        phys.hepatic_enzyme_pmol(e).ok_or_else(|| {
                            PbpkError::invalid(
                                path,
                                format!("elimination[{i}].enzyme"),
                                format!(
                                    "the clearance was fitted in a liver with {e}, and the physiology {} has no hepatic abundance for it",
                                    phys.name
                                ),
                            )
                        })?
                    } else {
                        phys.fitted_liver_amount(None)
                    };
                    let scale = match fitted_liver_amount {
                        Some(a) if *a > 0.0 => amount / a,
                        _ => 1.0,
                    };
                    out.push(Pathway {
                        label: enzyme.clone().unwrap_or_else(|| "fitted".into()),
                        enzyme: enzyme.clone(),
                        amount_pmol: enzyme
                            .as_deref()
                            .and_then(|e| phys.hepatic_enzyme_pmol(e))
                            .unwrap_or(0.0),
                        kinetics: Kinetics::Linear {
                            clint_u_l_per_h: *clint_u_l_per_h * scale,
                        },
                        metabolite: None,
                        fitted: Some(FittedScaling {
                            scale,
                            membranes: if fitted_liver_amount.is_some() {
                                Some(*fitted_liver_membranes)
                            } else {
                                None
                            },
                        }),
                        to_bile: None,
                    });
                }
            }
            Elimination::Biliary {
                transporter,
                clint_u_l_per_h,
                vmax_pmol_per_min_per_pmol,
                km_umol_per_l,
                transporter_umol_per_l_liver,
                enterohepatic,
                ..
            } => {
                if matches!(site, Site::Liver) {
                    let kinetics = liver_transporter_kinetics(
                        c,
                        phys,
                        *clint_u_l_per_h,
                        *vmax_pmol_per_min_per_pmol,
                        *km_umol_per_l,
                        *transporter_umol_per_l_liver,
                    );
                    let label = format!(
                        "biliary{}",
                        transporter
                            .as_deref()
                            .map_or(String::new(), |t| format!(" ({t})"))
                    );
                    out.push(Pathway {
                        label,
                        enzyme: None,
                        amount_pmol: 0.0,
                        kinetics,
                        metabolite: None,
                        fitted: None,
                        to_bile: Some(*enterohepatic),
                    });
                }
            }
            Elimination::Renal { .. } => {}
        }
    }
    Ok(out)
}

/// Kinetics of a liver transporter (biliary efflux or sinusoidal uptake): linear CLint, or
/// Vmax per pmol x transporter amount, the amount (pmol) = content (umol per L of liver
/// tissue) x the subject's liver volume (L) x 1e6, with Km (umol/L) in mg/L. The two
/// descriptions are exclusive (checked when the compound is loaded).
pub fn liver_transporter_kinetics(
    c: &Compound,
    phys: &Physiology,
    clint_u_l_per_h: Option<f64>,
    vmax_pmol_per_min_per_pmol: Option<f64>,
    km_umol_per_l: Option<f64>,
    transporter_umol_per_l_liver: Option<f64>,
) -> Kinetics {
    match (
        clint_u_l_per_h,
        vmax_pmol_per_min_per_pmol,
        km_umol_per_l,
        transporter_umol_per_l_liver,
    ) {
        (None, Some(v), Some(km), Some(t)) => {
            let pmol = t * phys.organ("liver").volume_l * 1e6;
            Kinetics::Saturable {
                vmax_mg_per_h: v * pmol * PMOL_PER_MIN_TO_MG_PER_H_PER_MW * c.mw(),
                km_u_mg_per_l: km * c.mw() * 1e-3,
            }
        }
        (cl, ..) => Kinetics::Linear {
            clint_u_l_per_h: cl.unwrap_or(0.0),
        },
    }
}

/// Active hepatic uptake of compound `c` (`[hepatic_uptake]`), if it has one.
pub fn hepatic_uptake_kinetics(c: &Compound, phys: &Physiology) -> Option<Kinetics> {
    c.hepatic_uptake.as_ref().map(|u| {
        liver_transporter_kinetics(
            c,
            phys,
            u.clint_u_l_per_h,
            u.vmax_pmol_per_min_per_pmol,
            u.km_umol_per_l,
            u.transporter_umol_per_l_liver,
        )
    })
}

/// Renal plasma clearance of unbound-filtered plus secreted drug (L/h):
/// CL_R = GFR x fu x gfr_fraction + secretion (x the physiology's secretion factor: a
/// child's size and maturation).
pub fn renal_clearance_l_per_h(c: &Compound, phys: &Physiology) -> f64 {
    let gfr_l_per_h = phys.gfr_ml_per_min * 60.0 / 1000.0;
    let secretion_factor = phys.renal_secretion_factor;
    c.elimination
        .iter()
        .map(|e| match e {
            Elimination::Renal {
                gfr_fraction,
                secretion_l_per_h,
                ..
            } => {
                gfr_l_per_h * c.fu_plasma.value * gfr_fraction
                    + secretion_l_per_h * secretion_factor
            }
            _ => 0.0,
        })
        .sum()
}
