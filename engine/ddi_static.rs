//! The mechanistic static model of the FDA 2020 guidance (In Vitro Drug Interaction Studies,
//! Cytochrome P450 Enzyme- and Transporter-Mediated Drug Interactions, Appendix; Fahmi et al.
//! Drug Metab Dispos 2009;37:1658), computed from the same compound files as the dynamic
//! model, for a quick screen beside the dynamic prediction:
//!
//!   AUCR = 1 / (Ag Bg Cg (1 - Fg) + Fg) x 1 / (Ah Bh Ch fm + (1 - fm))
//!
//! with, for each site (g: gut wall, h: liver) and all perpetrators together,
//!   A = 1 / (1 + sum [I]/Ki)                                  reversible inhibition
//!   B = kdeg / (kdeg + sum kinact [I] / ([I] + KI))           time-dependent inhibition
//!   C = 1 + sum Emax [I] / ([I] + EC50)                       induction (d = 1)
//! and the guidance's perpetrator concentrations:
//!   [I]h = fu,p (Cmax + Fa ka Dose / (Qh B:P))                maximal unbound hepatic inlet
//!   [I]g = Fa ka Dose / Qen                                   enterocytes (Qen = villous flow)
//! with Fa = 1 and ka = 0.1/min (the guidance's defaults) and Cmax the perpetrator's plasma
//! Cmax in the dynamic test arm. fm is the fraction of the victim's clearance through the
//! enzyme and Fg its gut availability (1 after IV dosing), both as the reference arm
//! reported them (`run::fractions_metabolised`, well-stirred liver and renal clearance).

use crate::data::compound::Interaction;
use crate::run::{ArmRun, Prepared};

/// The guidance's default absorption rate constant, 0.1 /min, in 1/h.
pub const KA_DEFAULT_PER_H: f64 = 6.0;

/// The static prediction for one victim and test arm, with its terms.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StaticDdi {
    pub enzyme: String,
    pub fm: f64,
    pub fg: f64,
    pub a_gut: f64,
    pub b_gut: f64,
    pub c_gut: f64,
    pub a_liver: f64,
    pub b_liver: f64,
    pub c_liver: f64,
    pub auc_ratio: f64,
}

/// Static AUC ratio of `victim` between `reference` and `test` arms, for the victim's
/// enzyme most affected (by fm). `None` when nothing in the test arm acts on its enzymes.
pub fn static_auc_ratio(
    p: &Prepared,
    victim: &str,
    reference: &ArmRun,
    test: &ArmRun,
) -> Option<StaticDdi> {
    let phys = &p.physiology;
    let kv = p.compounds.iter().position(|(c, _)| c.name == victim)?;
    // The victim's fm per enzyme and Fg, as the reference arm reported them.
    let victim_run = reference.compounds.iter().find(|c| c.compound == victim)?;
    let fg = victim_run.fractions.map_or(1.0, |f| f.fg);
    let q = phys.hepatic_blood_flow_l_per_h();
    let qen = phys.gut.villous_blood_flow_l_per_h;

    let mut best: Option<StaticDdi> = None;
    for (enzyme, fm) in victim_run.fm.iter().filter(|(e, _)| e != "renal") {
        let (enzyme, fm) = (enzyme.as_str(), *fm);
        let (mut s_g, mut s_h) = (0.0, 0.0); // sum [I]/Ki
        let (mut k_g, mut k_h) = (0.0, 0.0); // sum kinact [I]/([I]+KI)
        let (mut e_g, mut e_h) = (0.0, 0.0); // sum Emax [I]/([I]+EC50)
        let mut acts = false;
        for (k, (c, _)) in p.compounds.iter().enumerate() {
            if k == kv {
                continue;
            }
            let Some(run) = test.compounds.iter().find(|r| r.compound == c.name) else {
                continue;
            };
            let dose = run.last_dose_mg;
            let umol = |mg_per_l: f64| mg_per_l * 1000.0 / c.mw();
            let fu = c.fu_plasma.value;
            let i_h = umol(
                fu * (run.nca.cmax + KA_DEFAULT_PER_H * dose / (q * c.blood_plasma_ratio.value)),
            );
            let i_g = if run.oral {
                umol(KA_DEFAULT_PER_H * dose / qen)
            } else {
                0.0
            };
            for it in c.interaction.iter().filter(|i| i.enzyme() == enzyme) {
                acts = true;
                match it {
                    Interaction::Competitive {
                        ki_umol_per_l,
                        fu_inc,
                        ..
                    }
                    | Interaction::NonCompetitive {
                        ki_umol_per_l,
                        fu_inc,
                        ..
                    }
                    | Interaction::Mixed {
                        ki_umol_per_l,
                        fu_inc,
                        ..
                    } => {
                        let ki = ki_umol_per_l * fu_inc;
                        s_g += i_g / ki;
                        s_h += i_h / ki;
                    }
                    Interaction::Uncompetitive { .. } => {}
                    Interaction::MechanismBased {
                        ki_umol_per_l,
                        kinact_per_h,
                        fu_inc,
                        ..
                    } => {
                        let ki = ki_umol_per_l * fu_inc;
                        k_g += kinact_per_h * i_g / (i_g + ki);
                        k_h += kinact_per_h * i_h / (i_h + ki);
                    }
                    Interaction::Induction {
                        emax,
                        ec50_umol_per_l,
                        fu_inc,
                        ..
                    } => {
                        let ec50 = ec50_umol_per_l * fu_inc;
                        e_g += emax * i_g / (i_g + ec50);
                        e_h += emax * i_h / (i_h + ec50);
                    }
                }
            }
        }
        if !acts {
            continue;
        }
        let kdeg_h = phys
            .enzymes
            .liver
            .get(enzyme)
            .map_or(0.0193, |e| e.kdeg_per_h);
        let kdeg_g = phys
            .enzymes
            .gut
            .get(enzyme)
            .map_or(kdeg_h, |e| e.kdeg_per_h);
        let (a_g, b_g, c_g) = (1.0 / (1.0 + s_g), kdeg_g / (kdeg_g + k_g), 1.0 + e_g);
        let (a_h, b_h, c_h) = (1.0 / (1.0 + s_h), kdeg_h / (kdeg_h + k_h), 1.0 + e_h);
        let gut = 1.0 / (a_g * b_g * c_g * (1.0 - fg) + fg);
        let liver = 1.0 / (a_h * b_h * c_h * fm + (1.0 - fm));
        let r = StaticDdi {
            enzyme: enzyme.to_string(),
            fm,
            fg,
            a_gut: a_g,
            b_gut: b_g,
            c_gut: c_g,
            a_liver: a_h,
            b_liver: b_h,
            c_liver: c_h,
            auc_ratio: gut * liver,
        };
        if best.as_ref().is_none_or(|b| r.fm > b.fm) {
            best = Some(r);
        }
    }
    best
}
