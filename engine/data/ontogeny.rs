//! The `[ontogeny]` table of a pediatric population file: how the body grows and matures
//! from birth to adulthood, as data with sources (docs/formats.md, physiologies/pediatric.toml).
//!
//! - `reference_ages_years` with per-sex `[body.*]` and `[organ_mass_g.*]` columns: the ICRP 89
//!   reference individuals (newborn, 1, 5, 10, 15 y, adult); the last column is the adult,
//!   matching the population's adult reference physiologies.
//! - `[growth.*]`: WHO 2006 / CDC 2000 LMS growth references (height and weight by age).
//! - `[hematocrit]`: a piecewise-linear table by age.
//! - `[gfr]`: Rhodin 2009 sigmoid in postmenstrual age times weight^0.75.
//! - `[plasma_proteins.*]` and `[[enzymes]]`: sigmoid maturation functions
//!   F(a) = F_birth + (F_adult - F_birth) a^h / (a50^h + a^h).

use super::physiology::{Organ, ORGANS};
use super::Check;
use crate::error::{PbpkError, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ontogeny {
    /// Age (y) at which the adult reference individual applies unchanged.
    pub adult_age_years: f64,
    /// Gestational age at birth when a scenario does not give one (weeks).
    pub default_gestational_age_weeks: f64,
    /// Ages (y) of the columns of `body` and `organ_mass_g`; strictly increasing, the last
    /// equal to `adult_age_years`.
    pub reference_ages_years: Vec<f64>,
    pub source: String,
    pub body: BySex<BodyColumns>,
    pub organ_mass_g: BySex<BTreeMap<String, Vec<f64>>>,
    #[serde(default)]
    pub organ_mass_source: String,
    pub growth: BySex<Lms>,
    pub hematocrit: AgeTable,
    pub gfr: GfrMaturation,
    pub plasma_proteins: PlasmaProteins,
    pub mppgl: MppglByAge,
    pub tubular_secretion: SecretionMaturation,
    #[serde(default)]
    pub enzymes: Vec<EnzymeMaturation>,
    /// Tissue-composition fields that change with age (newborn tissues hold more water
    /// and less lipid); fields not listed keep the adult reference composition.
    #[serde(default)]
    pub tissue_composition: Vec<CompositionByAge>,
    pub variability: PediatricVariability,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BySex<T> {
    pub male: T,
    pub female: T,
}

/// Whole-body columns at the reference ages.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BodyColumns {
    pub body_weight_kg: Vec<f64>,
    pub height_cm: Vec<f64>,
    pub cardiac_output_l_per_min: Vec<f64>,
    pub blood_volume_ml: Vec<f64>,
    /// Brain blood flow per 100 g brain (the brain is not perfused in proportion to its
    /// mass as it grows: Chiron 1992 via Abraham 2005).
    pub brain_flow_ml_per_min_per_100g: Vec<f64>,
    pub source: String,
}

/// LMS growth reference: value(z) = M (1 + L S z)^(1/L) (or M exp(S z) when L = 0),
/// each of L, M, S interpolated linearly in age (Cole 1990).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lms {
    pub age_years: Vec<f64>,
    pub height_l: Vec<f64>,
    pub height_m_cm: Vec<f64>,
    pub height_s: Vec<f64>,
    pub weight_l: Vec<f64>,
    pub weight_m_kg: Vec<f64>,
    pub weight_s: Vec<f64>,
    pub source: String,
}

/// A quantity tabulated by age, linear between rows, constant beyond the ends.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AgeTable {
    pub age_years: Vec<f64>,
    pub male: Vec<f64>,
    pub female: Vec<f64>,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

/// GFR maturation (Rhodin 2009): GFR = GFR_adult x (W / W_adult)^exponent x
/// PMA^h / (TM50^h + PMA^h), normalised to 1 at the adult age.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GfrMaturation {
    pub tm50_weeks_pma: f64,
    pub hill: f64,
    pub weight_exponent: f64,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlasmaProteins {
    pub albumin: ProteinTable,
    pub agp: ProteinTable,
}

/// A plasma protein concentration by age (linear between rows); its ratio to the value at
/// the adult age multiplies the adult reference's concentration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProteinTable {
    pub age_years: Vec<f64>,
    pub g_per_l: Vec<f64>,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

impl ProteinTable {
    pub fn fraction_of_adult(&self, age: f64, adult_years: f64) -> f64 {
        interpolate(&self.age_years, &self.g_per_l, age.min(adult_years))
            / interpolate(&self.age_years, &self.g_per_l, adult_years)
    }
}

/// Microsomal protein per gram of liver by age: MPPGL = 10^(c0 + c1 a + c2 a^2 + c3 a^3)
/// (a in years; Barter 2008), as a ratio to its value at the adult age.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MppglByAge {
    pub log10_coefficients: [f64; 4],
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

impl MppglByAge {
    pub fn mg_per_g(&self, age: f64) -> f64 {
        let c = &self.log10_coefficients;
        10f64.powf(c[0] + c[1] * age + c[2] * age * age + c[3] * age * age * age)
    }
    pub fn fraction_of_adult(&self, age: f64, adult_years: f64) -> f64 {
        self.mg_per_g(age.min(adult_years)) / self.mg_per_g(adult_years)
    }
}

/// Active renal tubular secretion per kg body weight relative to the adult (Hayton 2000):
/// F = 1 - (1 - f_birth) exp(-k a), a = postnatal age in months.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretionMaturation {
    pub f_birth: f64,
    pub rate_per_month: f64,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

impl SecretionMaturation {
    pub fn fraction_of_adult(&self, age_years: f64, adult_years: f64) -> f64 {
        let f = |a: f64| 1.0 - (1.0 - self.f_birth) * (-self.rate_per_month * a * 12.0).exp();
        f(age_years.min(adult_years)) / f(adult_years)
    }
}

/// What a maturation function's age is counted from.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AgeBasis {
    /// Postmenstrual age in weeks (gestational age at birth + postnatal age).
    PmaWeeks,
    /// Postnatal age in years.
    PnaYears,
    /// Postnatal age in days.
    PnaDays,
}

/// What a maturation function's values are.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MaturationUnit {
    /// Relative values: the child has the adult reference times F(a) / F(adult age).
    #[default]
    Relative,
    /// Hepatic abundance in pmol/mg microsomal protein, for enzymes that decline after
    /// birth to (nearly) nothing, such as fetal CYP3A7: the child has the adult reference
    /// abundance plus F(a) - F(adult age), so an adult reference of 0 stays 0 at the adult
    /// age and a ratio to it is never taken.
    PmolPerMg,
}

/// F(a) = F_birth + (F_adult - F_birth) a^h / (a50^h + a^h), a in `age` units.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Maturation {
    pub age: AgeBasis,
    #[serde(default)]
    pub unit: MaturationUnit,
    pub f_birth: f64,
    pub f_adult: f64,
    pub age50: f64,
    pub hill: f64,
    /// Postnatal age (y) from which the function is held at its value (the published age
    /// cap); default the adult age.
    #[serde(default)]
    pub adult_at_years: Option<f64>,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

/// Where an enzyme's maturation applies.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Site {
    Liver,
    Gut,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnzymeMaturation {
    pub enzyme: String,
    pub site: Site,
    #[serde(flatten)]
    pub function: Maturation,
}

/// One tissue-composition field of one organ at the reference ages. The child's value is
/// the adult reference's times values(a) / values(adult), interpolated linearly in age, so
/// the adult column anchors it exactly as every other age table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CompositionByAge {
    pub organ: String,
    /// A `[organs.X.composition]` field name, e.g. `neutral_lipid_pt`, or
    /// `fraction_interstitial`.
    pub field: String,
    /// One value per reference age (fractions of tissue volume, or the field's own unit).
    pub values: Vec<f64>,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

impl CompositionByAge {
    /// Ratio of the value at `age` to the adult column.
    pub fn ratio_to_adult(&self, ages: &[f64], age: f64) -> f64 {
        interpolate(ages, &self.values, age) / self.values[self.values.len() - 1]
    }
}

/// Between-child variability around the typical child of an age and sex.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PediatricVariability {
    /// Correlation of the height and weight z-scores.
    pub height_weight_z_correlation: f64,
    /// |z| beyond this is redrawn (growth charts are not meant for the extremes).
    pub max_abs_z: f64,
    pub liver_volume_cv: f64,
    pub mppgl_cv: f64,
    pub gfr_cv: f64,
    pub albumin_cv: f64,
    pub hematocrit_cv: f64,
    pub source: String,
}

impl Maturation {
    /// The function at `age` in its own units.
    pub fn eval(&self, a: f64) -> f64 {
        let a = a.max(0.0);
        let x = if a == 0.0 {
            0.0
        } else {
            let r = (a / self.age50).powf(self.hill);
            r / (1.0 + r)
        };
        self.f_birth + (self.f_adult - self.f_birth) * x
    }

    /// The function's age argument for a child of postnatal age `pna_years` born at
    /// `ga_weeks`.
    pub fn age_of(&self, pna_years: f64, ga_weeks: f64) -> f64 {
        match self.age {
            AgeBasis::PmaWeeks => ga_weeks + pna_years * WEEKS_PER_YEAR,
            AgeBasis::PnaYears => pna_years,
            AgeBasis::PnaDays => pna_years * DAYS_PER_YEAR,
        }
    }

    /// Fraction of the adult value: F(age) / F(adult age), so the adult reference is the
    /// anchor and the function only describes the approach to it.
    pub fn fraction_of_adult(&self, pna_years: f64, ga_weeks: f64, adult_years: f64) -> f64 {
        let cap = self.cap(adult_years);
        let adult = self.eval(self.age_of(cap, 40.0));
        self.eval(self.age_of(pna_years.min(cap), ga_weeks)) / adult
    }

    /// Postnatal age (y) from which the function is held at its value.
    fn cap(&self, adult_years: f64) -> f64 {
        self.adult_at_years.unwrap_or(adult_years).min(adult_years)
    }

    /// The child's value of a quantity whose adult reference value is `adult_reference`
    /// (see [`MaturationUnit`]).
    pub fn child_value(
        &self,
        adult_reference: f64,
        pna_years: f64,
        ga_weeks: f64,
        adult_years: f64,
    ) -> f64 {
        match self.unit {
            MaturationUnit::Relative => {
                adult_reference * self.fraction_of_adult(pna_years, ga_weeks, adult_years)
            }
            MaturationUnit::PmolPerMg => {
                let cap = self.cap(adult_years);
                let at = |a: f64, ga: f64| self.eval(self.age_of(a, ga));
                (adult_reference + at(pna_years.min(cap), ga_weeks) - at(cap, 40.0)).max(0.0)
            }
        }
    }

    fn validate(&self, c: &Check, f: &str) -> Result<()> {
        c.non_negative(&format!("{f}.f_birth"), self.f_birth)?;
        match self.unit {
            MaturationUnit::Relative => c.positive(&format!("{f}.f_adult"), self.f_adult)?,
            MaturationUnit::PmolPerMg => c.non_negative(&format!("{f}.f_adult"), self.f_adult)?,
        }
        c.positive(&format!("{f}.age50"), self.age50)?;
        c.positive(&format!("{f}.hill"), self.hill)?;
        if let Some(a) = self.adult_at_years {
            c.positive(&format!("{f}.adult_at_years"), a)?;
        }
        c.source(&format!("{f}.source"), &self.source)
    }
}

pub const WEEKS_PER_YEAR: f64 = 365.25 / 7.0;
pub const DAYS_PER_YEAR: f64 = 365.25;

/// Linear interpolation in a table of increasing `xs`, constant beyond the ends.
pub fn interpolate(xs: &[f64], ys: &[f64], x: f64) -> f64 {
    if x <= xs[0] {
        return ys[0];
    }
    for i in 1..xs.len() {
        if x <= xs[i] {
            let t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
            return ys[i - 1] + t * (ys[i] - ys[i - 1]);
        }
    }
    ys[ys.len() - 1]
}

impl Lms {
    fn value(l: f64, m: f64, s: f64, z: f64) -> f64 {
        if l.abs() < 1e-9 {
            m * (s * z).exp()
        } else {
            m * (1.0 + l * s * z).max(1e-6).powf(1.0 / l)
        }
    }
    /// Height (cm) at z-score `z`.
    pub fn height_cm(&self, age: f64, z: f64) -> f64 {
        let i = |v: &[f64]| interpolate(&self.age_years, v, age);
        Self::value(
            i(&self.height_l),
            i(&self.height_m_cm),
            i(&self.height_s),
            z,
        )
    }
    /// Weight (kg) at z-score `z`.
    pub fn weight_kg(&self, age: f64, z: f64) -> f64 {
        let i = |v: &[f64]| interpolate(&self.age_years, v, age);
        Self::value(
            i(&self.weight_l),
            i(&self.weight_m_kg),
            i(&self.weight_s),
            z,
        )
    }
}

impl AgeTable {
    pub fn at(&self, age: f64, female: bool) -> f64 {
        interpolate(
            &self.age_years,
            if female { &self.female } else { &self.male },
            age,
        )
    }
}

fn increasing(c: &Check, f: &str, xs: &[f64]) -> Result<()> {
    if xs.is_empty() || xs.windows(2).any(|w| w[1] <= w[0]) || xs[0] < 0.0 {
        return Err(PbpkError::invalid(
            c.path,
            f,
            "must be a non-empty list of ages >= 0 in strictly increasing order",
        ));
    }
    Ok(())
}

fn columns(c: &Check, f: &str, v: &[f64], n: usize) -> Result<()> {
    if v.len() != n {
        return Err(PbpkError::invalid(
            c.path,
            f,
            format!(
                "has {} values; it needs one for each of the {n} ages",
                v.len()
            ),
        ));
    }
    for (i, x) in v.iter().enumerate() {
        c.positive(&format!("{f}[{i}]"), *x)?;
    }
    Ok(())
}

impl Ontogeny {
    pub fn validate(&self, path: &str) -> Result<()> {
        let c = Check { path };
        let p = "ontogeny";
        c.source(&format!("{p}.source"), &self.source)?;
        c.positive(&format!("{p}.adult_age_years"), self.adult_age_years)?;
        if !(20.0..=45.0).contains(&self.default_gestational_age_weeks) {
            return Err(PbpkError::invalid(
                path,
                format!("{p}.default_gestational_age_weeks"),
                "must be between 20 and 45 weeks (term birth is 40)",
            ));
        }
        let ages = &self.reference_ages_years;
        increasing(&c, &format!("{p}.reference_ages_years"), ages)?;
        if (ages[ages.len() - 1] - self.adult_age_years).abs() > 1e-9 {
            return Err(PbpkError::invalid(
                path,
                format!("{p}.reference_ages_years"),
                "the last reference age must equal adult_age_years (it is the adult column)",
            ));
        }
        let n = ages.len();
        for (sex, b, m, g) in [
            (
                "male",
                &self.body.male,
                &self.organ_mass_g.male,
                &self.growth.male,
            ),
            (
                "female",
                &self.body.female,
                &self.organ_mass_g.female,
                &self.growth.female,
            ),
        ] {
            let f = |k: &str| format!("{p}.body.{sex}.{k}");
            columns(&c, &f("body_weight_kg"), &b.body_weight_kg, n)?;
            if b.body_weight_kg.windows(2).any(|w| w[1] <= w[0]) {
                return Err(PbpkError::invalid(
                    path,
                    f("body_weight_kg"),
                    "must increase with age (organ masses are interpolated against body weight)",
                ));
            }
            columns(&c, &f("height_cm"), &b.height_cm, n)?;
            columns(
                &c,
                &f("cardiac_output_l_per_min"),
                &b.cardiac_output_l_per_min,
                n,
            )?;
            columns(&c, &f("blood_volume_ml"), &b.blood_volume_ml, n)?;
            columns(
                &c,
                &f("brain_flow_ml_per_min_per_100g"),
                &b.brain_flow_ml_per_min_per_100g,
                n,
            )?;
            c.source(&f("source"), &b.source)?;
            for organ in ORGANS {
                let v = m.get(organ).ok_or_else(|| {
                    PbpkError::invalid(
                        path,
                        format!("{p}.organ_mass_g.{sex}.{organ}"),
                        "missing: every model organ needs its mass at each reference age",
                    )
                })?;
                columns(&c, &format!("{p}.organ_mass_g.{sex}.{organ}"), v, n)?;
            }
            if let Some(k) = m.keys().find(|k| !ORGANS.contains(&k.as_str())) {
                return Err(PbpkError::invalid(
                    path,
                    format!("{p}.organ_mass_g.{sex}.{k}"),
                    format!("unknown organ; expected one of: {}", ORGANS.join(", ")),
                ));
            }
            let gf = |k: &str| format!("{p}.growth.{sex}.{k}");
            increasing(&c, &gf("age_years"), &g.age_years)?;
            let gn = g.age_years.len();
            for (k, v) in [
                ("height_m_cm", &g.height_m_cm),
                ("height_s", &g.height_s),
                ("weight_m_kg", &g.weight_m_kg),
                ("weight_s", &g.weight_s),
            ] {
                columns(&c, &gf(k), v, gn)?;
            }
            for (k, v) in [("height_l", &g.height_l), ("weight_l", &g.weight_l)] {
                if v.len() != gn || v.iter().any(|x| !x.is_finite()) {
                    return Err(PbpkError::invalid(
                        path,
                        gf(k),
                        format!("needs {gn} finite values, one for each age"),
                    ));
                }
            }
            c.source(&gf("source"), &g.source)?;
        }
        c.source(&format!("{p}.organ_mass_source"), &self.organ_mass_source)?;
        let h = &self.hematocrit;
        increasing(&c, &format!("{p}.hematocrit.age_years"), &h.age_years)?;
        for (sex, v) in [("male", &h.male), ("female", &h.female)] {
            if v.len() != h.age_years.len() || v.iter().any(|x| !(0.1..0.8).contains(x)) {
                return Err(PbpkError::invalid(
                    path,
                    format!("{p}.hematocrit.{sex}"),
                    "needs one hematocrit in (0.1, 0.8) for each age",
                ));
            }
        }
        c.source(&format!("{p}.hematocrit.source"), &h.source)?;
        c.positive(&format!("{p}.gfr.tm50_weeks_pma"), self.gfr.tm50_weeks_pma)?;
        c.positive(&format!("{p}.gfr.hill"), self.gfr.hill)?;
        c.non_negative(
            &format!("{p}.gfr.weight_exponent"),
            self.gfr.weight_exponent,
        )?;
        c.source(&format!("{p}.gfr.source"), &self.gfr.source)?;
        for (k, t) in [
            ("albumin", &self.plasma_proteins.albumin),
            ("agp", &self.plasma_proteins.agp),
        ] {
            let f = format!("{p}.plasma_proteins.{k}");
            increasing(&c, &format!("{f}.age_years"), &t.age_years)?;
            columns(&c, &format!("{f}.g_per_l"), &t.g_per_l, t.age_years.len())?;
            c.source(&format!("{f}.source"), &t.source)?;
        }
        for a in [0.0, self.adult_age_years] {
            c.positive(
                &format!("{p}.mppgl.log10_coefficients"),
                self.mppgl.mg_per_g(a),
            )?;
        }
        c.source(&format!("{p}.mppgl.source"), &self.mppgl.source)?;
        c.positive(
            &format!("{p}.tubular_secretion.f_birth"),
            self.tubular_secretion.f_birth,
        )?;
        c.non_negative(
            &format!("{p}.tubular_secretion.rate_per_month"),
            self.tubular_secretion.rate_per_month,
        )?;
        c.source(
            &format!("{p}.tubular_secretion.source"),
            &self.tubular_secretion.source,
        )?;
        for (i, e) in self.enzymes.iter().enumerate() {
            e.function.validate(&c, &format!("{p}.enzymes[{i}]"))?;
            if e.function.unit == MaturationUnit::PmolPerMg && e.site != Site::Liver {
                return Err(PbpkError::invalid(
                    path,
                    format!("{p}.enzymes[{i}].unit"),
                    "pmol_per_mg is a hepatic abundance: use it with site = \"liver\" (gut functions are relative)",
                ));
            }
            if self
                .enzymes
                .iter()
                .take(i)
                .any(|o| o.enzyme == e.enzyme && o.site == e.site)
            {
                return Err(PbpkError::invalid(
                    path,
                    format!("{p}.enzymes[{i}]"),
                    format!("{} has two maturation functions for one site", e.enzyme),
                ));
            }
        }
        for (i, t) in self.tissue_composition.iter().enumerate() {
            let f = format!("{p}.tissue_composition[{i}]");
            if !ORGANS.contains(&t.organ.as_str()) {
                return Err(PbpkError::invalid(
                    path,
                    format!("{f}.organ"),
                    format!(
                        "unknown organ '{}'; expected one of {}",
                        t.organ,
                        ORGANS.join(", ")
                    ),
                ));
            }
            if !Organ::age_dependent_fields().any(|n| n == t.field) {
                return Err(PbpkError::invalid(
                    path,
                    format!("{f}.field"),
                    format!(
                        "unknown field '{}'; expected one of {}",
                        t.field,
                        Organ::age_dependent_fields().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            columns(&c, &format!("{f}.values"), &t.values, n)?;
            c.source(&format!("{f}.source"), &t.source)?;
            if self
                .tissue_composition
                .iter()
                .take(i)
                .any(|o| o.organ == t.organ && o.field == t.field)
            {
                return Err(PbpkError::invalid(
                    path,
                    f,
                    format!("{}.{} is given twice", t.organ, t.field),
                ));
            }
        }
        let v = &self.variability;
        let f = |k: &str| format!("{p}.variability.{k}");
        if !(-1.0..=1.0).contains(&v.height_weight_z_correlation) {
            return Err(PbpkError::invalid(
                path,
                f("height_weight_z_correlation"),
                "must be a correlation in [-1, 1]",
            ));
        }
        c.positive(&f("max_abs_z"), v.max_abs_z)?;
        for (k, x) in [
            ("liver_volume_cv", v.liver_volume_cv),
            ("mppgl_cv", v.mppgl_cv),
            ("gfr_cv", v.gfr_cv),
            ("albumin_cv", v.albumin_cv),
            ("hematocrit_cv", v.hematocrit_cv),
        ] {
            c.cv(&f(k), x)?;
        }
        c.source(&f("source"), &v.source)
    }

    /// The maturation function of `enzyme` at `site`, if any.
    pub fn enzyme(&self, enzyme: &str, site: Site) -> Option<&Maturation> {
        self.enzymes
            .iter()
            .find(|e| e.enzyme == enzyme && e.site == site)
            .map(|e| &e.function)
    }
}
