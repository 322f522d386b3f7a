//! In-context linear regression tasks (icl.md §0, §1): `y_i = w·x_i + ε_i` with `n` context pairs
//! and a query `x_q`, drawn from seeded streams so the same request gives the same tasks
//! natively and in the browser.
//!
//! Inputs are Gaussian `N(0, Λ)` (eigenvalues given, optionally rotated by a seeded orthogonal
//! matrix, `Σ = U diag(λ) Uᵀ`) or uniform `U(−a, a)^d`; the task vector is `w ~ N(0, τ² I)` or
//! `w ~ N(0, Σ⁻¹)`; the noise is `N(0, σ²)`.

use crate::rng::{stream, SeededRng};
use nalgebra::{DMatrix, DVector};
use std::borrow::Cow;

/// How the inputs are drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Inputs {
    /// `x ~ N(0, U diag(λ) Uᵀ)`.
    Gaussian {
        /// Eigenvalues `λ` of the covariance (d values, > 0).
        eigs: Vec<f64>,
        /// The rotation `U` (identity when not rotated).
        rotation: DMatrix<f64>,
    },
    /// `x ~ U(−a, a)^d`, coordinates independent.
    Uniform {
        /// Half-width `a`.
        a: f64,
    },
}

/// The prior of the task vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Prior {
    /// `w ~ N(0, τ² I)`.
    Isotropic {
        /// `τ`.
        tau: f64,
    },
    /// `w ~ N(0, Σ⁻¹)` (Ahn's code, Mahankali result 2).
    InverseCov,
}

/// The distribution of tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDistribution {
    /// Input dimension.
    pub d: usize,
    /// Context pairs per task.
    pub n: usize,
    /// Noise standard deviation `σ`.
    pub noise: f64,
    /// Inputs.
    pub inputs: Inputs,
    /// Prior of `w`.
    pub prior: Prior,
}

/// One task: context `X` (n × d), labels `y`, the query `x_q` and the true `w`.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Context inputs, one row per pair.
    pub x: DMatrix<f64>,
    /// Context labels (noisy).
    pub y: DVector<f64>,
    /// The query input.
    pub x_query: DVector<f64>,
    /// The task vector.
    pub w: DVector<f64>,
}

impl Task {
    /// The noiseless target `w·x_q` (excess risk is measured against it).
    pub fn target(&self) -> f64 {
        self.w.dot(&self.x_query)
    }
}

/// A seeded orthogonal matrix: Gram–Schmidt on a Gaussian matrix (Haar-distributed).
pub fn random_rotation(d: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = SeededRng::new(seed, stream::ICL_ROTATION);
    let g = DMatrix::from_fn(d, d, |_, _| rng.normal());
    let mut q = DMatrix::<f64>::zeros(d, d);
    for j in 0..d {
        let mut v = g.column(j).into_owned();
        for i in 0..j {
            let qi = q.column(i).into_owned();
            v -= &qi * qi.dot(&v);
        }
        let norm = v.norm();
        q.set_column(j, &(v / norm));
    }
    q
}

impl TaskDistribution {
    /// The input covariance `Σ` (uniform: `a²/3 · I`).
    pub fn covariance(&self) -> DMatrix<f64> {
        match &self.inputs {
            Inputs::Gaussian { eigs, rotation } => {
                rotation
                    * DMatrix::from_diagonal(&DVector::from_vec(eigs.clone()))
                    * rotation.transpose()
            }
            Inputs::Uniform { a } => DMatrix::identity(self.d, self.d) * (a * a / 3.0),
        }
    }

    /// Eigenvalues of `Σ`.
    pub fn eigenvalues(&self) -> Vec<f64> {
        match &self.inputs {
            Inputs::Gaussian { eigs, .. } => eigs.clone(),
            Inputs::Uniform { a } => vec![a * a / 3.0; self.d],
        }
    }

    /// Draws `count` tasks from `seed` (each quantity from its own stream).
    pub fn sample(&self, count: usize, seed: u64) -> Vec<Task> {
        self.stream(seed).take(count).collect()
    }

    /// The endless seeded sequence of tasks (the first `T` are the same for every `T`).
    pub fn stream(&self, seed: u64) -> TaskStream<'_> {
        TaskStream::new(Cow::Borrowed(self), seed)
    }

    /// The same stream, owning its distribution (for a trainer that outlives the request).
    pub fn into_stream(self, seed: u64) -> TaskStream<'static> {
        TaskStream::new(Cow::Owned(self), seed)
    }
}

impl<'a> TaskStream<'a> {
    fn new(tasks: Cow<'a, TaskDistribution>, seed: u64) -> TaskStream<'a> {
        TaskStream {
            tasks,
            rngs: TaskRngs {
                rx: SeededRng::new(seed, stream::ICL_X),
                rw: SeededRng::new(seed, stream::ICL_W),
                re: SeededRng::new(seed, stream::ICL_NOISE),
            },
        }
    }
}

impl TaskDistribution {
    fn draw(&self, s: &mut TaskRngs) -> Task {
        let w = self.draw_w(&mut s.rw);
        let mut x = DMatrix::zeros(self.n, self.d);
        for i in 0..self.n {
            let row = self.draw_x(&mut s.rx);
            x.set_row(i, &row.transpose());
        }
        let x_query = self.draw_x(&mut s.rx);
        let y = DVector::from_fn(self.n, |i, _| {
            x.row(i).transpose().dot(&w) + self.noise * s.re.normal()
        });
        Task { x, y, x_query, w }
    }

    fn draw_x(&self, rng: &mut SeededRng) -> DVector<f64> {
        match &self.inputs {
            Inputs::Gaussian { eigs, rotation } => {
                let z = DVector::from_fn(self.d, |i, _| eigs[i].sqrt() * rng.normal());
                rotation * z
            }
            Inputs::Uniform { a } => {
                DVector::from_fn(self.d, |_, _| a * (2.0 * rng.uniform() - 1.0))
            }
        }
    }

    fn draw_w(&self, rng: &mut SeededRng) -> DVector<f64> {
        match (self.prior, &self.inputs) {
            (Prior::Isotropic { tau }, _) => DVector::from_fn(self.d, |_, _| tau * rng.normal()),
            (Prior::InverseCov, Inputs::Gaussian { eigs, rotation }) => {
                let z = DVector::from_fn(self.d, |i, _| rng.normal() / eigs[i].sqrt());
                rotation * z
            }
            (Prior::InverseCov, Inputs::Uniform { a }) => {
                let scale = (3.0f64).sqrt() / a;
                DVector::from_fn(self.d, |_, _| scale * rng.normal())
            }
        }
    }
}

/// Tasks drawn one at a time (Monte Carlo without holding every task in memory).
pub struct TaskStream<'a> {
    tasks: Cow<'a, TaskDistribution>,
    rngs: TaskRngs,
}

/// The three streams of a task sequence: inputs, task vectors, noise.
struct TaskRngs {
    rx: SeededRng,
    rw: SeededRng,
    re: SeededRng,
}

impl Iterator for TaskStream<'_> {
    type Item = Task;

    fn next(&mut self) -> Option<Task> {
        Some(self.tasks.draw(&mut self.rngs))
    }
}
