//! Growing the body: the typical child of an age and sex, built from the adult reference
//! individual of that sex and the `[ontogeny]` tables of a pediatric population.
//!
//! Every quantity is the adult reference value times an age ratio that is 1 at
//! `adult_age_years`, so the child converges to the adult exactly (Edginton 2006 / PK-Sim
//! approach; flows after Abraham 2005 as coded by Huisinga 2012):
//!
//! - Body weight and height: the WHO/CDC median at the age, times the ratio of the ICRP 89
//!   reference individual to the growth median at the reference ages (interpolated), so the
//!   typical child *is* the ICRP 89 reference child at 0, 1, 5, 10, 15 y and follows the
//!   shape of the growth charts in between.
//! - Organ volumes: V_i(a) = V_i,adult x m_i(BW(a)) / m_i,adult, the ICRP 89 organ mass
//!   interpolated linearly against body weight between the reference individuals (exact at
//!   0, 1, 5, 10, 15 y and the adult; growing whenever the body grows). Blood pools likewise.
//! - Cardiac output: CO(a) = CO_adult x CI(a) x BSA(a) / (CI_adult x BSA_adult), CI = ICRP 89
//!   cardiac output / BSA (Du Bois) at the reference ages.
//! - Organ flows: kidney and every other organ keep the adult flow per volume; the brain
//!   gets the age's flow per 100 g (Chiron 1992); the flows other than brain and kidney are
//!   then scaled together so they sum to CO(a) (Abraham 2005). Portal organs and the hepatic
//!   artery scale together, so the liver still receives artery + portal vein.
//! - Gut: enterocyte volume and villous flow follow the small intestine; segment lengths
//!   scale with height and radii so that segment volume follows the intestinal wall (a
//!   cylinder; assumption); transit times are the adult ones.
//! - GFR: Rhodin 2009, GFR_adult x (BW/BW_adult)^0.75 x M(PMA)/M(PMA_adult),
//!   M = PMA^h/(TM50^h + PMA^h).
//! - Enzymes: hepatic abundance per mg microsomal protein (times MPPGL by age, Barter 2008)
//!   and intestinal amount per gram of intestine, times the enzyme's maturation fraction of
//!   adult (1 where no function is given). Fetal CYP3A7, absent from the adult reference,
//!   is given in pmol/mg by age instead (declining from birth; Salem-type function).
//! - Renal tubular secretion: adult secretion x BW/BW_adult x maturation (Hayton 2000).
//! - Hematocrit, albumin and AGP: the adult value times the age-table ratio.
//! - Tissue composition: the adult one, except the fields `[[ontogeny.tissue_composition]]`
//!   lists (PK-Sim's age-dependent adipose water, lipid and interstitial space: a
//!   newborn's fat is about half water), each the adult value times the age table's ratio
//!   to its adult column; a set whose fractions then sum above 1 gives up water.

use crate::data::ontogeny::{interpolate, MaturationUnit, Ontogeny, Site, WEEKS_PER_YEAR};
use crate::data::physiology::{Physiology, Sex, COLON, GUT_SEGMENTS, ORGANS};
use crate::error::{PbpkError, Result};
use crate::population::bsa_du_bois;

/// A child: postnatal age, sex and gestational age at birth.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Child {
    pub age_years: f64,
    pub female: bool,
    pub gestational_age_weeks: f64,
}

impl Child {
    /// Postmenstrual age in weeks.
    pub fn pma_weeks(&self) -> f64 {
        self.gestational_age_weeks + self.age_years * WEEKS_PER_YEAR
    }
}

/// Age ratios of the typical child (each 1 at the adult age), for reports and tests.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Growth {
    pub weight_kg: f64,
    pub height_cm: f64,
    pub bsa_m2: f64,
    /// Organ volume / adult reference volume, by organ.
    pub volume_ratio: Vec<(String, f64)>,
    pub blood_volume_ratio: f64,
    pub cardiac_output_ratio: f64,
    pub gfr_maturation: f64,
    /// (enzyme, site, fraction of adult per mg protein / per g intestine).
    pub enzyme_maturation: Vec<(String, String, f64)>,
}

impl Ontogeny {
    fn columns(
        &self,
        female: bool,
    ) -> (
        &crate::data::ontogeny::BodyColumns,
        &crate::data::ontogeny::Lms,
    ) {
        if female {
            (&self.body.female, &self.growth.female)
        } else {
            (&self.body.male, &self.growth.male)
        }
    }

    /// Typical (median) weight and height at `age` (years).
    pub fn typical_size(&self, age: f64, female: bool) -> (f64, f64) {
        let a = age.clamp(0.0, self.adult_age_years);
        let (b, g) = self.columns(female);
        let ages = &self.reference_ages_years;
        let wr: Vec<f64> = ages
            .iter()
            .zip(&b.body_weight_kg)
            .map(|(&x, w)| w / g.weight_kg(x, 0.0))
            .collect();
        let hr: Vec<f64> = ages
            .iter()
            .zip(&b.height_cm)
            .map(|(&x, h)| h / g.height_cm(x, 0.0))
            .collect();
        (
            g.weight_kg(a, 0.0) * interpolate(ages, &wr, a),
            g.height_cm(a, 0.0) * interpolate(ages, &hr, a),
        )
    }

    /// Ratio of a quantity given at the reference ages to its adult value, interpolated
    /// linearly against body weight between the reference individuals (so it grows
    /// whenever the body does): q(W) / q_adult.
    fn mass_ratio(&self, female: bool, masses: &[f64], weight: f64) -> f64 {
        let (b, _) = self.columns(female);
        interpolate(&b.body_weight_kg, masses, weight) / masses[masses.len() - 1]
    }

    /// Rhodin 2009 maturation fraction of adult GFR per (weight)^0.75 at PMA (weeks).
    pub fn gfr_maturation(&self, pma_weeks: f64) -> f64 {
        let g = &self.gfr;
        let m = |p: f64| {
            let r = (p / g.tm50_weeks_pma).powf(g.hill);
            r / (1.0 + r)
        };
        m(pma_weeks) / m(40.0 + self.adult_age_years * WEEKS_PER_YEAR)
    }

    /// The typical child of `child`'s age and sex, from the adult reference of that sex.
    pub fn typical_child(&self, adult: &Physiology, child: &Child) -> Result<(Physiology, Growth)> {
        let female = child.female;
        let a = child.age_years.clamp(0.0, self.adult_age_years);
        let (w, h) = self.typical_size(a, female);
        let (b, _) = self.columns(female);
        let n = self.reference_ages_years.len();
        let masses = if female {
            &self.organ_mass_g.female
        } else {
            &self.organ_mass_g.male
        };
        let mut p = adult.clone();
        p.age_years = child.age_years;
        p.body_weight_kg = w;
        p.height_cm = h;
        p.sex = if female { Sex::Female } else { Sex::Male };
        p.description = format!(
            "typical {} child of {:.2} y ({w:.2} kg, {h:.1} cm), grown from {} by the pediatric ontogeny",
            if female { "female" } else { "male" },
            child.age_years,
            adult.name
        );

        // Volumes.
        let mut volume_ratio = Vec::new();
        for organ in ORGANS {
            let r = self.mass_ratio(female, &masses[organ], w);
            volume_ratio.push((organ.to_string(), r));
            if let Some(o) = p.organs.get_mut(organ) {
                o.volume_l *= r;
            }
        }
        let ratio = |o: &str| volume_ratio.iter().find(|x| x.0 == o).map_or(1.0, |x| x.1);
        for t in &self.tissue_composition {
            let r = t.ratio_to_adult(&self.reference_ages_years, a);
            if let Some(x) = p
                .organs
                .get_mut(&t.organ)
                .and_then(|o| o.age_dependent_field_mut(&t.field))
            {
                *x *= r;
            }
        }
        let changed: std::collections::BTreeSet<&str> = self
            .tissue_composition
            .iter()
            .map(|t| t.organ.as_str())
            .collect();
        for organ in changed {
            if let Some(o) = p.organs.get_mut(organ) {
                o.composition.cap_water_to_unit_sum();
            }
        }
        let rb = self.mass_ratio(female, &b.blood_volume_ml, w);
        p.blood.arterial_volume_l *= rb;
        p.blood.venous_volume_l *= rb;
        p.blood.portal_vein_volume_l *= rb;

        // Cardiac output and flows.
        let ci: Vec<f64> = (0..n)
            .map(|i| {
                b.cardiac_output_l_per_min[i] / bsa_du_bois(b.body_weight_kg[i], b.height_cm[i])
            })
            .collect();
        let bsa = bsa_du_bois(w, h);
        let co_ratio = interpolate(&self.reference_ages_years, &ci, a) * bsa
            / (ci[n - 1] * bsa_du_bois(b.body_weight_kg[n - 1], b.height_cm[n - 1]));
        let co = adult.cardiac_output_l_per_h * co_ratio;
        let sbf = interpolate(
            &self.reference_ages_years,
            &b.brain_flow_ml_per_min_per_100g,
            a,
        ) / b.brain_flow_ml_per_min_per_100g[n - 1];
        let mut fixed = 0.0;
        let mut others = 0.0;
        for (name, o) in p.organs.iter_mut() {
            let r = ratio(name);
            if let Some(q) = o.blood_flow_l_per_h.as_mut() {
                *q *= r;
                match name.as_str() {
                    "brain" => {
                        *q *= sbf;
                        fixed += *q;
                    }
                    "kidney" => fixed += *q,
                    _ => others += *q,
                }
            }
        }
        let scale = (co - fixed) / others;
        if !(scale.is_finite() && scale > 0.0) {
            return Err(PbpkError::invalid(
                "ontogeny",
                "cardiac_output_l_per_min",
                format!(
                    "at {a:.2} y the brain and kidney flows ({fixed:.1} L/h) exceed the cardiac output ({co:.1} L/h)"
                ),
            ));
        }
        for (name, o) in p.organs.iter_mut() {
            if name != "brain" && name != "kidney" {
                if let Some(q) = o.blood_flow_l_per_h.as_mut() {
                    *q *= scale;
                }
            }
        }
        p.cardiac_output_l_per_h = co;

        // Gut wall and lumen.
        let r_si = ratio("small_intestine");
        let r_li = ratio("large_intestine");
        p.gut.enterocyte_volume_l *= r_si;
        p.gut.villous_blood_flow_l_per_h *= r_si * scale;
        let hr = h / adult.height_cm;
        for (i, name) in GUT_SEGMENTS.iter().enumerate() {
            let r = if i == COLON { r_li } else { r_si };
            if let Some(s) = p.gut.segments.get_mut(*name) {
                if i == 0 {
                    s.fluid_volume_l *= ratio("stomach");
                    continue;
                }
                s.length_cm = s.length_cm.map(|l| l * hr);
                s.radius_cm = s.radius_cm.map(|x| x * (r / hr).sqrt());
                s.fluid_volume_l *= r;
            }
        }

        // Kidney, blood and plasma proteins.
        let gfr_m = self.gfr_maturation(child.pma_weeks());
        p.gfr_ml_per_min = adult.gfr_ml_per_min
            * (w / adult.body_weight_kg).powf(self.gfr.weight_exponent)
            * gfr_m;
        p.hematocrit = adult.hematocrit * self.hematocrit.at(a, female)
            / self.hematocrit.at(self.adult_age_years, female);
        let ga = child.gestational_age_weeks;
        let adult_age = self.adult_age_years;
        p.albumin_g_per_l *= self.plasma_proteins.albumin.fraction_of_adult(a, adult_age);
        p.agp_g_per_l *= self.plasma_proteins.agp.fraction_of_adult(a, adult_age);
        // Tubular secretion per kg body weight (Hayton 2000).
        p.renal_secretion_factor *=
            w / adult.body_weight_kg * self.tubular_secretion.fraction_of_adult(a, adult_age);
        // Microsomal protein per gram of liver (Barter 2008): the enzyme functions below
        // are per mg microsomal protein.
        p.enzymes.mppgl_mg_per_g *= self.mppgl.fraction_of_adult(a, adult_age);

        // Enzymes.
        let mut enzyme_maturation = Vec::new();
        for (e, x) in p.enzymes.liver.iter_mut() {
            if let Some(m) = self.enzyme(e, Site::Liver) {
                match m.unit {
                    MaturationUnit::Relative => {
                        let f = m.fraction_of_adult(a, ga, adult_age);
                        x.subject_factor *= f;
                        enzyme_maturation.push((e.clone(), "liver".to_string(), f));
                    }
                    MaturationUnit::PmolPerMg => {
                        x.abundance_pmol_per_mg =
                            m.child_value(x.abundance_pmol_per_mg, a, ga, adult_age);
                        enzyme_maturation.push((
                            e.clone(),
                            "liver, pmol/mg".to_string(),
                            x.abundance_pmol_per_mg,
                        ));
                    }
                }
            }
        }
        for (e, x) in p.enzymes.gut.iter_mut() {
            x.amount_nmol *= r_si;
            if let Some(m) = self.enzyme(e, Site::Gut) {
                let f = m.fraction_of_adult(a, ga, adult_age);
                x.subject_factor *= f;
                enzyme_maturation.push((e.clone(), "gut".to_string(), f));
            }
        }
        p.name = format!(
            "typical {} child, {:.2} y ({})",
            if female { "female" } else { "male" },
            child.age_years,
            adult.name
        );
        p.validate(&p.name.clone())?;
        Ok((
            p,
            Growth {
                weight_kg: w,
                height_cm: h,
                bsa_m2: bsa,
                volume_ratio,
                blood_volume_ratio: rb,
                cardiac_output_ratio: co_ratio,
                gfr_maturation: gfr_m,
                enzyme_maturation,
            },
        ))
    }
}
