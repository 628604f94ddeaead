//! Output of `pbpk alternatives`: `alternatives.csv`, one row per (output, run): the
//! prediction with the files' values or with one published alternative set, beside the
//! observation.

use crate::alternatives::Analysis;
use crate::error::{PbpkError, Result};
use std::path::Path;

/// Write `alternatives.csv` into `dir` (all-or-nothing).
pub fn write(a: &Analysis, dir: &Path) -> Result<()> {
    super::write_folder(dir, |tmp| {
        let p = tmp.join("alternatives.csv");
        let mut w = csv::Writer::from_path(&p).map_err(super::csv_err(&p))?;
        w.write_record([
            "output",
            "observed",
            "compound",
            "alternative",
            "changes",
            "predicted",
            "predicted_over_observed",
            "error",
            "source",
        ])
        .map_err(super::csv_err(&p))?;
        let num = |x: Option<f64>| x.map(|v| format!("{v}")).unwrap_or_default();
        for (i, o) in a.outputs.iter().enumerate() {
            for r in &a.runs {
                let changes: Vec<String> = r
                    .changes
                    .iter()
                    .map(|(p, was, v)| format!("{p}: {was} -> {v}"))
                    .collect();
                let v = r.values[i];
                w.write_record([
                    o.name.clone(),
                    num(o.observed),
                    r.compound.clone().unwrap_or_default(),
                    r.alternative.clone(),
                    changes.join("; "),
                    num(v),
                    num(v.zip(o.observed).map(|(v, x)| v / x)),
                    r.error.clone().unwrap_or_default(),
                    r.source.clone(),
                ])
                .map_err(super::csv_err(&p))?;
            }
        }
        w.flush().map_err(|e| PbpkError::Output {
            path: p.clone(),
            message: e.to_string(),
        })
    })
}
