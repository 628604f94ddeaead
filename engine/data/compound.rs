//! Compound files (`compounds/*.toml`): one drug each, physico-chemistry, binding,
//! partitioning choice, elimination pathways and oral absorption, every value with its source.

use super::{parse_toml, Check, Sourced};
use crate::error::{PbpkError, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Compound {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub molecular_weight_g_per_mol: Sourced,
    /// n-octanol:water partition coefficient of the neutral species (log10).
    pub log_p: Sourced,
    /// Ionisation constants; an empty list means neutral at physiological pH.
    #[serde(default)]
    pub pka: Vec<Pka>,
    pub fu_plasma: Sourced,
    pub blood_plasma_ratio: Sourced,
    /// Main plasma binding protein (`albumin`, `agp` or `lipoprotein`).
    #[serde(default = "default_binding")]
    pub binding_protein: BindingProtein,
    #[serde(default)]
    pub partition_method: PartitionMethod,
    /// Tissue:plasma partition coefficients that replace the predicted ones, per organ.
    #[serde(default)]
    pub partition_override: BTreeMap<String, Sourced>,
    #[serde(default)]
    pub elimination: Vec<Elimination>,
    #[serde(default)]
    pub absorption: Option<Absorption>,
}

fn default_binding() -> BindingProtein {
    BindingProtein::Albumin
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum BindingProtein {
    Albumin,
    Agp,
    Lipoprotein,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pka {
    pub value: f64,
    #[serde(rename = "type")]
    pub kind: PkaKind,
    pub source: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PkaKind {
    Acid,
    Base,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum PartitionMethod {
    #[default]
    RodgersRowland,
    PoulinTheil,
    Berezhkovskiy,
}

/// One elimination pathway.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Elimination {
    /// Enzyme-specific metabolism, scaled in vitro to in vivo by enzyme abundance
    /// (liver: abundance x MPPGL x liver mass; gut: intestinal enzyme amount).
    /// Give exactly one kinetic description:
    /// - `vmax_pmol_per_min_per_pmol` + `km_umol_per_l` (recombinant enzyme, Michaelis-Menten),
    /// - `vmax_pmol_per_min_per_mg` + `km_umol_per_l` (human liver microsomes, Michaelis-Menten),
    /// - `clint_ul_per_min_per_pmol` (recombinant, linear),
    /// - `clint_ul_per_min_per_mg` (microsomes, linear).
    ///
    /// Microsomal values are attributed to `enzyme` through its hepatic abundance.
    HepaticEnzyme {
        enzyme: String,
        #[serde(default)]
        vmax_pmol_per_min_per_pmol: Option<f64>,
        #[serde(default)]
        vmax_pmol_per_min_per_mg: Option<f64>,
        #[serde(default)]
        km_umol_per_l: Option<f64>,
        #[serde(default)]
        clint_ul_per_min_per_pmol: Option<f64>,
        #[serde(default)]
        clint_ul_per_min_per_mg: Option<f64>,
        /// Unbound fraction in the microsomal incubation (CLint,u = CLint / fu_mic).
        #[serde(default = "one")]
        fu_mic: f64,
        /// Empirical scaling factor (ISEF or fitted); a value other than 1 must be justified in `source`.
        #[serde(default = "one")]
        scaling_factor: f64,
        /// Whether the enzyme also acts in the gut wall (if the physiology has it there).
        #[serde(default = "yes")]
        in_gut: bool,
        source: String,
    },
    /// Renal excretion: GFR x fu x `gfr_fraction`, plus active secretion (plasma clearance).
    Renal {
        #[serde(default = "one")]
        gfr_fraction: f64,
        #[serde(default)]
        secretion_l_per_h: f64,
        source: String,
    },
    /// A hepatic unbound intrinsic clearance fitted to in vivo clearance: says so, and to what.
    HepaticFitted {
        /// The enzyme the clearance is attributed to, if known (for fm and interactions).
        #[serde(default)]
        enzyme: Option<String>,
        clint_u_l_per_h: f64,
        fitted_to: String,
        source: String,
    },
}

fn one() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}

/// Oral absorption (first order from the gut lumen). The lumen empties at `ka_per_h`, a
/// fraction `fa` into the enterocytes and the rest to the faeces.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Absorption {
    pub fa: Sourced,
    pub ka_per_h: Sourced,
    /// Unbound fraction in the enterocytes (Qgut model; 1 by convention, Yang et al. 2007).
    #[serde(default)]
    pub fu_gut: Option<Sourced>,
}

impl Compound {
    pub fn parse(path: &str, text: &str) -> Result<Compound> {
        let c: Compound = parse_toml(path, text)?;
        c.validate(path)?;
        Ok(c)
    }

    pub fn mw(&self) -> f64 {
        self.molecular_weight_g_per_mol.value
    }

    pub fn validate(&self, path: &str) -> Result<()> {
        let c = Check { path };
        if self.name.trim().is_empty() {
            return Err(PbpkError::invalid(path, "name", "must not be empty"));
        }
        c.sourced_positive(
            "molecular_weight_g_per_mol",
            &self.molecular_weight_g_per_mol,
        )?;
        if !self.log_p.value.is_finite() || self.log_p.value.abs() > 15.0 {
            return Err(PbpkError::invalid(
                path,
                "log_p.value",
                "must be a finite log10 value in [-15, 15]",
            ));
        }
        c.source("log_p.source", &self.log_p.source)?;
        for (i, p) in self.pka.iter().enumerate() {
            if !(p.value.is_finite() && (-5.0..=20.0).contains(&p.value)) {
                return Err(PbpkError::invalid(
                    path,
                    format!("pka[{i}].value"),
                    "must be in [-5, 20]",
                ));
            }
            c.source(&format!("pka[{i}].source"), &p.source)?;
        }
        if !(self.fu_plasma.value > 0.0 && self.fu_plasma.value <= 1.0) {
            return Err(PbpkError::invalid(
                path,
                "fu_plasma.value",
                format!(
                    "unbound fraction must be in (0, 1], got {}",
                    self.fu_plasma.value
                ),
            ));
        }
        c.source("fu_plasma.source", &self.fu_plasma.source)?;
        c.sourced_positive("blood_plasma_ratio", &self.blood_plasma_ratio)?;
        for (organ, k) in &self.partition_override {
            if !super::physiology::ORGANS.contains(&organ.as_str()) {
                return Err(PbpkError::invalid(
                    path,
                    format!("partition_override.{organ}"),
                    format!(
                        "unknown organ; expected one of {}",
                        super::physiology::ORGANS.join(", ")
                    ),
                ));
            }
            c.sourced_positive(&format!("partition_override.{organ}"), k)?;
        }
        for (i, e) in self.elimination.iter().enumerate() {
            let f = |s: &str| format!("elimination[{i}].{s}");
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
                    source,
                    ..
                } => {
                    if enzyme.trim().is_empty() {
                        return Err(PbpkError::invalid(
                            path,
                            f("enzyme"),
                            "name the enzyme, e.g. \"CYP3A4\"",
                        ));
                    }
                    c.source(&f("source"), source)?;
                    let given = [
                        vmax_pmol_per_min_per_pmol.is_some(),
                        vmax_pmol_per_min_per_mg.is_some(),
                        clint_ul_per_min_per_pmol.is_some(),
                        clint_ul_per_min_per_mg.is_some(),
                    ];
                    if given.iter().filter(|g| **g).count() != 1 {
                        return Err(PbpkError::invalid(
                            path,
                            f("vmax_pmol_per_min_per_pmol"),
                            "give exactly one of vmax_pmol_per_min_per_pmol, vmax_pmol_per_min_per_mg (each with km_umol_per_l), clint_ul_per_min_per_pmol or clint_ul_per_min_per_mg",
                        ));
                    }
                    let is_mm = given[0] || given[1];
                    match (is_mm, km_umol_per_l) {
                        (true, None) => {
                            return Err(PbpkError::invalid(
                                path,
                                f("km_umol_per_l"),
                                "a Vmax needs its Km in umol/L",
                            ))
                        }
                        (false, Some(_)) => {
                            return Err(PbpkError::invalid(
                                path,
                                f("km_umol_per_l"),
                                "Km goes with a Vmax; a linear CLint takes no Km",
                            ))
                        }
                        (true, Some(km)) => c.positive(&f("km_umol_per_l"), *km)?,
                        _ => {}
                    }
                    for (n, v) in [
                        ("vmax_pmol_per_min_per_pmol", vmax_pmol_per_min_per_pmol),
                        ("vmax_pmol_per_min_per_mg", vmax_pmol_per_min_per_mg),
                        ("clint_ul_per_min_per_pmol", clint_ul_per_min_per_pmol),
                        ("clint_ul_per_min_per_mg", clint_ul_per_min_per_mg),
                    ] {
                        if let Some(v) = v {
                            c.non_negative(&f(n), *v)?;
                        }
                    }
                    if !(*fu_mic > 0.0 && *fu_mic <= 1.0) {
                        return Err(PbpkError::invalid(path, f("fu_mic"), "must be in (0, 1]"));
                    }
                    c.positive(&f("scaling_factor"), *scaling_factor)?;
                }
                Elimination::Renal {
                    gfr_fraction,
                    secretion_l_per_h,
                    source,
                } => {
                    c.non_negative(&f("gfr_fraction"), *gfr_fraction)?;
                    c.non_negative(&f("secretion_l_per_h"), *secretion_l_per_h)?;
                    c.source(&f("source"), source)?;
                }
                Elimination::HepaticFitted {
                    clint_u_l_per_h,
                    fitted_to,
                    source,
                    ..
                } => {
                    c.non_negative(&f("clint_u_l_per_h"), *clint_u_l_per_h)?;
                    c.source(&f("fitted_to"), fitted_to)?;
                    c.source(&f("source"), source)?;
                }
            }
        }
        if let Some(a) = &self.absorption {
            if !(a.fa.value > 0.0 && a.fa.value <= 1.0) {
                return Err(PbpkError::invalid(
                    path,
                    "absorption.fa.value",
                    "fraction absorbed must be in (0, 1]",
                ));
            }
            c.source("absorption.fa.source", &a.fa.source)?;
            c.sourced_positive("absorption.ka_per_h", &a.ka_per_h)?;
            if let Some(fg) = &a.fu_gut {
                if !(fg.value > 0.0 && fg.value <= 1.0) {
                    return Err(PbpkError::invalid(
                        path,
                        "absorption.fu_gut.value",
                        "must be in (0, 1]",
                    ));
                }
                c.source("absorption.fu_gut.source", &fg.source)?;
            }
        }
        Ok(())
    }
}
