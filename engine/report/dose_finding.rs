//! `dose_finding.csv` (`[children.dose_finding]`): one row per age with the typical child's
//! size, the PBPK dose (mg, mg/kg, rounded), clearance, the band dose and the exposure it
//! gives, and each classical rule's dose with the exposure it gives (ratio to the target).

use crate::error::{PbpkError, Result};
use crate::run::RunResult;
use std::path::Path;

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| format!("{v:.6}"))
}

pub fn write(result: &RunResult, path: &Path) -> Result<()> {
    let Some(d) = &result.summary.dose_finding else {
        return Ok(());
    };
    let err = |e: csv::Error| PbpkError::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    let mut header: Vec<String> = [
        "age_years",
        "ich_e11_band",
        "weight_kg",
        "height_cm",
        "bsa_m2",
        "gfr_ml_per_min",
        "pbpk_dose_mg",
        "pbpk_dose_mg_per_kg",
        "pbpk_dose_rounded_mg",
        "converged",
        "clearance_ml_per_min_per_kg",
        "t_half_h",
        "band_dose_mg",
        "band_dose_exposure_ratio",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(first) = d.ages.first() {
        for r in &first.rules {
            let slug: String = r
                .rule
                .split_whitespace()
                .next()
                .unwrap_or("rule")
                .to_lowercase();
            header.push(format!("{slug}_dose_mg"));
            header.push(format!("{slug}_exposure_ratio"));
        }
    }
    w.write_record(&header).map_err(err)?;
    for a in &d.ages {
        let mut row = vec![
            format!("{}", a.age_years),
            a.band.clone(),
            format!("{:.3}", a.weight_kg),
            format!("{:.2}", a.height_cm),
            format!("{:.4}", a.bsa_m2),
            format!("{:.3}", a.gfr_ml_per_min),
            format!("{:.6}", a.pbpk_dose_mg),
            format!("{:.6}", a.pbpk_dose_mg_per_kg),
            opt(a.pbpk_dose_rounded_mg),
            a.converged.to_string(),
            opt(a.clearance_ml_per_min_per_kg),
            opt(a.t_half_h),
            format!("{:.6}", a.band_dose_mg),
            opt(a.band_dose_ratio),
        ];
        for r in &a.rules {
            row.push(format!("{:.6}", r.dose_mg));
            row.push(opt(r.ratio));
        }
        w.write_record(&row).map_err(err)?;
    }
    w.flush().map_err(|e| PbpkError::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(())
}
