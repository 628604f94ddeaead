//! Percentiles of one quantity over subjects (a concentration at one output time), fed one
//! subject at a time, in memory that stops growing with the number of subjects.
//!
//! Up to `EXACT_LIMIT` values every value is kept (as f32) and the percentile is exact
//! (type-7 interpolation, `stats::percentile`). Beyond that the values move into a
//! histogram with logarithmic bins of relative width `2 alpha`, stored sparsely:
//! bin i holds the values v with gamma^(i-1) < v <= gamma^i, gamma = (1 + alpha) / (1 - alpha),
//! and stands for 2 gamma^i / (gamma + 1), so every value of the bin is within a relative
//! `alpha` of it (the DDSketch construction, Masson, Rim & Lee, VLDB 2019). A percentile is
//! interpolated (type 7) between the representatives of the bins holding its two ranks, so
//! it is within `alpha` (0.5 %) of the exact one. Values at or below `MIN_POSITIVE` (zero before a dose, solver noise
//! around zero) are counted apart and read back as 0. Bin counts do not depend on the
//! order in which values arrive, so results do not depend on thread count or scheduling.
//!
//! Memory: at most `EXACT_LIMIT` x 4 bytes a quantity, then 8 bytes an occupied bin
//! (a few hundred bins for between-subject spreads of one to two orders of magnitude).

use crate::analysis::stats::percentile;

/// Values kept exactly before switching to the histogram.
pub const EXACT_LIMIT: usize = 1000;
/// Relative accuracy of a percentile read from the histogram.
pub const ALPHA: f64 = 0.005;
/// Values at or below this are counted as zero.
pub const MIN_POSITIVE: f64 = 1e-30;

#[derive(Debug, Clone)]
enum Store {
    Exact(Vec<f32>),
    Binned {
        /// (bin index, count), sorted by bin.
        bins: Vec<(i32, u32)>,
        zeros: u64,
    },
}

/// Streaming percentiles of one quantity.
#[derive(Debug, Clone)]
pub struct Quantiles {
    store: Store,
    n: u64,
}

impl Default for Quantiles {
    fn default() -> Self {
        Quantiles {
            store: Store::Exact(Vec::new()),
            n: 0,
        }
    }
}

fn ln_gamma() -> f64 {
    ((1.0 + ALPHA) / (1.0 - ALPHA)).ln()
}

fn bin_of(v: f64) -> i32 {
    (v.ln() / ln_gamma()).ceil() as i32
}

fn value_of(bin: i32) -> f64 {
    let g = (1.0 + ALPHA) / (1.0 - ALPHA);
    2.0 * (bin as f64 * ln_gamma()).exp() / (g + 1.0)
}

impl Quantiles {
    /// Number of values seen.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Whether every value is still held exactly.
    pub fn is_exact(&self) -> bool {
        matches!(self.store, Store::Exact(_))
    }

    pub fn push(&mut self, v: f32) {
        self.n += 1;
        // The same rule in both modes: NaN and values at or below MIN_POSITIVE count as 0.
        let v = if v.is_nan() || f64::from(v) <= MIN_POSITIVE {
            0.0
        } else {
            v
        };
        match &mut self.store {
            Store::Exact(values) => {
                values.push(v);
                if values.len() > EXACT_LIMIT {
                    let values = std::mem::take(values);
                    self.store = Store::Binned {
                        bins: Vec::new(),
                        zeros: 0,
                    };
                    for x in values {
                        self.add_binned(x);
                    }
                }
            }
            Store::Binned { .. } => self.add_binned(v),
        }
    }

    fn add_binned(&mut self, v: f32) {
        let Store::Binned { bins, zeros } = &mut self.store else {
            unreachable!("add_binned on an exact store")
        };
        let v = f64::from(v);
        if v.is_nan() || v <= MIN_POSITIVE {
            *zeros += 1;
            return;
        }
        let b = bin_of(v);
        match bins.binary_search_by_key(&b, |x| x.0) {
            Ok(i) => bins[i].1 += 1,
            Err(i) => bins.insert(i, (b, 1)),
        }
    }

    /// The p-th percentile (0..=100); NaN when no value was pushed.
    pub fn percentile(&self, p: f64) -> f64 {
        match &self.store {
            Store::Exact(values) => {
                if values.is_empty() {
                    return f64::NAN;
                }
                let mut v: Vec<f64> = values.iter().map(|&x| f64::from(x)).collect();
                v.sort_by(f64::total_cmp);
                percentile(&v, p)
            }
            Store::Binned { bins, zeros } => {
                // Type-7 like the exact case: between the values of 0-based ranks
                // floor(h) and floor(h) + 1, h = (n - 1) p / 100.
                let h = (self.n - 1) as f64 * p / 100.0;
                let lo = h.floor() as u64;
                let at = |rank: u64| -> f64 {
                    if rank < *zeros {
                        return 0.0;
                    }
                    let mut seen = *zeros;
                    for &(b, c) in bins {
                        seen += u64::from(c);
                        if rank < seen {
                            return value_of(b);
                        }
                    }
                    bins.last().map_or(0.0, |&(b, _)| value_of(b))
                };
                let (a, b) = (at(lo), at((lo + 1).min(self.n - 1)));
                a + (h - lo as f64) * (b - a)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(values: &[f32], p: f64) -> f64 {
        let mut v: Vec<f64> = values.iter().map(|&x| f64::from(x)).collect();
        v.sort_by(f64::total_cmp);
        percentile(&v, p)
    }

    #[test]
    fn exact_up_to_the_limit_then_within_alpha() {
        // Log-normal-like spread over three orders of magnitude, deterministic.
        let values: Vec<f32> = (0..20_000)
            .map(|i| {
                let u = ((i as f64 * 0.618_033_988_75) % 1.0) * 6.9 - 3.45;
                (u.exp() * 0.3) as f32
            })
            .collect();
        let mut q = Quantiles::default();
        for (i, &v) in values.iter().enumerate() {
            q.push(v);
            if i + 1 == EXACT_LIMIT {
                assert!(q.is_exact());
                for p in [5.0, 50.0, 95.0] {
                    assert_eq!(q.percentile(p), exact(&values[..=i], p));
                }
            }
        }
        assert!(!q.is_exact());
        assert_eq!(q.count(), 20_000);
        for p in [5.0, 50.0, 95.0] {
            let e = exact(&values, p);
            let h = q.percentile(p);
            assert!(
                (h - e).abs() <= 1.01 * ALPHA * e,
                "p{p}: histogram {h} vs exact {e}"
            );
        }
    }

    #[test]
    fn zeros_are_counted_apart_and_order_does_not_matter() {
        let mut values: Vec<f32> = (0..3000).map(|i| (i % 7) as f32 * 0.5).collect();
        let mut a = Quantiles::default();
        for &v in &values {
            a.push(v);
        }
        values.reverse();
        let mut b = Quantiles::default();
        for &v in &values {
            b.push(v);
        }
        for p in [0.0, 5.0, 10.0, 50.0, 95.0, 100.0] {
            assert_eq!(a.percentile(p), b.percentile(p));
        }
        // One value in seven is zero: the 5th percentile is zero, the 50th is 1.5.
        assert_eq!(a.percentile(5.0), 0.0);
        assert!((a.percentile(50.0) - 1.5).abs() <= ALPHA * 1.5);
        assert!(Quantiles::default().percentile(50.0).is_nan());
    }
}
