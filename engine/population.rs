//! Virtual subjects: a physiology per subject, drawn from a population file around the
//! reference individual of the subject's sex.
//!
//! Per subject: sex (Bernoulli), age (uniform), height (normal by sex), BMI (normal by sex,
//! truncated to [16, 40]) -> weight; BSA (Du Bois & Du Bois 1916:
//! 0.007184 W^0.425 H^0.725). Organ volumes other than liver and fat, blood pools,
//! enterocytes, cardiac output and every organ flow scale with BSA / BSA_ref (so flows stay
//! balanced); the liver volume follows the population's BSA equation (as a ratio to the
//! reference individual's liver, see `LiverVolume`); fat takes the rest of
//! the weight (tissue density 1 kg/L). Hematocrit and albumin are normal by sex; GFR declines
//! with age past 30 and scales with BSA / 1.73; enzyme abundances are log-normal (mean 1 x
//! `abundance_scale`) times the activity of the drawn phenotype, kept as the enzyme's
//! `subject_factor` so that microsomal (per mg) rates are still attributed through the
//! reference abundance and the subject's variation is not cancelled. Impossible draws (fat under
//! 3 % of weight, a non-positive volume, a physiology that fails validation) are redrawn, at
//! most `MAX_REDRAWS` times, and counted.
//!
//! Reproducible: subject i's draws come from ChaCha8 seeded with the run's seed on stream i,
//! so they depend only on (seed, i), not on thread count or order.

use crate::data::ontogeny::Ontogeny;
use crate::data::physiology::{Physiology, Sex};
use crate::data::population::{Normal, Population};
use crate::error::{PbpkError, Result};
use crate::ontogeny::Child;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal as Gauss};

pub const MAX_REDRAWS: u32 = 100;

/// What was drawn for one subject (one row of `subjects.csv`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Subject {
    pub id: usize,
    pub sex: String,
    pub age_years: f64,
    pub height_cm: f64,
    pub weight_kg: f64,
    pub bsa_m2: f64,
    pub liver_volume_l: f64,
    pub fat_volume_l: f64,
    pub cardiac_output_l_per_h: f64,
    pub gfr_ml_per_min: f64,
    pub hematocrit: f64,
    pub albumin_g_per_l: f64,
    /// (enzyme, phenotype) for each genotyped enzyme.
    pub phenotypes: Vec<(String, String)>,
    /// (enzyme, hepatic abundance multiplier) for each varied enzyme.
    pub enzyme_factors: Vec<(String, f64)>,
    /// Factors on the gut of a virtual subject: gastric emptying time, small-intestinal
    /// transit time, absorptive surface (empty without absorption variability).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub absorption_factors: Vec<(String, f64)>,
    pub redraws: u32,
}

/// Du Bois & Du Bois body surface area (m^2) from weight (kg) and height (cm).
pub fn bsa_du_bois(weight_kg: f64, height_cm: f64) -> f64 {
    0.007184 * weight_kg.powf(0.425) * height_cm.powf(0.725)
}

fn normal(rng: &mut ChaCha8Rng, n: &Normal) -> f64 {
    if n.sd <= 0.0 {
        return n.mean;
    }
    Gauss::new(n.mean, n.sd)
        .map(|d| d.sample(rng))
        .unwrap_or(n.mean)
}

/// A log-normal factor with mean 1 and coefficient of variation `cv`.
fn lognormal_factor(rng: &mut ChaCha8Rng, cv: f64) -> f64 {
    lognormal(rng, cv, true)
}

/// A log-normal factor with median 1 (geometric mean 1) and coefficient of variation `cv`.
fn lognormal_median_one(rng: &mut ChaCha8Rng, cv: f64) -> f64 {
    lognormal(rng, cv, false)
}

/// A log-normal factor of coefficient of variation `cv`, with mean 1 (`mean_one`) or
/// median 1: ln factor ~ N(mu, sigma^2), sigma^2 = ln(1 + cv^2), mu = -sigma^2/2 or 0.
fn lognormal(rng: &mut ChaCha8Rng, cv: f64, mean_one: bool) -> f64 {
    if cv <= 0.0 {
        return 1.0;
    }
    let sigma = (1.0 + cv * cv).ln().sqrt();
    let mu = if mean_one { -0.5 * sigma * sigma } else { 0.0 };
    LogNormal::new(mu, sigma)
        .map(|d| d.sample(rng))
        .unwrap_or(1.0)
}

/// Draw subject `id`. `age` and `female_fraction` come from the scenario or the population.
pub fn sample(
    pop: &Population,
    male: &Physiology,
    female: &Physiology,
    seed: u64,
    id: usize,
    age: [f64; 2],
    female_fraction: f64,
) -> Result<(Physiology, Subject)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(id as u64);
    // Sex and age are drawn once: a draw rejected as physiologically impossible is redrawn
    // for the same person's sex and age, so that rejections do not shift the population's
    // sex ratio or age distribution (an obese population file once gave 55 % women).
    let is_female = rng.random::<f64>() < female_fraction;
    let age_years = if age[1] > age[0] {
        rng.random_range(age[0]..age[1])
    } else {
        age[0]
    };
    let mut last_error = String::new();
    for redraws in 0..=MAX_REDRAWS {
        match draw(pop, male, female, &mut rng, id, is_female, age_years) {
            Ok((p, mut s)) => {
                s.redraws = redraws;
                return Ok((p, s));
            }
            Err(e) => last_error = e,
        }
    }
    Err(PbpkError::invalid(
        &pop.name,
        "(population)",
        format!(
            "subject {id}: no physiologically possible draw in {} tries ({last_error}); check the population file's means and SDs",
            MAX_REDRAWS + 1
        ),
    ))
}

fn draw(
    pop: &Population,
    male: &Physiology,
    female: &Physiology,
    rng: &mut ChaCha8Rng,
    id: usize,
    is_female: bool,
    age_years: f64,
) -> std::result::Result<(Physiology, Subject), String> {
    let reference = if is_female { female } else { male };
    let mut p = match &pop.ontogeny {
        Some(o) => draw_child(o, reference, rng, is_female, age_years)?,
        None => draw_adult(pop, reference, rng, is_female, age_years)?,
    };

    // Enzymes: variability, population scale, phenotype.
    let mut phenotypes = Vec::new();
    let mut activity: Vec<(String, f64)> = Vec::new();
    for g in &pop.genotypes {
        let u: f64 = rng.random();
        let mut acc = 0.0;
        let mut chosen = g.phenotypes.last();
        for ph in &g.phenotypes {
            acc += ph.frequency;
            if u < acc {
                chosen = Some(ph);
                break;
            }
        }
        if let Some(ph) = chosen {
            phenotypes.push((g.enzyme.clone(), ph.name.clone()));
            activity.push((g.enzyme.clone(), ph.activity));
        }
    }
    let enzyme_factors = apply_enzymes(&mut p, pop, &activity, |v| {
        (
            lognormal_factor(rng, v.cv),
            lognormal_factor(rng, v.gut_cv.unwrap_or(v.cv)),
        )
    });
    // Absorption physiology, drawn last so that adding it left every earlier draw as it was.
    let absorption_factors = pop
        .absorption_variability
        .as_ref()
        .map(|v| vary_absorption(&mut p, v, rng))
        .unwrap_or_default();
    p.name = format!("{} subject {id}", pop.name);
    p.validate(&p.name.clone()).map_err(|e| e.to_string())?;
    let mut subject = Subject::of(id, &p, phenotypes, enzyme_factors);
    subject.absorption_factors = absorption_factors;
    Ok((p, subject))
}

/// Scale the subject's gastric emptying time, small-intestinal transit times and small-
/// intestinal absorptive surface by log-normal factors of median 1 (PK-Sim's log-normal
/// distributions take the reference value as their geometric mean, so the typical subject
/// keeps the reference individual's gut); returns them, named.
fn vary_absorption(
    p: &mut Physiology,
    v: &crate::data::population::AbsorptionVariability,
    rng: &mut ChaCha8Rng,
) -> Vec<(String, f64)> {
    use crate::data::physiology::{GUT_SEGMENTS, SMALL_INTESTINE};
    let emptying = lognormal_median_one(rng, v.gastric_emptying_cv);
    let transit = lognormal_median_one(rng, v.small_intestine_transit_cv);
    let surface = lognormal_median_one(rng, v.absorptive_surface_cv);
    if let Some(s) = p.gut.segments.get_mut(GUT_SEGMENTS[0]) {
        s.transit_time_h *= emptying;
    }
    for i in SMALL_INTESTINE {
        if let Some(s) = p.gut.segments.get_mut(GUT_SEGMENTS[i]) {
            s.transit_time_h *= transit;
            s.permeability_scale *= surface;
        }
    }
    vec![
        ("gastric_emptying".into(), emptying),
        ("small_intestine_transit".into(), transit),
        ("absorptive_surface".into(), surface),
    ]
}

impl Subject {
    /// The record of body `p` (its covariates as built), with what was chosen for its enzymes.
    fn of(
        id: usize,
        p: &Physiology,
        phenotypes: Vec<(String, String)>,
        enzyme_factors: Vec<(String, f64)>,
    ) -> Subject {
        Subject {
            id,
            sex: if p.sex == Sex::Female {
                "female".into()
            } else {
                "male".into()
            },
            age_years: p.age_years,
            height_cm: p.height_cm,
            weight_kg: p.body_weight_kg,
            bsa_m2: bsa_du_bois(p.body_weight_kg, p.height_cm),
            liver_volume_l: p.organs["liver"].volume_l,
            fat_volume_l: p.organs["fat"].volume_l,
            cardiac_output_l_per_h: p.cardiac_output_l_per_h,
            gfr_ml_per_min: p.gfr_ml_per_min,
            hematocrit: p.hematocrit,
            albumin_g_per_l: p.albumin_g_per_l,
            phenotypes,
            enzyme_factors,
            absorption_factors: Vec::new(),
            redraws: 0,
        }
    }
}

/// Multiply each enzyme of `p` by the population's `abundance_scale`, the variability
/// factors `draw` gives (liver, gut; drawn in this order, enzyme by enzyme) and the activity
/// of the subject's phenotype. Returns (enzyme, hepatic factor) per varied enzyme.
fn apply_enzymes(
    p: &mut Physiology,
    pop: &Population,
    activity: &[(String, f64)],
    mut draw: impl FnMut(&crate::data::population::EnzymeVariability) -> (f64, f64),
) -> Vec<(String, f64)> {
    let act = |e: &str| activity.iter().find(|(x, _)| x == e).map_or(1.0, |x| x.1);
    let mut enzyme_factors = Vec::new();
    for (e, v) in &pop.enzymes {
        let (liver, gut) = draw(v);
        let f_liver = v.abundance_scale * liver * act(e);
        let f_gut = v.abundance_scale * gut * act(e);
        if let Some(h) = p.enzymes.liver.get_mut(e) {
            h.subject_factor *= f_liver;
        }
        if let Some(g) = p.enzymes.gut.get_mut(e) {
            g.subject_factor *= f_gut;
        }
        enzyme_factors.push((e.clone(), f_liver));
    }
    // Genotyped enzymes without a variability entry still take their phenotype.
    for (e, a) in activity {
        if !pop.enzymes.contains_key(e) {
            if let Some(h) = p.enzymes.liver.get_mut(e) {
                h.subject_factor *= a;
            }
            if let Some(g) = p.enzymes.gut.get_mut(e) {
                g.subject_factor *= a;
            }
        }
    }
    enzyme_factors
}

/// Scale `p` (a typical body of weight `w0`, height `h0`) to weight `w` and height `h`:
/// organ volumes other than liver and fat, blood pools, enterocytes, cardiac output and
/// every flow scale with BSA / BSA0; the liver takes `liver_volume`; fat takes the rest of
/// the weight change (tissue density 1 kg/L). Returns the fat volume.
fn rescale(
    p: &mut Physiology,
    (w0, h0): (f64, f64),
    (w, h): (f64, f64),
    liver_volume: f64,
) -> std::result::Result<f64, String> {
    let s = bsa_du_bois(w, h) / bsa_du_bois(w0, h0);
    let mut delta = 0.0; // change of non-fat volume (L ~ kg)
    for (name, o) in p.organs.iter_mut() {
        let old = o.volume_l;
        match name.as_str() {
            "fat" => {}
            "liver" => o.volume_l = liver_volume,
            _ => o.volume_l *= s,
        }
        delta += o.volume_l - old;
        if let Some(q) = o.blood_flow_l_per_h.as_mut() {
            *q *= s;
        }
    }
    let blood_before =
        p.blood.arterial_volume_l + p.blood.venous_volume_l + p.blood.portal_vein_volume_l;
    p.blood.arterial_volume_l *= s;
    p.blood.venous_volume_l *= s;
    p.blood.portal_vein_volume_l *= s;
    delta += blood_before * (s - 1.0);
    p.cardiac_output_l_per_h *= s;
    p.gut.enterocyte_volume_l *= s;
    p.gut.villous_blood_flow_l_per_h *= s;
    let fat = p.organs["fat"].volume_l + (w - w0) - delta;
    if fat < 0.03 * w {
        return Err(format!("fat {fat:.1} L under 3 % of {w:.1} kg"));
    }
    if let Some(o) = p.organs.get_mut("fat") {
        o.volume_l = fat;
    }
    p.body_weight_kg = w;
    p.height_cm = h;
    Ok(fat)
}

fn draw_adult(
    pop: &Population,
    reference: &Physiology,
    rng: &mut ChaCha8Rng,
    is_female: bool,
    age_years: f64,
) -> std::result::Result<Physiology, String> {
    let missing = || format!("population {} lacks its adult tables", pop.name);
    let anthro = if is_female { &pop.female } else { &pop.male };
    let anthro = anthro.as_ref().ok_or_else(missing)?;
    let lv = pop.liver.as_ref().ok_or_else(missing)?;
    let gfr = pop.gfr.as_ref().ok_or_else(missing)?;
    let height = normal(rng, &anthro.height_cm);
    let bmi = normal(rng, &anthro.bmi_kg_per_m2);
    // Plausibility bounds, not a truncation of the file's distribution: draws outside them
    // are redrawn (and counted), so a file whose mean lies near them is reported.
    if !(12.0..=70.0).contains(&bmi) || height < 120.0 {
        return Err(format!(
            "BMI {bmi:.1} or height {height:.0} cm out of range"
        ));
    }
    let weight = bmi * (height / 100.0).powi(2);
    let bsa = bsa_du_bois(weight, height);

    let mut p = reference.clone();
    p.age_years = age_years;
    p.hematocrit = normal(rng, &anthro.hematocrit);
    if !(0.25..=0.6).contains(&p.hematocrit) {
        return Err(format!("hematocrit {:.2} out of range", p.hematocrit));
    }
    let albumin = normal(rng, &anthro.albumin_g_per_l);
    if albumin <= 10.0 {
        return Err(format!("albumin {albumin:.0} g/L out of range"));
    }
    p.albumin_g_per_l = albumin;

    let liver_volume =
        typical_liver_volume(lv, reference, bsa, age_years) * lognormal_factor(rng, lv.cv);
    if liver_volume <= 0.3 {
        return Err(format!("liver volume {liver_volume:.2} L"));
    }
    rescale(
        &mut p,
        (reference.body_weight_kg, reference.height_cm),
        (weight, height),
        liver_volume,
    )?;
    age_hepatic_blood_flow(&mut p, lv, reference, age_years);
    p.enzymes.mppgl_mg_per_g *= lognormal_factor(rng, lv.mppgl_cv);
    p.gfr_ml_per_min = typical_gfr(gfr, age_years, bsa) * lognormal_factor(rng, gfr.cv);
    Ok(p)
}

/// Total hepatic blood flow falling with adult age (the population's
/// `liver.blood_flow_age_decline`, relative to the reference individual's age): the hepatic
/// artery, the portal organs' flows and the villous flow within the small intestine's are
/// scaled by one factor, and the cardiac output loses what they lose, so that it stays the
/// sum of the organ flows (as PK-Sim takes it). Measured total hepatic blood flow falls by
/// about 30 % from young to old adults (Zoli M et al. Age Ageing 1999;28:29), and the
/// cardiac index falls with age as well, so the cardiac output's fall here is if anything
/// too small.
fn age_hepatic_blood_flow(
    p: &mut Physiology,
    lv: &crate::data::population::LiverVolume,
    reference: &Physiology,
    age_years: f64,
) {
    let Some(d) = &lv.blood_flow_age_decline else {
        return;
    };
    let f = d.factor(age_years) / d.factor(reference.age_years);
    let mut lost = 0.0;
    for (name, o) in p.organs.iter_mut() {
        if name == "liver" || o.drains_to == crate::data::physiology::Drain::PortalVein {
            if let Some(q) = o.blood_flow_l_per_h.as_mut() {
                lost += *q * (1.0 - f);
                *q *= f;
            }
        }
    }
    p.cardiac_output_l_per_h -= lost;
    p.gut.villous_blood_flow_l_per_h *= f;
}

/// The population's liver volume at `bsa` (its BSA equation as a ratio to the reference
/// individual's liver), before variability.
fn typical_liver_volume(
    lv: &crate::data::population::LiverVolume,
    reference: &Physiology,
    bsa: f64,
    age_years: f64,
) -> f64 {
    // Age relative to the reference individual's (whose liver the equation is a ratio to).
    let age = lv
        .age_decline
        .as_ref()
        .map_or(1.0, |d| d.factor(age_years) / d.factor(reference.age_years));
    let bsa_ref = bsa_du_bois(reference.body_weight_kg, reference.height_cm);
    let eq_ref = lv.reference_intercept_l.unwrap_or(lv.volume_intercept_l)
        + lv.reference_per_bsa_l_per_m2
            .unwrap_or(lv.volume_per_bsa_l_per_m2)
            * bsa_ref;
    reference.organ("liver").volume_l * (lv.volume_intercept_l + lv.volume_per_bsa_l_per_m2 * bsa)
        / eq_ref
        * age
}

/// The population's GFR (mL/min) at an age and BSA, before variability: the value at 30 y
/// per 1.73 m^2, declining past 30 (at least 5), scaled to the BSA.
fn typical_gfr(gfr: &crate::data::population::Gfr, age_years: f64, bsa: f64) -> f64 {
    let gfr_173 =
        gfr.at_30_ml_per_min_per_1_73m2 - gfr.decline_per_year * (age_years - 30.0).max(0.0);
    gfr_173.max(5.0) * bsa / 1.73
}

/// A child: the typical child of the age and sex, then height and weight z-scores from the
/// LMS growth reference (correlated), organ sizes by BSA, and log-normal liver volume, GFR,
/// albumin and hematocrit around the typical child's.
fn draw_child(
    o: &Ontogeny,
    reference: &Physiology,
    rng: &mut ChaCha8Rng,
    is_female: bool,
    age_years: f64,
) -> std::result::Result<Physiology, String> {
    let child = Child {
        age_years,
        female: is_female,
        gestational_age_weeks: o.default_gestational_age_weeks,
    };
    let (mut p, g) = o
        .typical_child(reference, &child)
        .map_err(|e| e.to_string())?;
    let v = &o.variability;
    let std = Gauss::new(0.0, 1.0).map_err(|e| e.to_string())?;
    let zh: f64 = std.sample(rng);
    let rho = v.height_weight_z_correlation;
    let zw = rho * zh + (1.0 - rho * rho).sqrt() * std.sample(rng);
    if zh.abs() > v.max_abs_z || zw.abs() > v.max_abs_z {
        return Err(format!(
            "growth z-scores {zh:.2}, {zw:.2} beyond {}",
            v.max_abs_z
        ));
    }
    let lms = if is_female {
        &o.growth.female
    } else {
        &o.growth.male
    };
    let a = age_years.min(o.adult_age_years);
    let height = g.height_cm * lms.height_cm(a, zh) / lms.height_cm(a, 0.0);
    let weight = g.weight_kg * lms.weight_kg(a, zw) / lms.weight_kg(a, 0.0);
    let liver_factor = lognormal_factor(rng, v.liver_volume_cv);
    resize_child(&mut p, o, &g, weight, height, liver_factor)?;
    p.gfr_ml_per_min *= lognormal_factor(rng, v.gfr_cv);
    p.hematocrit *= lognormal_factor(rng, v.hematocrit_cv);
    if !(0.2..=0.7).contains(&p.hematocrit) {
        return Err(format!("hematocrit {:.2} out of range", p.hematocrit));
    }
    p.albumin_g_per_l *= lognormal_factor(rng, v.albumin_cv);
    p.agp_g_per_l *= lognormal_factor(rng, v.albumin_cv);
    p.enzymes.mppgl_mg_per_g *= lognormal_factor(rng, v.mppgl_cv);
    Ok(p)
}

/// What is known of one patient (scenario `[subjects]` with `physiology` naming a
/// population): anything not given takes the population's typical value for the sex and age
/// (adults: mean height, mean BMI, mean hematocrit and albumin, the liver and GFR equations;
/// children: the typical child of the age). Enzymes take the population's `abundance_scale`
/// and the activity of a given phenotype (none given: the reference individual's amount).
#[derive(Debug, Clone, Default)]
pub struct Patient {
    pub female: bool,
    pub age_years: Option<f64>,
    pub gestational_age_weeks: Option<f64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub gfr_ml_per_min: Option<f64>,
    pub egfr_ml_per_min_per_1_73m2: Option<f64>,
    pub albumin_g_per_l: Option<f64>,
    pub hematocrit: Option<f64>,
    pub phenotypes: std::collections::BTreeMap<String, String>,
}

/// Where a patient could not be built: the `[subjects]` field and what is wrong.
pub type PatientError = (&'static str, String);

/// Build one patient's physiology from a population (its adult tables, or its ontogeny for
/// a child), scaled to the patient's size like a virtual subject (`rescale`) but without
/// random variability.
pub fn patient(
    pop: &Population,
    male: &Physiology,
    female: &Physiology,
    spec: &Patient,
) -> std::result::Result<(Physiology, Subject), PatientError> {
    let reference = if spec.female { female } else { male };
    let mut p = match &pop.ontogeny {
        Some(o) => patient_child(o, reference, spec)?,
        None => patient_adult(pop, reference, spec)?,
    };
    if let Some(h) = spec.hematocrit {
        p.hematocrit = h;
    }
    if let Some(a) = spec.albumin_g_per_l {
        p.albumin_g_per_l = a;
    }
    let bsa = bsa_du_bois(p.body_weight_kg, p.height_cm);
    match (spec.gfr_ml_per_min, spec.egfr_ml_per_min_per_1_73m2) {
        (Some(g), _) => p.gfr_ml_per_min = g,
        (None, Some(e)) => p.gfr_ml_per_min = e * bsa / 1.73,
        (None, None) => {}
    }
    let mut phenotypes = Vec::new();
    let mut activity = Vec::new();
    // A genotyped enzyme whose phenotype is not given takes the population's mean activity
    // (frequency-weighted), the expectation for a patient of unknown genotype.
    for g in &pop.genotypes {
        if !spec.phenotypes.contains_key(&g.enzyme) {
            let total: f64 = g.phenotypes.iter().map(|ph| ph.frequency).sum();
            let mean: f64 = g
                .phenotypes
                .iter()
                .map(|ph| ph.frequency * ph.activity)
                .sum();
            phenotypes.push((
                g.enzyme.clone(),
                format!("unknown: population mean activity {:.3}", mean / total),
            ));
            activity.push((g.enzyme.clone(), mean / total));
        }
    }
    for (enzyme, name) in &spec.phenotypes {
        let g = named(
            &pop.genotypes,
            |g| &g.enzyme,
            enzyme,
            || format!("population {} has no genotypes for {enzyme}", pop.name),
        )?;
        let ph = named(
            &g.phenotypes,
            |ph| &ph.name,
            name,
            || {
                format!(
                    "{enzyme} phenotype \"{name}\" is not in population {}",
                    pop.name
                )
            },
        )?;
        phenotypes.push((enzyme.clone(), name.clone()));
        activity.push((enzyme.clone(), ph.activity));
    }
    let enzyme_factors = apply_enzymes(&mut p, pop, &activity, |_| (1.0, 1.0));
    p.validate(&p.name.clone()).map_err(|e| {
        (
            "subjects",
            format!("the patient's physiology is not possible: {e}"),
        )
    })?;
    let subject = Subject::of(0, &p, phenotypes, enzyme_factors);
    Ok((p, subject))
}

/// The item of `items` whose `key` is `want`, or an error on `subjects.phenotypes` saying
/// `what` and listing the names there are.
fn named<'a, T>(
    items: &'a [T],
    key: impl Fn(&T) -> &String,
    want: &str,
    what: impl Fn() -> String,
) -> std::result::Result<&'a T, PatientError> {
    items.iter().find(|x| key(x) == want).ok_or_else(|| {
        let known: Vec<&str> = items.iter().map(|x| key(x).as_str()).collect();
        let known = if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        };
        (
            "subjects.phenotypes",
            format!("{}; use one of: {known}", what()),
        )
    })
}

fn patient_adult(
    pop: &Population,
    reference: &Physiology,
    spec: &Patient,
) -> std::result::Result<Physiology, PatientError> {
    let missing = || {
        (
            "subjects.physiology",
            format!("population {} lacks its adult tables", pop.name),
        )
    };
    let anthro = if spec.female { &pop.female } else { &pop.male };
    let anthro = anthro.as_ref().ok_or_else(missing)?;
    let lv = pop.liver.as_ref().ok_or_else(missing)?;
    let gfr = pop.gfr.as_ref().ok_or_else(missing)?;
    let age = spec.age_years.unwrap_or(reference.age_years);
    if age < 18.0 {
        return Err((
            "subjects.age_years",
            format!(
                "population {} describes adults; a child of {age} years needs a pediatric population (physiology = \"pediatric\")",
                pop.name
            ),
        ));
    }
    if spec.gestational_age_weeks.is_some() {
        return Err((
            "subjects.gestational_age_weeks",
            format!(
                "applies to children of a pediatric population, not to an adult of population {}",
                pop.name
            ),
        ));
    }
    let height = spec.height_cm.unwrap_or(anthro.height_cm.mean);
    let weight = spec
        .weight_kg
        .unwrap_or(anthro.bmi_kg_per_m2.mean * (height / 100.0).powi(2));
    let bsa = bsa_du_bois(weight, height);
    let mut p = reference.clone();
    p.age_years = age;
    p.hematocrit = anthro.hematocrit.mean;
    p.albumin_g_per_l = anthro.albumin_g_per_l.mean;
    let liver_volume = typical_liver_volume(lv, reference, bsa, age);
    rescale(
        &mut p,
        (reference.body_weight_kg, reference.height_cm),
        (weight, height),
        liver_volume,
    )
    .map_err(|e| size_error(&e))?;
    age_hepatic_blood_flow(&mut p, lv, reference, age);
    p.gfr_ml_per_min = typical_gfr(gfr, age, bsa);
    p.name = format!("{} patient", pop.name);
    Ok(p)
}

fn patient_child(
    o: &Ontogeny,
    reference: &Physiology,
    spec: &Patient,
) -> std::result::Result<Physiology, PatientError> {
    let Some(age_years) = spec.age_years else {
        return Err((
            "subjects.age_years",
            "a child of a pediatric population needs one age in years, e.g. age_years = 5".into(),
        ));
    };
    if age_years > o.adult_age_years {
        return Err((
            "subjects.age_years",
            format!(
                "{} y is past this pediatric population's adult age ({} y): for an adult use an adult physiology (\"adult_male_european\") or population (\"european\")",
                crate::data::show(age_years),
                crate::data::show(o.adult_age_years)
            ),
        ));
    }
    let child = Child {
        age_years,
        female: spec.female,
        gestational_age_weeks: spec
            .gestational_age_weeks
            .unwrap_or(o.default_gestational_age_weeks),
    };
    let (mut p, g) = o
        .typical_child(reference, &child)
        .map_err(|e| ("subjects.age_years", e.to_string()))?;
    if spec.weight_kg.is_some() || spec.height_cm.is_some() {
        let weight = spec.weight_kg.unwrap_or(g.weight_kg);
        let height = spec.height_cm.unwrap_or(g.height_cm);
        resize_child(&mut p, o, &g, weight, height, 1.0).map_err(|e| {
            let (field, msg) = size_error(&e);
            (
                field,
                format!("{msg}. A child's organs are scaled from the typical child of its age by body surface area, a model for children born at term: very small preterm infants (below about 2.2 kg) fall outside it"),
            )
        })?;
    }
    Ok(p)
}

/// Give the typical child `p` (of growth `g`) another weight and height: organ sizes by
/// BSA (`rescale`), the liver by BSA times `liver_factor`, GFR by weight^exponent of the
/// ontogeny file.
fn resize_child(
    p: &mut Physiology,
    o: &Ontogeny,
    g: &crate::ontogeny::Growth,
    weight: f64,
    height: f64,
    liver_factor: f64,
) -> std::result::Result<(), String> {
    let s = bsa_du_bois(weight, height) / g.bsa_m2;
    let liver_volume = p.organ("liver").volume_l * s * liver_factor;
    let gfr0 = p.gfr_ml_per_min;
    rescale(
        p,
        (g.weight_kg, g.height_cm),
        (weight, height),
        liver_volume,
    )?;
    p.gfr_ml_per_min = gfr0 * (weight / g.weight_kg).powf(o.gfr.weight_exponent);
    Ok(())
}

fn size_error(e: &str) -> PatientError {
    (
        "subjects.weight_kg",
        format!("weight_kg and height_cm do not make a possible body ({e}); check both"),
    )
}
