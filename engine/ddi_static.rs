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
//!   [I]h = fu,p (Cmax + Fa Fg ka Dose / (Qh B:P))             maximal unbound hepatic inlet
//!   [I]g = Fa ka Dose / Qen                                   enterocytes (Qen = villous flow)
//! with ka = 0.1/min (the guidance's default), the perpetrator's own Fa and Fg as its run
//! reports them (for an IV perpetrator no absorption term), and Cmax the perpetrator's
//! plasma Cmax in the dynamic test arm; C takes the induction's Hill coefficient n,
//! 1 + sum Emax [I]^n / ([I]^n + EC50^n). Several enzymes of the victim combine in the
//! hepatic term as 1 / (sum_i fm_i A_i B_i C_i + 1 - sum_i fm_i). fm is the fraction of the victim's clearance through the
//! enzyme and Fg its gut availability (1 after IV dosing), both as the reference arm
//! reported them (`run::fractions_metabolised`, well-stirred liver and renal clearance).

use crate::data::compound::Interaction;
use crate::run::{ArmRun, Prepared};

/// The guidance's default absorption rate constant, 0.1 /min, in 1/h.
pub const KA_DEFAULT_PER_H: f64 = 6.0;

/// A perpetrator whose last dose came more than this long (h) before the victim's is not
/// counted as present by the static model.
pub const PRESENT_WITHIN_H: f64 = 24.0;

/// The static prediction for one victim and test arm, with its terms.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StaticDdi {
    /// The victim's enzymes the perpetrators act on, joined by "+" (largest fm first); the
    /// A, B, C terms below are CYP3A4's when it is among them (the gut term's), else the
    /// first one's.
    pub enzyme: String,
    /// Sum of the victim's fm over those enzymes.
    pub fm: f64,
    pub fg: f64,
    pub a_gut: f64,
    pub b_gut: f64,
    pub c_gut: f64,
    pub a_liver: f64,
    pub b_liver: f64,
    pub c_liver: f64,
    pub auc_ratio: f64,
    /// Every enzyme of the victim that a perpetrator acts on, largest fm first, with its
    /// fm and hepatic A, B, C terms (the hepatic term combines them all).
    pub liver_terms: Vec<EnzymeTerms>,
    /// The perpetrators counted, with the guidance's unbound inlet concentrations.
    pub perpetrators: Vec<PerpetratorInlet>,
}

/// One enzyme's share of the hepatic term.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EnzymeTerms {
    pub enzyme: String,
    pub fm: f64,
    pub a: f64,
    pub b: f64,
    pub c: f64,
}

/// A perpetrator's concentrations in the static model (umol/L, unbound hepatic inlet [I]h
/// and enterocyte [I]g), from its dose, Cmax (peak from 5 min), Fa and Fg in the test arm.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PerpetratorInlet {
    pub compound: String,
    pub dose_mg: f64,
    pub cmax_mg_per_l: f64,
    pub i_h_umol_per_l: f64,
    pub i_g_umol_per_l: f64,
}

/// The A, B and C terms of one enzyme at one site.
#[derive(Clone, Copy)]
struct Terms {
    a: f64,
    b: f64,
    c: f64,
}

impl Terms {
    fn product(&self) -> f64 {
        self.a * self.b * self.c
    }
}

/// Sums over the perpetrators at one site: sum [I]/Ki, sum kinact [I]/([I]+KI) and
/// sum Emax [I]^n/([I]^n+EC50^n).
#[derive(Default)]
struct Sums {
    reversible: f64,
    inactivation: f64,
    induction: f64,
}

impl Sums {
    fn add(&mut self, it: &Interaction, i: f64) {
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
            } => self.reversible += i / (ki_umol_per_l * fu_inc),
            Interaction::Uncompetitive { .. } => {}
            Interaction::MechanismBased {
                ki_umol_per_l,
                kinact_per_h,
                fu_inc,
                ..
            } => {
                let ki = ki_umol_per_l * fu_inc;
                self.inactivation += kinact_per_h * i / (i + ki);
            }
            Interaction::Induction {
                emax,
                ec50_umol_per_l,
                hill,
                fu_inc,
                ..
            } => {
                let ec50 = ec50_umol_per_l * fu_inc;
                let (x, k) = (i.powf(*hill), ec50.powf(*hill));
                self.induction += emax * x / (x + k);
            }
        }
    }

    fn terms(&self, kdeg: f64) -> Terms {
        Terms {
            a: 1.0 / (1.0 + self.reversible),
            b: kdeg / (kdeg + self.inactivation),
            c: 1.0 + self.induction,
        }
    }
}

/// Static AUC ratio of `victim` between `reference` and `test` arms: the hepatic term over
/// every enzyme of the victim that a perpetrator acts on, 1 / (sum_i fm_i A_i B_i C_i +
/// 1 - sum_i fm_i), and the gut term with CYP3A4's terms (1 when no perpetrator acts on
/// CYP3A4). `None` when nothing in the test arm acts on its enzymes within a
/// day before the victim's dose, or when the reference arm doses a perpetrator too.
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
    // The model compares the victim with its perpetrators present against the victim
    // alone: it does not apply when the reference arm doses a perpetrator too, and a
    // perpetrator counts only if its last dose is at most a day before the victim's (after
    // that the static inlet concentration is not there: washout arms are the dynamic
    // model's).
    let victim_dosed_h = test
        .compounds
        .iter()
        .find(|c| c.compound == victim)?
        .window_h[0];
    let acts_on_victim = |c: &crate::data::compound::Compound| {
        c.interaction
            .iter()
            .any(|i| victim_run.fm.iter().any(|(e, _)| e == i.enzyme()))
    };
    // (A compound only formed in the reference arm, e.g. the victim's own inhibitory
    // metabolites, does not count: it has no dose there.)
    if p.compounds.iter().enumerate().any(|(k, (c, _))| {
        k != kv
            && acts_on_victim(c)
            && reference
                .compounds
                .iter()
                .any(|r| r.compound == c.name && r.last_dose_mg > 0.0)
    }) {
        return None;
    }

    // The victim's own metabolites (and theirs) are part of the victim, not perpetrators.
    let mut formed_from_victim = vec![false; p.compounds.len()];
    let mut queue = vec![kv];
    while let Some(j) = queue.pop() {
        for (_, m) in p.compounds[j].0.metabolites() {
            if let Some(x) = p.compounds.iter().position(|(c, _)| c.name == m) {
                if x != kv && !std::mem::replace(&mut formed_from_victim[x], true) {
                    queue.push(x);
                }
            }
        }
    }

    // Per victim enzyme acted on: (enzyme, fm, liver terms, gut terms).
    let mut acted: Vec<(&str, f64, Terms, Terms)> = Vec::new();
    let mut perpetrators: Vec<PerpetratorInlet> = Vec::new();
    for (enzyme, fm) in victim_run.fm.iter().filter(|(e, _)| e != "renal") {
        let (enzyme, fm) = (enzyme.as_str(), *fm);
        let (mut gut, mut liver) = (Sums::default(), Sums::default());
        let mut acts = false;
        for (k, (c, _)) in p.compounds.iter().enumerate() {
            if k == kv || formed_from_victim[k] {
                continue;
            }
            let Some(run) = test.compounds.iter().find(|r| r.compound == c.name) else {
                continue;
            };
            // Present: last dosed at most a day before the victim, and first dosed by then.
            if victim_dosed_h - run.window_h[0] > PRESENT_WITHIN_H
                || run.first_dose_h > victim_dosed_h
            {
                continue;
            }
            let dose = run.last_dose_mg;
            // The perpetrator's peak as a study samples it (from 5 min after its dose): just
            // after an IV bolus the venous plasma holds the whole dose in the venous blood.
            let cmax = run.nca.sampled_peak;
            let umol = |mg_per_l: f64| mg_per_l * 1000.0 / c.mw();
            let fu = c.fu_plasma.value;
            // The guidance's inlet terms, with the perpetrator's own Fa and Fg from the
            // run (the guidance takes 1 only when they are unknown); no absorption term for
            // a perpetrator given intravenously.
            let (fa, fa_fg) = match (run.oral, run.fractions) {
                (true, Some(f)) => (f.fa, f.fa * f.fg),
                (true, None) => (1.0, 1.0),
                (false, _) => (0.0, 0.0),
            };
            let i_h = umol(
                fu * (cmax + fa_fg * KA_DEFAULT_PER_H * dose / (q * c.blood_plasma_ratio.value)),
            );
            let i_g = umol(fa * KA_DEFAULT_PER_H * dose / qen);
            for it in c.interaction.iter().filter(|i| i.enzyme() == enzyme) {
                acts = true;
                gut.add(it, i_g);
                liver.add(it, i_h);
            }
            if acts_on_victim(c) && !perpetrators.iter().any(|x| x.compound == c.name) {
                perpetrators.push(PerpetratorInlet {
                    compound: c.name.clone(),
                    dose_mg: dose,
                    cmax_mg_per_l: cmax,
                    i_h_umol_per_l: i_h,
                    i_g_umol_per_l: i_g,
                });
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
        acted.push((enzyme, fm, liver.terms(kdeg_h), gut.terms(kdeg_g)));
    }
    if acted.is_empty() {
        return None;
    }
    acted.sort_by(|a, b| b.1.total_cmp(&a.1));
    let fm_total: f64 = acted.iter().map(|x| x.1).sum();
    let liver = 1.0 / (acted.iter().map(|x| x.1 * x.2.product()).sum::<f64>() + 1.0 - fm_total);
    // The gut term is the guidance's for CYP3A substrates: Fg is taken as all CYP3A
    // (the victim's gut loss to other enzymes is not known from its Fg), so it applies the
    // CYP3A4 terms when a perpetrator acts on CYP3A4, and is 1 otherwise.
    let in_gut = acted
        .iter()
        .find(|x| x.0 == "CYP3A4" && phys.gut_enzyme_pmol(x.0).unwrap_or(0.0) > 0.0);
    let gut = in_gut.map_or(1.0, |x| 1.0 / (x.3.product() * (1.0 - fg) + fg));
    let main = in_gut.unwrap_or(&acted[0]);
    // Without CYP3A4 the gut term is 1, and so are its reported factors.
    let gut_terms = in_gut.map_or(
        Terms {
            a: 1.0,
            b: 1.0,
            c: 1.0,
        },
        |x| x.3,
    );
    Some(StaticDdi {
        enzyme: acted.iter().map(|x| x.0).collect::<Vec<_>>().join("+"),
        fm: fm_total,
        fg,
        a_gut: gut_terms.a,
        b_gut: gut_terms.b,
        c_gut: gut_terms.c,
        a_liver: main.2.a,
        b_liver: main.2.b,
        c_liver: main.2.c,
        auc_ratio: gut * liver,
        liver_terms: acted
            .iter()
            .map(|x| EnzymeTerms {
                enzyme: x.0.to_string(),
                fm: x.1,
                a: x.2.a,
                b: x.2.b,
                c: x.2.c,
            })
            .collect(),
        perpetrators,
    })
}
