//! `Matrix`: a row-major `f32` matrix with checked constructors; the one tensor type of the crate.

use crate::error::{Error, Result};
use serde::ser::{Serialize, SerializeSeq, Serializer};

/// A dense row-major `f32` matrix, `rows × cols`.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

impl Matrix {
    /// A `rows × cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Matrix {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// The `n × n` identity (used to extract `A = f(Q, K, V = I)`).
    pub fn identity(n: usize) -> Self {
        let mut m = Matrix::zeros(n, n);
        for i in 0..n {
            m.data[i * n + i] = 1.0;
        }
        m
    }

    /// Wraps row-major `data`; fails when its length is not `rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<f32>) -> Result<Self> {
        if data.len() != rows * cols {
            return Err(Error::Shape {
                field: "matrix".into(),
                expected: format!("{rows}×{cols} = {} values", rows * cols),
                got: format!("{} values", data.len()),
            });
        }
        Ok(Matrix { rows, cols, data })
    }

    /// Builds a matrix from nested rows (the JSON form), naming `field` in errors: rows must be
    /// non-empty, of equal length, and finite.
    pub fn from_rows(field: &str, rows: &[Vec<f64>]) -> Result<Self> {
        let n = rows.len();
        let cols = rows.first().map_or(0, Vec::len);
        if n == 0 || cols == 0 {
            return Err(Error::Shape {
                field: field.into(),
                expected: "a non-empty array of non-empty rows".into(),
                got: format!("{n} rows × {cols} columns"),
            });
        }
        let mut data = Vec::with_capacity(n * cols);
        for (i, row) in rows.iter().enumerate() {
            if row.len() != cols {
                return Err(Error::Shape {
                    field: format!("{field}[{i}]"),
                    expected: format!("{cols} columns (as row 0)"),
                    got: format!("{} columns", row.len()),
                });
            }
            for (j, &x) in row.iter().enumerate() {
                let xf = x as f32;
                if !xf.is_finite() {
                    return Err(Error::NonFinite {
                        field: format!("{field}[{i}][{j}]"),
                        value: format!("{x} does not fit in f32"),
                    });
                }
                data.push(xf);
            }
        }
        Ok(Matrix {
            rows: n,
            cols,
            data,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The row-major values.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// The row-major entries, mutable.
    pub fn data_mut(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// Consumes the matrix, returning its row-major values.
    pub fn into_data(self) -> Vec<f32> {
        self.data
    }

    /// Row `i` as a slice.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Row `i` as a mutable slice.
    pub fn row_mut(&mut self, i: usize) -> &mut [f32] {
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> f32 {
        self.data[i * self.cols + j]
    }

    /// Sets entry `(i, j)`.
    pub fn set(&mut self, i: usize, j: usize, value: f32) {
        self.data[i * self.cols + j] = value;
    }

    /// The nested-rows form (for JSON).
    pub fn to_rows(&self) -> Vec<Vec<f32>> {
        self.data
            .chunks(self.cols.max(1))
            .map(<[f32]>::to_vec)
            .collect()
    }

    /// `self · other`, accumulated in f64.
    pub fn matmul(&self, other: &Matrix) -> Result<Matrix> {
        if self.cols != other.rows {
            return Err(Error::Shape {
                field: "matmul".into(),
                expected: format!("{} rows on the right", self.cols),
                got: format!(
                    "{}×{} · {}×{}",
                    self.rows, self.cols, other.rows, other.cols
                ),
            });
        }
        // i-r-j order: both inner accesses walk rows, so large right-hand sides stay cache-friendly.
        let mut out = Matrix::zeros(self.rows, other.cols);
        let mut acc = vec![0.0f64; other.cols];
        for i in 0..self.rows {
            acc.iter_mut().for_each(|x| *x = 0.0);
            for (r, &a) in self.row(i).iter().enumerate() {
                let a = f64::from(a);
                for (x, &b) in acc.iter_mut().zip(other.row(r)) {
                    *x += a * f64::from(b);
                }
            }
            for (dst, x) in out.row_mut(i).iter_mut().zip(&acc) {
                *dst = *x as f32;
            }
        }
        Ok(out)
    }

    /// The first non-finite entry, as `(row, col, value)`.
    pub fn first_non_finite(&self) -> Option<(usize, usize, f32)> {
        self.data
            .iter()
            .position(|x| !x.is_finite())
            .map(|p| (p / self.cols.max(1), p % self.cols.max(1), self.data[p]))
    }
}

/// Serialises as nested rows: `[[..], [..]]`.
impl Serialize for Matrix {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.rows))?;
        for i in 0..self.rows {
            seq.serialize_element(self.row(i))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_rows_rejects_ragged_and_non_finite() {
        let ragged = Matrix::from_rows("q", &[vec![1.0, 2.0], vec![3.0]]).unwrap_err();
        assert_eq!(ragged.field(), "q[1]");
        let inf = Matrix::from_rows("k", &[vec![1.0, 1e300]]).unwrap_err();
        assert_eq!(inf.field(), "k[0][1]");
        assert_eq!(Matrix::from_rows("v", &[]).unwrap_err().field(), "v");
    }

    #[test]
    fn matmul_by_identity_is_a_copy() {
        let a = Matrix::from_rows("a", &[vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]]).unwrap();
        assert_eq!(a.matmul(&Matrix::identity(3)).unwrap(), a);
        let p = a
            .matmul(&Matrix::from_vec(3, 1, vec![1.0, 0.0, -1.0]).unwrap())
            .unwrap();
        assert_eq!(p.data(), &[-2.0, -2.0]);
    }
}
