//! The qualification suite in CI: every shipped scenario with observed values runs, and a
//! category's share within 2-fold may not fall below its recorded level (accuracy can only
//! go up; raise the level when it does).
use pbpk::qualify::{categories, run_suite, write_report};

/// (category, recorded share within 2-fold, recorded n)
const RECORDED: [(&str, f64, usize); 3] = [
    ("PK metric", 0.64, 59),
    ("bioavailability", 0.80, 10),
    ("interaction ratio", 0.12, 8),
];

#[test]
fn qualification_shares_do_not_fall() {
    let rows = run_suite().unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_report(&rows, dir.path()).unwrap();
    assert!(dir.path().join("qualification.md").exists());
    assert!(dir.path().join("gof_PK_metric.png").exists());
    for c in categories(&rows) {
        println!(
            "{:<18} n {:>3}  within 2-fold {:>5.1} %  GMFE {:.2}",
            c.category,
            c.n,
            100.0 * c.within_2,
            c.gmfe
        );
        let (_, level, n) = RECORDED
            .iter()
            .find(|r| r.0 == c.category)
            .unwrap_or_else(|| panic!("new category {}: record its level", c.category));
        assert!(
            c.within_2 + 1e-9 >= level - 0.005,
            "{}: {:.3} within 2-fold fell below the recorded {level}",
            c.category,
            c.within_2
        );
        assert!(
            c.n >= *n,
            "{}: {} observations, fewer than the recorded {n}",
            c.category,
            c.n
        );
    }
}
