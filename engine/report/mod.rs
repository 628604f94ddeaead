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
use std::path::Path;

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

/// Name of the marker file every output folder gets, so that a later run knows the folder
/// is pbpk's to replace.
pub(crate) const OUTPUT_MARKER: &str = ".pbpk-output";

/// The words by which the marker's first line says that the lines after it list the files.
const MARKER_LISTS: &str = "if it holds only these files";

/// Files by which an output folder written before the marker existed is recognised.
const OUTPUT_FILES: [&str; 4] = [
    "summary.json",
    "qualification.md",
    "sensitivity.csv",
    "alternatives.csv",
];

/// Every file name an output folder of any pbpk command holds (plots aside: `*.png`,
/// `*.svg`), for folders written before the marker listed its files.
const KNOWN_OUTPUTS: [&str; 10] = [
    "summary.json",
    "profiles.csv",
    "partition.csv",
    "subjects.csv",
    "dose_finding.csv",
    "dose_finding_bands.csv",
    "sensitivity.csv",
    "alternatives.csv",
    "qualification.md",
    "qualification.csv",
];

/// Fill the folder `dir` all-or-nothing: `fill` writes into a sibling temporary folder that
/// replaces `dir` only when it succeeded; on failure the temporary folder is removed and
/// `dir` is left as it was. Because the old `dir` is deleted, `dir` must be new, empty, or a
/// folder pbpk wrote (it holds the marker file or an earlier run's outputs), and must not
/// hold the current directory: anything else is refused before a file is touched.
pub(crate) fn write_folder(dir: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let out_err = |path: &Path, e: &dyn std::fmt::Display| PbpkError::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let dir = check_output_folder(dir)?;
    let parent = dir
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| out_err(&dir, &"the output folder cannot be the file-system root"))?;
    std::fs::create_dir_all(&parent).map_err(|e| out_err(&parent, &e))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| out_err(&tmp, &e))?;
    let filled = fill(&tmp).and_then(|()| {
        // The marker lists what this run wrote: the next run replaces the folder only if
        // nothing else has been put in it since.
        let mut names: Vec<String> = std::fs::read_dir(&tmp)
            .map_err(|e| out_err(&tmp, &e))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        let marker = tmp.join(OUTPUT_MARKER);
        std::fs::write(
            &marker,
            format!(
                "written by pbpk; the next run into this folder replaces it {MARKER_LISTS}:\n{}\n",
                names.join("\n")
            ),
        )
        .map_err(|e| out_err(&marker, &e))
    });
    // Swap: the old folder is moved aside first and deleted only once the new one is in
    // place, so a failure keeps the old results (and the new ones are removed).
    let swapped = filled.and_then(|()| {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_old = dir.exists();
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
            std::fs::rename(&dir, &old).map_err(|e| out_err(&dir, &e))?;
        }
        match std::fs::rename(&tmp, &dir) {
            Ok(()) => {
                if had_old {
                    let _ = std::fs::remove_dir_all(&old);
                }
                Ok(())
            }
            Err(e) => {
                if had_old {
                    let _ = std::fs::rename(&old, &dir);
                }
                Err(out_err(&dir, &e))
            }
        }
    });
    if swapped.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    swapped
}

/// The absolute path of output folder `dir` (so that `.`, `..` and a trailing `/` have a
/// real name and parent), or an error if replacing it would delete anything pbpk did not
/// write. Commands call it before they simulate, so a bad `--out` fails at once.
pub(crate) fn check_output_folder(dir: &Path) -> Result<std::path::PathBuf> {
    let absolute = if dir.exists() {
        dir.canonicalize()
    } else {
        std::path::absolute(dir)
    }
    .map_err(|e| PbpkError::Output {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    check_replaceable(&absolute)?;
    Ok(absolute)
}

/// Refuse an output folder whose replacement would delete anything pbpk did not write.
fn check_replaceable(dir: &Path) -> Result<()> {
    let refuse = |why: String| {
        Err(PbpkError::Output {
            path: dir.to_path_buf(),
            message: format!(
                "{why}; a run replaces its whole output folder, so give --out a new or empty folder (or one an earlier pbpk run wrote), e.g. --out {}",
                dir.join("out").display()
            ),
        })
    };
    if let Ok(cwd) = std::env::current_dir().and_then(|c| c.canonicalize()) {
        if cwd.starts_with(dir) {
            return refuse("this folder is (or contains) the current directory".into());
        }
    }
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(PbpkError::Output {
            path: dir.to_path_buf(),
            message: "this path is a file, not a folder: give --out a new or empty folder".into(),
        });
    }
    let entries: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| PbpkError::Output {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    // Written by pbpk: the marker lists the files of that run, and nothing else is there;
    // or, for a folder written before the marker listed them, an earlier run's outputs and
    // nothing else (pbpk's own file names and plots).
    let marker = entries
        .iter()
        .any(|n| n == OUTPUT_MARKER)
        .then(|| std::fs::read_to_string(dir.join(OUTPUT_MARKER)).unwrap_or_default());
    // A marker that lists its files (its first line says so); an earlier marker did not.
    let listing = marker
        .as_deref()
        .filter(|m| m.lines().next().is_some_and(|l| l.contains(MARKER_LISTS)));
    let foreign: Vec<&String> = if let Some(m) = listing {
        let listed: Vec<&str> = m.lines().skip(1).collect();
        entries
            .iter()
            .filter(|n| *n != OUTPUT_MARKER && !listed.contains(&n.as_str()))
            .collect()
    } else if marker.is_some() || entries.iter().any(|n| OUTPUT_FILES.contains(&n.as_str())) {
        entries
            .iter()
            .filter(|n| {
                !(KNOWN_OUTPUTS.contains(&n.as_str())
                    || *n == OUTPUT_MARKER
                    || n.ends_with(".png")
                    || n.ends_with(".svg"))
            })
            .collect()
    } else {
        entries.iter().collect()
    };
    if foreign.is_empty() {
        return Ok(());
    }
    let mut shown: Vec<&str> = foreign.iter().map(|s| s.as_str()).take(3).collect();
    if foreign.len() > 3 {
        shown.push("...");
    }
    refuse(format!(
        "this folder holds files pbpk did not write ({})",
        shown.join(", ")
    ))
}
