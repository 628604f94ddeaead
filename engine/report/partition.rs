//! `partition.csv`: per compound and organ, what the distribution model used: the
//! tissue:plasma partition coefficient Kp (predicted or overridden), the organ volume and
//! plasma-referenced capacity, and for permeability-limited compounds the capacity of the
//! organ's cells and the membrane PA (empty where the organ is one compartment). For a
//! virtual population these are the reference individual's.

use crate::data::physiology::ORGANS;
use crate::error::Result;
use crate::run::RunResult;
use std::path::Path;

pub fn write(r: &RunResult, path: &Path) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(super::csv_err(path))?;
    w.write_record([
        "compound",
        "organ",
        "kp",
        "organ_volume_l",
        "cell_capacity_l",
        "membrane_pa_l_per_h",
    ])
    .map_err(super::csv_err(path))?;
    for c in &r.distribution {
        for (i, organ) in ORGANS.iter().enumerate() {
            let kp =
                c.kp.iter()
                    .find(|(o, _)| o == organ)
                    .map(|(_, k)| format!("{k:.6}"))
                    .unwrap_or_default();
            let cells = c
                .cell_capacity_l
                .map(|cap| cap[i])
                .filter(|x| *x > 0.0)
                .map(|x| format!("{x:.6}"))
                .unwrap_or_default();
            let pa = c.membrane_pa_l_per_h[i]
                .map(|x| format!("{x:.6}"))
                .unwrap_or_default();
            w.write_record([
                c.name.clone(),
                organ.to_string(),
                kp,
                format!("{:.6}", c.organ_volume_l[i]),
                cells,
                pa,
            ])
            .map_err(super::csv_err(path))?;
        }
    }
    w.flush().map_err(|e| crate::error::PbpkError::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(())
}
