//! Sparse LU of the BDF Newton matrix (I - c J), for systems past `solve::SPARSE_FROM_STATES`.
//!
//! faer computes the factors: a COLAMD fill-reducing column order once per sparsity pattern
//! and a simplicial left-looking LU with partial pivoting at every Jacobian update
//! (P_r A P_c = L U). The solve, called once per Newton iteration, is done here with
//! plain loops over the compressed columns: faer's general-purpose solve permutes a
//! one-column right-hand side through its matrix machinery, which measured at about 40 %
//! of the whole linear-solve time for the 100-150 state models (docs/performance.md).
//! x = P_c U^-1 L^-1 P_r b.

use diffsol::{FaerSparseMat, FaerVec, LaError, LaLinearOp, Matrix, MatrixCommon, Vector};
use diffsol_la::LinearSolver;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::perm::PermRef;
use faer::sparse::linalg::lu::factorize_symbolic_lu;
use faer::sparse::linalg::lu::simplicial::{
    factorize_simplicial_numeric_lu, factorize_simplicial_numeric_lu_scratch, SimplicialLu,
};
use std::cell::RefCell;

struct Factors {
    a: FaerSparseMat<f64>,
    col_fwd: Vec<usize>,
    col_inv: Vec<usize>,
    row_fwd: Vec<usize>,
    row_inv: Vec<usize>,
    lu: SimplicialLu<usize, f64>,
    scratch: MemBuffer,
    work: RefCell<Vec<f64>>,
}

/// A linear solver for `FaerSparseMat<f64>` (diffsol's trait comes with it).
#[derive(Default)]
pub struct SparseLu {
    factors: Option<Factors>,
}

impl LinearSolver<FaerSparseMat<f64>> for SparseLu {
    fn set_sparsity<
        C: LaLinearOp<T = f64, V = FaerVec<f64>, M = FaerSparseMat<f64>, C = diffsol::FaerContext>,
    >(
        &mut self,
        op: &C,
    ) {
        let n = op.nrows();
        let a =
            FaerSparseMat::<f64>::new_from_sparsity(n, op.ncols(), op.sparsity(), *op.context());
        let symbolic = factorize_symbolic_lu(a.inner()[0].symbolic(), Default::default())
            .expect("symbolic LU of the Newton matrix");
        let (fwd, inv) = symbolic.col_perm().arrays();
        self.factors = Some(Factors {
            col_fwd: fwd.to_vec(),
            col_inv: inv.to_vec(),
            row_fwd: vec![0; n],
            row_inv: vec![0; n],
            lu: SimplicialLu::new(),
            scratch: MemBuffer::new(factorize_simplicial_numeric_lu_scratch::<usize, f64>(n, n)),
            work: RefCell::new(vec![0.0; n]),
            a,
        });
    }

    fn set_linearisation<
        C: LaLinearOp<T = f64, V = FaerVec<f64>, M = FaerSparseMat<f64>, C = diffsol::FaerContext>,
    >(
        &mut self,
        op: &C,
    ) {
        let f = self
            .factors
            .as_mut()
            .expect("sparsity set before the matrix");
        op.matrix_inplace(&mut f.a);
        debug_assert_eq!(
            f.a.inner().len(),
            1,
            "one problem at a time (no diffsol batches)"
        );
        let n = f.col_fwd.len();
        // Safety of new_unchecked: fwd and inv come from faer's own column order.
        let col = unsafe { PermRef::new_unchecked(&f.col_fwd, &f.col_inv, n) };
        factorize_simplicial_numeric_lu(
            &mut f.row_fwd,
            &mut f.row_inv,
            &mut f.lu,
            f.a.inner()[0].as_ref(),
            col,
            MemStack::new(&mut f.scratch),
        )
        .expect("LU of the Newton matrix (singular matrix)");
    }

    fn solve_in_place(&self, b: &mut FaerVec<f64>) -> Result<(), LaError> {
        let Some(f) = self.factors.as_ref() else {
            return Err(LaError::Other("LU not initialised".into()));
        };
        let x = b
            .inner_mut()
            .col_mut(0)
            .try_as_col_major_mut()
            .expect("contiguous vector")
            .as_slice_mut();
        let mut y = f.work.borrow_mut();
        for (yi, &r) in y.iter_mut().zip(&f.row_fwd) {
            *yi = x[r];
        }
        let l = f.lu.l_factor_unsorted();
        let (lp, li, lv) = (l.col_ptr(), l.row_idx(), l.val());
        // Unit lower triangular, the diagonal stored first in each column.
        for j in 0..y.len() {
            let yj = y[j];
            if yj != 0.0 {
                for k in lp[j] + 1..lp[j + 1] {
                    y[li[k]] -= lv[k] * yj;
                }
            }
        }
        let u = f.lu.u_factor_unsorted();
        let (up, ui, uv) = (u.col_ptr(), u.row_idx(), u.val());
        // Upper triangular, the diagonal stored last in each column.
        for j in (0..y.len()).rev() {
            let d = up[j + 1] - 1;
            let yj = y[j] / uv[d];
            y[j] = yj;
            if yj != 0.0 {
                for k in up[j]..d {
                    y[ui[k]] -= uv[k] * yj;
                }
            }
        }
        for (xi, &c) in x.iter_mut().zip(&f.col_inv) {
            *xi = y[c];
        }
        Ok(())
    }

    fn solve_transpose_in_place(&self, _b: &mut FaerVec<f64>) -> Result<(), LaError> {
        Err(LaError::Other(
            "transpose solves (adjoint sensitivities) are not used by pbpk".into(),
        ))
    }
}
