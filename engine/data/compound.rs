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
    /// Exchange between each organ's interstitial space and its cells (see
    /// `model::permeability`): `perfusion_limited` (default) or `pk_sim_standard`.
    #[serde(default)]
    pub cell_permeability: CellPermeability,
    /// Halogen atoms, for the effective molecular weight of the PK-Sim permeability
    /// correlations (MW_eff = MW - 17 F - 22 Cl - 62 Br - 98 I).
    #[serde(default)]
    pub halogens: Halogens,
    #[serde(default)]
    pub elimination: Vec<Elimination>,
    #[serde(default)]
    pub absorption: Option<Absorption>,
    /// Oral products of this compound; a dose names one with `formulation` (default: the
    /// first listed, or a solution when none is).
    #[serde(default)]
    pub formulation: Vec<Formulation>,
    /// Inhibition, inactivation and induction of enzymes by this compound.
    #[serde(default)]
    pub interaction: Vec<Interaction>,
    /// Active uptake into the liver cells (sinusoidal influx transporter, e.g. OATP1B1).
    #[serde(default)]
    pub hepatic_uptake: Option<HepaticUptake>,
    /// Known limitations of this compound's model, found by its checks against clinical
    /// data; every run that uses the compound reports them.
    #[serde(default)]
    pub limitation: Vec<Limitation>,
    /// Other published values of this file's inputs, as whole sets (`pbpk alternatives`).
    #[serde(default)]
    pub alternative: Vec<Alternative>,
}

/// `[[alternative]]`: another published set of values for some of this file's inputs (a
/// different laboratory's KI and kinact, another measured log P). Not used by a run:
/// `pbpk alternatives SCENARIO` reruns the scenario with each set in place of the file's
/// values and reports how far the predictions move, so the spread of the in-vitro
/// literature is shown beside the chosen values instead of being picked from by outcome.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    /// Short label, e.g. "Polasek 2006 HLM".
    pub name: String,
    /// Dotted path in this file (as `pbpk sensitivity` names inputs, e.g.
    /// `interaction[0].kinact_per_h` or `log_p.value`) and the value it takes in this set.
    pub values: BTreeMap<String, f64>,
    pub source: String,
    /// `C` or `C2` (the set's values were published: read in the source, or in a secondary
    /// source quoting it), `D` (derived here, e.g. a predicted microsomal binding), `R`
    /// (recalled). A value that the file fitted from an input the set changes is re-derived
    /// inside the set (working in `source`) and does not change its status. Only C and C2
    /// sets count towards the qualification report's published-input ranges.
    pub status: String,
}

impl Alternative {
    /// The set's values were published (status C or C2), not derived or recalled.
    pub fn is_published(&self) -> bool {
        matches!(self.status.as_str(), "C" | "C2")
    }
}

/// `[[limitation]]`: what the compound's model is known to get wrong (and, where known,
/// why), with the checks that show it. Not an input to the model: a run prints it beside
/// its results and writes it to `summary.json` (`limitations`), so a prediction made with
/// the compound outside the shipped checks carries the caveat its validation earned.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Limitation {
    /// What is wrong, and the mechanism thought to be missing.
    pub what: String,
    /// The checks that show it: shipped scenarios with predicted and observed values.
    pub evidence: String,
}

/// `[hepatic_uptake]`: unbound drug carried from the liver's interstitial space into its
/// cells by an influx transporter, beside passive permeation (which needs
/// `cell_permeability = "pk_sim_standard"`). Linear `clint_u_l_per_h`, or Michaelis-Menten
/// `vmax_pmol_per_min_per_pmol` + `km_umol_per_l` on the transporter's hepatic content
/// `transporter_umol_per_l_liver` (scaled by the subject's liver volume).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HepaticUptake {
    #[serde(default)]
    pub transporter: Option<String>,
    #[serde(default)]
    pub clint_u_l_per_h: Option<f64>,
    #[serde(default)]
    pub vmax_pmol_per_min_per_pmol: Option<f64>,
    #[serde(default)]
    pub km_umol_per_l: Option<f64>,
    #[serde(default)]
    pub transporter_umol_per_l_liver: Option<f64>,
    pub source: String,
}

/// How drug crosses the cell membranes of the organs.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CellPermeability {
    /// Each organ is one well-stirred compartment in equilibrium with its blood.
    #[default]
    PerfusionLimited,
    /// Cells exchange unbound drug with the interstitial space through a passive
    /// permeability from MW and lipophilicity (PK-Sim's "PK-Sim Standard" method).
    PkSimStandard,
}

/// Counts of halogen atoms in the molecule.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Halogens {
    #[serde(default)]
    pub f: u32,
    #[serde(default)]
    pub cl: u32,
    #[serde(default)]
    pub br: u32,
    #[serde(default)]
    pub i: u32,
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
        /// The compound (file name in `compounds/`) this pathway forms, mole for mole; it is
        /// then simulated with its parent wherever the parent is given.
        #[serde(default)]
        metabolite: Option<String>,
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
    /// Excretion of unchanged drug from the liver cells into bile by a canalicular efflux
    /// transporter (e.g. P-gp), acting on the unbound intracellular concentration. Give
    /// either a linear `clint_u_l_per_h`, or `vmax_pmol_per_min_per_pmol` + `km_umol_per_l`
    /// with the transporter's hepatic content `transporter_umol_per_l_liver` (umol per L of
    /// liver tissue; PK-Sim's reference concentration x relative liver expression), which
    /// scales with the subject's liver volume. With `enterohepatic = true` (default) bile
    /// drains continuously into the duodenal lumen, where the drug can be reabsorbed;
    /// otherwise it goes to the faeces.
    Biliary {
        #[serde(default)]
        transporter: Option<String>,
        #[serde(default)]
        clint_u_l_per_h: Option<f64>,
        #[serde(default)]
        vmax_pmol_per_min_per_pmol: Option<f64>,
        #[serde(default)]
        km_umol_per_l: Option<f64>,
        #[serde(default)]
        transporter_umol_per_l_liver: Option<f64>,
        #[serde(default = "yes")]
        enterohepatic: bool,
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
        /// The physiology whose liver the clearance was fitted in (default the reference
        /// man, `adult_male_european`). Any other individual (a woman, a child, a virtual
        /// subject) scales the clearance by its own amount of the enzyme against that liver's
        /// (microsomal protein, MPPGL x liver mass, when the enzyme is not one the
        /// physiology lists, e.g. AADAC).
        #[serde(default)]
        fitted_physiology: Option<String>,
        /// That liver's amount, set when the scenario is prepared (not read from the file):
        /// pmol of the enzyme, or mg of microsomal protein.
        #[serde(skip)]
        fitted_liver_amount: Option<f64>,
        /// Whether that amount is the enzyme's (pmol) rather than microsomal protein (mg):
        /// the basis every individual is scaled on (set when prepared).
        #[serde(skip)]
        fitted_by_enzyme: bool,
        /// That liver's cell-membrane clearances for this compound (PS_in, PS_out, L/h),
        /// behind which the fitted overall CLint is converted to the cells' own; `None` when
        /// its liver is perfusion-limited (set when prepared).
        #[serde(skip)]
        fitted_liver_membranes: Option<[f64; 2]>,
    },
}

fn one() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}

/// Oral absorption through the transit model: permeation from each gut segment's lumen
/// into its enterocytes at ka = 2 Peff / R (Yu & Amidon 1999), Peff the human jejunal
/// effective permeability, measured or predicted.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Absorption {
    /// Human effective jejunal permeability (cm/s), e.g. Loc-I-Gut perfusion.
    #[serde(default)]
    pub peff_cm_per_s: Option<Sourced>,
    /// Predict Peff from polar surface area and hydrogen-bond donors instead.
    #[serde(default)]
    pub peff_prediction: Option<PeffPrediction>,
    /// Unbound fraction in the enterocytes (Qgut model; 1 by convention, Yang et al. 2007).
    #[serde(default)]
    pub fu_gut: Option<Sourced>,
    /// Colonic Peff relative to jejunal for this drug (default: the physiology's colon
    /// `permeability_scale`, set for lipophilic, transcellularly absorbed drugs).
    #[serde(default)]
    pub colon_permeability_ratio: Option<Sourced>,
    /// Solubility in intestinal fluid (mg/mL); needed by `particles` formulations.
    #[serde(default)]
    pub solubility_mg_per_ml: Option<Sourced>,
    /// Acid-catalysed degradation of dissolved drug in the gut lumen, measured in vitro.
    #[serde(default)]
    pub acid_degradation: Option<AcidDegradation>,
}

/// Specific acid catalysis of dissolved drug in the lumen: pseudo-first-order half-life
/// `half_life_h` measured at `ph` (37 C); in a segment of pH p the rate constant is
///   k = ln 2 / half_life_h x 10^(ph - p)
/// (rate proportional to [H+]; e.g. the macrolides, Nakagawa Y et al. Chem Pharm Bull
/// 1992;40:725). Undissolved and unreleased product is not degraded.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AcidDegradation {
    pub half_life_h: f64,
    pub ph: f64,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

/// Winiwarter S et al. J Med Chem 1998;41:4939-4949 (PLS model of human jejunal Peff):
/// log10 Peff (cm/s) = -2.546 - 0.011 PSA (A^2) - 0.278 HBD (metoprolol: PSA 50.7, HBD 2
/// -> 2.2e-4 cm/s; measured 1.3e-4).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PeffPrediction {
    pub polar_surface_area_a2: f64,
    pub hydrogen_bond_donors: f64,
    pub source: String,
}

/// An oral product. `solution` dissolves at once; `particles` dissolve by Noyes-Whitney
/// (Hintz & Johnson 1989: spheres, diffusion layer thickness = min(radius, 30 um));
/// `weibull` releases by a Weibull profile F(t) = 1 - exp(-((t - lag)/td)^beta) and
/// `zero_order` at a constant rate, F(t) = (t - lag)/D (osmotic pumps), while the unreleased
/// product moves down the gut (modified release).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Formulation {
    Solution {
        name: String,
        #[serde(default)]
        source: String,
    },
    Particles {
        name: String,
        radius_um: f64,
        #[serde(default = "default_density")]
        density_g_per_ml: f64,
        diffusion_cm2_per_s: f64,
        source: String,
    },
    Weibull {
        name: String,
        #[serde(default)]
        lag_h: f64,
        td_h: f64,
        beta: f64,
        source: String,
    },
    ZeroOrder {
        name: String,
        #[serde(default)]
        lag_h: f64,
        duration_h: f64,
        source: String,
    },
}

fn default_density() -> f64 {
    1.2
}

impl Formulation {
    pub fn name(&self) -> &str {
        match self {
            Formulation::Solution { name, .. }
            | Formulation::Particles { name, .. }
            | Formulation::Weibull { name, .. }
            | Formulation::ZeroOrder { name, .. } => name,
        }
    }
    pub fn is_solid(&self) -> bool {
        !matches!(self, Formulation::Solution { .. })
    }
}

/// What a compound does to an enzyme, all constants on unbound concentrations
/// (a constant measured in an incubation is made unbound by x `fu_inc`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Interaction {
    /// Competitive: v = Vmax c / (Km (1 + I/Ki) + c).
    Competitive {
        enzyme: String,
        ki_umol_per_l: f64,
        #[serde(default = "one")]
        fu_inc: f64,
        source: String,
    },
    /// Non-competitive: v = Vmax c / ((Km + c)(1 + I/Ki)).
    NonCompetitive {
        enzyme: String,
        ki_umol_per_l: f64,
        #[serde(default = "one")]
        fu_inc: f64,
        source: String,
    },
    /// Uncompetitive: v = Vmax c / (Km + c (1 + I/Ki)).
    Uncompetitive {
        enzyme: String,
        ki_umol_per_l: f64,
        #[serde(default = "one")]
        fu_inc: f64,
        source: String,
    },
    /// Mixed: v = Vmax c / (Km (1 + I/Ki) + c (1 + I/Kiu)).
    Mixed {
        enzyme: String,
        ki_umol_per_l: f64,
        kiu_umol_per_l: f64,
        #[serde(default = "one")]
        fu_inc: f64,
        source: String,
    },
    /// Mechanism-based inactivation: enzyme loss kinact I / (KI + I) per unit enzyme.
    MechanismBased {
        enzyme: String,
        ki_umol_per_l: f64,
        kinact_per_h: f64,
        #[serde(default = "one")]
        fu_inc: f64,
        source: String,
    },
    /// Induction: synthesis x (1 + Emax I^n / (EC50^n + I^n)).
    Induction {
        enzyme: String,
        emax: f64,
        ec50_umol_per_l: f64,
        #[serde(default = "one")]
        hill: f64,
        #[serde(default = "one")]
        fu_inc: f64,
        source: String,
    },
}

impl Interaction {
    pub fn enzyme(&self) -> &str {
        match self {
            Interaction::Competitive { enzyme, .. }
            | Interaction::NonCompetitive { enzyme, .. }
            | Interaction::Uncompetitive { enzyme, .. }
            | Interaction::Mixed { enzyme, .. }
            | Interaction::MechanismBased { enzyme, .. }
            | Interaction::Induction { enzyme, .. } => enzyme,
        }
    }

    /// The mechanism class: a compound has at most one entry of each class per enzyme
    /// (the model adds entries' effects as if they came from different inhibitors).
    pub fn class(&self) -> &'static str {
        match self {
            Interaction::Competitive { .. }
            | Interaction::NonCompetitive { .. }
            | Interaction::Uncompetitive { .. }
            | Interaction::Mixed { .. } => "reversible inhibition",
            Interaction::MechanismBased { .. } => "mechanism-based inactivation",
            Interaction::Induction { .. } => "induction",
        }
    }
}

impl Compound {
    /// The compounds this one's pathways form (in pathway order, without repeats).
    pub fn metabolites(&self) -> Vec<(usize, &str)> {
        let mut out: Vec<(usize, &str)> = Vec::new();
        for (i, e) in self.elimination.iter().enumerate() {
            if let Elimination::HepaticEnzyme {
                metabolite: Some(m),
                ..
            } = e
            {
                if !out.iter().any(|(_, x)| *x == m.as_str()) {
                    out.push((i, m.as_str()));
                }
            }
        }
        out
    }

    pub fn parse(path: &str, text: &str) -> Result<Compound> {
        let c: Compound = parse_toml(path, text)?;
        c.validate(path)?;
        for i in 0..c.alternative.len() {
            c.with_alternative(path, text, i)?;
        }
        Ok(c)
    }

    /// The file's text with alternative `i`'s values in place, checked: every path names a
    /// number of this file (not one inside `[[alternative]]` itself), and the changed file is
    /// a valid compound.
    pub fn with_alternative(&self, path: &str, text: &str, i: usize) -> Result<String> {
        let a = &self.alternative[i];
        let field = |s: &str| format!("alternative[{i}].{s}");
        if a.name.trim().is_empty() {
            return Err(PbpkError::invalid(path, field("name"), "must not be empty"));
        }
        if self.alternative[..i].iter().any(|b| b.name == a.name) {
            return Err(PbpkError::invalid(
                path,
                field("name"),
                format!(
                    "\"{}\" is used by an earlier alternative; names must be unique",
                    a.name
                ),
            ));
        }
        Check { path }.source(&field("source"), &a.source)?;
        if !matches!(a.status.as_str(), "C" | "C2" | "D" | "R") {
            return Err(PbpkError::invalid(
                path,
                field("status"),
                format!(
                    "\"{}\" is not a status tag: use C (read in the source), C2 (read in a secondary source), D (derived here) or R (recalled)",
                    a.status
                ),
            ));
        }
        if a.values.is_empty() {
            return Err(PbpkError::invalid(
                path,
                field("values"),
                "name at least one input and its value, e.g. { \"interaction[0].kinact_per_h\" = 3.0 }",
            ));
        }
        let value_field = |p: &str| field(&format!("values.\"{p}\""));
        for (p, v) in &a.values {
            if p.starts_with("alternative") || p.starts_with("limitation") {
                return Err(PbpkError::invalid(
                    path,
                    value_field(p),
                    "must name a model input, not an alternative or a limitation",
                ));
            }
            if !v.is_finite() {
                return Err(PbpkError::invalid(
                    path,
                    value_field(p),
                    "must be a finite number",
                ));
            }
        }
        let pairs: Vec<(&str, f64)> = a.values.iter().map(|(p, v)| (p.as_str(), *v)).collect();
        let changed = crate::data::toml_path::with_values(text, &pairs).map_err(|e| {
            use crate::data::toml_path::Unfit;
            let (f, why) = match e {
                Unfit::NoNumber(j) => (
                    value_field(pairs[j].0),
                    "names no number in this file; use a dotted path to an existing value, e.g. log_p.value or interaction[0].ki_umol_per_l",
                ),
                Unfit::NotWhole(j) => (
                    value_field(pairs[j].0),
                    "names an integer field: give a whole number",
                ),
                Unfit::Text => (field("values"), "could not rewrite the file with these values"),
            };
            PbpkError::invalid(path, f, why)
        })?;
        let c: Compound = parse_toml(path, &changed).map_err(|e| {
            PbpkError::invalid(
                path,
                field("values"),
                format!("the file with these values does not read as a compound: {e}"),
            )
        })?;
        c.validate(&format!("{path} with alternative \"{}\"", a.name))?;
        Ok(changed)
    }

    /// Effective molecular weight (g/mol) of the PK-Sim permeability correlations.
    pub fn mw_effective(&self) -> f64 {
        let h = &self.halogens;
        self.mw() - 17.0 * h.f as f64 - 22.0 * h.cl as f64 - 62.0 * h.br as f64 - 98.0 * h.i as f64
    }

    pub fn mw(&self) -> f64 {
        self.molecular_weight_g_per_mol.value
    }

    /// Human jejunal effective permeability (cm/s): given, or predicted (Winiwarter 1998).
    pub fn peff_cm_per_s(&self) -> Option<f64> {
        let a = self.absorption.as_ref()?;
        if let Some(p) = &a.peff_cm_per_s {
            return Some(p.value);
        }
        a.peff_prediction.as_ref().map(|p| {
            10f64.powf(-2.546 - 0.011 * p.polar_surface_area_a2 - 0.278 * p.hydrogen_bond_donors)
        })
    }

    /// The formulation a dose names (`None`: the first listed, or a solution).
    pub fn formulation(&self, name: Option<&str>) -> Option<Formulation> {
        match name {
            Some(n) => self.formulation.iter().find(|f| f.name() == n).cloned(),
            None => Some(
                self.formulation
                    .first()
                    .cloned()
                    .unwrap_or(Formulation::Solution {
                        name: "solution".into(),
                        source: String::new(),
                    }),
            ),
        }
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
        if self.mw_effective() <= 0.0 {
            return Err(PbpkError::invalid(
                path,
                "halogens",
                format!(
                    "the effective molecular weight MW - 17 F - 22 Cl - 62 Br - 98 I is {} g/mol; count the halogen atoms of one molecule",
                    self.mw_effective()
                ),
            ));
        }
        if !self.log_p.value.is_finite() || !(-7.0..=10.0).contains(&self.log_p.value) {
            return Err(PbpkError::invalid(
                path,
                "log_p.value",
                format!(
                    "must be a log10 octanol:water partition coefficient in [-7, 10] (drugs span about -5 to 9; beyond that the partition methods give volumes of 1e10 L/kg and more), got {}",
                    crate::data::show(self.log_p.value)
                ),
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
                    crate::data::show(self.fu_plasma.value)
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
                    metabolite,
                    source,
                    ..
                } => {
                    if let Some(m) = metabolite {
                        if m.trim().is_empty() || *m == self.name {
                            return Err(PbpkError::invalid(
                                path,
                                f("metabolite"),
                                format!("name another compound file, e.g. \"hydroxy_itraconazole\" (got \"{m}\")"),
                            ));
                        }
                    }
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
                        (true, Some(km)) => c.affinity_umol(&f("km_umol_per_l"), *km)?,
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
                Elimination::Biliary {
                    clint_u_l_per_h,
                    vmax_pmol_per_min_per_pmol,
                    km_umol_per_l,
                    transporter_umol_per_l_liver,
                    source,
                    ..
                } => {
                    c.source(&f("source"), source)?;
                    check_transporter_kinetics(
                        &c,
                        &f,
                        [
                            *clint_u_l_per_h,
                            *vmax_pmol_per_min_per_pmol,
                            *km_umol_per_l,
                            *transporter_umol_per_l_liver,
                        ],
                    )?;
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
        if let Some(u) = &self.hepatic_uptake {
            let f = |s: &str| format!("hepatic_uptake.{s}");
            c.source(&f("source"), &u.source)?;
            if self.cell_permeability != CellPermeability::PkSimStandard {
                return Err(PbpkError::invalid(
                    path,
                    "hepatic_uptake",
                    "active uptake acts beside passive permeation of the liver cell membranes: set cell_permeability = \"pk_sim_standard\"",
                ));
            }
            check_transporter_kinetics(
                &c,
                &f,
                [
                    u.clint_u_l_per_h,
                    u.vmax_pmol_per_min_per_pmol,
                    u.km_umol_per_l,
                    u.transporter_umol_per_l_liver,
                ],
            )?;
        }
        if let Some(a) = &self.absorption {
            match (&a.peff_cm_per_s, &a.peff_prediction) {
                (Some(p), None) => {
                    c.sourced_positive("absorption.peff_cm_per_s", p)?;
                    // Measured human jejunal Peff reach about 1e-3 cm/s; far above that the
                    // absorption rate constant only makes the system needlessly stiff (a
                    // Peff of 1e308 ran for minutes).
                    c.at_most(
                        "absorption.peff_cm_per_s.value",
                        p.value,
                        0.01,
                        "cm/s (measured human jejunal values reach about 1e-3 cm/s; a larger value is usually a unit slip, e.g. 1.5e-4 cm/s written as 1.5)",
                    )?;
                }
                (None, Some(p)) => {
                    c.non_negative(
                        "absorption.peff_prediction.polar_surface_area_a2",
                        p.polar_surface_area_a2,
                    )?;
                    c.non_negative(
                        "absorption.peff_prediction.hydrogen_bond_donors",
                        p.hydrogen_bond_donors,
                    )?;
                    c.source("absorption.peff_prediction.source", &p.source)?;
                }
                _ => {
                    return Err(PbpkError::invalid(
                        path,
                        "absorption.peff_cm_per_s",
                        "give exactly one of peff_cm_per_s (human jejunal Peff, cm/s) or [absorption.peff_prediction] (polar surface area and H-bond donors)",
                    ))
                }
            }
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
            if let Some(r) = &a.colon_permeability_ratio {
                c.non_negative("absorption.colon_permeability_ratio.value", r.value)?;
                c.source("absorption.colon_permeability_ratio.source", &r.source)?;
            }
            if let Some(sol) = &a.solubility_mg_per_ml {
                c.sourced_positive("absorption.solubility_mg_per_ml", sol)?;
            }
            if let Some(d) = &a.acid_degradation {
                c.positive("absorption.acid_degradation.half_life_h", d.half_life_h)?;
                if !(0.0..=14.0).contains(&d.ph) {
                    return Err(PbpkError::invalid(
                        path,
                        "absorption.acid_degradation.ph",
                        format!("must be a pH in [0, 14], got {}", crate::data::show(d.ph)),
                    ));
                }
                c.source("absorption.acid_degradation.source", &d.source)?;
            }
        }
        for (i, fm) in self.formulation.iter().enumerate() {
            let f = |s: &str| format!("formulation[{i}].{s}");
            if fm.name().trim().is_empty() {
                return Err(PbpkError::invalid(path, f("name"), "must not be empty"));
            }
            if self.formulation[..i].iter().any(|o| o.name() == fm.name()) {
                return Err(PbpkError::invalid(
                    path,
                    f("name"),
                    format!("\"{}\" is used twice", fm.name()),
                ));
            }
            if self.absorption.is_none() {
                return Err(PbpkError::invalid(
                    path,
                    f("kind"),
                    "a formulation needs an [absorption] table (Peff)",
                ));
            }
            match fm {
                Formulation::Solution { .. } => {}
                Formulation::Particles {
                    radius_um,
                    density_g_per_ml,
                    diffusion_cm2_per_s,
                    source,
                    ..
                } => {
                    // Plausibility bounds against unit slips (m2/s for cm2/s, kg/m3 for
                    // g/mL, mm or m for um), each far outside what a drug particle has.
                    for (key, v, lo, hi, what) in [
                        ("radius_um", *radius_um, 0.01, 5000.0, "um (10 nm to 5 mm)"),
                        ("density_g_per_ml", *density_g_per_ml, 0.5, 5.0, "g/mL"),
                        (
                            "diffusion_cm2_per_s",
                            *diffusion_cm2_per_s,
                            1e-8,
                            1e-3,
                            "cm2/s (small molecules in water: about 1e-6 to 1e-5)",
                        ),
                    ] {
                        c.within(&f(key), v, lo, hi, what)?;
                    }
                    c.source(&f("source"), source)?;
                    if self
                        .absorption
                        .as_ref()
                        .and_then(|a| a.solubility_mg_per_ml.as_ref())
                        .is_none()
                    {
                        return Err(PbpkError::invalid(
                            path,
                            "absorption.solubility_mg_per_ml",
                            format!(
                                "the particles formulation \"{}\" needs the solubility (mg/mL)",
                                fm.name()
                            ),
                        ));
                    }
                }
                Formulation::Weibull {
                    lag_h,
                    td_h,
                    beta,
                    source,
                    ..
                } => {
                    c.non_negative(&f("lag_h"), *lag_h)?;
                    c.positive(&f("td_h"), *td_h)?;
                    c.positive(&f("beta"), *beta)?;
                    c.source(&f("source"), source)?;
                }
                Formulation::ZeroOrder {
                    lag_h,
                    duration_h,
                    source,
                    ..
                } => {
                    c.non_negative(&f("lag_h"), *lag_h)?;
                    c.positive(&f("duration_h"), *duration_h)?;
                    c.source(&f("source"), source)?;
                }
            }
        }
        for (i, it) in self.interaction.iter().enumerate() {
            let f = |s: &str| format!("interaction[{i}].{s}");
            if it.enzyme().trim().is_empty() {
                return Err(PbpkError::invalid(
                    path,
                    f("enzyme"),
                    "name the enzyme, e.g. \"CYP3A4\"",
                ));
            }
            if let Some(first) = self.interaction[..i]
                .iter()
                .position(|o| o.enzyme() == it.enzyme() && o.class() == it.class())
            {
                return Err(PbpkError::invalid(
                    path,
                    f("type"),
                    format!(
                        "is a second {} entry on {} (interaction[{first}] is the first): the model would add their effects as if they came from two inhibitors; keep one set of constants and list other laboratories' values as an [[alternative]]",
                        it.class(),
                        it.enzyme()
                    ),
                ));
            }
            let (fu_inc, source) = match it {
                Interaction::Competitive {
                    ki_umol_per_l,
                    fu_inc,
                    source,
                    ..
                }
                | Interaction::NonCompetitive {
                    ki_umol_per_l,
                    fu_inc,
                    source,
                    ..
                }
                | Interaction::Uncompetitive {
                    ki_umol_per_l,
                    fu_inc,
                    source,
                    ..
                } => {
                    c.affinity_umol(&f("ki_umol_per_l"), *ki_umol_per_l)?;
                    (fu_inc, source)
                }
                Interaction::Mixed {
                    ki_umol_per_l,
                    kiu_umol_per_l,
                    fu_inc,
                    source,
                    ..
                } => {
                    c.affinity_umol(&f("ki_umol_per_l"), *ki_umol_per_l)?;
                    c.affinity_umol(&f("kiu_umol_per_l"), *kiu_umol_per_l)?;
                    (fu_inc, source)
                }
                Interaction::MechanismBased {
                    ki_umol_per_l,
                    kinact_per_h,
                    fu_inc,
                    source,
                    ..
                } => {
                    c.affinity_umol(&f("ki_umol_per_l"), *ki_umol_per_l)?;
                    c.positive(&f("kinact_per_h"), *kinact_per_h)?;
                    (fu_inc, source)
                }
                Interaction::Induction {
                    emax,
                    ec50_umol_per_l,
                    hill,
                    fu_inc,
                    source,
                    ..
                } => {
                    c.non_negative(&f("emax"), *emax)?;
                    c.affinity_umol(&f("ec50_umol_per_l"), *ec50_umol_per_l)?;
                    c.positive(&f("hill"), *hill)?;
                    c.at_most(
                        &f("hill"),
                        *hill,
                        10.0,
                        "(induction Hill coefficients are about 0.5-3)",
                    )?;
                    (fu_inc, source)
                }
            };
            if !(*fu_inc > 0.0 && *fu_inc <= 1.0) {
                return Err(PbpkError::invalid(path, f("fu_inc"), "must be in (0, 1]"));
            }
            c.source(&f("source"), source)?;
        }
        for (i, l) in self.limitation.iter().enumerate() {
            for (field, text, hint) in [
                ("what", &l.what, "say what the model gets wrong"),
                (
                    "evidence",
                    &l.evidence,
                    "name the checks (scenarios, predicted vs observed) that show it",
                ),
            ] {
                if text.trim().is_empty() {
                    return Err(PbpkError::invalid(
                        path,
                        format!("limitation[{i}].{field}"),
                        format!("must not be empty: {hint}"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A liver transporter's kinetics (`biliary`, `[hepatic_uptake]`): either a linear
/// `clint_u_l_per_h`, or `vmax_pmol_per_min_per_pmol` with `km_umol_per_l` and
/// `transporter_umol_per_l_liver`; `f` builds the field path.
fn check_transporter_kinetics(
    c: &super::Check,
    f: &dyn Fn(&str) -> String,
    [clint, vmax, km, content]: [Option<f64>; 4],
) -> Result<()> {
    match (clint, vmax, km, content) {
        (Some(cl), None, None, None) => c.non_negative(&f("clint_u_l_per_h"), cl),
        (None, Some(v), Some(km), Some(t)) => {
            c.non_negative(&f("vmax_pmol_per_min_per_pmol"), v)?;
            c.affinity_umol(&f("km_umol_per_l"), km)?;
            c.positive(&f("transporter_umol_per_l_liver"), t)
        }
        _ => Err(PbpkError::invalid(
            c.path,
            f("clint_u_l_per_h"),
            "give either clint_u_l_per_h (linear, L/h, unbound) or vmax_pmol_per_min_per_pmol with km_umol_per_l and transporter_umol_per_l_liver (Michaelis-Menten on the transporter's hepatic content)",
        )),
    }
}
