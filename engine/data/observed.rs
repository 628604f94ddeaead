//! Observed concentration-time data named by a scenario (`[[observed_data]]`), read from a
//! simple CSV (`time_h,concentration,sd,unit,study,n`) or a NONMEM-style data file
//! (`ID,TIME,DV,AMT,EVID,MDV,CMT`: observation rows, EVID = 0 and MDV = 0, averaged per
//! time as mean +/- SD), and converted to the simulation's unit, mg/L, once at load.

use crate::error::{PbpkError, Result};
use serde::{Deserialize, Serialize};

/// A scenario's pointer to an observed data file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedData {
    /// Path relative to the scenario file (shipped files live in `scenarios/data/`).
    pub file: String,
    #[serde(default)]
    pub format: DataFormat,
    pub compound: String,
    pub arm: String,
    /// Concentration unit of a NONMEM file's DV (the CSV carries a unit per row).
    #[serde(default)]
    pub unit: Option<String>,
    /// Added to the file's times (times after the dose -> scenario time).
    #[serde(default)]
    pub time_offset_h: f64,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum DataFormat {
    #[default]
    Csv,
    Nonmem,
}

/// One observed point in the simulation's units.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub t_h: f64,
    pub c_mg_per_l: f64,
    pub sd_mg_per_l: Option<f64>,
    pub study: String,
    pub n: Option<u32>,
}

/// Factor from `unit` to mg/L for a compound of molecular weight `mw` (g/mol).
pub fn to_mg_per_l(unit: &str, mw: f64) -> Option<f64> {
    Some(match unit.trim() {
        "mg/L" | "ug/mL" | "µg/mL" => 1.0,
        "ng/mL" | "ug/L" | "µg/L" => 1e-3,
        "pg/mL" | "ng/L" => 1e-6,
        "umol/L" | "µmol/L" | "uM" | "µM" => mw * 1e-3,
        "nmol/L" | "nM" => mw * 1e-6,
        _ => return None,
    })
}

const UNITS: &str = "mg/L, ug/mL, ng/mL, ug/L, ng/L, pg/mL, umol/L, nmol/L";

#[derive(Deserialize)]
struct CsvRow {
    time_h: f64,
    concentration: f64,
    #[serde(default)]
    sd: Option<f64>,
    unit: String,
    #[serde(default)]
    study: String,
    #[serde(default)]
    n: Option<u32>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct NonmemRow {
    ID: String,
    TIME: f64,
    /// Text: NONMEM files write "." for missing values.
    DV: String,
    #[serde(default)]
    EVID: String,
    #[serde(default)]
    MDV: String,
}

/// Parse a data file's text. `label` names it in errors; `mw` converts molar units.
pub fn parse(d: &ObservedData, label: &str, text: &str, mw: f64) -> Result<Vec<Point>> {
    let bad = |row: usize, msg: String| PbpkError::invalid(label, format!("row {row}"), msg);
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    match d.format {
        DataFormat::Csv => {
            for (i, rec) in rdr.deserialize::<CsvRow>().enumerate() {
                let r = rec.map_err(|e| {
                    bad(
                        i + 2,
                        format!("{e}; expected columns time_h,concentration,sd,unit,study,n"),
                    )
                })?;
                let f = to_mg_per_l(&r.unit, mw).ok_or_else(|| {
                    bad(
                        i + 2,
                        format!("unknown unit \"{}\"; use one of {UNITS}", r.unit),
                    )
                })?;
                if !(r.time_h.is_finite() && r.concentration.is_finite() && r.concentration >= 0.0)
                {
                    return Err(bad(
                        i + 2,
                        "time and concentration must be finite, concentration >= 0".into(),
                    ));
                }
                out.push(Point {
                    t_h: r.time_h + d.time_offset_h,
                    c_mg_per_l: r.concentration * f,
                    sd_mg_per_l: r.sd.map(|s| s * f),
                    study: r.study,
                    n: r.n,
                });
            }
        }
        DataFormat::Nonmem => {
            let unit = d.unit.as_deref().ok_or_else(|| {
                PbpkError::invalid(label, "unit", format!("a NONMEM file needs `unit` for DV in the scenario's [[observed_data]] (one of {UNITS})"))
            })?;
            let f = to_mg_per_l(unit, mw).ok_or_else(|| {
                PbpkError::invalid(
                    label,
                    "unit",
                    format!("unknown unit \"{unit}\"; use one of {UNITS}"),
                )
            })?;
            let mut by_time: Vec<(f64, Vec<f64>, Vec<String>)> = Vec::new();
            for (i, rec) in rdr.deserialize::<NonmemRow>().enumerate() {
                let r = rec.map_err(|e| {
                    bad(
                        i + 2,
                        format!("{e}; expected columns ID,TIME,DV,AMT,EVID,MDV,CMT"),
                    )
                })?;
                let flag = |v: &str| !(v.is_empty() || v == "." || v == "0");
                if flag(&r.EVID) || flag(&r.MDV) {
                    continue;
                }
                let dv: f64 = r.DV.parse().map_err(|_| {
                    bad(
                        i + 2,
                        format!(
                            "DV \"{}\" is not a number on an observation row (EVID 0, MDV 0)",
                            r.DV
                        ),
                    )
                })?;
                match by_time.iter_mut().find(|x| (x.0 - r.TIME).abs() < 1e-9) {
                    Some(x) => {
                        x.1.push(dv);
                        x.2.push(r.ID);
                    }
                    None => by_time.push((r.TIME, vec![dv], vec![r.ID])),
                }
            }
            by_time.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (t, v, _) in by_time {
                let n = v.len() as f64;
                let mean = v.iter().sum::<f64>() / n;
                let sd = (n > 1.0).then(|| {
                    (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
                });
                out.push(Point {
                    t_h: t + d.time_offset_h,
                    c_mg_per_l: mean * f,
                    sd_mg_per_l: sd.map(|s| s * f),
                    study: String::new(),
                    n: Some(v.len() as u32),
                });
            }
        }
    }
    if out.is_empty() {
        return Err(PbpkError::invalid(
            label,
            "(rows)",
            "no observations in the file",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(format: DataFormat, unit: Option<&str>) -> ObservedData {
        ObservedData {
            file: "x".into(),
            format,
            compound: "c".into(),
            arm: "a".into(),
            unit: unit.map(String::from),
            time_offset_h: 1.0,
        }
    }

    #[test]
    fn csv_units_are_converted_to_mg_per_l() {
        let text = "time_h,concentration,sd,unit,study,n\n0.5,20,4,ng/mL,S,9\n1,0.1,,umol/L,S,9\n";
        let p = parse(&spec(DataFormat::Csv, None), "t.csv", text, 300.0).unwrap();
        assert!(
            (p[0].c_mg_per_l - 0.02).abs() < 1e-15
                && (p[0].sd_mg_per_l.unwrap() - 0.004).abs() < 1e-15
        );
        assert!((p[1].c_mg_per_l - 0.03).abs() < 1e-15 && p[1].sd_mg_per_l.is_none());
        assert_eq!(p[0].t_h, 1.5);
    }

    #[test]
    fn nonmem_observations_are_averaged_per_time_and_doses_skipped() {
        let text = "ID,TIME,DV,AMT,EVID,MDV,CMT\n1,0,.,7.5,1,1,1\n1,1,10,0,0,0,2\n2,1,20,0,0,0,2\n1,2,5,0,0,0,2\n";
        let p = parse(
            &spec(DataFormat::Nonmem, Some("ng/mL")),
            "t.csv",
            text,
            300.0,
        )
        .unwrap();
        assert_eq!(p.len(), 2);
        assert!((p[0].c_mg_per_l - 0.015).abs() < 1e-15);
        assert!((p[0].sd_mg_per_l.unwrap() - 0.007_071_067_811_865_475).abs() < 1e-12);
        assert_eq!(p[0].n, Some(2));
    }

    #[test]
    fn unknown_unit_is_a_clear_error() {
        let text = "time_h,concentration,sd,unit,study,n\n0.5,20,4,mg/dL,S,9\n";
        let e = parse(&spec(DataFormat::Csv, None), "t.csv", text, 300.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown unit") && e.contains("row 2"), "{e}");
    }
}
