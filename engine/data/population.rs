//! Population files (`physiologies/<name>.toml` with `kind = "population"`): how virtual
//! subjects vary around the reference individuals. A population is data, not code: users
//! write their own in the same schema (docs/formats.md).

use super::ontogeny::Ontogeny;
use super::{parse_toml, Check};
use crate::error::{PbpkError, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    pub name: String,
    /// Must be "population" (tells the file apart from an individual physiology).
    pub kind: String,
    #[serde(default)]
    pub description: String,
    pub male_reference: String,
    pub female_reference: String,
    pub age_years: [f64; 2],
    pub female_fraction: f64,
    pub source: String,
    /// Adult anthropometry, liver and kidney tables; a pediatric population (with
    /// `[ontogeny]`) takes these from its growth and maturation tables instead.
    #[serde(default)]
    pub male: Option<Anthropometry>,
    #[serde(default)]
    pub female: Option<Anthropometry>,
    #[serde(default)]
    pub liver: Option<LiverVolume>,
    #[serde(default)]
    pub gfr: Option<Gfr>,
    /// Growth and maturation from birth to adulthood (pediatric populations).
    #[serde(default)]
    pub ontogeny: Option<Ontogeny>,
    #[serde(default)]
    pub enzymes: BTreeMap<String, EnzymeVariability>,
    #[serde(default)]
    pub genotypes: Vec<Genotype>,
    /// Inter-individual variability of oral absorption physiology (optional; without it
    /// every subject has the reference individual's gut).
    #[serde(default)]
    pub absorption_variability: Option<AbsorptionVariability>,
}

/// Log-normal factors (median 1, as PK-Sim's distributions around a reference value) on a
/// subject's gut, as PK-Sim's population algorithm draws them: the gastric emptying time, the small-intestinal transit time (all seven segments
/// together) and the effective absorptive surface of the small intestine (its segments'
/// `permeability_scale`, so ka = 2 Peff / R in every segment). The colon is not varied.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AbsorptionVariability {
    pub gastric_emptying_cv: f64,
    pub small_intestine_transit_cv: f64,
    pub absorptive_surface_cv: f64,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

/// A normally distributed quantity.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Normal {
    pub mean: f64,
    pub sd: f64,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Anthropometry {
    pub height_cm: Normal,
    /// Normal, truncated to [16, 40].
    pub bmi_kg_per_m2: Normal,
    pub hematocrit: Normal,
    pub albumin_g_per_l: Normal,
}

/// Liver volume by a BSA equation V(BSA) = intercept + slope x BSA, used as a ratio to the
/// reference individual: V = V_ref x V(BSA) / V_eq_ref(BSA_ref), times a log-normal factor.
/// `reference_*` give the equation of the reference individuals' own population (default:
/// this population's), so a population with smaller livers at the same BSA keeps them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LiverVolume {
    pub volume_intercept_l: f64,
    pub volume_per_bsa_l_per_m2: f64,
    #[serde(default)]
    pub reference_intercept_l: Option<f64>,
    #[serde(default)]
    pub reference_per_bsa_l_per_m2: Option<f64>,
    pub cv: f64,
    /// Variability of microsomal protein per gram of liver (log-normal CV; scales every
    /// hepatic enzyme of a subject together). Default 0: none.
    #[serde(default)]
    pub mppgl_cv: f64,
    pub source: String,
    /// Liver volume falling with adult age: 1 up to `from_age_years`, then linearly to
    /// `fraction_at_to` at `to_age_years` and beyond (optional; without it, no age term).
    #[serde(default)]
    pub age_decline: Option<LiverAgeDecline>,
    /// Total hepatic blood flow (hepatic artery and the portal organs' flows) falling with
    /// adult age, the same shape (optional; without it, no age term).
    #[serde(default)]
    pub blood_flow_age_decline: Option<LiverAgeDecline>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LiverAgeDecline {
    pub from_age_years: f64,
    pub to_age_years: f64,
    pub fraction_at_to: f64,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

impl LiverAgeDecline {
    /// The liver volume (or hepatic blood flow) at `age` relative to a young adult's.
    pub fn factor(&self, age: f64) -> f64 {
        let x = ((age - self.from_age_years) / (self.to_age_years - self.from_age_years))
            .clamp(0.0, 1.0);
        1.0 - x * (1.0 - self.fraction_at_to)
    }
}

/// GFR (mL/min) = (at_30 - decline x max(age - 30, 0)) x BSA / 1.73, times a log-normal factor.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Gfr {
    pub at_30_ml_per_min_per_1_73m2: f64,
    pub decline_per_year: f64,
    pub cv: f64,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnzymeVariability {
    /// Coefficient of variation of the (log-normal) abundance.
    pub cv: f64,
    #[serde(default)]
    pub gut_cv: Option<f64>,
    /// Multiplies the reference abundance for this population.
    #[serde(default = "one")]
    pub abundance_scale: f64,
    pub source: String,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Genotype {
    pub enzyme: String,
    pub phenotypes: Vec<Phenotype>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phenotype {
    pub name: String,
    pub frequency: f64,
    /// Multiplies the enzyme's abundance (liver and gut).
    pub activity: f64,
}

impl Population {
    /// Whether a physiology-folder file is a population (`kind = "population"`).
    pub fn is_population(text: &str) -> bool {
        text.parse::<toml::Table>()
            .ok()
            .and_then(|t| {
                t.get("kind")
                    .and_then(|k| k.as_str().map(|s| s == "population"))
            })
            .unwrap_or(false)
    }

    pub fn parse(path: &str, text: &str) -> Result<Population> {
        let p: Population = parse_toml(path, text)?;
        p.validate(path)?;
        Ok(p)
    }

    pub fn validate(&self, path: &str) -> Result<()> {
        let c = Check { path };
        if self.kind != "population" {
            return Err(PbpkError::invalid(path, "kind", "must be \"population\""));
        }
        c.source("source", &self.source)?;
        let [a0, a1] = self.age_years;
        if !(a0.is_finite() && a1.is_finite() && 0.0 <= a0 && a0 <= a1 && a1 <= 120.0) {
            return Err(PbpkError::invalid(
                path,
                "age_years",
                "must be [low, high] with 0 <= low <= high <= 120",
            ));
        }
        c.fraction("female_fraction", self.female_fraction)?;
        match &self.ontogeny {
            Some(o) => {
                o.validate(path)?;
                for (k, present) in [
                    ("male", self.male.is_some()),
                    ("female", self.female.is_some()),
                    ("liver", self.liver.is_some()),
                    ("gfr", self.gfr.is_some()),
                ] {
                    if present {
                        return Err(PbpkError::invalid(
                            path,
                            k,
                            "a pediatric population (with [ontogeny]) takes this from [ontogeny]; remove the table",
                        ));
                    }
                }
            }
            None => self.validate_adult(path)?,
        }
        for (e, v) in &self.enzymes {
            c.cv(&format!("enzymes.{e}.cv"), v.cv)?;
            if let Some(g) = v.gut_cv {
                c.cv(&format!("enzymes.{e}.gut_cv"), g)?;
            }
            c.positive(&format!("enzymes.{e}.abundance_scale"), v.abundance_scale)?;
            c.source(&format!("enzymes.{e}.source"), &v.source)?;
        }
        if let Some(v) = &self.absorption_variability {
            let f = |k: &str| format!("absorption_variability.{k}");
            c.cv(&f("gastric_emptying_cv"), v.gastric_emptying_cv)?;
            c.cv(
                &f("small_intestine_transit_cv"),
                v.small_intestine_transit_cv,
            )?;
            c.cv(&f("absorptive_surface_cv"), v.absorptive_surface_cv)?;
            c.source(&f("source"), &v.source)?;
        }
        for (i, g) in self.genotypes.iter().enumerate() {
            let sum: f64 = g.phenotypes.iter().map(|p| p.frequency).sum();
            if (sum - 1.0).abs() > 0.01 {
                return Err(PbpkError::invalid(
                    path,
                    format!("genotypes[{i}].phenotypes"),
                    format!(
                        "frequencies of {} sum to {sum:.3}; they must sum to 1",
                        g.enzyme
                    ),
                ));
            }
            for (j, p) in g.phenotypes.iter().enumerate() {
                c.fraction(
                    &format!("genotypes[{i}].phenotypes[{j}].frequency"),
                    p.frequency,
                )?;
                c.non_negative(
                    &format!("genotypes[{i}].phenotypes[{j}].activity"),
                    p.activity,
                )?;
            }
            c.source(&format!("genotypes[{i}].source"), &g.source)?;
        }
        Ok(())
    }

    fn validate_adult(&self, path: &str) -> Result<()> {
        let c = Check { path };
        let missing = |k: &str| {
            PbpkError::invalid(
                path,
                k,
                "missing table: an adult population needs [male], [female], [liver] and [gfr] (or [ontogeny] for a pediatric one)",
            )
        };
        let male = self.male.as_ref().ok_or_else(|| missing("male"))?;
        let female = self.female.as_ref().ok_or_else(|| missing("female"))?;
        let liver = self.liver.as_ref().ok_or_else(|| missing("liver"))?;
        let gfr = self.gfr.as_ref().ok_or_else(|| missing("gfr"))?;
        for (sex, a) in [("male", male), ("female", female)] {
            for (k, n, lo, hi) in [
                ("height_cm", &a.height_cm, 40.0, 230.0),
                ("bmi_kg_per_m2", &a.bmi_kg_per_m2, 10.0, 60.0),
                ("hematocrit", &a.hematocrit, 0.1, 0.7),
                ("albumin_g_per_l", &a.albumin_g_per_l, 10.0, 70.0),
            ] {
                let f = format!("{sex}.{k}");
                if !(n.mean >= lo && n.mean <= hi) {
                    return Err(PbpkError::invalid(
                        path,
                        format!("{f}.mean"),
                        format!("must be in [{lo}, {hi}], got {}", crate::data::show(n.mean)),
                    ));
                }
                c.non_negative(&format!("{f}.sd"), n.sd)?;
                // An SD above a third of the mean puts zero within 3 SD of it: draws near or
                // below zero would be rejected as implausible and redrawn, distorting the
                // distribution.
                c.at_most(
                    &format!("{f}.sd"),
                    n.sd,
                    (n.mean / 3.0 * 1000.0).floor() / 1000.0,
                    "(a third of the mean: a wider normal distribution reaches zero)",
                )?;
                c.source(&format!("{f}.source"), &n.source)?;
            }
        }
        c.cv("liver.cv", liver.cv)?;
        c.cv("liver.mppgl_cv", liver.mppgl_cv)?;
        c.positive(
            "liver.volume_per_bsa_l_per_m2",
            liver.volume_per_bsa_l_per_m2,
        )?;
        c.source("liver.source", &liver.source)?;
        for (key, decline) in [
            ("age_decline", &liver.age_decline),
            ("blood_flow_age_decline", &liver.blood_flow_age_decline),
        ] {
            let Some(d) = decline else { continue };
            if !(d.from_age_years >= 18.0 && d.to_age_years > d.from_age_years) {
                return Err(PbpkError::invalid(
                    path,
                    format!("liver.{key}.to_age_years"),
                    "needs 18 <= from_age_years < to_age_years",
                ));
            }
            if !(d.fraction_at_to > 0.0 && d.fraction_at_to <= 1.0) {
                return Err(PbpkError::invalid(
                    path,
                    format!("liver.{key}.fraction_at_to"),
                    format!(
                        "must be in (0, 1], got {}",
                        crate::data::show(d.fraction_at_to)
                    ),
                ));
            }
            c.source(&format!("liver.{key}.source"), &d.source)?;
        }
        c.positive(
            "gfr.at_30_ml_per_min_per_1_73m2",
            gfr.at_30_ml_per_min_per_1_73m2,
        )?;
        c.non_negative("gfr.decline_per_year", gfr.decline_per_year)?;
        c.cv("gfr.cv", gfr.cv)?;
        c.source("gfr.source", &gfr.source)?;
        Ok(())
    }
}
