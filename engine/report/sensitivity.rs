//! Outputs of `pbpk sensitivity`: `sensitivity.csv` (every input against every output) and
//! a tornado plot per headline output (`tornado_<n>.png/.svg`: the inputs with the largest
//! normalised sensitivity, bars signed).

use super::plots::register_font;
use crate::error::{PbpkError, Result};
use crate::sensitivity::{Analysis, Scale};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// Bars per tornado plot.
const TORNADO_BARS: usize = 15;

/// Write `sensitivity.csv` and the tornado plots into `dir` (all-or-nothing).
pub fn write(a: &Analysis, dir: &Path) -> Result<Vec<String>> {
    let mut written = Vec::new();
    super::write_folder(dir, |tmp| {
        let p = tmp.join("sensitivity.csv");
        let mut w = csv::Writer::from_path(&p).map_err(super::csv_err(&p))?;
        w.write_record([
            "input_file_kind",
            "owner",
            "path",
            "value",
            "perturbed_as",
            "output",
            "output_value",
            "sensitivity",
            "note",
        ])
        .map_err(super::csv_err(&p))?;
        for r in &a.rows {
            let q = &r.parameter;
            w.write_record([
                q.kind
                    .folder()
                    .trim_end_matches('s')
                    .replace("physiologie", "physiology"),
                q.owner.clone(),
                q.path.clone(),
                format!("{}", q.value),
                match q.scale {
                    Scale::Relative => "relative".into(),
                    Scale::Log10 => "log10".to_string(),
                },
                r.output.clone(),
                format!("{}", r.output_value),
                r.sensitivity.map(|s| format!("{s:.6}")).unwrap_or_default(),
                r.note.clone(),
            ])
            .map_err(super::csv_err(&p))?;
        }
        w.flush().map_err(|e| PbpkError::Output {
            path: p.clone(),
            message: e.to_string(),
        })?;
        written.push("sensitivity.csv".to_string());
        register_font();
        for (i, name) in a.headline_outputs().iter().enumerate() {
            let stem = format!("tornado_{}", i + 1);
            let png = tmp.join(format!("{stem}.png"));
            let svg = tmp.join(format!("{stem}.svg"));
            let size = (1100, 140 + 34 * TORNADO_BARS as u32);
            let plot_err = |path: &Path, e: String| PbpkError::Output {
                path: path.to_path_buf(),
                message: format!("plot: {e}"),
            };
            {
                let root = BitMapBackend::new(&png, size).into_drawing_area();
                tornado(root.clone(), a, name).map_err(|e| plot_err(&png, e))?;
                root.present()
                    .map_err(|e| plot_err(&png, format!("{e:?}")))?;
            }
            {
                let root = SVGBackend::new(&svg, size).into_drawing_area();
                tornado(root.clone(), a, name).map_err(|e| plot_err(&svg, e))?;
                root.present()
                    .map_err(|e| plot_err(&svg, format!("{e:?}")))?;
            }
            written.push(format!("{stem}.png"));
            written.push(format!("{stem}.svg"));
        }
        Ok(())
    })?;
    Ok(written)
}

/// Horizontal bars of S for the output's most sensitive inputs, largest at the top.
fn tornado<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    a: &Analysis,
    output: &str,
) -> std::result::Result<(), String> {
    let e = |x: &dyn std::fmt::Debug| format!("{x:?}");
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let rows: Vec<_> = a
        .ranked(output, 1e-9)
        .into_iter()
        .take(TORNADO_BARS)
        .collect();
    let s_max = rows
        .iter()
        .filter_map(|r| r.sensitivity)
        .fold(0.1f64, |m, s| m.max(s.abs()))
        * 1.1;
    let n = rows.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{output}: normalised sensitivity d ln Y / d ln p"),
            ("sans-serif", 20),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(430)
        .build_cartesian_2d(-s_max..s_max, (0..n.saturating_sub(1)).into_segmented())
        .map_err(|x| e(&x))?;
    // Row i (largest first) is drawn at the top: segment n - 1 - i.
    let labels: Vec<String> = rows.iter().map(|r| r.parameter.label()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(k) if *k < n => {
                labels.get(n - 1 - *k).cloned().unwrap_or_default()
            }
            _ => String::new(),
        })
        .x_desc("S (10 % more input -> about S x 10 % change in output)")
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(|x| e(&x))?;
    chart
        .draw_series(rows.iter().enumerate().map(|(i, r)| {
            let s = r.sensitivity.unwrap_or(0.0);
            let k = n - 1 - i;
            let colour = if s >= 0.0 {
                RGBColor(214, 39, 40)
            } else {
                RGBColor(31, 119, 180)
            };
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(k)),
                    (s, SegmentValue::Exact(k + 1)),
                ],
                colour.filled(),
            );
            bar.set_margin(4, 4, 0, 0);
            bar
        }))
        .map_err(|x| e(&x))?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Last)],
            BLACK,
        )))
        .map_err(|x| e(&x))?;
    Ok(())
}
