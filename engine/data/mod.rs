//! The three file kinds (physiology, compound, scenario) as serde structs, their validation,
//! and the library that resolves names to files. Knows nothing of ODEs.
//!
//! Units are in the field names (`volume_l`, `blood_flow_l_per_h`, `km_umol_per_l`);
//! every number carries a `source`, either beside it (`{ value = .., source = ".." }`) or
//! in the `source` of the table that holds it.

pub mod compound;
pub mod library;
pub mod observed;
pub mod ontogeny;
pub mod physiology;
pub mod population;
pub mod scenario;
pub mod toml_path;

use crate::error::{PbpkError, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A number with its literature source (and optional status tag: C, C2, D, R, fitted).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sourced {
    pub value: f64,
    pub source: String,
    #[serde(default)]
    pub status: Option<String>,
}

/// Parse TOML text into `T`. Syntax errors, unknown keys, missing fields and wrong types
/// come back as one message with line and column (from the `toml` crate).
pub fn parse_toml<T: DeserializeOwned>(path: &str, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| PbpkError::Parse {
        path: path.to_string(),
        message: e.to_string().trim_end().to_string(),
    })
}

/// A number as a reader would write it: plain in 1e-4..1e9, else in exponent form (1e308,
/// not 309 digits).
pub fn show(v: f64) -> String {
    if v == 0.0 || !v.is_finite() || (1e-4..1e9).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Largest Km, Ki, KI or EC50 accepted (umol/L): 1 mol/L.
pub const MAX_AFFINITY_UMOL_PER_L: f64 = 1e6;

/// Small validation helper: collects the file path so every check reads as one line.
pub struct Check<'a> {
    pub path: &'a str,
}

impl Check<'_> {
    pub fn positive(&self, field: &str, v: f64) -> Result<()> {
        if !(v.is_finite() && v > 0.0) {
            return Err(PbpkError::invalid(
                self.path,
                field,
                format!("must be a finite number > 0, got {}", show(v)),
            ));
        }
        Ok(())
    }
    /// A coefficient of variation of a log-normal quantity: in [0, 2]. Biological
    /// variabilities of organ sizes, enzyme amounts and clearances are 0.1-1.1; a CV above
    /// 2 (200 %) is a unit slip (% for a fraction).
    pub fn cv(&self, field: &str, v: f64) -> Result<()> {
        self.non_negative(field, v)?;
        self.at_most(
            field,
            v,
            2.0,
            "(a fraction: 0.3 is 30 %; a CV above 200 % is not a biological variability)",
        )
    }
    /// A number no larger than `max` (`what` names the unit, and why, in words).
    pub fn at_most(&self, field: &str, v: f64, max: f64, what: &str) -> Result<()> {
        if v > max {
            return Err(PbpkError::invalid(
                self.path,
                field,
                format!("must be at most {} {what}, got {}", show(max), show(v)),
            ));
        }
        Ok(())
    }
    /// A binding or half-saturation constant (umol/L): > 0 and at most 1 mol/L, beyond
    /// which no drug binds at any attainable concentration (such a constant only underflows
    /// the rates it divides).
    pub fn affinity_umol(&self, field: &str, v: f64) -> Result<()> {
        self.positive(field, v)?;
        self.at_most(
            field,
            v,
            MAX_AFFINITY_UMOL_PER_L,
            "umol/L (1 mol/L: a weaker binding is none at all; leave the pathway or interaction out)",
        )
    }
    /// A finite number in [lo, hi] (`what` names the unit and the range in words).
    pub fn within(&self, field: &str, v: f64, lo: f64, hi: f64, what: &str) -> Result<()> {
        if !(v.is_finite() && lo <= v && v <= hi) {
            return Err(PbpkError::invalid(
                self.path,
                field,
                format!(
                    "must be between {} and {} {what}, got {}",
                    show(lo),
                    show(hi),
                    show(v)
                ),
            ));
        }
        Ok(())
    }
    pub fn non_negative(&self, field: &str, v: f64) -> Result<()> {
        if !(v.is_finite() && v >= 0.0) {
            return Err(PbpkError::invalid(
                self.path,
                field,
                format!("must be a finite number >= 0, got {}", show(v)),
            ));
        }
        Ok(())
    }
    pub fn fraction(&self, field: &str, v: f64) -> Result<()> {
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            return Err(PbpkError::invalid(
                self.path,
                field,
                format!("must be a fraction in [0, 1], got {}", show(v)),
            ));
        }
        Ok(())
    }
    pub fn source(&self, field: &str, s: &str) -> Result<()> {
        if s.trim().is_empty() {
            return Err(PbpkError::invalid(
                self.path,
                field,
                "source must name the paper, label or database the value comes from",
            ));
        }
        Ok(())
    }
    pub fn sourced_positive(&self, field: &str, q: &Sourced) -> Result<()> {
        self.positive(&format!("{field}.value"), q.value)?;
        self.source(&format!("{field}.source"), &q.source)
    }
}
