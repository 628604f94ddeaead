//! Tissue:plasma partition coefficients from drug physico-chemistry and tissue composition.
//!
//! * Rodgers & Rowland (default): Rodgers T, Leahy D, Rowland M. J Pharm Sci 2005;94:1259
//!   (moderate-to-strong bases, pKa >= 7, binding to acidic phospholipids) and Rodgers T,
//!   Rowland M. J Pharm Sci 2006;95:1238 (acids, weak bases, neutrals: binding to albumin
//!   or lipoproteins).
//! * Poulin & Theil: Poulin P, Theil FP. J Pharm Sci 2002;91:1358.
//! * Berezhkovskiy: Berezhkovskiy LM. J Pharm Sci 2004;93:1628 (correction of Poulin & Theil).
//!
//! All return Kp = C_tissue / C_plasma (total concentrations, tissue without its blood).
//! Adipose uses the vegetable-oil:water partition coefficient
//! log D_vo:w = 1.115 log P - 1.35 (Leo, Hansch & Elkins 1971), as all three methods do.

use crate::data::compound::{BindingProtein, Compound, PartitionMethod, PkaKind};
use crate::data::physiology::{Physiology, TissueComposition};

/// Leo et al. 1971 olive-oil:water from octanol:water: log P_vo = a log P + b.
const LEO_SLOPE: f64 = 1.115;
const LEO_INTERCEPT: f64 = 1.35;
/// Rodgers & Rowland: neutral phospholipids partition like 0.3 x lipid + 0.7 x water.
const NP_LIPID_SHARE: f64 = 0.3;
const NP_WATER_SHARE: f64 = 0.7;
/// Rodgers & Rowland 2005: compounds with a basic pKa >= 7 bind acidic phospholipids.
const STRONG_BASE_PKA: f64 = 7.0;

/// Ionisation of a compound at a pH, treating each group independently:
/// total/neutral = 1 + sum_bases 10^(pKa - pH) + sum_acids 10^(pH - pKa).
pub struct Ionisation<'a> {
    pub compound: &'a Compound,
}

impl Ionisation<'_> {
    pub fn total_over_neutral(&self, ph: f64) -> f64 {
        1.0 + self.cationic(ph) + self.anionic(ph)
    }
    /// Ratio of the cationic species to the neutral one.
    pub fn cationic(&self, ph: f64) -> f64 {
        self.compound
            .pka
            .iter()
            .filter(|p| p.kind == PkaKind::Base)
            .map(|p| 10f64.powf(p.value - ph))
            .sum()
    }
    pub fn anionic(&self, ph: f64) -> f64 {
        self.compound
            .pka
            .iter()
            .filter(|p| p.kind == PkaKind::Acid)
            .map(|p| 10f64.powf(ph - p.value))
            .sum()
    }
    pub fn is_strong_base(&self) -> bool {
        self.compound
            .pka
            .iter()
            .any(|p| p.kind == PkaKind::Base && p.value >= STRONG_BASE_PKA)
    }
    pub fn is_acid(&self) -> bool {
        self.compound
            .pka
            .iter()
            .any(|p| p.kind == PkaKind::Acid && p.value < 7.4 + 3.0)
            && !self.is_strong_base()
    }
}

/// Partition coefficient of one organ by the compound's chosen method.
pub fn kp(compound: &Compound, phys: &Physiology, organ: &str) -> f64 {
    if let Some(k) = compound.partition_override.get(organ) {
        return k.value;
    }
    let o = phys.organ(organ);
    let adipose = organ == "fat";
    match compound.partition_method {
        PartitionMethod::RodgersRowland => {
            rodgers_rowland(compound, phys, &o.composition, o.ph_intracellular, adipose)
        }
        PartitionMethod::PoulinTheil => {
            poulin_theil(compound, phys, &o.composition, adipose, false)
        }
        PartitionMethod::Berezhkovskiy => {
            poulin_theil(compound, phys, &o.composition, adipose, true)
        }
    }
}

fn log_p_vo(log_p: f64) -> f64 {
    LEO_SLOPE * log_p - LEO_INTERCEPT
}

/// Rodgers & Rowland Kp (tissue:plasma, total).
///
/// Kpu = f_EW + X_IW/X_P f_IW + Ka_AP [AP]_T (X_IW,cation)/X_P            (bases, pKa >= 7)
///       + (P f_NL + (0.3 P + 0.7) f_NP) / X_P
/// Kpu = f_EW + X_IW/X_P f_IW + (P f_NL + (0.3 P + 0.7) f_NP)/X_P           (others)
///       + (1/fu - 1 - (P f_NL,p + (0.3 P + 0.7) f_NP,p)/X_P) [PR]_T:P
/// Kp = fu Kpu. X is total/neutral at the pH of intracellular water (IW) or plasma (P).
/// Ka_AP follows from the blood-cell partition (Kpu_BC = (Hct - 1 + B:P)/(Hct fu)).
pub fn rodgers_rowland(
    c: &Compound,
    phys: &Physiology,
    t: &TissueComposition,
    ph_iw: f64,
    adipose: bool,
) -> f64 {
    let ion = Ionisation { compound: c };
    let fu = c.fu_plasma.value;
    let log_p = if adipose {
        log_p_vo(c.log_p.value)
    } else {
        c.log_p.value
    };
    let p = 10f64.powf(log_p);
    let ph_p = phys.plasma.ph;
    let x_p = ion.total_over_neutral(ph_p);
    let x_iw = ion.total_over_neutral(ph_iw);
    let lipids = |nl: f64, np: f64, p: f64| p * nl + (NP_LIPID_SHARE * p + NP_WATER_SHARE) * np;

    let mut kpu = t.extracellular_water
        + x_iw / x_p * t.intracellular_water
        + lipids(t.neutral_lipid, t.neutral_phospholipid, p) / x_p;

    if ion.is_strong_base() {
        let ka = acidic_phospholipid_affinity(c, phys);
        kpu += ka * t.acidic_phospholipid_mg_per_g * ion.cationic(ph_iw) / x_p;
    } else {
        let p_plasma = 10f64.powf(c.log_p.value);
        let ka_pr = (1.0 / fu
            - 1.0
            - lipids(
                phys.plasma.neutral_lipid,
                phys.plasma.neutral_phospholipid,
                p_plasma,
            ) / x_p)
            .max(0.0);
        let ratio = match (ion.is_acid(), c.binding_protein) {
            (true, _) => t.albumin_ratio,
            (false, BindingProtein::Albumin) if !c.pka.is_empty() => t.albumin_ratio,
            _ => t.lipoprotein_ratio,
        };
        kpu += ka_pr * ratio;
    }
    fu * kpu
}

/// Affinity of a base for acidic phospholipids, back-calculated from the blood-cell
/// partition (Rodgers et al. 2005, eq. 8), clamped at zero.
pub fn acidic_phospholipid_affinity(c: &Compound, phys: &Physiology) -> f64 {
    let ion = Ionisation { compound: c };
    let fu = c.fu_plasma.value;
    let hct = phys.hematocrit;
    let bp = c.blood_plasma_ratio.value;
    let bc = &phys.blood_cells;
    let p = 10f64.powf(c.log_p.value);
    let x_p = ion.total_over_neutral(phys.plasma.ph);
    let x_bc = ion.total_over_neutral(bc.ph);
    let kpu_bc = (hct - 1.0 + bp) / (hct * fu);
    let rest = x_bc / x_p * bc.intracellular_water
        + (p * bc.neutral_lipid + (NP_LIPID_SHARE * p + NP_WATER_SHARE) * bc.neutral_phospholipid)
            / x_p;
    let denom = bc.acidic_phospholipid_mg_per_g * ion.cationic(bc.ph) / x_p;
    if denom <= 0.0 {
        return 0.0;
    }
    ((kpu_bc - rest) / denom).max(0.0)
}

/// The tissue:plasma ratio of drug-binding proteins in the Poulin & Theil fu_t.
pub const PT_TISSUE_PLASMA_PROTEIN_RATIO: f64 = 0.5;

/// Poulin & Theil (`corrected = false`) or Berezhkovskiy (`corrected = true`).
///
/// P&T:  Kp = [P (f_NL + 0.3 f_PL) + (f_W + 0.7 f_PL)]_t / [same]_p x fu_p / fu_t
/// Bz:   Kp = [P (f_NL + 0.3 f_PL) + 0.7 f_PL + f_W/fu_t]_t / [P (..)_p + 0.7 f_PL,p + f_W,p/fu_p]
/// with fu_t = 1 / (1 + (1 - fu_p)/fu_p x 0.5): Poulin & Theil take the tissue:plasma
/// ratio of binding proteins as 0.5 in every tissue (interstitial albumin about half the
/// plasma's; J Pharm Sci 2000;89:16 and 2002;91:1358), and Berezhkovskiy keeps their fu_t.
/// (Until session 14 this used the Rodgers & Rowland tissue albumin ratios, 0.05-0.28,
/// which raised fu_t and lowered lopinavir's Vss from 4.0 to 1.3 L/kg.) In adipose the
/// vegetable-oil:water distribution coefficient of the neutral form at plasma pH is used
/// and binding in tissue is neglected (fu_t = 1), as in the original papers.
pub fn poulin_theil(
    c: &Compound,
    phys: &Physiology,
    t: &TissueComposition,
    adipose: bool,
    corrected: bool,
) -> f64 {
    let fu_p = c.fu_plasma.value;
    let ion = Ionisation { compound: c };
    let (p, fu_t) = if adipose {
        let d = 10f64.powf(log_p_vo(c.log_p.value)) / ion.total_over_neutral(phys.plasma.ph);
        (d, 1.0)
    } else {
        let fu_t = 1.0 / (1.0 + (1.0 - fu_p) / fu_p * PT_TISSUE_PLASMA_PROTEIN_RATIO);
        (10f64.powf(c.log_p.value), fu_t)
    };
    let pl = &phys.plasma;
    let lip = |nl: f64, pl: f64| p * (nl + NP_LIPID_SHARE * pl);
    if corrected {
        let num = lip(t.neutral_lipid_pt, t.phospholipid_pt)
            + NP_WATER_SHARE * t.phospholipid_pt
            + t.water_pt / fu_t;
        let den = lip(pl.neutral_lipid_pt, pl.phospholipid_pt)
            + NP_WATER_SHARE * pl.phospholipid_pt
            + pl.water_pt / fu_p;
        num / den
    } else {
        let num = lip(t.neutral_lipid_pt, t.phospholipid_pt)
            + t.water_pt
            + NP_WATER_SHARE * t.phospholipid_pt;
        let den = lip(pl.neutral_lipid_pt, pl.phospholipid_pt)
            + pl.water_pt
            + NP_WATER_SHARE * pl.phospholipid_pt;
        num / den * fu_p / fu_t
    }
}
