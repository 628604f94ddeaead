//! `dose_finding.csv` (`[children.dose_finding]`): one row per age with the typical child's
//! size, the PBPK dose (mg, mg/kg, rounded), clearance, the band dose and the exposure it
//! gives, and each classical rule's dose with the exposure it gives (ratio to the target);
//! `dose_finding_bands.csv`: one row per ICH E11 band with its mg/kg dose, the exposure it
//! gives the typical children of the band's ages, and its spread over virtual children.

use super::csv_err;
use crate::error::Result;
use crate::run::RunResult;
use std::path::Path;

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| format!("{v:.6}"))
}

pub fn write(result: &RunResult, path: &Path) -> Result<()> {
    let Some(d) = &result.summary.dose_finding else {
        return Ok(());
    };
    let err = csv_err(path);
    let mut w = csv::Writer::from_path(path).map_err(&err)?;
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
    w.write_record(&header).map_err(&err)?;
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
            opt(a.band_dose_exposure_ratio),
        ];
        for r in &a.rules {
            row.push(format!("{:.6}", r.dose_mg));
            row.push(opt(r.ratio));
        }
        w.write_record(&row).map_err(&err)?;
    }
    w.flush().map_err(|e| err(e.into()))
}

pub fn write_bands(result: &RunResult, path: &Path) -> Result<()> {
    let Some(d) = &result.summary.dose_finding else {
        return Ok(());
    };
    let err = csv_err(path);
    let mut w = csv::Writer::from_path(path).map_err(&err)?;
    w.write_record([
        "ich_e11_band",
        "dose_mg_per_kg",
        "dose_mg_per_kg_min",
        "dose_mg_per_kg_max",
        "typical_exposure_ratio_min",
        "typical_exposure_ratio_max",
        "virtual_children",
        "virtual_failed",
        "virtual_age_from_years",
        "virtual_age_to_years",
        "virtual_exposure_ratio_p05",
        "virtual_exposure_ratio_median",
        "virtual_exposure_ratio_p95",
        "virtual_share_within_0.8_1.25",
    ])
    .map_err(&err)?;
    for b in &d.bands {
        let v = &b.virtual_children;
        w.write_record([
            b.band.clone(),
            format!("{:.6}", b.dose_mg_per_kg),
            format!("{:.6}", b.dose_mg_per_kg_min),
            format!("{:.6}", b.dose_mg_per_kg_max),
            opt(b.exposure_ratio_min),
            opt(b.exposure_ratio_max),
            v.count.to_string(),
            v.failed.to_string(),
            format!("{:.4}", v.age_range_years[0]),
            format!("{:.4}", v.age_range_years[1]),
            opt(v.exposure_ratio_p05),
            opt(v.exposure_ratio_median),
            opt(v.exposure_ratio_p95),
            opt(v.share_within_80_125),
        ])
        .map_err(&err)?;
    }
    w.flush().map_err(|e| err(e.into()))
}
