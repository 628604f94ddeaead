//! Plots written with every run (PNG and SVG; plotters with a bundled DejaVu Sans font, so
//! no system font library is needed):
//! - `concentration_<compound>`: venous plasma concentration against time for every arm,
//!   linear and log axes side by side, with observed means +/- SD when the scenario names
//!   observed data (`[[observed_data]]`);
//! - `ddi_forest`: AUC and Cmax ratios of each comparison on a log axis, with the 0.8-1.25
//!   and 0.5-2 bands, the static-model AUC ratio and any observed ratio;
//! - `enzymes`: remaining fraction of each changing enzyme (liver, gut wall) against time;
//! - `dose_finding`: the PBPK dose (mg/kg) by age with the ICH E11 band doses, and the
//!   exposure each dosing rule gives relative to the target, by age.

use super::layout::{log_ticks, tick, Axis, Frame, Room};
use crate::error::{PbpkError, Result};
use crate::run::RunResult;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

static FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

const COLOURS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

pub(crate) fn register_font() {
    REGISTER.call_once(|| {
        // The bundled font is valid; if registration failed, drawing text would error,
        // which `write_all` reports as an output error.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

type DrawResult = std::result::Result<(), String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// File-name-safe form of a label.
fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Write every plot of `r` into `dir` as PNG and SVG.
pub fn write_all(r: &RunResult, dir: &Path) -> Result<Vec<String>> {
    register_font();
    let mut written = Vec::new();
    let mut compounds: Vec<&str> = Vec::new();
    for a in &r.arms {
        for c in &a.compounds {
            if !compounds.contains(&c.compound.as_str()) {
                compounds.push(&c.compound);
            }
        }
    }
    let out_err = |path: &Path, e: String| PbpkError::Output {
        path: path.to_path_buf(),
        message: format!("plot: {e}"),
    };
    let mut both = |name: String,
                    draw: &dyn Fn(DrawingArea<BitMapBackend, Shift>) -> DrawResult,
                    draw_svg: &dyn Fn(DrawingArea<SVGBackend, Shift>) -> DrawResult,
                    size: (u32, u32)|
     -> Result<()> {
        let png = dir.join(format!("{name}.png"));
        {
            let root = BitMapBackend::new(&png, size).into_drawing_area();
            draw(root.clone()).map_err(|e| out_err(&png, e))?;
            root.present().map_err(|e| out_err(&png, err(e)))?;
        }
        let svg = dir.join(format!("{name}.svg"));
        {
            let root = SVGBackend::new(&svg, size).into_drawing_area();
            draw_svg(root.clone()).map_err(|e| out_err(&svg, e))?;
            root.present().map_err(|e| out_err(&svg, err(e)))?;
        }
        written.push(format!("{name}.png"));
        written.push(format!("{name}.svg"));
        Ok(())
    };
    for c in compounds {
        both(
            format!("concentration_{}", slug(c)),
            &|a| concentration(a, r, c),
            &|a| concentration(a, r, c),
            (1400, 560),
        )?;
    }
    if !r.summary.comparisons.is_empty() {
        let h = 140 + 70 * r.summary.comparisons.len() as u32;
        both(
            "ddi_forest".into(),
            &|a| forest(a, r),
            &|a| forest(a, r),
            (1000, h),
        )?;
    }
    if r.arms.iter().any(|a| !a.enzymes.is_empty()) {
        both(
            "enzymes".into(),
            &|a| enzymes(a, r),
            &|a| enzymes(a, r),
            (1000, 560),
        )?;
    }
    if r.summary.dose_finding.is_some() {
        both(
            "dose_finding".into(),
            &|a| dose_finding(a, r),
            &|a| dose_finding(a, r),
            (1400, 560),
        )?;
    }
    Ok(written)
}

/// Legend of the adult reference band in the dose-finding plot.
const ADULT_BAND_LABEL: &str = "adult target x 0.8-1.25";

/// Legend of the virtual children's whiskers in the dose-finding plot.
const BARS_LABEL: &str = "virtual children, band dose (median, 5-95 %)";

/// Left: PBPK dose (mg/kg) against age (log), with each ICH E11 band's dose as a step.
/// Right: exposure / adult target against age for the PBPK band dose and each classical
/// rule, with the adult reference band (target x 0.8-1.25) shaded.
fn dose_finding<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, r: &RunResult) -> DrawResult {
    root.fill(&WHITE).map_err(err)?;
    let Some(d) = &r.summary.dose_finding else {
        return Ok(());
    };
    let (left, right) = root.split_horizontally(700);
    let ages: Vec<f64> = d.ages.iter().map(|a| a.age_years.max(1e-3)).collect();
    let a_lo = ages.iter().cloned().fold(f64::INFINITY, f64::min) / 1.5;
    let a_hi = ages.iter().cloned().fold(0.0, f64::max) * 1.5;
    let per_kg: Vec<f64> = d.ages.iter().map(|a| a.pbpk_dose_mg_per_kg).collect();
    let k_hi = per_kg.iter().cloned().fold(0.0, f64::max) * 1.1;
    let pts: Vec<(f64, f64)> = ages.iter().cloned().zip(per_kg.iter().cloned()).collect();
    let band_lines: Vec<Vec<(f64, f64)>> = d
        .bands
        .iter()
        .map(|b| {
            let lo = b
                .ages_years
                .iter()
                .cloned()
                .fold(f64::INFINITY, f64::min)
                .max(1e-3);
            let hi = b.ages_years.iter().cloned().fold(0.0, f64::max).max(1e-3);
            vec![(lo, b.dose_mg_per_kg), (hi, b.dose_mg_per_kg)]
        })
        .collect();
    let mut drawn = band_lines.clone();
    drawn.push(pts.clone());
    let labels = [
        "PBPK dose, typical child",
        "ICH E11 band dose (median mg/kg)",
    ]
    .map(String::from);
    let frame = Frame {
        margin: 15,
        y_label_area: 70,
        x_label_area: 50,
        caption_px: 20,
        legend_font_px: 14,
    };
    let place = frame.place(
        left.dim_in_pixel(),
        &labels,
        &drawn,
        Axis::log(a_lo, a_hi),
        Axis::linear(0.0, k_hi.max(1e-9)),
        Room::Above,
    );
    let age_ticks = log_ticks(place.x.lo, place.x.hi);
    let mut chart = frame
        .builder(
            &left,
            &format!("{}: dose matching the adult {}", d.compound, d.metric),
        )
        .build_cartesian_2d((place.x.lo..place.x.hi).log_scale(), 0.0..place.y.hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_label_formatter(&age_ticks)
        .x_max_light_lines(0)
        .y_label_formatter(&tick)
        .x_desc("age (years, log scale)")
        .y_desc("dose (mg/kg)")
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(err)?;
    let blue = COLOURS[0];
    chart
        .draw_series(LineSeries::new(pts.clone(), blue.stroke_width(3)))
        .map_err(err)?
        .label("PBPK dose, typical child")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], blue.stroke_width(3)));
    chart
        .draw_series(pts.iter().map(|&p| Circle::new(p, 4, blue.filled())))
        .map_err(err)?;
    let red = COLOURS[1];
    for (i, line) in band_lines.into_iter().enumerate() {
        let series = chart
            .draw_series(LineSeries::new(line, red.stroke_width(4)))
            .map_err(err)?;
        if i == 0 {
            series
                .label("ICH E11 band dose (median mg/kg)")
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], red.stroke_width(4))
                });
        }
    }
    draw_legend(&mut chart, &frame, place.position)?;

    let mut ratios: Vec<f64> = vec![0.5, 2.0];
    for a in &d.ages {
        ratios.extend(a.band_dose_exposure_ratio);
        ratios.extend(a.rules.iter().filter_map(|x| x.ratio).filter(|x| *x > 0.0));
    }
    for b in &d.bands {
        ratios.extend(b.virtual_children.exposure_ratio_p05.filter(|x| *x > 0.0));
        ratios.extend(b.virtual_children.exposure_ratio_p95);
    }
    let r_lo = ratios.iter().cloned().fold(f64::INFINITY, f64::min) / 1.3;
    let r_hi = ratios.iter().cloned().fold(0.0, f64::max) * 1.3;
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = vec![(
        "PBPK band dose".to_string(),
        d.ages
            .iter()
            .zip(&ages)
            .filter_map(|(a, &x)| a.band_dose_exposure_ratio.map(|r| (x, r)))
            .collect(),
    )];
    if let Some(first) = d.ages.first() {
        for (j, rule) in first.rules.iter().enumerate() {
            lines.push((
                rule.rule.clone(),
                d.ages
                    .iter()
                    .zip(&ages)
                    .filter_map(|(a, &x)| a.rules[j].ratio.filter(|r| *r > 0.0).map(|r| (x, r)))
                    .collect(),
            ));
        }
    }
    // Virtual children of each band on the band dose: median and 5-95 % at the band's ages'
    // geometric middle.
    let bars: Vec<(f64, f64, f64, f64)> = d
        .bands
        .iter()
        .filter_map(|b| {
            let v = &b.virtual_children;
            let lo = v.exposure_ratio_p05.filter(|x| *x > 0.0)?;
            let (m, hi) = (v.exposure_ratio_median?, v.exposure_ratio_p95?);
            let a0 = b
                .ages_years
                .iter()
                .cloned()
                .fold(f64::INFINITY, f64::min)
                .max(a_lo);
            let a1 = b.ages_years.iter().cloned().fold(0.0, f64::max).max(a_lo);
            Some(((a0 * a1).sqrt(), lo, m, hi))
        })
        .collect();
    let mut labels: Vec<String> = vec![ADULT_BAND_LABEL.into()];
    labels.extend(lines.iter().map(|l| l.0.clone()));
    if !bars.is_empty() {
        labels.push(BARS_LABEL.into());
    }
    let mut drawn: Vec<Vec<(f64, f64)>> = lines.iter().map(|l| l.1.clone()).collect();
    drawn.extend(bars.iter().map(|&(x, lo, _, hi)| vec![(x, lo), (x, hi)]));
    let frame = Frame {
        legend_font_px: 13,
        ..frame
    };
    let place = frame.place(
        right.dim_in_pixel(),
        &labels,
        &drawn,
        Axis::log(a_lo, a_hi),
        Axis::log(r_lo, r_hi),
        Room::Above,
    );
    let ratio_ticks = log_ticks(place.y.lo, place.y.hi);
    let mut chart = frame
        .builder(&right, "Exposure / target by dosing rule")
        .build_cartesian_2d(
            (place.x.lo..place.x.hi).log_scale(),
            (place.y.lo..place.y.hi).log_scale(),
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_label_formatter(&age_ticks)
        .x_max_light_lines(0)
        .y_label_formatter(&ratio_ticks)
        .x_desc("age (years, log scale)")
        .y_desc("exposure / adult target (log scale)")
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(err)?;
    let grey = RGBColor(200, 200, 200);
    chart
        .draw_series([Rectangle::new(
            [(a_lo, 0.8), (a_hi, 1.25)],
            grey.mix(0.4).filled(),
        )])
        .map_err(err)?
        .label(ADULT_BAND_LABEL)
        .legend(move |(x, y)| {
            Rectangle::new([(x, y - 5), (x + 20, y + 5)], grey.mix(0.8).filled())
        });
    for (i, (name, pts)) in lines.into_iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        chart
            .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, colour.filled())))
            .map_err(err)?;
    }
    for (i, &(x, lo, m, hi)) in bars.iter().enumerate() {
        let bar = chart
            .draw_series([PathElement::new(
                vec![(x, lo), (x, hi)],
                BLACK.stroke_width(3),
            )])
            .map_err(err)?;
        if i == 0 {
            bar.label(BARS_LABEL).legend(|(x, y)| {
                PathElement::new(
                    vec![(x + 10, y - 6), (x + 10, y + 6)],
                    BLACK.stroke_width(3),
                )
            });
        }
        chart
            .draw_series([Cross::new((x, m), 6, BLACK.stroke_width(2))])
            .map_err(err)?;
    }
    draw_legend(&mut chart, &frame, place.position)?;
    Ok(())
}

/// Linear and log panels of plasma concentration against time, one line per arm.
fn concentration<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    r: &RunResult,
    compound: &str,
) -> DrawResult {
    root.fill(&WHITE).map_err(err)?;
    let root = root
        .titled(
            &if r.subjects.is_empty() {
                format!("{compound}: venous plasma concentration")
            } else {
                format!(
                    "{compound}: venous plasma concentration, median and 5-95 % band of {} subjects",
                    r.subjects.len()
                )
            },
            ("sans-serif", 24),
        )
        .map_err(err)?;
    let panels = root.split_evenly((1, 2));
    let series: Vec<(&str, Vec<(f64, f64)>)> = r
        .arms
        .iter()
        .filter_map(|a| {
            let c = a.compounds.iter().find(|c| c.compound == compound)?;
            Some((
                a.name.as_str(),
                c.profile.iter().map(|(t, cp, _)| (*t, *cp)).collect(),
            ))
        })
        .collect();
    let bands: Vec<Option<&Vec<(f64, f64)>>> = r
        .arms
        .iter()
        .filter_map(|a| a.compounds.iter().find(|c| c.compound == compound))
        .map(|c| c.band.as_ref())
        .collect();
    let c_max_band = bands
        .iter()
        .flatten()
        .flat_map(|b| b.iter().map(|x| x.1))
        .fold(0.0_f64, f64::max);
    let t_max = series
        .iter()
        .flat_map(|(_, s)| s.iter().map(|x| x.0))
        .fold(0.0_f64, f64::max)
        .max(1e-6);
    // Start at the compound's first dose in any arm (a victim dosed late is not a flat line).
    let t_min = r
        .arms
        .iter()
        .filter_map(|a| a.compounds.iter().find(|c| c.compound == compound))
        .map(|c| c.first_dose_h)
        .fold(f64::INFINITY, f64::min)
        .min(t_max * 0.999);
    let t_min = if t_min.is_finite() { t_min } else { 0.0 };
    let c_obs = r
        .observed_data
        .iter()
        .filter(|(_, c, _)| c == compound)
        .flat_map(|(_, _, p)| {
            p.iter()
                .map(|p| p.c_mg_per_l + p.sd_mg_per_l.unwrap_or(0.0))
        })
        .fold(0.0_f64, f64::max);
    let c_max = series
        .iter()
        .flat_map(|(_, s)| s.iter().map(|x| x.1))
        .fold(0.0_f64, f64::max)
        .max(c_obs)
        .max(c_max_band)
        .max(1e-12);
    let c_min = (c_max * 1e-4).max(
        series
            .iter()
            .flat_map(|(_, s)| s.iter().map(|x| x.1))
            .filter(|v| *v > 0.0)
            .fold(f64::INFINITY, f64::min),
    );
    // Legend entries in drawing order: the arms, then each observed data set.
    let mut labels: Vec<String> = series.iter().map(|(n, _)| n.to_string()).collect();
    for (arm, c, points) in &r.observed_data {
        if c == compound {
            let study = points.first().map_or(String::new(), |p| p.study.clone());
            labels.push(observed_label(arm, &study));
        }
    }
    // Everything drawn, as lines, to find the legend a free place (the same on both panels).
    let mut drawn: Vec<Vec<(f64, f64)>> = Vec::new();
    for (k, (_, s)) in series.iter().enumerate() {
        drawn.push(s.iter().filter(|(t, _)| *t >= t_min).copied().collect());
        if let Some(band) = bands[k] {
            drawn.push(
                band.iter()
                    .zip(s)
                    .map(|((_, hi), (t, _))| (*t, *hi))
                    .collect(),
            );
            drawn.push(
                band.iter()
                    .zip(s)
                    .map(|((lo, _), (t, _))| (*t, *lo))
                    .collect(),
            );
        }
    }
    for (_, c, points) in &r.observed_data {
        if c == compound {
            drawn.extend(points.iter().map(|p| {
                vec![
                    (p.t_h, p.c_mg_per_l),
                    (p.t_h, p.c_mg_per_l + p.sd_mg_per_l.unwrap_or(0.0)),
                ]
            }));
        }
    }
    let x_axis = Axis::linear(t_min, t_max);
    let frame = Frame {
        margin: 12,
        y_label_area: 80,
        x_label_area: 48,
        caption_px: 18,
        legend_font_px: 15,
    };
    for (i, panel) in panels.iter().enumerate() {
        let log = i == 1;
        let y_axis = if log {
            Axis::log(c_min, c_max * 1.5)
        } else {
            Axis::linear(0.0, c_max * 1.1)
        };
        let place = frame.place(
            panel.dim_in_pixel(),
            &labels,
            &drawn,
            x_axis,
            y_axis,
            Room::Above,
        );
        let y_ticks = log_ticks(place.y.lo, place.y.hi);
        let mut builder = frame.builder(panel, if log { "log scale" } else { "linear scale" });
        let x_desc = "time (h)";
        let y_desc = format!("{compound} (mg/L)");
        macro_rules! draw_lines {
            ($chart:expr) => {{
                let mut chart = $chart;
                chart
                    .configure_mesh()
                    .x_desc(x_desc)
                    .y_desc(&y_desc)
                    .x_label_formatter(&tick)
                    .y_label_formatter(if log { &y_ticks } else { &tick })
                    .label_style(("sans-serif", 15))
                    .axis_desc_style(("sans-serif", 17))
                    .draw()
                    .map_err(err)?;
                for (k, (name, s)) in series.iter().enumerate() {
                    let colour = COLOURS[k % COLOURS.len()];
                    // Populations: the 5-95 % band behind the median.
                    if let Some(band) = bands[k] {
                        let upper: Vec<(f64, f64)> = s
                            .iter()
                            .zip(band)
                            .filter(|((t, _), (_, hi))| *t >= t_min && (!log || *hi >= c_min))
                            .map(|((t, _), (_, hi))| (*t, *hi))
                            .collect();
                        let mut poly = upper.clone();
                        let lower: Vec<(f64, f64)> = s
                            .iter()
                            .zip(band)
                            .filter(|((t, _), (_, hi))| *t >= t_min && (!log || *hi >= c_min))
                            .map(|((t, _), (lo, _))| (*t, if log { lo.max(c_min) } else { *lo }))
                            .collect();
                        poly.extend(lower.into_iter().rev());
                        chart
                            .draw_series(std::iter::once(Polygon::new(
                                poly,
                                colour.mix(0.2).filled(),
                            )))
                            .map_err(err)?;
                    }
                    let pts: Vec<(f64, f64)> = s
                        .iter()
                        .filter(|(t, c)| *t >= t_min && (!log || *c >= c_min))
                        .copied()
                        .collect();
                    chart
                        .draw_series(LineSeries::new(pts, colour.stroke_width(2)))
                        .map_err(err)?
                        .label(*name)
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                        });
                }
                // Observed data: mean (circle) +/- SD (bar), in the arm's colour.
                let mut dataset = 0;
                for (arm, c, points) in &r.observed_data {
                    if c != compound {
                        continue;
                    }
                    let k = series.iter().position(|(n, _)| n == arm).unwrap_or(0);
                    let colour = COLOURS[k % COLOURS.len()];
                    let shown: Vec<_> = points
                        .iter()
                        .filter(|p| {
                            p.t_h >= t_min && p.t_h <= t_max && (!log || p.c_mg_per_l >= c_min)
                        })
                        .collect();
                    chart
                        .draw_series(shown.iter().filter_map(|p| {
                            let sd = p.sd_mg_per_l?;
                            // On the log panel a mean - SD at or below zero has no place:
                            // only the upper half of the bar is drawn then.
                            let lo = if log {
                                let l = p.c_mg_per_l - sd;
                                if l > 0.0 {
                                    l.max(c_min)
                                } else {
                                    p.c_mg_per_l
                                }
                            } else {
                                (p.c_mg_per_l - sd).max(0.0)
                            };
                            Some(ErrorBar::new_vertical(
                                p.t_h,
                                lo,
                                p.c_mg_per_l,
                                p.c_mg_per_l + sd,
                                colour.stroke_width(1),
                                6,
                            ))
                        }))
                        .map_err(err)?;
                    let study = points.first().map_or(String::new(), |p| p.study.clone());
                    let label = observed_label(arm, &study);
                    // A marker per data set, so that several studies stay apart in the legend.
                    let xy = |p: &&crate::data::observed::Point| (p.t_h, p.c_mg_per_l);
                    let style = colour.filled();
                    match dataset % 3 {
                        0 => chart
                            .draw_series(shown.iter().map(|p| Circle::new(xy(p), 4, style)))
                            .map_err(err)?
                            .label(label)
                            .legend(move |(x, y)| Circle::new((x + 10, y), 4, style)),
                        1 => chart
                            .draw_series(shown.iter().map(|p| TriangleMarker::new(xy(p), 5, style)))
                            .map_err(err)?
                            .label(label)
                            .legend(move |(x, y)| TriangleMarker::new((x + 10, y), 5, style)),
                        _ => chart
                            .draw_series(
                                shown
                                    .iter()
                                    .map(|p| Cross::new(xy(p), 4, colour.stroke_width(2))),
                            )
                            .map_err(err)?
                            .label(label)
                            .legend(move |(x, y)| {
                                Cross::new((x + 10, y), 4, colour.stroke_width(2))
                            }),
                    };
                    dataset += 1;
                }
                draw_legend(&mut chart, &frame, place.position)?;
            }};
        }
        if log {
            draw_lines!(builder
                .build_cartesian_2d(t_min..t_max, (place.y.lo..place.y.hi).log_scale())
                .map_err(err)?);
        } else {
            draw_lines!(builder
                .build_cartesian_2d(t_min..t_max, place.y.lo..place.y.hi)
                .map_err(err)?);
        }
    }
    Ok(())
}

/// Draw a chart's legend at `position`, in the frame's legend font, on a translucent white
/// box.
fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    frame: &Frame,
    position: SeriesLabelPosition,
) -> DrawResult {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", frame.legend_font_px))
        .draw()
        .map_err(err)
}

/// The legend entry of an observed data set: its study, or its arm when unnamed.
fn observed_label(arm: &str, study: &str) -> String {
    format!("observed: {}", if study.is_empty() { arm } else { study })
}

/// Forest plot of the comparisons' AUC and Cmax ratios (log axis).
fn forest<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, r: &RunResult) -> DrawResult {
    root.fill(&WHITE).map_err(err)?;
    let cmps = &r.summary.comparisons;
    let mut values: Vec<f64> = vec![0.5, 2.0];
    for c in cmps {
        values.extend(c.auc_ratio.iter().flat_map(|s| [s.median, s.p05, s.p95]));
        values.extend(c.cmax_ratio.iter().flat_map(|s| [s.median, s.p05, s.p95]));
        values.extend(c.static_model.as_ref().map(|s| s.auc_ratio));
    }
    for o in r
        .summary
        .observed
        .iter()
        .filter(|o| o.metric.ends_with("_ratio"))
    {
        values.push(o.observed);
    }
    let lo = values.iter().cloned().fold(f64::INFINITY, f64::min) / 1.5;
    let hi = values.iter().cloned().fold(0.0, f64::max) * 1.5;
    let n = cmps.len() as f64;
    let y_of = |i: usize| n - 1.0 - i as f64;
    let auc: Vec<(f64, f64)> = cmps
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.auc_ratio.map(|s| (s.median, y_of(i) + 0.12)))
        .collect();
    let cmax: Vec<(f64, f64)> = cmps
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.cmax_ratio.map(|s| (s.median, y_of(i) - 0.12)))
        .collect();
    let stat: Vec<(f64, f64)> = cmps
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            c.static_model
                .as_ref()
                .map(|s| (s.auc_ratio, y_of(i) + 0.12))
        })
        .collect();
    let obs: Vec<(f64, f64)> = cmps
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            r.summary
                .observed
                .iter()
                .find(|o| o.metric == "auc_ratio" && o.compound == c.compound && o.arm == c.test)
                .map(|o| (o.observed, y_of(i) + 0.12))
        })
        .collect();
    let mut drawn: Vec<Vec<(f64, f64)>> = [&auc, &cmax, &stat, &obs]
        .iter()
        .flat_map(|v| v.iter().map(|p| vec![*p]))
        .collect();
    if !r.subjects.is_empty() {
        for (i, c) in cmps.iter().enumerate() {
            for (st, dy) in [(c.auc_ratio, 0.12), (c.cmax_ratio, -0.12)] {
                drawn.extend(st.map(|s| vec![(s.p05, y_of(i) + dy), (s.p95, y_of(i) + dy)]));
            }
        }
    }
    // The shaded 0.5-2 and 0.8-1.25 bands are drawn too: the legend must not cover them.
    for x in [0.5, 0.65, 0.8, 1.0, 1.25, 1.6, 2.0] {
        drawn.push(vec![(x, -0.5), (x, n - 0.5)]);
    }
    let mut labels: Vec<String> = [
        "0.5-2 (2-fold)",
        "0.8-1.25 (no effect)",
        "AUC ratio (dynamic)",
        "Cmax ratio (dynamic)",
        "AUC ratio (static model)",
    ]
    .map(String::from)
    .to_vec();
    if !obs.is_empty() {
        labels.push("AUC ratio (observed)".into());
    }
    let frame = Frame {
        margin: 15,
        y_label_area: 320,
        x_label_area: 50,
        caption_px: 22,
        legend_font_px: 14,
    };
    let place = frame.place(
        root.dim_in_pixel(),
        &labels,
        &drawn,
        Axis::log(lo, hi),
        Axis::linear(-0.5, n - 0.5),
        Room::Right,
    );
    let (lo, hi) = (place.x.lo, place.x.hi);
    let x_ticks = log_ticks(lo, hi);
    let caption = if r.subjects.is_empty() {
        "Interaction ratios (test / reference)".to_string()
    } else {
        format!(
            "Interaction ratios: median and 5-95 % range of {} subjects",
            r.subjects.len()
        )
    };
    let mut chart = frame
        .builder(&root, &caption)
        .build_cartesian_2d((lo..hi).log_scale(), -0.5..(n - 0.5))
        .map_err(err)?;
    let labels: Vec<String> = cmps
        .iter()
        .map(|c| format!("{}: {} vs {}", c.compound, c.test, c.reference))
        .collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(cmps.len().max(1))
        .y_label_formatter(&|y| {
            let i = y.round() as usize;
            if (y - y.round()).abs() < 1e-6 && i < labels.len() {
                labels[labels.len() - 1 - i].clone()
            } else {
                String::new()
            }
        })
        .x_label_formatter(&x_ticks)
        .x_desc("ratio (log scale)")
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(err)?;
    let band = |a: f64, b: f64, colour: RGBAColor| {
        Rectangle::new([(a, -0.5), (b, n - 0.5)], colour.filled())
    };
    chart
        .draw_series([band(0.5, 2.0, RGBColor(200, 200, 200).mix(0.35))])
        .map_err(err)?
        .label("0.5-2 (2-fold)")
        .legend(|(x, y)| {
            Rectangle::new(
                [(x, y - 5), (x + 20, y + 5)],
                RGBColor(200, 200, 200).mix(0.6).filled(),
            )
        });
    chart
        .draw_series([band(0.8, 1.25, RGBColor(120, 180, 120).mix(0.35))])
        .map_err(err)?
        .label("0.8-1.25 (no effect)")
        .legend(|(x, y)| {
            Rectangle::new(
                [(x, y - 5), (x + 20, y + 5)],
                RGBColor(120, 180, 120).mix(0.6).filled(),
            )
        });
    // Populations: the 5-95 % range of the per-subject ratios as whiskers.
    if !r.subjects.is_empty() {
        for (i, c) in cmps.iter().enumerate() {
            for (stat, dy, colour) in [
                (c.auc_ratio, 0.12, COLOURS[0]),
                (c.cmax_ratio, -0.12, COLOURS[1]),
            ] {
                if let Some(st) = stat {
                    chart
                        .draw_series(std::iter::once(ErrorBar::new_horizontal(
                            y_of(i) + dy,
                            st.p05,
                            st.median,
                            st.p95,
                            colour.stroke_width(2),
                            8,
                        )))
                        .map_err(err)?;
                }
            }
        }
    }
    chart
        .draw_series(auc.iter().map(|p| Circle::new(*p, 7, COLOURS[0].filled())))
        .map_err(err)?
        .label("AUC ratio (dynamic)")
        .legend(|(x, y)| Circle::new((x + 10, y), 6, COLOURS[0].filled()));
    chart
        .draw_series(
            cmax.iter()
                .map(|p| TriangleMarker::new(*p, 8, COLOURS[1].filled())),
        )
        .map_err(err)?
        .label("Cmax ratio (dynamic)")
        .legend(|(x, y)| TriangleMarker::new((x + 10, y), 7, COLOURS[1].filled()));
    chart
        .draw_series(
            stat.iter()
                .map(|p| Cross::new(*p, 7, COLOURS[3].stroke_width(3))),
        )
        .map_err(err)?
        .label("AUC ratio (static model)")
        .legend(|(x, y)| Cross::new((x + 10, y), 6, COLOURS[3].stroke_width(3)));
    if !obs.is_empty() {
        chart
            .draw_series(
                obs.iter()
                    .map(|p| Circle::new(*p, 9, BLACK.stroke_width(2))),
            )
            .map_err(err)?
            .label("AUC ratio (observed)")
            .legend(|(x, y)| Circle::new((x + 10, y), 7, BLACK.stroke_width(2)));
    }
    draw_legend(&mut chart, &frame, place.position)?;
    Ok(())
}

/// Remaining enzyme fraction against time (days), per arm and site.
fn enzymes<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, r: &RunResult) -> DrawResult {
    root.fill(&WHITE).map_err(err)?;
    let t_max = r
        .arms
        .iter()
        .flat_map(|a| a.enzymes.iter().flat_map(|(_, s)| s.last().map(|x| x.0)))
        .fold(0.0_f64, f64::max)
        / 24.0;
    // Arms without a perpetrator keep every enzyme at 1: leave them out (by the series
    // themselves: a population's median arms carry no per-subject recovery record).
    let arms: Vec<_> = r
        .arms
        .iter()
        .filter(|a| {
            a.enzymes
                .iter()
                .any(|(_, s)| s.iter().any(|(_, f)| (f - 1.0).abs() > 1e-9))
        })
        .collect();
    let mut labels = Vec::new();
    let mut drawn = Vec::new();
    for a in &arms {
        for (label, series) in &a.enzymes {
            labels.push(format!("{}: {}", a.name, label.replace('_', " ")));
            drawn.push(series.iter().map(|(t, f)| (t / 24.0, *f)).collect());
        }
    }
    let frame = Frame::STANDARD;
    let place = frame.place(
        root.dim_in_pixel(),
        &labels,
        &drawn,
        Axis::linear(0.0, t_max.max(1e-6)),
        Axis::linear(0.0, 1.05),
        Room::Above,
    );
    let mut chart = frame
        .builder(
            &root,
            "Remaining enzyme (fraction of baseline; gut wall dashed)",
        )
        .build_cartesian_2d(0.0..t_max.max(1e-6), 0.0..place.y.hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .x_desc("time (days)")
        .y_desc("E / E0")
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .draw()
        .map_err(err)?;
    for (k, a) in arms.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        for (label, series) in &a.enzymes {
            let pts: Vec<(f64, f64)> = series.iter().map(|(t, f)| (t / 24.0, *f)).collect();
            let name = format!("{}: {}", a.name, label.replace('_', " "));
            if label.ends_with("_gut") {
                let style = colour.stroke_width(2);
                chart
                    .draw_series(DashedLineSeries::new(pts, 6, 4, style))
                    .map_err(err)?
                    .label(name)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 8, y)], style));
            } else {
                let style = colour.stroke_width(3);
                chart
                    .draw_series(LineSeries::new(pts, style))
                    .map_err(err)?
                    .label(name)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
            }
        }
    }
    draw_legend(&mut chart, &frame, place.position)?;
    Ok(())
}

/// Goodness of fit for one qualification category: predicted against observed on log axes,
/// with the line of unity and the 2-fold lines (PNG).
pub fn goodness_of_fit(rows: &[crate::qualify::Row], category: &str, path: &Path) -> Result<()> {
    register_font();
    let pts: Vec<(f64, f64, bool)> = rows
        .iter()
        .filter(|r| r.category == category)
        .map(|r| (r.observed, r.predicted, r.within_2))
        .collect();
    // Each prediction's range over the published alternative inputs (qualify), as a bar.
    let ranges: Vec<(f64, f64, f64)> = rows
        .iter()
        .filter(|r| r.category == category)
        .filter_map(|r| Some((r.observed, r.published_low?, r.published_high?)))
        .collect();
    let out_err = |e: String| PbpkError::Output {
        path: path.to_path_buf(),
        message: format!("plot: {e}"),
    };
    let draw = || -> DrawResult {
        let root = BitMapBackend::new(path, (760, 720)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let values = || {
            pts.iter()
                .flat_map(|p| [p.0, p.1])
                .chain(ranges.iter().flat_map(|r| [r.1, r.2]))
        };
        let lo = values().fold(f64::INFINITY, f64::min) / 3.0;
        let hi = values().fold(0.0, f64::max) * 3.0;
        let mut drawn: Vec<Vec<(f64, f64)>> = pts.iter().map(|p| vec![(p.0, p.1)]).collect();
        drawn.extend(ranges.iter().map(|r| vec![(r.0, r.1), (r.0, r.2)]));
        drawn.extend([0.5, 1.0, 2.0].map(|f| vec![(lo, lo * f), (hi, hi * f)]));
        let mut labels = vec!["within 2-fold".to_string(), "outside 2-fold".to_string()];
        if !ranges.is_empty() {
            labels.push("range over published inputs".to_string());
        }
        let frame = Frame::STANDARD;
        let place = frame.place(
            root.dim_in_pixel(),
            &labels,
            &drawn,
            Axis::log(lo, hi),
            Axis::log(lo, hi),
            Room::Above,
        );
        let x_ticks = log_ticks(place.x.lo, place.x.hi);
        let y_ticks = log_ticks(place.y.lo, place.y.hi);
        let mut chart = frame
            .builder(&root, &format!("{category}: predicted vs observed"))
            .build_cartesian_2d(
                (place.x.lo..place.x.hi).log_scale(),
                (place.y.lo..place.y.hi).log_scale(),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_label_formatter(&x_ticks)
            .y_label_formatter(&y_ticks)
            .x_desc("observed")
            .y_desc("predicted")
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 17))
            .draw()
            .map_err(err)?;
        for (f, style) in [
            (1.0, BLACK.stroke_width(2)),
            (2.0, BLACK.mix(0.5).stroke_width(1)),
            (0.5, BLACK.mix(0.5).stroke_width(1)),
        ] {
            chart
                .draw_series(LineSeries::new(
                    [(place.x.lo, place.x.lo * f), (place.x.hi, place.x.hi * f)],
                    style,
                ))
                .map_err(err)?;
        }
        if !ranges.is_empty() {
            let grey = BLACK.mix(0.35).stroke_width(3);
            chart
                .draw_series(
                    ranges
                        .iter()
                        .map(|r| PathElement::new(vec![(r.0, r.1), (r.0, r.2)], grey)),
                )
                .map_err(err)?
                .label("range over published inputs")
                .legend(move |(x, y)| PathElement::new(vec![(x + 4, y), (x + 16, y)], grey));
        }
        chart
            .draw_series(
                pts.iter()
                    .filter(|p| p.2)
                    .map(|p| Circle::new((p.0, p.1), 5, COLOURS[0].filled())),
            )
            .map_err(err)?
            .label("within 2-fold")
            .legend(|(x, y)| Circle::new((x + 10, y), 5, COLOURS[0].filled()));
        chart
            .draw_series(
                pts.iter()
                    .filter(|p| !p.2)
                    .map(|p| Circle::new((p.0, p.1), 5, COLOURS[1].filled())),
            )
            .map_err(err)?
            .label("outside 2-fold")
            .legend(|(x, y)| Circle::new((x + 10, y), 5, COLOURS[1].filled()));
        draw_legend(&mut chart, &frame, place.position)?;
        root.present().map_err(err)?;
        Ok(())
    };
    draw().map_err(out_err)
}
