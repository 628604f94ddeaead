//! Physiology files (`physiologies/*.toml`): one reference individual.
//!
//! Organs are the PK-Sim / ICRP 2002 set. Each organ has a volume, a blood flow (the lung
//! receives the cardiac output and has none of its own), vascular and interstitial
//! fractions, and the tissue composition the partition methods need (Rodgers & Rowland
//! 2005/2006 and Poulin & Theil 2002 fractions). Stomach, intestines, pancreas and spleen
//! drain into the portal vein, which with the hepatic artery perfuses the liver.

use super::{parse_toml, Check};
use crate::error::{PbpkError, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Organs of the whole-body model, in a fixed order (the state layout follows it).
pub const ORGANS: [&str; 15] = [
    "lung",
    "brain",
    "heart",
    "kidney",
    "liver",
    "stomach",
    "small_intestine",
    "large_intestine",
    "pancreas",
    "spleen",
    "muscle",
    "fat",
    "skin",
    "bone",
    "gonads",
];

/// Organs whose venous blood drains into the portal vein (anatomy, not a choice).
pub const PORTAL_ORGANS: [&str; 5] = [
    "stomach",
    "small_intestine",
    "large_intestine",
    "pancreas",
    "spleen",
];

/// Relative tolerance for "cardiac output equals the sum of organ flows".
pub const FLOW_BALANCE_TOLERANCE: f64 = 0.01;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PhysiologyFile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub sex: Sex,
    pub age_years: f64,
    pub body_weight_kg: f64,
    pub height_cm: f64,
    pub hematocrit: f64,
    pub cardiac_output_l_per_h: f64,
    pub gfr_ml_per_min: f64,
    pub albumin_g_per_l: f64,
    pub agp_g_per_l: f64,
    /// Multiplies compounds' active renal secretion (a child's size and maturation); 1 for
    /// a file's individual. Not read from files.
    #[serde(skip, default = "one")]
    pub renal_secretion_factor: f64,
    /// Source of the scalar values above.
    pub source: String,
    pub blood: BloodPools,
    pub plasma: PlasmaComposition,
    pub blood_cells: BloodCellComposition,
    pub organs: BTreeMap<String, Organ>,
    pub gut: GutWall,
    pub enzymes: Enzymes,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BloodPools {
    pub arterial_volume_l: f64,
    pub venous_volume_l: f64,
    pub portal_vein_volume_l: f64,
    pub source: String,
}

/// Plasma composition used by the partition methods (fractions of plasma volume).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlasmaComposition {
    pub ph: f64,
    /// Rodgers & Rowland neutral lipid and neutral phospholipid fractions.
    pub neutral_lipid: f64,
    pub neutral_phospholipid: f64,
    /// Poulin & Theil water, neutral lipid and phospholipid fractions.
    pub water_pt: f64,
    pub neutral_lipid_pt: f64,
    pub phospholipid_pt: f64,
    pub source: String,
}

/// Red blood cell composition (Rodgers & Rowland), used to derive the acidic phospholipid
/// affinity of bases from the blood:plasma ratio.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BloodCellComposition {
    pub ph: f64,
    pub intracellular_water: f64,
    pub neutral_lipid: f64,
    pub neutral_phospholipid: f64,
    pub acidic_phospholipid_mg_per_g: f64,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organ {
    pub volume_l: f64,
    /// Arterial blood flow into the organ; for the liver the hepatic artery only. The lung
    /// has none (it receives the cardiac output).
    #[serde(default)]
    pub blood_flow_l_per_h: Option<f64>,
    /// `venous_blood` or `portal_vein`.
    pub drains_to: Drain,
    pub fraction_vascular: f64,
    pub fraction_interstitial: f64,
    /// Intracellular pH (Rodgers & Rowland use 7.0 for all tissues).
    pub ph_intracellular: f64,
    pub composition: TissueComposition,
    pub source: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Drain {
    VenousBlood,
    PortalVein,
}

/// Tissue composition as fractions of tissue volume (R&R and P&T sets kept apart, as in PK-Sim).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TissueComposition {
    pub extracellular_water: f64,
    pub intracellular_water: f64,
    pub neutral_lipid: f64,
    pub neutral_phospholipid: f64,
    pub acidic_phospholipid_mg_per_g: f64,
    /// Tissue:plasma concentration ratios of albumin and lipoproteins.
    pub albumin_ratio: f64,
    pub lipoprotein_ratio: f64,
    pub water_pt: f64,
    pub neutral_lipid_pt: f64,
    pub phospholipid_pt: f64,
}

impl Organ {
    /// The names of the organ's fields an age table may change: the interstitial fraction
    /// and every composition field (by its name in `[organs.X.composition]`).
    pub fn age_dependent_fields() -> impl Iterator<Item = &'static str> {
        std::iter::once("fraction_interstitial").chain(TissueComposition::FIELDS)
    }

    /// The field called `name` (one of [`Self::age_dependent_fields`]).
    pub fn age_dependent_field_mut(&mut self, name: &str) -> Option<&mut f64> {
        match name {
            "fraction_interstitial" => Some(&mut self.fraction_interstitial),
            _ => self.composition.field_mut(name),
        }
    }
}

impl TissueComposition {
    /// The names of the composition fields, as in the physiology files.
    pub const FIELDS: [&'static str; 10] = [
        "extracellular_water",
        "intracellular_water",
        "neutral_lipid",
        "neutral_phospholipid",
        "acidic_phospholipid_mg_per_g",
        "albumin_ratio",
        "lipoprotein_ratio",
        "water_pt",
        "neutral_lipid_pt",
        "phospholipid_pt",
    ];

    /// The field called `name` (one of [`Self::FIELDS`]).
    pub fn field_mut(&mut self, name: &str) -> Option<&mut f64> {
        Some(match name {
            "extracellular_water" => &mut self.extracellular_water,
            "intracellular_water" => &mut self.intracellular_water,
            "neutral_lipid" => &mut self.neutral_lipid,
            "neutral_phospholipid" => &mut self.neutral_phospholipid,
            "acidic_phospholipid_mg_per_g" => &mut self.acidic_phospholipid_mg_per_g,
            "albumin_ratio" => &mut self.albumin_ratio,
            "lipoprotein_ratio" => &mut self.lipoprotein_ratio,
            "water_pt" => &mut self.water_pt,
            "neutral_lipid_pt" => &mut self.neutral_lipid_pt,
            "phospholipid_pt" => &mut self.phospholipid_pt,
            _ => return None,
        })
    }

    /// If a partition method's volume fractions sum above 1 (PK-Sim's newborn adipose
    /// Poulin & Theil set sums to 1.058), take the excess from that set's water, so lipid
    /// and phospholipid stay as tabulated.
    pub fn cap_water_to_unit_sum(&mut self) {
        let rr = self.extracellular_water
            + self.intracellular_water
            + self.neutral_lipid
            + self.neutral_phospholipid;
        if rr > 1.0 {
            let w = self.extracellular_water + self.intracellular_water;
            let keep = ((w - (rr - 1.0)) / w).max(0.0);
            self.extracellular_water *= keep;
            self.intracellular_water *= keep;
        }
        let pt = self.water_pt + self.neutral_lipid_pt + self.phospholipid_pt;
        if pt > 1.0 {
            self.water_pt = (self.water_pt - (pt - 1.0)).max(0.0);
        }
    }
}

/// Gut lumen segments of the compartmental absorption and transit model, in transit order.
/// The seven small-intestine segments follow Yu & Amidon's CAT model (Int J Pharm
/// 1999;186:119-125: seven compartments of equal transit time).
pub const GUT_SEGMENTS: [&str; 9] = [
    "stomach",
    "duodenum",
    "jejunum_1",
    "jejunum_2",
    "ileum_1",
    "ileum_2",
    "ileum_3",
    "ileum_4",
    "colon",
];

/// Indices into `GUT_SEGMENTS` of the small-intestine segments (each has enterocytes).
pub const SMALL_INTESTINE: std::ops::Range<usize> = 1..8;
/// Index of the colon in `GUT_SEGMENTS`.
pub const COLON: usize = 8;

/// The gut: enterocytes (gut wall) for first-pass metabolism (the Qgut idea: drug absorbed
/// into enterocytes leaves by villous blood flow or is metabolised) and the lumen segments.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GutWall {
    /// Total small-intestine enterocyte volume; split between segments by mucosal surface.
    pub enterocyte_volume_l: f64,
    /// Total villous blood flow; split between segments by mucosal surface.
    pub villous_blood_flow_l_per_h: f64,
    pub source: String,
    /// Lumen segments by name (all of `GUT_SEGMENTS`).
    pub segments: BTreeMap<String, GutSegment>,
}

/// One lumen segment. Absorption from a cylinder of radius R with effective permeability
/// Peff: ka = 2 Peff / R (Yu & Amidon 1999).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GutSegment {
    /// Mean residence time (first-order transit to the next segment: k = 1 / time).
    pub transit_time_h: f64,
    /// Radius and length of the tube (not needed for the stomach, which absorbs nothing).
    #[serde(default)]
    pub radius_cm: Option<f64>,
    #[serde(default)]
    pub length_cm: Option<f64>,
    /// Fluid volume in the segment (for dissolution: concentration = amount / volume).
    pub fluid_volume_l: f64,
    pub ph: f64,
    /// Effective absorptive surface relative to the smooth tube, relative to the small
    /// intestine (1 there): scales the drug's jejunal Peff in this segment.
    #[serde(default = "one")]
    pub permeability_scale: f64,
    /// Share of each gut enzyme's total amount in this segment (small intestine only; an
    /// enzyme not listed is split by mucosal surface).
    #[serde(default)]
    pub enzyme_fraction: BTreeMap<String, f64>,
    pub source: String,
}

fn one() -> f64 {
    1.0
}

impl GutWall {
    pub fn segment(&self, i: usize) -> &GutSegment {
        &self.segments[GUT_SEGMENTS[i]]
    }

    /// Mucosal (smooth-tube) surface 2 pi R L of segment i, cm^2.
    pub fn surface_cm2(&self, i: usize) -> f64 {
        let s = self.segment(i);
        2.0 * std::f64::consts::PI * s.radius_cm.unwrap_or(0.0) * s.length_cm.unwrap_or(0.0)
    }

    /// Share of the small-intestine mucosal surface in SI segment i.
    pub fn surface_share(&self, i: usize) -> f64 {
        let total: f64 = SMALL_INTESTINE.map(|j| self.surface_cm2(j)).sum();
        self.surface_cm2(i) / total
    }

    /// Share of `enzyme`'s intestinal amount in SI segment i.
    pub fn enzyme_share(&self, enzyme: &str, i: usize) -> f64 {
        let listed = SMALL_INTESTINE
            .clone()
            .any(|j| self.segment(j).enzyme_fraction.contains_key(enzyme));
        if listed {
            self.segment(i)
                .enzyme_fraction
                .get(enzyme)
                .copied()
                .unwrap_or(0.0)
        } else {
            self.surface_share(i)
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Enzymes {
    pub mppgl_mg_per_g: f64,
    pub liver_density_g_per_ml: f64,
    pub source: String,
    pub liver: BTreeMap<String, HepaticEnzyme>,
    #[serde(default)]
    pub gut: BTreeMap<String, GutEnzyme>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HepaticEnzyme {
    /// Reference abundance (also what microsomal per-mg rates are divided by).
    pub abundance_pmol_per_mg: f64,
    pub kdeg_per_h: f64,
    pub source: String,
    /// A virtual subject's multiplier of the reference abundance (variability, phenotype);
    /// 1 for a file's individual. Not read from files.
    #[serde(skip, default = "one")]
    pub subject_factor: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GutEnzyme {
    /// Total amount in the small-intestinal enterocytes.
    pub amount_nmol: f64,
    pub kdeg_per_h: f64,
    pub source: String,
    /// A virtual subject's multiplier of the amount; 1 for a file's individual.
    #[serde(skip, default = "one")]
    pub subject_factor: f64,
}

/// A validated physiology (units as in the field names; conversions happen in the model).
pub type Physiology = PhysiologyFile;

impl PhysiologyFile {
    pub fn organ(&self, name: &str) -> &Organ {
        &self.organs[name]
    }

    /// Liver mass in g (volume x density).
    pub fn liver_mass_g(&self) -> f64 {
        self.organ("liver").volume_l * 1000.0 * self.enzymes.liver_density_g_per_ml
    }

    /// The liver amount a fitted hepatic clearance scales with (`hepatic_fitted`): the
    /// enzyme's amount in pmol when the physiology lists the enzyme, else the microsomal
    /// protein in mg (MPPGL x liver mass), for an unnamed or unlisted enzyme.
    pub fn fitted_liver_amount(&self, enzyme: Option<&str>) -> f64 {
        enzyme
            .and_then(|e| self.hepatic_enzyme_pmol(e))
            .unwrap_or_else(|| self.enzymes.mppgl_mg_per_g * self.liver_mass_g())
    }

    /// Whether the physiology lists `name` as a hepatic or intestinal enzyme.
    pub fn has_enzyme(&self, name: &str) -> bool {
        self.enzymes.liver.contains_key(name) || self.enzymes.gut.contains_key(name)
    }

    /// Every enzyme the physiology lists: the hepatic ones, then those only in the gut.
    pub fn enzyme_names(&self) -> impl Iterator<Item = &str> {
        let gut_only = self
            .enzymes
            .gut
            .keys()
            .filter(|k| !self.enzymes.liver.contains_key(*k));
        self.enzymes
            .liver
            .keys()
            .chain(gut_only)
            .map(String::as_str)
    }

    /// The listed enzyme (hepatic or intestinal) whose name equals `name` but for letter
    /// case, if `name` itself is not listed: a likely typo.
    pub fn enzyme_case_mismatch(&self, name: &str) -> Option<&str> {
        if self.has_enzyme(name) {
            return None;
        }
        self.enzyme_names().find(|k| k.eq_ignore_ascii_case(name))
    }

    /// Hepatic amount of an enzyme in pmol: abundance x MPPGL x liver mass.
    pub fn hepatic_enzyme_pmol(&self, enzyme: &str) -> Option<f64> {
        self.enzymes.liver.get(enzyme).map(|e| {
            e.abundance_pmol_per_mg
                * e.subject_factor
                * self.enzymes.mppgl_mg_per_g
                * self.liver_mass_g()
        })
    }

    /// Intestinal amount of an enzyme in pmol.
    pub fn gut_enzyme_pmol(&self, enzyme: &str) -> Option<f64> {
        self.enzymes
            .gut
            .get(enzyme)
            .map(|e| e.amount_nmol * e.subject_factor * 1000.0)
    }

    /// Blood flow through the liver (L/h): hepatic artery plus portal vein.
    pub fn hepatic_blood_flow_l_per_h(&self) -> f64 {
        self.organ("liver").blood_flow_l_per_h.unwrap_or(0.0) + self.portal_flow_l_per_h()
    }

    /// Portal vein blood flow (L/h): the sum of the flows of the organs draining into it.
    pub fn portal_flow_l_per_h(&self) -> f64 {
        self.organs
            .values()
            .filter(|o| o.drains_to == Drain::PortalVein)
            .filter_map(|o| o.blood_flow_l_per_h)
            .sum()
    }

    /// Total blood volume in the model (pools plus organ vascular spaces), L.
    pub fn parse(path: &str, text: &str) -> Result<Physiology> {
        let p: PhysiologyFile = parse_toml(path, text)?;
        p.validate(path)?;
        Ok(p)
    }

    pub fn validate(&self, path: &str) -> Result<()> {
        let c = Check { path };
        c.source("source", &self.source)?;
        c.positive("age_years", self.age_years + 1e-9)?;
        c.positive("body_weight_kg", self.body_weight_kg)?;
        c.positive("height_cm", self.height_cm)?;
        c.fraction("hematocrit", self.hematocrit)?;
        c.positive("cardiac_output_l_per_h", self.cardiac_output_l_per_h)?;
        c.positive("gfr_ml_per_min", self.gfr_ml_per_min)?;
        c.positive("albumin_g_per_l", self.albumin_g_per_l)?;
        c.positive("agp_g_per_l", self.agp_g_per_l)?;
        c.positive("blood.arterial_volume_l", self.blood.arterial_volume_l)?;
        c.positive("blood.venous_volume_l", self.blood.venous_volume_l)?;
        c.positive(
            "blood.portal_vein_volume_l",
            self.blood.portal_vein_volume_l,
        )?;
        c.source("blood.source", &self.blood.source)?;
        for (f, v) in [
            ("plasma.neutral_lipid", self.plasma.neutral_lipid),
            (
                "plasma.neutral_phospholipid",
                self.plasma.neutral_phospholipid,
            ),
            ("plasma.water_pt", self.plasma.water_pt),
            ("plasma.neutral_lipid_pt", self.plasma.neutral_lipid_pt),
            ("plasma.phospholipid_pt", self.plasma.phospholipid_pt),
            (
                "blood_cells.intracellular_water",
                self.blood_cells.intracellular_water,
            ),
            ("blood_cells.neutral_lipid", self.blood_cells.neutral_lipid),
            (
                "blood_cells.neutral_phospholipid",
                self.blood_cells.neutral_phospholipid,
            ),
        ] {
            c.fraction(f, v)?;
        }
        c.non_negative(
            "blood_cells.acidic_phospholipid_mg_per_g",
            self.blood_cells.acidic_phospholipid_mg_per_g,
        )?;
        for (f, ph) in [
            ("plasma.ph", self.plasma.ph),
            ("blood_cells.ph", self.blood_cells.ph),
        ] {
            check_ph(path, f, ph)?;
        }
        c.source("plasma.source", &self.plasma.source)?;
        c.source("blood_cells.source", &self.blood_cells.source)?;

        for name in self.organs.keys() {
            if !ORGANS.contains(&name.as_str()) {
                return Err(PbpkError::invalid(
                    path,
                    format!("organs.{name}"),
                    format!("unknown organ; expected one of: {}", ORGANS.join(", ")),
                ));
            }
        }
        for name in ORGANS {
            let o = self.organs.get(name).ok_or_else(|| {
                PbpkError::invalid(path, format!("organs.{name}"), "missing organ table")
            })?;
            let f = |s: &str| format!("organs.{name}.{s}");
            c.positive(&f("volume_l"), o.volume_l)?;
            c.source(&f("source"), &o.source)?;
            c.fraction(&f("fraction_vascular"), o.fraction_vascular)?;
            c.fraction(&f("fraction_interstitial"), o.fraction_interstitial)?;
            if o.fraction_vascular + o.fraction_interstitial > 1.0 {
                return Err(PbpkError::invalid(
                    path,
                    f("fraction_interstitial"),
                    format!(
                        "vascular ({}) + interstitial ({}) fractions exceed 1",
                        o.fraction_vascular, o.fraction_interstitial
                    ),
                ));
            }
            check_ph(path, &f("ph_intracellular"), o.ph_intracellular)?;
            let t = &o.composition;
            for (n, v) in [
                ("extracellular_water", t.extracellular_water),
                ("intracellular_water", t.intracellular_water),
                ("neutral_lipid", t.neutral_lipid),
                ("neutral_phospholipid", t.neutral_phospholipid),
                ("water_pt", t.water_pt),
                ("neutral_lipid_pt", t.neutral_lipid_pt),
                ("phospholipid_pt", t.phospholipid_pt),
            ] {
                c.fraction(&f(&format!("composition.{n}")), v)?;
            }
            for (n, v) in [
                (
                    "acidic_phospholipid_mg_per_g",
                    t.acidic_phospholipid_mg_per_g,
                ),
                ("albumin_ratio", t.albumin_ratio),
                ("lipoprotein_ratio", t.lipoprotein_ratio),
            ] {
                c.non_negative(&f(&format!("composition.{n}")), v)?;
            }
            let rr = t.extracellular_water
                + t.intracellular_water
                + t.neutral_lipid
                + t.neutral_phospholipid;
            let pt = t.water_pt + t.neutral_lipid_pt + t.phospholipid_pt;
            for (n, s) in [("Rodgers & Rowland", rr), ("Poulin & Theil", pt)] {
                if s > 1.02 {
                    return Err(PbpkError::invalid(
                        path,
                        f("composition"),
                        format!("{n} volume fractions sum to {s:.3}; they must not exceed 1"),
                    ));
                }
            }
            // Flows and drainage.
            let portal = PORTAL_ORGANS.contains(&name);
            let expected = if portal {
                Drain::PortalVein
            } else {
                Drain::VenousBlood
            };
            if o.drains_to != expected {
                return Err(PbpkError::invalid(
                    path,
                    f("drains_to"),
                    format!(
                        "must be \"{}\": {} drain into the portal vein and from there into the liver; all other organs into venous blood",
                        if portal { "portal_vein" } else { "venous_blood" },
                        PORTAL_ORGANS.join(", ")
                    ),
                ));
            }
            match (name, o.blood_flow_l_per_h) {
                ("lung", Some(_)) => {
                    return Err(PbpkError::invalid(
                        path,
                        f("blood_flow_l_per_h"),
                        "the lung receives the whole cardiac output; leave its flow out",
                    ))
                }
                ("lung", None) => {}
                (_, Some(q)) => c.positive(&f("blood_flow_l_per_h"), q)?,
                (_, None) => {
                    return Err(PbpkError::invalid(
                        path,
                        f("blood_flow_l_per_h"),
                        "missing: every organ but the lung needs its arterial blood flow in L/h",
                    ))
                }
            }
        }
        let sum: f64 = self
            .organs
            .values()
            .filter_map(|o| o.blood_flow_l_per_h)
            .sum();
        let rel = (sum - self.cardiac_output_l_per_h).abs() / self.cardiac_output_l_per_h;
        if rel > FLOW_BALANCE_TOLERANCE {
            return Err(PbpkError::invalid(
                path,
                "cardiac_output_l_per_h",
                format!(
                    "flows do not balance: cardiac output is {:.2} L/h but the organ flows sum to {:.2} L/h ({:.1} % apart; tolerance {} %)",
                    self.cardiac_output_l_per_h,
                    sum,
                    rel * 100.0,
                    FLOW_BALANCE_TOLERANCE * 100.0
                ),
            ));
        }
        c.positive("gut.enterocyte_volume_l", self.gut.enterocyte_volume_l)?;
        c.positive(
            "gut.villous_blood_flow_l_per_h",
            self.gut.villous_blood_flow_l_per_h,
        )?;
        c.source("gut.source", &self.gut.source)?;
        for name in self.gut.segments.keys() {
            if !GUT_SEGMENTS.contains(&name.as_str()) {
                return Err(PbpkError::invalid(
                    path,
                    format!("gut.segments.{name}"),
                    format!("unknown segment; expected {}", GUT_SEGMENTS.join(", ")),
                ));
            }
        }
        for (i, name) in GUT_SEGMENTS.iter().enumerate() {
            let f = |x: &str| format!("gut.segments.{name}.{x}");
            let Some(seg) = self.gut.segments.get(*name) else {
                return Err(PbpkError::invalid(
                    path,
                    format!("gut.segments.{name}"),
                    format!(
                        "missing; the transit model needs every segment: {}",
                        GUT_SEGMENTS.join(", ")
                    ),
                ));
            };
            c.positive(&f("transit_time_h"), seg.transit_time_h)?;
            c.positive(&f("fluid_volume_l"), seg.fluid_volume_l)?;
            c.non_negative(&f("permeability_scale"), seg.permeability_scale)?;
            check_ph(path, &f("ph"), seg.ph)?;
            c.source(&f("source"), &seg.source)?;
            if i > 0 {
                for (x, v) in [("radius_cm", seg.radius_cm), ("length_cm", seg.length_cm)] {
                    match v {
                        Some(v) => c.positive(&f(x), v)?,
                        None => {
                            return Err(PbpkError::invalid(
                                path,
                                f(x),
                                "missing; absorbing segments need radius_cm and length_cm",
                            ))
                        }
                    }
                }
            }
            for (e, v) in &seg.enzyme_fraction {
                c.fraction(&f(&format!("enzyme_fraction.{e}")), *v)?;
                if !SMALL_INTESTINE.contains(&i) && *v > 0.0 {
                    return Err(PbpkError::invalid(
                        path,
                        f(&format!("enzyme_fraction.{e}")),
                        "only small-intestine segments have enterocytes with enzymes",
                    ));
                }
            }
        }
        let enzymes: std::collections::BTreeSet<&String> = self
            .gut
            .segments
            .values()
            .flat_map(|s| s.enzyme_fraction.keys())
            .collect();
        for e in enzymes {
            let sum: f64 = SMALL_INTESTINE
                .map(|j| {
                    self.gut
                        .segment(j)
                        .enzyme_fraction
                        .get(e)
                        .copied()
                        .unwrap_or(0.0)
                })
                .sum();
            if (sum - 1.0).abs() > 0.01 {
                return Err(PbpkError::invalid(
                    path,
                    format!("gut.segments.*.enzyme_fraction.{e}"),
                    format!("the shares of {e} over the small-intestine segments sum to {sum:.3}; they must sum to 1"),
                ));
            }
        }
        if self.gut.villous_blood_flow_l_per_h
            > self
                .organ("small_intestine")
                .blood_flow_l_per_h
                .unwrap_or(0.0)
        {
            return Err(PbpkError::invalid(
                path,
                "gut.villous_blood_flow_l_per_h",
                "villous blood flow cannot exceed the small-intestine blood flow",
            ));
        }
        c.positive("enzymes.mppgl_mg_per_g", self.enzymes.mppgl_mg_per_g)?;
        c.positive(
            "enzymes.liver_density_g_per_ml",
            self.enzymes.liver_density_g_per_ml,
        )?;
        c.source("enzymes.source", &self.enzymes.source)?;
        for (n, e) in &self.enzymes.liver {
            c.non_negative(
                &format!("enzymes.liver.{n}.abundance_pmol_per_mg"),
                e.abundance_pmol_per_mg,
            )?;
            c.positive(&format!("enzymes.liver.{n}.kdeg_per_h"), e.kdeg_per_h)?;
            c.source(&format!("enzymes.liver.{n}.source"), &e.source)?;
        }
        for (n, e) in &self.enzymes.gut {
            c.non_negative(&format!("enzymes.gut.{n}.amount_nmol"), e.amount_nmol)?;
            c.positive(&format!("enzymes.gut.{n}.kdeg_per_h"), e.kdeg_per_h)?;
            c.source(&format!("enzymes.gut.{n}.source"), &e.source)?;
        }
        Ok(())
    }
}

fn check_ph(path: &str, field: &str, ph: f64) -> Result<()> {
    if !(ph.is_finite() && (0.0..=14.0).contains(&ph)) {
        return Err(PbpkError::invalid(
            path,
            field,
            format!("pH must be in [0, 14], got {}", crate::data::show(ph)),
        ));
    }
    Ok(())
}
