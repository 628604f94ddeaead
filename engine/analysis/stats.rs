//! Statistics over subjects, as reported in `summary.json`: geometric mean, median and the
//! 5th and 95th percentiles (linear interpolation between order statistics, type 7), and
//! beside them the number of subjects, the arithmetic mean with its coefficient of
//! variation, and the geometric CV, sqrt(exp(s^2) - 1) with s the SD of ln values (the CV a
//! log-normal with that spread has).

use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Stat {
    pub geomean: f64,
    pub median: f64,
    pub p05: f64,
    pub p95: f64,
    /// Subjects the statistic is over (those with a value).
    pub n: usize,
    pub mean: f64,
    /// Arithmetic CV, % (SD with n - 1; 0 for one subject).
    pub cv_pct: f64,
    /// Geometric CV, % (null when a value is not positive; 0 for one subject).
    pub geo_cv_pct: f64,
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
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n as f64;
    let sd = |x: &[f64], m: f64| {
        if x.len() < 2 {
            0.0
        } else {
            (x.iter().map(|a| (a - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
        }
    };
    let geo_cv_pct = if v.iter().all(|&x| x > 0.0) {
        let logs: Vec<f64> = v.iter().map(|x| x.ln()).collect();
        let s = sd(&logs, logs.iter().sum::<f64>() / n as f64);
        100.0 * (s * s).exp_m1().sqrt()
    } else {
        f64::NAN
    };
    Some(Stat {
        geomean,
        median: percentile(&v, 50.0),
        p05: percentile(&v, 5.0),
        p95: percentile(&v, 95.0),
        n,
        mean: if n == 1 { v[0] } else { mean },
        cv_pct: if mean != 0.0 {
            100.0 * sd(&v, mean) / mean.abs()
        } else {
            f64::NAN
        },
        geo_cv_pct,
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

    #[test]
    fn means_and_coefficients_of_variation() {
        // [1, 3]: mean 2, SD sqrt(2) (n - 1), CV 70.71 %.
        let s = summarise(&[1.0, 3.0]).unwrap();
        assert_eq!((s.n, s.mean), (2, 2.0));
        assert!((s.cv_pct - 100.0 * 2f64.sqrt() / 2.0).abs() < 1e-12);
        // [e^-a, e^a]: SD of the logs a sqrt(2), geometric CV sqrt(exp(2 a^2) - 1).
        let a: f64 = 0.5;
        let s = summarise(&[(-a).exp(), a.exp()]).unwrap();
        assert!((s.geo_cv_pct - 100.0 * (0.5f64.exp() - 1.0).sqrt()).abs() < 1e-9);
        // One subject: no spread.
        let s = summarise(&[0.7]).unwrap();
        assert_eq!((s.n, s.mean, s.cv_pct, s.geo_cv_pct), (1, 0.7, 0.0, 0.0));
        // A value at or below zero: no geometric CV.
        assert!(summarise(&[0.0, 1.0]).unwrap().geo_cv_pct.is_nan());
    }
}
