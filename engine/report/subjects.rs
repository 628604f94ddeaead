//! `subjects.csv` (populations): one row per subject with what was drawn (demographics, key
//! physiology, phenotypes, enzyme abundance factors), Cmax, Tmax, AUC, AUCinf, t1/2 and
//! (oral) fa, Fg, Fh, F per arm and compound, and the subject's own adjusted dose factor per `[[compare]]` with
//! `adjust_dose` and per `[[target]]` (empty when its search did not converge).

use super::csv_err;
use crate::error::Result;
use crate::report::summary::AdjustedDose;
use crate::run::RunResult;
use std::path::Path;

/// The columns written per arm and compound (as `<arm>|<compound>|<metric>`); t1/2 is empty
/// where no terminal phase could be fitted, fa to F are empty for compounds not given orally.
const METRICS: [&str; 9] = [
    "cmax_mg_per_L",
    "tmax_h",
    "auc_mg_h_per_L",
    "auc_inf_mg_h_per_L",
    "t_half_h",
    "fa",
    "fg",
    "fh",
    "f_oral",
];

pub fn write(result: &RunResult, path: &Path) -> Result<()> {
    let Some(first) = result.subjects.first() else {
        return Ok(());
    };
    let err = csv_err(path);
    let mut w = csv::Writer::from_path(path).map_err(&err)?;
    let mut header: Vec<String> = [
        "subject",
        "sex",
        "age_years",
        "height_cm",
        "weight_kg",
        "bsa_m2",
        "liver_volume_l",
        "fat_volume_l",
        "cardiac_output_l_per_h",
        "gfr_ml_per_min",
        "hematocrit",
        "albumin_g_per_l",
        "redraws",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(
        first
            .subject
            .phenotypes
            .iter()
            .map(|(e, _)| format!("{e}_phenotype")),
    );
    header.extend(
        first
            .subject
            .enzyme_factors
            .iter()
            .map(|(e, _)| format!("{e}_liver_factor")),
    );
    header.extend(
        first
            .subject
            .absorption_factors
            .iter()
            .map(|(k, _)| format!("{k}_factor")),
    );
    for m in &first.metrics {
        for name in METRICS {
            header.push(format!("{}|{}|{name}", m.arm, m.compound));
        }
    }
    for (c, test, _) in &first.adjusted_doses {
        header.push(format!("{test}|{c}|adjusted_dose_factor"));
    }
    for t in &result.summary.targets_over_subjects {
        header.push(format!(
            "{}|{}|{}|target_dose_factor",
            t.arm, t.compound, t.metric
        ));
    }
    w.write_record(&header).map_err(&err)?;
    for row in &result.subjects {
        let s = &row.subject;
        let mut r: Vec<String> = vec![
            s.id.to_string(),
            s.sex.clone(),
            format!("{:.2}", s.age_years),
            format!("{:.1}", s.height_cm),
            format!("{:.2}", s.weight_kg),
            format!("{:.3}", s.bsa_m2),
            format!("{:.3}", s.liver_volume_l),
            format!("{:.2}", s.fat_volume_l),
            format!("{:.1}", s.cardiac_output_l_per_h),
            format!("{:.1}", s.gfr_ml_per_min),
            format!("{:.3}", s.hematocrit),
            format!("{:.1}", s.albumin_g_per_l),
            s.redraws.to_string(),
        ];
        r.extend(s.phenotypes.iter().map(|(_, p)| p.clone()));
        r.extend(s.enzyme_factors.iter().map(|(_, f)| format!("{f:.4}")));
        r.extend(s.absorption_factors.iter().map(|(_, f)| format!("{f:.4}")));
        for m in &row.metrics {
            let (n, f) = (&m.nca, m.fractions.as_ref());
            r.push(format!("{:.6e}", n.cmax));
            r.push(format!("{:.4}", n.tmax));
            r.push(format!("{:.6e}", n.auc));
            r.push(n.auc_inf.map_or(String::new(), |a| format!("{a:.6e}")));
            r.push(n.t_half.map_or(String::new(), |t| format!("{t:.4}")));
            for x in [
                f.map(|f| f.fa),
                f.map(|f| f.fg),
                f.map(|f| f.fh),
                f.map(|f| f.f_oral),
            ] {
                r.push(x.map_or(String::new(), |x| format!("{x:.4}")));
            }
        }
        // A subject's own dose factor where its search converged, else empty.
        let factor = |a: Option<&AdjustedDose>| {
            a.filter(|a| a.converged)
                .map_or(String::new(), |a| format!("{:.6}", a.factor))
        };
        for (_, _, a) in &row.adjusted_doses {
            r.push(factor(a.as_ref().ok()));
        }
        for t in &row.targets {
            r.push(factor(t.as_ref().ok().map(|t| &t.dose)));
        }
        w.write_record(&r).map_err(&err)?;
    }
    w.flush().map_err(|e| err(e.into()))
}
