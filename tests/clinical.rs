//! Predicted versus observed clinical values, as named in each shipped scenario's
//! `[[observed]]` blocks (with the study cited there). Nothing is fitted to these values.
//!
//! Every observation must fall within its fold (2 by default), except the misses recorded
//! in `KNOWN_MISSES`, each with the mechanism we think is missing. A known miss that starts
//! to pass fails the test too, so the list is kept honest and accuracy can only go up.

use pbpk::qualify::{categories, run_suite, write_report, Row};
use std::sync::OnceLock;

/// Every shipped scenario with observations (individuals), run once for both tests.
fn rows() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| run_suite().unwrap())
}

/// (category, recorded share within 2-fold, recorded n): a category may not fall below it
/// (accuracy can only go up; raise the level when it does; a level is lowered only when new,
/// harder observations join a category, and the reason is written here).
///
/// "interaction ratio" went from 4 of 8 to 4 of 11 in session 7 when three checks of the
/// hepatic part of CYP3A4 inactivation were added (clarithromycin_midazolam's IV arms,
/// ritonavir_midazolam_iv, ritonavir_amlodipine): all three miss, for one mechanism; the 8
/// earlier rows did not change. Session 8 (permeability-limited cells) raised "PK metric" to
/// 52 of 75 and "interaction ratio" to 5 of 11 (ritonavir_midazolam_iv now within 2-fold).
/// Session 9: substrates protecting the enzyme brought lopinavir's Cmax under ritonavir to
/// 1.95x, and counting ritonavir's reversible Ki beside its KI no longer (a double count that
/// had capped its inactivation at 0.6 kinact) took it back to 2.1x: 52 of 75 as before.
/// Session 9 also added the oral Tmax of amlodipine, midazolam, nifedipine and lisinopril
/// and midazolam's Fg and Fh (issue 3 asks for them; amlodipine's and lisinopril's Tmax
/// miss: PK 54 of 79; bioavailability 11 of 13) and
/// ritonavir_benzodiazepines (the Norvir label's triazolam and
/// alprazolam studies, short-term and at steady state): three harder interaction
/// observations, all missed for the hepatic over-inactivation, so "interaction ratio" fell
/// from 5 of 11 to 5 of 14. rifampicin_nifedipine (Holtbecker 1996, oral AUC ratio and Fg,
/// Fh, F before induction) then joined within 2-fold: interaction 6 of 15, bioavailability
/// 14 of 16. itraconazole_triazolam (one itraconazole dose 0-24 h before triazolam) added
/// four: 2 within, 2 missed (the inhibition wanes too fast): interaction 8 of 19.
/// Session 10: ketoconazole's Ki became the fu_mic-corrected 0.00846 uM (Weiss 2022, as in
/// the OSP model) instead of the GastroPlus default 0.015 uM of unstated binding: the
/// midazolam ratio went from 6.6 to 9.0 against 15.9, inside 2-fold: interaction 9 of 19.
/// midazolam_after_itraconazole_and_rifampicin (Backman 1998: during and 4 days after
/// itraconazole, 1 and 4 days after rifampicin) added four, two within (during
/// itraconazole 7.8 vs 8; 4 days after rifampicin 0.129 vs 0.13): interaction 11 of 23.
/// itraconazole_oral (the Sporanox solution label's steady state: itraconazole and
/// hydroxy-itraconazole Cmax and AUC_tau) added four PK observations of the perpetrator
/// itself, one within 2-fold (Cmax 0.55x): PK metric fell from 54 of 79 to 55 of 83
/// (0.68 -> 0.66), lowered here because the new rows are new evidence, not a regression.
/// Session 11: lpvr_dose_ranging (Jackson 2011: lopinavir at 400/100, 200/150 and 200/50 mg
/// bid) added nine lopinavir observations, five within 2-fold (every Cmax, the two lower-dose
/// AUCs) and four missed (the three troughs and the 400/100 AUC at 2.03x): PK metric 60 of 92
/// (0.66 -> 0.65), lowered for new evidence, not a regression. The new `fa_fg` metric (the
/// fraction of the dose reaching the portal vein, what IV-plus-oral studies report) added
/// felodipine ER's 0.45 (Lundahl 1997): 0.56 predicted, within 2-fold: bioavailability 15 of 17.
/// Triazolam's Fh 0.86 (Kroboth 1995, from the IV dose) joined, within 2-fold (0.71x: the
/// model's liver extracts too much, and with F right its gut wall too little): bioavailability
/// 16 of 18. erythromycin_midazolam gained Olkkola 1993's IV arm (the liver alone): 12.5 vs
/// 2.17, missed for the known over-inactivation: interaction 11 of 24 (0.47 -> 0.46), new
/// evidence, not a regression.
/// Session 12: erythromycin_iv (Barre 1987; Welling 1978 via Lombardo 2018) checks the
/// perpetrator's own single-dose clearance, volume and half-life: all five miss (CL 0.28x and
/// 0.39x, Vss 4.8x and 4.0x, t1/2 13x): PK metric 60 of 97 (0.65 -> 0.62), new evidence about
/// why erythromycin's interaction ratios miss, not a regression. ritonavir_clarithromycin
/// (Ouellet 1998, each inactivator as the other's victim) added four interaction ratios, all
/// within 2-fold but all outside the Guest limits: interaction 15 of 28 (0.46 -> 0.53). The
/// rise is not better mechanism: clarithromycin's AUC ratio is 1.04 against 1.77 because
/// clarithromycin alone already leaves 2 % of hepatic CYP3A4 in the model (the observation
/// implies about 40 %), and ritonavir's is 1.00 against 1.125 because ritonavir alone leaves
/// 0.8 %: the same over-inactivation as in the midazolam misses.
/// nifedipine_er_oral: the GITS tablet now delivers at its developers' rate (3.4 mg/h per
/// 60 mg, Swanson 1987: 17.65 h) instead of the 15.8 h line through two USP dissolution
/// midpoints; its Cmax went from 2.19x to 1.98x, at the edge of 2-fold (the rate was found
/// while looking into that miss; compounds/nifedipine.toml says so): PK metric 61 of 97
/// (0.62 -> 0.63).
/// Session 13: the terminal-slope fit's quantification limit (0.1 % of the peak) now refers
/// to the highest concentration from 5 min after the dose instead of the venous spike just
/// after an IV bolus, which had cut IV bolus profiles off in their distribution phase (an
/// audit of the NCA found it: midazolam IV t1/2 fitted over 3.0-3.5 h). The 6.5-year-old's
/// IV midazolam half-life went from 1.70 h to 3.12 h against 1.17 h (Payne 1989) and now
/// misses: PK metric 60 of 97 (0.63 -> 0.62). A correction of the analysis, not a change of
/// the model.
const RECORDED: [(&str, f64, usize); 5] = [
    ("PK metric", 0.63, 97),
    ("bioavailability", 0.89, 18),
    ("interaction ratio", 0.53, 28),
    // Fell from 3/7 in session 14: with Poulin & Theil's own tissue binding ratio (an audit
    // found the Rodgers & Rowland albumin ratios in its place) lopinavir's volume is 4.0 L/kg
    // and lpvr_nifedipine_population runs 6 weeks to the model's steady state, where the
    // population's ritonavir Cmax is 2.2x over (1.5x before).
    ("PK metric (population median)", 0.28, 7),
    ("bioavailability (population median)", 1.0, 1),
];

/// (scenario, metric or compound/metric or arm/metric, why it misses).
const KNOWN_MISSES: [(&str, &str, &str); 53] = [
    (
        "pediatric_midazolam",
        "0.05 mg/kg IV (child 6.5 y)/t_half_h",
        "2.9 h vs 1.17 h (Payne 1989, children 3-10 y, 0.15 mg/kg): the model's terminal phase lengthens with time (adult midazolam IV: t1/2 2.3 h over 1-6 h, 4.6 h over 8-24 h) from drug returning out of fat and the other slowly perfused tissues; a 1980s assay sampling for a few hours sees the early part. Hidden until session 13 by an NCA artifact (the quantification limit referred to the venous spike after the bolus, cutting the fit at about 3 h); the study's CL (1.07x) and Vss are within 2-fold",
    ),
    (
        "itraconazole_triazolam",
        "itraconazole 12 h before/auc_ratio",
        "1.3 vs 4.6: one itraconazole dose inhibits for too short a time in the model. Dosed as a solution, itraconazole peaks at 0.79 mg/L after 1.3 h and is down to 0.036 mg/L at 24 h (hydroxy-itraconazole 0.013), where single 200 mg capsules give a slower, lower peak and a 15-20 h half-life; the simultaneous and 3 h arms are within 2-fold (3.7 vs 3.1, 3.0 vs 4.8). Capsule dissolution and itraconazole's slow tissue redistribution are the leads",
    ),
    (
        "itraconazole_triazolam",
        "itraconazole 24 h before/auc_ratio",
        "1.2 vs 3.8: same mechanism as the 12 h arm",
    ),
    (
        "itraconazole_oral",
        "itraconazole/auc_mg_h_per_L",
        "9.7 vs 29.3 mg.h/L at steady state (Sporanox solution label, day 15): the model's itraconazole swings from a Cmax within 2-fold (1.08 vs 1.96) to a low trough, where the label's t1/2 of about 40 h implies little swing: in the model clearance rises steeply as the level falls (recombinant CYP3A4 unbound Km 3.9 nM, Vmax 0.27 /min per pmol, no intersystem scaling factor; the OSP model fitted a 7-fold lower kcat). The same fast decline is why the interaction wears off too fast (itraconazole_triazolam 12 and 24 h, midazolam 4 days after)",
    ),
    (
        "itraconazole_oral",
        "hydroxy_itraconazole/cmax_mg_per_L",
        "0.23 vs 2.06 mg/L: hydroxy-itraconazole, which exceeds the parent clinically, is 14-fold too low (its recombinant CLint, Km 27 nM, clears it faster than it is formed; the compound file records the metabolite/parent ratio as a known miss)",
    ),
    (
        "itraconazole_oral",
        "hydroxy_itraconazole/auc_mg_h_per_L",
        "3.3 vs 45.2 mg.h/L: as its Cmax",
    ),
    (
        "midazolam_after_itraconazole_and_rifampicin",
        "4 days after itraconazole/auc_ratio",
        "1.2 vs 2.6 (Backman 1998): the inhibition of four itraconazole doses wears off too fast, the same miss as itraconazole_triazolam's 12 and 24 h arms; during itraconazole the ratio is right (7.8 vs 8). Itraconazole's Rodgers & Rowland Vss is 48 L/kg (log P 5.66, fu 0.002; observed about 11 L/kg after IV): the plasma level falls by distribution rather than lingering, and the metabolites (formed, inhibiting) decline with it",
    ),
    (
        "midazolam_after_itraconazole_and_rifampicin",
        "1 day after rifampicin/auc_ratio",
        "0.057 vs 0.023 (Backman 1998): one day after five rifampicin doses the model's induction (hepatic CYP3A4 5.6-fold at its peak, gut 6.5-fold) is too weak by about 2.5-fold, while four days after the ratio is right (0.129 vs 0.13), so the de-induction time course (kdeg) holds and the peak induction is short; rifampicin_midazolam's 5- and 7-day arms (1.3-1.5x over, within 2-fold) point the same way",
    ),
    (
        "lisinopril_oral",
        "tmax_h",
        "2.9 h against 6.2 h: in the model the low-permeability drug is absorbed while it passes the small intestine (about 3.3 h) and hardly in the colon; the slower clinical rise (and the 'about 7 h' of the label) is not reproduced. Carrier-mediated uptake (PEPT1 has been proposed) and ACE binding in tissue are not modelled",
    ),
    (
        "amlodipine_oral",
        "tmax_h",
        "1.0 h against 8.7 h (6-12 h): the gradual rise is not absorption-limited in the model (Caco-2-derived Peff, soluble base) and the liver does not hold the drug: its Rodgers & Rowland Kp is 13 with fast membranes, where the isolated perfused rat liver shows an apparent liver volume of 920 mL with slow release (Xenobiotica 1994;24:243). The same missing tissue affinity (B:P unmeasured, taken as 1) gives the Vss 0.22x and Cmax 5.2x misses",
    ),
    (
        "ritonavir_benzodiazepines",
        "triazolam with ritonavir 200 mg x4/auc_ratio",
        "54 vs > 20 (the label's 'more than 20-fold'): the same hepatic over-inactivation as the IV-midazolam and amlodipine checks (about 1 % of hepatic CYP3A4 left by the HLM KI/kinact, where the clinical probes imply 15-30 %); triazolam's gut share is small (Fg 0.85), so the liver carries the ratio",
    ),
    (
        "ritonavir_benzodiazepines",
        "alprazolam with ritonavir 200 mg x4/auc_ratio",
        "6.9 vs 2.5: alprazolam is hepatic (fm CYP3A4 0.89, Fg 0.99), so the ratio is about 1 / (1 - fm (1 - e)) with e the hepatic CYP3A4 left: the observed 2.5 means e of about 0.3 after two days of ritonavir, the model leaves about 0.02; same mechanism as ritonavir_amlodipine",
    ),
    (
        "ritonavir_benzodiazepines",
        "alprazolam with ritonavir 500 mg 10 d/auc_ratio",
        "10.1 vs 0.88: after 10 days of full-dose ritonavir the label reports no increase (induction offsets inhibition); in the model induction (Emax 7.5 on synthesis, Mugundu 2010 hepatocytes) cannot offset an inactivation rate about 1000 times kdeg (HLM KI/kinact), so the enzyme stays at about 1-2 %. Induction of alprazolam's other routes is not modelled either",
    ),
    ("omeprazole_oral", "iv/cl_l_per_h", "human liver microsomal CLint (28.6 uL/min/mg racemate, Abelo 2000, fu_mic 1) scales to 7 L/h against 37 L/h observed: a 5-fold IVIVE under-prediction, typical for CYP2C19 substrates in microsomes; no empirical scaling factor is applied"),
    ("omeprazole_oral", "t_half_h", "follows from the clearance under-prediction"),
    ("omeprazole_oral", "f_oral", "Fh 0.87 follows from the clearance under-prediction; acid degradation of unprotected drug is not modelled either"),
    ("omeprazole_oral", "auc_inf_mg_h_per_L", "follows from the clearance under-prediction"),
    ("omeprazole_oral", "oral/cl_l_per_h", "follows from the clearance under-prediction"),
    (
        "clarithromycin_midazolam",
        "clarithromycin/auc_ratio",
        "41 vs 6.8 (51 before session 8's permeability-limited cells): runaway auto-inactivation: clarithromycin inactivates the CYP3A4 that clears it, its own Cmax is 3.0x observed, and hepatic CYP3A4 falls to 1-2 %; the IV arms show that the liver carries most of the miss (see the IV ratio); microsomal kinact is at the top of the in-vitro range and non-CYP3A4 clearance is under-represented (gastric acid degradation was tried and not applied: see compounds/clarithromycin.toml). The published sets span the observation (pbpk alternatives clarithromycin_midazolam: 6.9 with Ito 2003's HLM constants, 12.0 Polasek 2006 HLM, 43 Polasek 2006 recombinant); the file keeps Mayhew 2000, as a set picked for its fit would be tuning",
    ),
    (
        "clarithromycin_midazolam",
        "clarithromycin/cmax_mg_per_L",
        "same runaway auto-inactivation (see the AUC ratio)",
    ),
    (
        "clarithromycin_midazolam",
        "IV with clarithromycin/auc_ratio",
        "9.9 vs 2.8 (12.2 before session 8; Gorski 1998: IV midazolam CL 28 -> 10 L/h): the hepatic part alone is over-predicted 3.5-fold, so most of the oral miss is in the liver, where the model leaves 1-2 % of CYP3A4 and the observed clearance implies about a third. Mayhew 2000's HLM constants (5.49 uM, 0.072/min) are the most potent of the published HLM sets (Polasek 2006 29.5 uM / 0.05 per min, Ito 2003 41.4 uM / 0.042 per min: 16-24 % residual at 1 uM unbound against Mayhew's 2.8 %), and the auto-inactivation runaway (clarithromycin 3.0x) deepens it; HLM time-dependent-inhibition constants over-inactivate in vivo in general (Mao et al. Pharm Res 2016;33:1204: 58 % of 19 clinical DDIs within 2-fold from HLM, 95 % from hepatocytes in plasma)",
    ),
    (
        "erythromycin_midazolam",
        "erythromycin 7 d/auc_ratio",
        "48 vs 4.4: as clarithromycin; erythromycin's biliary excretion, OATP uptake and gastric acid degradation are not modelled, so its clearance collapses to renal when CYP3A4 is inactivated",
    ),
    (
        "erythromycin_midazolam",
        "erythromycin 5 d/auc_ratio",
        "43 vs 3.8: same mechanism as the 7-day arm",
    ),
    (
        "erythromycin_midazolam",
        "IV with erythromycin/auc_ratio",
        "12.5 vs 2.17 (Olkkola 1993's IV study: clearance -54 %): the liver alone is over-inactivated 5.8-fold, as with clarithromycin's IV arm; erythromycin's own exposure runs away (Cmax about 18 mg/L in the model) because its clearance is almost all CYP3A4 in the model, while clinically it is 'mainly via the liver and bile' (Swiss SmPC) and its half-life rises only from 1.7 to 2.3 h over 3 days of dosing (review, C2). The published HLM sets give 27-48 for the oral ratio (pbpk alternatives): structural, not a choice among constants",
    ),
    (
        "alprazolam_oral",
        "tmax_h",
        "the tablet is dosed as a solution (disintegration and dissolution not represented), so the peak comes at 0.86 h against 1.73 h",
    ),
    (
        "alprazolam_iv",
        "vss_l_per_kg",
        "Rodgers & Rowland for a neutral drug with fu 0.29 scales tissue uptake with octanol logP 2.19 and over-predicts Vss (1.7 vs 0.8 L/kg); the label fu 0.20 would lower it by about 30 %",
    ),
    (
        "felodipine_iv",
        "vss_l_per_kg",
        "Rodgers & Rowland with logP 3.86 and fu 0.0036 gives 1.15 L/kg against 4.4; the literature logP spans 3.4-4.8 and OSP needed a fitted lipophilicity of 4.51; no measured B:P",
    ),
    (
        "felodipine_iv",
        "t_half_h",
        "follows from the Vss miss (CL is fitted to IV clearance)",
    ),
    (
        "felodipine_oral",
        "f_oral",
        "fa x Fg (0.57) matches the 0.45 reaching the portal vein (Lundahl 1997); the miss is Fh 0.12 against about 0.33: with CL fitted to 48 L/h and a predicted B:P of 0.56 the liver extracts 88 %; a B:P of 0.75-1 (which Edgar's 72 L/h implies) would give Fh 0.35-0.5",
    ),
    (
        "felodipine_oral",
        "er_10mg/cmax_mg_per_L",
        "3.1x under: follows from the low Fh (CL fitted to 48 L/h with a predicted B:P of 0.56: the liver extracts most of it) and the short half-life (Vss miss); 27 % of the ER dose leaves the colon unreleased",
    ),
    (
        "felodipine_oral",
        "solution_27.5mg/tmax_h",
        "0.50 h against 1.07 h (2.1x; 0.58 h, 1.9x, before session 8): the solution leaves the stomach as a fluid and is absorbed at once (Peff from Caco-2), so the peak comes early; the permeability-limited cells (session 8) moved it a little earlier still",
    ),
    (
        "ritonavir_amlodipine",
        "auc_ratio",
        "11.9 vs 2.57: amlodipine is a low-extraction drug whose clearance is 90 % hepatic CYP3A4, so its AUC ratio is set by the hepatic CYP3A4 that ritonavir leaves (1-3 % in the model, about 15 % by the clinical IV probe, Mathias 2009) and by amlodipine's own fm (`pbpk sensitivity lpvr_amlodipine`: S 0.8 for its CLint, -0.7 for its renal secretion, 0.13 for ritonavir's kinact): with 15 % left and fm 0.9 the ratio would be about 4-5, so amlodipine's in-vivo fm CYP3A4 may also be below 0.9. Before session 7 the ratio was 50 (the renal route delivered 0.6 % of CL instead of the 10 % excreted unchanged). The observed regimen also holds paritaprevir, not simulated",
    ),
    (
        "ritonavir_oral",
        "cmax_mg_per_L",
        "0.32x after one 200 mg dose (0.15x before session 8): with permeability-limited cells (PK-Sim Standard: ritonavir's MW 721 gives a membrane permeability about 40 times below midazolam's) muscle and fat fill over hours, which doubled the peak and brought AUC0-24 within 2-fold (0.53x); the rest is hepatic first pass: the CYP3A4 Vmax (fitted by the OSP authors inside PK-Sim, with hepatic P-gp efflux and OATP1B1 uptake this model lacks) leaves a hepatic availability of 0.48 before auto-inactivation sets in. At steady state Cmax is within 2-fold (ritonavir_midazolam_iv, lpvr_nifedipine)",
    ),
    (
        "ritonavir_midazolam_iv",
        "ritonavir/tmax_h",
        "2.1 h against 5 h on day 11: the tablet or capsule is dosed as a solution (Norvir tablets are an amorphous solid dispersion, usually taken with food), so absorption is too fast",
    ),
    (
        "lpvr_nifedipine",
        "lopinavir/cmax_mg_per_L",
        "lopinavir over-predicted at the model's steady state (6 weeks: Cmax 2.4x, AUC 3.0x, Ctrough 4.1x; 2.1x, 2.5x, 3.3x on day 10 until session 14, when Poulin & Theil's own tissue binding ratio 0.5 replaced the Rodgers & Rowland albumin ratios and lopinavir's volume went from 1.3 to 4.0 L/kg, against a label Vd/F of 16.9 L, so that the model no longer reached steady state in 10 days): with ritonavir the model leaves about 1 % of hepatic CYP3A4 (Ernest 2005 KI/kinact taken as unbound, no fu_inc) where systemic midazolam clearance under ritonavir 100 mg implies about 15 % (ritonavir_midazolam_iv, Mathias 2009), and lopinavir has no modelled non-CYP3A4 route (biliary/P-gp, MRP2), so its clearance collapses further than the observed CL/F of about 4-6 L/h; ritonavir itself is within 2-fold. A lead, not applied: Kumar 1999's Km (6.8 uM) is not corrected for microsomal binding because the incubation's protein concentration was not found; Hallifax & Houston 2006 with the predicted logP 4.7 gives fu_mic 0.62-0.25 over 0.1-0.5 mg/mL, and the prediction is steep in it (Km,u 4.2 uM: Cmax 1.4x, Ctrough 2.1x; 1.7 uM: 0.65x, 0.82x), so the Methods of Kumar et al. Drug Metab Dispos 1999;27:902 decide it",
    ),
    (
        "lpvr_nifedipine",
        "lopinavir/auc_mg_h_per_L",
        "lopinavir: same mechanism as its Cmax (residual clearance too low under ritonavir)",
    ),
    (
        "lpvr_nifedipine",
        "lopinavir/ctrough_mg_per_L",
        "lopinavir: same mechanism as its Cmax; the trough is most sensitive to the residual clearance",
    ),
    (
        "lpvr_dose_ranging",
        "200/50 mg bid/ctrough_mg_per_L",
        "3.6 vs 1.7 mg/L on day 7 (Jackson 2011): the model's profile is flat (Cmax/Ctrough 1.14 against 3.7 observed). Lopinavir's predicted volume is too large (Poulin & Theil, predicted log P 4.7: Vss 4.0 L/kg, against a label Vd/F of 16.9 L and t1/2 6.9 h, USPI Table 13, C) and its residual clearance under ritonavir too low. Since session 14 (Poulin & Theil's binding ratio 0.5, volume 1.3 -> 4.0 L/kg) the other arms are within 2-fold on day 7, partly for a wrong reason: with that volume the model's lopinavir is still accumulating on day 7 (at its own steady state lpvr_nifedipine is 2.4-4.1x over), while the real drug is at steady state within days",
    ),
    (
        "lpvr_nifedipine_population",
        "lopinavir/cmax_mg_per_L",
        "as in the reference man (lopinavir's clearance collapses under ritonavir), and more so: the population median (3.9x) lies above the reference man (2.4x); exposure after auto-inactivation is convex in the subject's CYP3A4 amount and the population includes smaller subjects (women) at the same mg dose",
    ),
    (
        "lpvr_nifedipine_population",
        "lopinavir/auc_mg_h_per_L",
        "same mechanism as the population's lopinavir Cmax",
    ),
    (
        "lpvr_nifedipine_population",
        "lopinavir/ctrough_mg_per_L",
        "same mechanism as the population's lopinavir Cmax; the trough is most sensitive to the residual clearance",
    ),
    (
        "lpvr_nifedipine",
        "ritonavir/auc_mg_h_per_L",
        "18.4 vs 8.0 mg.h/L (2.3x; 1.9x before session 14): ritonavir 100 mg alone is the observation (Liu 2007), while the scenario co-doses lopinavir at its steady state, which inhibits the CYP3A4 left (lopinavir's accumulation grew with its Poulin & Theil volume of 4.0 L/kg); ritonavir's own steady state without lopinavir is 1.95x (ritonavir_midazolam_iv)",
    ),
    (
        "lpvr_nifedipine_population",
        "ritonavir/cmax_mg_per_L",
        "2.3x in the population median (1.45x in the reference man): as the population's ritonavir AUC",
    ),
    (
        "lpvr_nifedipine_population",
        "ritonavir/auc_mg_h_per_L",
        "2.3x over in the reference man (1.9x until session 14, when lopinavir's larger volume let it accumulate for weeks, inhibiting more) and 3.8x in the population median: the observation is ritonavir 100 mg alone (Liu 2007) while the scenario co-doses lopinavir, which competes for the remaining CYP3A4; and the population median sits above the reference man as for lopinavir",
    ),
    (
        "nifedipine_oral",
        "auc_inf_mg_h_per_L@0.384",
        "predicted F (0.43) matches Foster 1983 (0.45), so the miss is clearance: the cited 10 mg study (Mexican volunteers, IV CL 0.234 L/h/kg, about 16 L/h) cleared nifedipine more slowly than Kleinbloesem's subjects (26.7 L/h), from whom the CYP3A4 CLint is derived; the Caucasian study of Rashid 1995 (IV CL about 34 L/h) is predicted at 0.84 of its AUC (191 ng.h/mL); its 384 ng.h/mL is the project reference table's value (the abstract says '< 450')",
    ),
    (
        "amlodipine_iv",
        "vss_l_per_kg",
        "Rodgers & Rowland with logP 3.0 (R), pKa 8.6 and B:P 1 (R, unmeasured) gives 4.5 L/kg against 21: the acidic-phospholipid affinity comes from an unmeasured B:P, and amlodipine's membrane affinity exceeds what logP implies (Meredith 1992 attributes the Vss to ionisation/membrane binding); a measured B:P or membrane affinity is missing",
    ),
    (
        "amlodipine_iv",
        "t_half_h",
        "follows from the Vss miss (CL is derived from IV CL, so t1/2 = ln2 Vss/CL carries the Vss error)",
    ),
    (
        "amlodipine_oral",
        "cmax_mg_per_L",
        "5.3x (3.8x before session 8's permeability-limited cells, which slow the early distribution): follows from the Vss miss: too small a volume gives too high a peak (AUC and F are within 2-fold)",
    ),
    (
        "pediatric_lisinopril",
        "0.15 mg/kg once daily (child 1.2 y)/cmax_mg_per_L",
        "2.3x over (2.6x until session 13, when a child's blood:plasma ratio began to follow its hematocrit; AUC 1.6x over, within 2-fold): the child's narrower gut raises ka = 2 Peff/R and fa (0.43 at 1.2 y against 0.28 in the adult, adult transit times), which alone would account for most of the AUC excess (a user-perspective review; a lead, not applied); Hogg 2007's CL/F per kg under 6 y is about twice the adult's, the model's GFR/kg (Rhodin, W^0.75) only 1.3x; the child's gut keeps adult transit times and Peff (pediatric absorption is not modelled), so a lower fa in infants, if that is the cause, is missed. Permeability-limited cells (session 8), which brought the adult lisinopril Cmax within 2-fold (0.73x), raise the children's peaks too",
    ),
    (
        "erythromycin_iv",
        "cl_l_per_h",
        "0.28x (Barre 1987) and 0.39x (Welling 1978): a single 500 mg dose already inactivates three quarters of the hepatic CYP3A4 that clears it in the model (HLM KI/kinact), halving CL (18 L/h without the inactivation, within 2-fold), while clinically its half-life is 2 h and rises only to 2.3 h over 3 days of dosing; HLM CLint,u (57 L/h) itself is 1.5-2.5-fold below the hepatic CLint,u the two IV studies imply (88 and 142 L/h by well-stirred inversion)",
    ),
    (
        "erythromycin_iv",
        "vss_l_per_kg",
        "4.8x (Barre 1987) and 4.0x (Welling 1978): Rodgers & Rowland's acidic-phospholipid binding of this base (pKa 8.88) is derived from the blood:plasma ratio, unmeasured and taken as 1; B:P 0.7 would give 0.92 L/kg and 1.2 gives 5.7 L/kg, so the missing measurement decides it",
    ),
    (
        "erythromycin_iv",
        "t_half_h",
        "27 h vs 2 h: the volume 4-5-fold too large and the clearance falling as the dose inactivates CYP3A4 (the two misses above)",
    ),
    (
        "pediatric_lisinopril",
        "0.15 mg/kg once daily (child 3.5 y)/cmax_mg_per_L",
        "2.0x over (2.2x since session 8, 1.8x before; 2.0x since a child's blood:plasma ratio follows its hematocrit): lisinopril (log P 0.66) barely enters cells through PK-Sim Standard membranes, which fixed the adult peak (0.45x to 0.73x) but leaves the children's above 2-fold; same mechanisms as the 1.2-year-old (clearance per kg under 6 y twice the adult's in Hogg 2007, pediatric absorption not modelled)",
    ),
];

/// Whether a known-miss entry names this observation: by metric, compound/metric,
/// arm/metric, or metric@observed value (one of several observations of one metric).
fn names(k: &(&str, &str, &str), o: &Row) -> bool {
    k.0 == o.scenario
        && (k.1 == o.metric
            || k.1 == format!("{}/{}", o.compound, o.metric)
            || k.1 == format!("{}/{}", o.arm, o.metric)
            || k.1 == format!("{}@{}", o.metric, o.observed))
}

#[test]
fn predictions_within_stated_folds_of_observations() {
    let mut failures = Vec::new();
    println!(
        "{:<26} {:<22} {:>12} {:>12} {:>7}",
        "scenario", "metric", "predicted", "observed", "ratio"
    );
    let rows = rows();
    assert!(!rows.is_empty(), "no shipped scenario names observations");
    for o in rows {
        let s = o.scenario.as_str();
        let ratio = o.predicted / o.observed;
        println!(
            "{:<26} {:<22} {:>12.5} {:>12.5} {:>7.2} {}",
            s,
            o.metric,
            o.predicted,
            o.observed,
            ratio,
            if o.within_stated_fold { "ok" } else { "MISS" }
        );
        let known = KNOWN_MISSES.iter().find(|k| names(k, o));
        match (o.within_stated_fold, known) {
            (true, None) | (false, Some(_)) => {}
            (false, None) => failures.push(format!(
                "{s} {}: predicted/observed = {ratio:.2} (outside {}-fold)",
                o.metric, o.stated_fold
            )),
            (true, Some(_)) => failures.push(format!(
                "{s} {}: listed as a known miss but now within {}-fold: remove it from KNOWN_MISSES",
                o.metric, o.stated_fold
            )),
        }
    }
    for k in KNOWN_MISSES {
        println!("known miss: {} {}: {}", k.0, k.1, k.2);
        // Each entry is the first to name some missed observation (none is shadowed by an
        // earlier, broader key, and none names nothing).
        assert!(
            rows.iter()
                .any(|o| !o.within_stated_fold
                    && KNOWN_MISSES.iter().find(|x| names(x, o)) == Some(&k)),
            "known miss {} {} names no missed observation (or an earlier entry takes it)",
            k.0,
            k.1
        );
    }
    println!("{} observations checked", rows.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The qualification suite in CI: its report is written, and no category's share within
/// 2-fold falls below its recorded level.
#[test]
fn qualification_shares_do_not_fall() {
    let rows = rows();
    let dir = tempfile::tempdir().unwrap();
    write_report(rows, dir.path()).unwrap();
    assert!(dir.path().join("qualification.md").exists());
    assert!(dir.path().join("gof_PK_metric.png").exists());
    // The published-input range (pbpk alternatives) includes the files' own prediction, and
    // the compounds that list alternatives give some rows one.
    let ranged: Vec<&Row> = rows.iter().filter(|r| r.published_low.is_some()).collect();
    assert!(!ranged.is_empty());
    for r in &ranged {
        let (lo, hi) = (r.published_low.unwrap(), r.published_high.unwrap());
        assert!(
            lo <= r.predicted * (1.0 + 1e-9) && r.predicted <= hi * (1.0 + 1e-9),
            "{} {} {}: prediction {} outside its published range {lo}-{hi}",
            r.scenario,
            r.arm,
            r.metric,
            r.predicted
        );
    }
    for c in categories(rows) {
        println!(
            "{:<36} n {:>3}  within 2-fold {:>5.1} %  GMFE {:.2}",
            c.category,
            c.n,
            100.0 * c.within_2,
            c.gmfe
        );
        let (_, level, n) = RECORDED
            .iter()
            .find(|r| r.0 == c.category)
            .unwrap_or_else(|| panic!("new category {}: record its level", c.category));
        assert!(
            c.within_2 + 1e-9 >= level - 0.005,
            "{}: {:.3} within 2-fold fell below the recorded {level}",
            c.category,
            c.within_2
        );
        assert!(
            c.n >= *n,
            "{}: {} observations, fewer than the recorded {n}",
            c.category,
            c.n
        );
    }
}
