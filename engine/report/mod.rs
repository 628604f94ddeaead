//! Outputs: `summary.json`, `profiles.csv` and the plots (PNG and SVG), written
//! all-or-nothing into the output folder.

pub mod alternatives;
pub mod dose_finding;
pub mod export;
pub mod layout;
pub mod partition;
pub mod plots;
pub mod profiles;
pub mod sensitivity;
pub mod subjects;
pub mod summary;

use crate::error::{PbpkError, Result};
use crate::run::RunResult;
use std::path::{Path, PathBuf};

/// The output error for a CSV file at `path` (every CSV writer maps its errors with it).
pub(crate) fn csv_err(path: &Path) -> impl Fn(csv::Error) -> PbpkError + '_ {
    move |e| PbpkError::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Write every output of a run into `dir`. Files are first written into a sibling
/// temporary folder that replaces `dir` only when all writes succeeded, so a failure never
/// leaves a half-written output folder.
pub fn write_outputs(result: &RunResult, dir: &Path) -> Result<()> {
    write_folder(dir, |tmp| {
        let json =
            serde_json::to_string_pretty(&result.summary).map_err(|e| PbpkError::Output {
                path: tmp.to_path_buf(),
                message: e.to_string(),
            })?;
        let p = tmp.join("summary.json");
        std::fs::write(&p, json + "\n").map_err(|e| PbpkError::Output {
            path: p.clone(),
            message: e.to_string(),
        })?;
        profiles::write(result, &tmp.join("profiles.csv"))?;
        partition::write(result, &tmp.join("partition.csv"))?;
        subjects::write(result, &tmp.join("subjects.csv"))?;
        dose_finding::write(result, &tmp.join("dose_finding.csv"))?;
        dose_finding::write_bands(result, &tmp.join("dose_finding_bands.csv"))?;
        plots::write_all(result, tmp)?;
        Ok(())
    })
}

/// Fill the folder `dir` all-or-nothing: `fill` writes into a sibling temporary folder that
/// replaces `dir` only when it succeeded; on failure the temporary folder is removed and
/// `dir` is left as it was.
pub(crate) fn write_folder(dir: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let out_err = |path: &Path, e: &dyn std::fmt::Display| PbpkError::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&parent).map_err(|e| out_err(&parent, &e))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| out_err(&tmp, &e))?;
    if let Err(e) = fill(&tmp) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| out_err(dir, &e))?;
    }
    std::fs::rename(&tmp, dir).map_err(|e| out_err(dir, &e))?;
    Ok(())
}
