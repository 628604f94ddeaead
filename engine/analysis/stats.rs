//! Statistics over subjects, as reported in `summary.json`: geometric mean, median and the
//! 5th and 95th percentiles (linear interpolation between order statistics, type 7).

use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Stat {
    pub geomean: f64,
    pub median: f64,
    pub p05: f64,
    pub p95: f64,
}

/// Percentile (0..=100) of sorted values, type-7 interpolation.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let h = (n - 1) as f64 * p / 100.0;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Summarise values; `None` when there are none.
pub fn summarise(values: &[f64]) -> Option<Stat> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let geomean = if v.iter().all(|&x| x > 0.0) {
        (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp()
    } else {
        f64::NAN
    };
    Some(Stat {
        geomean,
        median: percentile(&v, 50.0),
        p05: percentile(&v, 5.0),
        p95: percentile(&v, 95.0),
    })
}
