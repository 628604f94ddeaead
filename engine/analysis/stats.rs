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
    // One value: all four statistics are that value (exp(ln x) can differ in the last digit).
    let geomean = if v.len() == 1 {
        v[0]
    } else if v.iter().all(|&x| x > 0.0) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_value_gives_that_value_for_every_statistic() {
        // exp(ln x) differs from x in the last digit for some of these.
        let mut differs = 0;
        for i in 1..200 {
            let x = 0.013 * i as f64 + 1e-3 / i as f64;
            differs += usize::from(x.ln().exp() != x);
            let s = summarise(&[x]).unwrap();
            assert_eq!((s.geomean, s.median, s.p05, s.p95), (x, x, x, x));
        }
        assert!(differs > 0, "the case the rule is for occurs");
    }

    #[test]
    fn type_7_percentiles_and_geometric_mean() {
        let s = summarise(&[4.0, 1.0, 2.0, 8.0]).unwrap();
        assert!((s.geomean - 64f64.powf(0.25) * 1.0).abs() < 1e-12);
        assert_eq!(s.median, 3.0);
        assert!((s.p05 - 1.15).abs() < 1e-12);
        assert!((s.p95 - 7.4).abs() < 1e-12);
    }
}
