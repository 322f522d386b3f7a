//! Tasks as token matrices for training: context columns `(x_i, y_i)` and the query `(x_q, 0)`,
//! token-major and flat, with the query's noisy label (the training target) and its noiseless
//! value `w·x_q` (excess risk).

use super::layer::TokenShape;
use crate::icl::tasks::{Task, TaskDistribution, TaskStream};
use crate::rng::{stream, SeededRng};

/// One task's training data.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenTask {
    /// `(N + 1) · D` values, token-major.
    pub tokens: Vec<f64>,
    /// The query label `w·x_q + ε` (the target).
    pub label: f64,
    /// `w·x_q`.
    pub clean: f64,
}

/// The tokens of a task, token-major (`lsa::tokens` is the same matrix, column-major).
pub fn token_task(task: &Task, label: f64) -> TokenTask {
    let (n, d) = (task.x.nrows(), task.x.ncols());
    let dim = d + 1;
    let mut tokens = vec![0.0; (n + 1) * dim];
    for i in 0..n {
        for j in 0..d {
            tokens[i * dim + j] = task.x[(i, j)];
        }
        tokens[i * dim + d] = task.y[i];
    }
    for j in 0..d {
        tokens[n * dim + j] = task.x_query[j];
    }
    TokenTask {
        tokens,
        label,
        clean: task.target(),
    }
}

/// The endless seeded stream of training tasks with noisy query labels.
pub struct TokenStream {
    tasks: TaskStream<'static>,
    query_noise: SeededRng,
    noise: f64,
    /// The token shape.
    pub shape: TokenShape,
}

impl TokenStream {
    /// The stream of `dist` from `seed`.
    pub fn new(dist: &TaskDistribution, seed: u64) -> TokenStream {
        TokenStream {
            query_noise: SeededRng::new(seed, stream::ICL_QUERY_NOISE),
            noise: dist.noise,
            shape: TokenShape {
                dim: dist.d + 1,
                context: dist.n,
            },
            tasks: dist.clone().into_stream(seed),
        }
    }

    /// The next `count` tasks.
    pub fn batch(&mut self, count: usize) -> Vec<TokenTask> {
        (0..count)
            .filter_map(|_| {
                let task = self.tasks.next()?;
                let label = task.target() + self.noise * self.query_noise.normal();
                Some(token_task(&task, label))
            })
            .collect()
    }
}
