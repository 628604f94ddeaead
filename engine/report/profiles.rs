//! `profiles.csv`: one row per arm, compound and time, with the venous plasma concentration
//! (mg/L), on request mean organ concentrations (mg/L of organ), and, when the model has
//! enzymes that change, their remaining fraction E/E0 (`CYP3A4_liver_fraction`,
//! `CYP3A4_gut_fraction`: gut wall summed over segments) and, where a reversible inhibitor
//! acts, the activity left for a linear substrate (`CYP3A4_liver_activity`, one individual).

use super::csv_err;
use crate::error::Result;
use crate::run::RunResult;
use std::path::Path;

pub fn write(result: &RunResult, path: &Path) -> Result<()> {
    let err = csv_err(path);
    let mut w = csv::Writer::from_path(path).map_err(&err)?;
    let mut header = vec![
        "arm".to_string(),
        "compound".into(),
        "time_h".into(),
        "plasma_mg_per_L".into(),
    ];
    // Populations: the plasma column is the median over subjects, with the 5-95 % band.
    let population = !result.subjects.is_empty();
    if population {
        header.push("plasma_p05_mg_per_L".into());
        header.push("plasma_p95_mg_per_L".into());
    }
    header.extend(result.tissues.iter().map(|t| format!("{t}_mg_per_L")));
    // Remaining enzyme fractions (same in every row of an arm at a time).
    let enzyme_labels: Vec<String> = result
        .arms
        .first()
        .map(|a| a.enzymes.iter().map(|(l, _)| l.clone()).collect())
        .unwrap_or_default();
    header.extend(enzyme_labels.iter().map(|l| format!("{l}_fraction")));
    // Activity left under reversible inhibition, where a reversible inhibitor acts.
    let activity_labels: Vec<String> = result
        .arms
        .first()
        .map(|a| a.enzyme_activity.iter().map(|(l, _)| l.clone()).collect())
        .unwrap_or_default();
    header.extend(activity_labels.iter().map(|l| format!("{l}_activity")));
    w.write_record(&header).map_err(&err)?;
    for arm in &result.arms {
        for c in &arm.compounds {
            for (i, (t, cp, tissues)) in c.profile.iter().enumerate() {
                let mut row = vec![
                    arm.name.clone(),
                    c.compound.clone(),
                    format!("{t:.6}"),
                    format!("{cp:.6e}"),
                ];
                if population {
                    let (lo, hi) = c.band.as_ref().map_or((f64::NAN, f64::NAN), |b| b[i]);
                    row.push(format!("{lo:.6e}"));
                    row.push(format!("{hi:.6e}"));
                }
                row.extend(tissues.iter().map(|v| format!("{v:.6e}")));
                row.extend(arm.enzymes.iter().map(|(_, f)| format!("{:.6}", f[i].1)));
                row.extend(
                    arm.enzyme_activity
                        .iter()
                        .map(|(_, f)| format!("{:.6}", f[i].1)),
                );
                w.write_record(&row).map_err(&err)?;
            }
        }
    }
    w.flush().map_err(|e| err(e.into()))
}
