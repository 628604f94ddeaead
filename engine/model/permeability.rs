//! Permeability-limited distribution: each organ's cells exchange unbound drug with its
//! interstitial space through the cell membranes, as in PK-Sim (method "Cellular
//! permeability - PK-Sim Standard"). The formulas and constants below are PK-Sim's, read in
//! its database dump (Open-Systems-Pharmacology/PK-Sim, `src/Db/Dump/PKSimDB_dump.txt`,
//! commit 0c0c192, table `tab_calculation_method_rates`; C2):
//!
//! * permeability (dm/min): P = (MW_eff / 336)^-6 x 10^logMA / 5 x 1e-5
//!   (`PARAM_P`: `(MWEff*1E9/336)^(-6) * 10^LogMA / 5 * 1E-4 * 1E-1`, MW in kg/umol there;
//!   both directions equal: `P_int_cell_factor` = `P_cell_int_factor` = 1);
//! * surface between interstitial space and cells (dm2), per organ of volume V (L):
//!   SA = (1000 V / V_ref)^0.75 x a x 100 (`SurfaceAreaIntCell_PKSim`; V_ref and a below,
//!   an allometric scaling from rat organs);
//! * flux (mg/min): J = K_water,int PA C_int - K_water,cell PA C_cell, with
//!   K_water = fu / K_(space:plasma), i.e. PA (Cu_int - Cu_cell) in unbound concentrations;
//! * interstitial:plasma partition K_int = (f_water,int + r (1/fu - f_water,pls)) fu, with
//!   interstitial water 0.935, interstitial/plasma protein ratio r = 0.37 and plasma water
//!   0.926 (PK-Sim organism constants).
//!
//! Membrane affinity (logMA) is taken as log P, as PK-Sim allows. The endothelium is not
//! limiting for small molecules (PK-Sim: P_endothelial 10 dm/min), so vascular and
//! interstitial drug share one compartment.

/// PK-Sim's surface-area scaling: organ, reference (rat) volume in mL, factor.
const SURFACE: [(&str, f64, f64); 15] = [
    ("lung", 2.2, 0.096),
    ("brain", 1.671, 0.0006),
    ("heart", 1.2, 7.54),
    ("kidney", 7.0, 1000.0),
    ("liver", 10.0, 82.0),
    ("stomach", 1.1, 1000.0),
    ("small_intestine", 11.1, 1000.0),
    ("large_intestine", 11.1, 1000.0),
    ("pancreas", 1.3, 1000.0),
    ("spleen", 1.3, 1000.0),
    ("muscle", 110.1, 7.54),
    ("fat", 14.2, 5.0),
    ("skin", 43.4, 0.12),
    ("bone", 28.2, 10.0),
    ("gonads", 2.5, 2.0),
];

/// PK-Sim constants of the interstitial space (see the module text).
const WATER_INTERSTITIAL: f64 = 0.935;
const PROTEIN_RATIO_INTERSTITIAL_PLASMA: f64 = 0.37;
const WATER_PLASMA: f64 = 0.926;

/// Cell-membrane permeability (dm/min) of a small molecule.
pub fn permeability_dm_per_min(mw_effective: f64, log_ma: f64) -> f64 {
    (mw_effective / 336.0).powi(-6) * 10f64.powf(log_ma) / 5.0 * 1e-5
}

/// Surface between interstitial space and cells (dm2) of an organ of `volume_l`.
pub fn surface_dm2(organ: &str, volume_l: f64) -> f64 {
    let (_, v_ref, a) = SURFACE
        .iter()
        .find(|(o, ..)| *o == organ)
        .unwrap_or_else(|| panic!("no PK-Sim surface area for organ {organ}"));
    (1000.0 * volume_l / v_ref).powf(0.75) * a * 100.0
}

/// Permeability x surface (L/h): the unbound clearance across the organ's cell membranes.
pub fn pa_l_per_h(mw_effective: f64, log_ma: f64, organ: &str, volume_l: f64) -> f64 {
    // dm/min x dm2 = L/min.
    permeability_dm_per_min(mw_effective, log_ma) * surface_dm2(organ, volume_l) * 60.0
}

/// Interstitial:plasma concentration ratio (albumin-like binding in the interstitial fluid).
pub fn k_interstitial(fu: f64) -> f64 {
    (WATER_INTERSTITIAL + PROTEIN_RATIO_INTERSTITIAL_PLASMA * (1.0 / fu - WATER_PLASMA)) * fu
}

/// Split an organ's drug capacity (L, plasma-referenced) into its extracellular part
/// (blood and interstitial space) and its cells, keeping the total of the partition method:
/// total = V (f_vas B:P + (1 - f_vas) Kp); interstitial V f_int K_int (at most 90 % of the
/// tissue's share, for drugs whose predicted Kp is below K_int); cells the rest.
pub fn split_capacity(
    volume_l: f64,
    f_vas: f64,
    f_int: f64,
    bp: f64,
    kp: f64,
    fu: f64,
) -> (f64, f64) {
    let tissue = volume_l * (1.0 - f_vas) * kp;
    let interstitial = (volume_l * f_int * k_interstitial(fu)).min(0.9 * tissue);
    (volume_l * f_vas * bp + interstitial, tissue - interstitial)
}
