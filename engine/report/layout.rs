//! Where a plot's legend goes and how its tick labels read.
//!
//! A legend is put in the first corner (upper right, upper left, lower right, lower left,
//! then the middle of either side) whose box holds no data: every drawn line is followed
//! point by point, so a line that only crosses a corner counts too. When every place holds
//! data, the top of the y axis is raised until the legend fits above the data (the upper
//! right then). Tick labels are plain numbers without a trailing ".0"; on a log axis only
//! the 1-2-5 steps of each decade are labelled (only 1 x 10^k over many decades, every step
//! within one decade), so labels never run into each other.

use plotters::prelude::*;

/// The widest span a log axis is drawn over (decades).
pub const LOG_AXIS_DECADES: f64 = 8.0;

/// One axis of a chart: its range and whether it is logarithmic.
#[derive(Clone, Copy, Debug)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
}

impl Axis {
    pub fn linear(lo: f64, hi: f64) -> Self {
        Axis { lo, hi, log: false }
    }
    /// A log axis over [lo, hi], made safe to draw: both bounds finite and positive, the
    /// upper within 1e-100..1e100 and at most `LOG_AXIS_DECADES` above the lower (plotters'
    /// tick search never ends once a bound underflows: an observed ratio of 1e-300 hung
    /// `pbpk run`). Making room for a legend (`Frame::place`) may raise the upper end further,
    /// at most 5-fold in log span, which stays finite. Data beyond the bounds is clipped, not
    /// lost from the output files.
    pub fn log(lo: f64, hi: f64) -> Self {
        let hi = if hi.is_finite() && hi > 0.0 {
            hi.clamp(1e-100, 1e100)
        } else {
            1.0
        };
        let floor = hi * 10f64.powf(-LOG_AXIS_DECADES);
        let lo = if lo.is_finite() && lo > 0.0 && lo < hi {
            lo.max(floor)
        } else {
            hi / 10.0
        };
        Axis { lo, hi, log: true }
    }
    /// Position of `v` along the axis, 0 at `lo` and 1 at `hi`.
    pub fn frac(&self, v: f64) -> f64 {
        if self.log {
            (v.max(self.lo * 1e-6).ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }
    /// The axis with its upper end raised so that the old range fills `1 - share` of it.
    fn raised(&self, share: f64) -> Axis {
        let keep = (1.0 - share).max(0.2);
        let hi = if self.log {
            (self.lo.ln() + (self.hi.ln() - self.lo.ln()) / keep).exp()
        } else {
            self.lo + (self.hi - self.lo) / keep
        };
        Axis { hi, ..*self }
    }
}

/// What a `ChartBuilder` puts around its plotting area (margin on every side, label areas
/// left and below, a caption on top, 0 for none), and the legend's font size.
pub struct Frame {
    pub margin: u32,
    pub y_label_area: u32,
    pub x_label_area: u32,
    pub caption_px: u32,
    pub legend_font_px: u32,
}

impl Frame {
    /// The frame of most single charts: 22 px caption, 14 px legend.
    pub const STANDARD: Frame = Frame {
        margin: 15,
        y_label_area: 70,
        x_label_area: 50,
        caption_px: 22,
        legend_font_px: 14,
    };

    /// A chart builder on `area` with this frame and `caption` (the frame's numbers then
    /// serve both the chart and the legend's size estimate).
    pub fn builder<'a, 'b, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, plotters::coord::Shift>,
        caption: &str,
    ) -> ChartBuilder<'a, 'b, DB> {
        let mut b = ChartBuilder::on(area);
        b.margin(self.margin)
            .x_label_area_size(self.x_label_area)
            .y_label_area_size(self.y_label_area)
            .caption(caption, ("sans-serif", self.caption_px));
        b
    }

    /// Pixel size of the plotting area this frame leaves inside `area`.
    fn plotting_px(&self, area: (u32, u32)) -> (f64, f64) {
        let caption = if self.caption_px > 0 {
            self.caption_px + 10
        } else {
            0
        };
        (
            area.0
                .saturating_sub(2 * self.margin + self.y_label_area)
                .max(1) as f64,
            area.1
                .saturating_sub(2 * self.margin + self.x_label_area + caption)
                .max(1) as f64,
        )
    }

    /// `place_legend` for a legend of `labels` in a chart of this frame drawn on `area`.
    pub fn place(
        &self,
        area: (u32, u32),
        labels: &[String],
        lines: &[Vec<(f64, f64)>],
        x: Axis,
        y: Axis,
        room: Room,
    ) -> Placement {
        let size = legend_size(labels, self.legend_font_px, self.plotting_px(area));
        place_legend(lines, x, y, size, room)
    }
}

/// A legend box as fractions of the plotting area, from its labels measured in the font
/// (plotters' layout: a 30 px marker column, a 10 px margin inside and 5 px outside).
fn legend_size(labels: &[String], font_px: u32, plot_px: (f64, f64)) -> (f64, f64) {
    let font = ("sans-serif", font_px).into_font();
    let widest = labels
        .iter()
        .map(|l| {
            font.box_size(l)
                .map_or(l.len() as f64 * 0.6 * font_px as f64, |b| b.0 as f64)
        })
        .fold(0.0, f64::max);
    let w = widest + 30.0 + 20.0 + 10.0;
    let h = labels.len() as f64 * font_px as f64 * 1.3 + 20.0 + 10.0;
    (w / plot_px.0, h / plot_px.1)
}

/// Where the legend goes, and the axes to draw (one of them extended when no place was
/// free).
pub struct Placement {
    pub position: SeriesLabelPosition,
    pub x: Axis,
    pub y: Axis,
}

/// Where room is made for the legend when no place is free.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Room {
    /// The y axis is raised: the legend sits above the data.
    Above,
    /// The x axis is extended: the legend sits right of the data.
    Right,
}

/// Choose the legend's place over `lines` (each a polyline in data coordinates; a single
/// point is a one-point line) for a legend of `size` (fractions of the plotting area).
fn place_legend(
    lines: &[Vec<(f64, f64)>],
    x: Axis,
    y: Axis,
    size: (f64, f64),
    room: Room,
) -> Placement {
    use SeriesLabelPosition::*;
    let pts = follow(lines, x, y);
    let (w, h) = size;
    let covered = |x0: f64, x1: f64, y0: f64, y1: f64| {
        pts.iter()
            .any(|&(px, py)| px >= x0 && px <= x1 && py >= y0 && py <= y1)
    };
    let candidates = [
        (UpperRight, 1.0 - w, 1.0, 1.0 - h, 1.0),
        (UpperLeft, 0.0, w, 1.0 - h, 1.0),
        (LowerRight, 1.0 - w, 1.0, 0.0, h),
        (LowerLeft, 0.0, w, 0.0, h),
        (MiddleRight, 1.0 - w, 1.0, 0.5 - h / 2.0, 0.5 + h / 2.0),
        (MiddleLeft, 0.0, w, 0.5 - h / 2.0, 0.5 + h / 2.0),
    ];
    for (position, x0, x1, y0, y1) in candidates {
        if !covered(x0, x1, y0, y1) {
            return Placement { position, x, y };
        }
    }
    match room {
        Room::Above => Placement {
            position: UpperRight,
            x,
            y: y.raised(h.min(0.8)),
        },
        Room::Right => Placement {
            position: MiddleRight,
            x: x.raised(w.min(0.8)),
            y,
        },
    }
}

/// The lines' points as fractions of the area (y up), with points added along each
/// segment every 0.5 % of the area so that crossing lines are seen.
fn follow(lines: &[Vec<(f64, f64)>], x: Axis, y: Axis) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for line in lines {
        let f: Vec<(f64, f64)> = line
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .map(|&(a, b)| (x.frac(a), y.frac(b)))
            .collect();
        out.extend(f.first().copied());
        for s in f.windows(2) {
            let (d0, d1) = (s[1].0 - s[0].0, s[1].1 - s[0].1);
            let n = ((d0.hypot(d1) / 0.005).ceil() as usize).clamp(1, 400);
            out.extend((1..=n).map(|k| {
                let u = k as f64 / n as f64;
                (s[0].0 + u * d0, s[0].1 + u * d1)
            }));
        }
    }
    out
}

/// A tick label on a linear axis: the number without trailing zeros ("220", "0.25").
pub fn tick(v: &f64) -> String {
    if *v == 0.0 {
        return "0".into();
    }
    let s = format!("{:.6}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A tick formatter for a log axis spanning `lo..hi`: labels 1, 2 and 5 x 10^k (only
/// 1 x 10^k over more than four decades, every step over less than one), blank elsewhere.
pub fn log_ticks(lo: f64, hi: f64) -> impl Fn(&f64) -> String {
    let decades = (hi / lo).log10();
    let steps: &'static [f64] = if decades > 4.0 {
        &[1.0]
    } else if decades >= 1.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    };
    move |v: &f64| {
        if *v <= 0.0 {
            return String::new();
        }
        let mantissa = v / 10f64.powf(v.log10().floor());
        let near =
            |m: f64| ((mantissa - m) / m).abs() < 1e-6 || ((mantissa - 10.0 * m) / m).abs() < 1e-6;
        if steps.iter().any(|&m| near(m)) {
            // Significant digits of the value itself: 0.001, 0.05, 2, 1000.
            let digits = (-v.log10().floor()).max(0.0) as usize;
            format!("{v:.digits$}")
        } else {
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_read_plainly() {
        assert_eq!(tick(&220.0), "220");
        assert_eq!(tick(&0.25), "0.25");
        assert_eq!(tick(&0.0), "0");
        let f = log_ticks(0.3, 30.0);
        assert_eq!(f(&1.0), "1");
        assert_eq!(f(&0.5), "0.5");
        assert_eq!(f(&20.0), "20");
        assert_eq!(f(&7.0), "");
        assert_eq!(f(&0.001), "0.001");
        let wide = log_ticks(1e-4, 10.0);
        assert_eq!(wide(&0.01), "0.01");
        assert_eq!(wide(&0.02), "");
        let narrow = log_ticks(0.7, 1.5);
        assert_eq!(narrow(&0.8), "0.8");
    }

    #[test]
    fn log_axes_are_safe_to_draw() {
        // Extreme or missing data bounds give finite, positive, ordered axes of at most
        // LOG_AXIS_DECADES, and plotters draws them (it looped forever on 1e-300).
        crate::report::plots::register_font();
        for (lo, hi) in [
            (1e-300, 10.0),
            (0.0, 0.0),
            (f64::NAN, 5.0),
            (2.0, f64::INFINITY),
            (5.0, 1.0),
            (1e-320, 1e-310),
        ] {
            let a = Axis::log(lo, hi);
            assert!(a.lo.is_finite() && a.hi.is_finite() && 0.0 < a.lo && a.lo < a.hi);
            assert!(
                (a.hi / a.lo).log10() <= LOG_AXIS_DECADES + 1e-9,
                "{lo} {hi}: {a:?}"
            );
            let mut buf = vec![0u8; 200 * 150 * 3];
            let root = BitMapBackend::with_buffer(&mut buf, (200, 150)).into_drawing_area();
            let mut chart = ChartBuilder::on(&root)
                .x_label_area_size(20)
                .y_label_area_size(20)
                .build_cartesian_2d((a.lo..a.hi).log_scale(), (a.lo..a.hi).log_scale())
                .unwrap();
            chart.configure_mesh().disable_mesh().draw().unwrap();
        }
        // Ordinary ranges are kept as they are.
        let a = Axis::log(0.02, 50.0);
        assert_eq!((a.lo, a.hi), (0.02, 50.0));
    }

    #[test]
    fn legend_goes_where_no_line_is() {
        let x = Axis::linear(0.0, 10.0);
        let y = Axis::linear(0.0, 1.0);
        // A line along the top: the upper corners are taken, the lower right is free.
        let top = vec![vec![(0.0, 0.95), (10.0, 0.95)]];
        let p = place_legend(&top, x, y, (0.3, 0.2), Room::Above);
        assert!(matches!(p.position, SeriesLabelPosition::LowerRight));
        // A line crossing every corner and the middle: the axis is raised above the data.
        let zig = vec![
            vec![(0.0, 0.0), (0.0, 1.0), (10.0, 1.0), (10.0, 0.0), (0.0, 0.0)]
                .into_iter()
                .chain([(0.0, 0.5), (10.0, 0.5)])
                .collect(),
        ];
        let p = place_legend(&zig, x, y, (0.3, 0.2), Room::Above);
        assert!(matches!(p.position, SeriesLabelPosition::UpperRight));
        assert!((p.y.hi - 1.25).abs() < 1e-12);
        // The raised top leaves the legend's height free above the data.
        assert!(p.y.frac(1.0) <= 1.0 - 0.2 + 1e-12);
        // Or room on the right, on a log axis: the data end where the legend starts.
        let xl = Axis::log(0.1, 10.0);
        let p = place_legend(
            &zig.iter()
                .map(|l| l.iter().map(|p| (p.0.max(0.1), p.1)).collect())
                .collect::<Vec<_>>(),
            xl,
            y,
            (0.3, 0.2),
            Room::Right,
        );
        assert!(matches!(p.position, SeriesLabelPosition::MiddleRight));
        assert!((p.x.frac(10.0) - 0.7).abs() < 1e-12);
    }
}
