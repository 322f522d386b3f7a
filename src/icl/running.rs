//! Welford's running mean and its standard error, for every Monte Carlo estimate of the ICL
//! core (learners' risks, ridge's trace estimator, AR(p) forecasting errors).

/// Welford's running mean and variance.
#[derive(Debug, Clone, Copy, Default)]
pub struct Running {
    count: f64,
    /// The mean so far.
    pub mean: f64,
    m2: f64,
}

impl Running {
    /// Adds one value.
    pub fn push(&mut self, x: f64) {
        self.count += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.count;
        self.m2 += delta * (x - self.mean);
    }
    /// The standard error of the mean.
    pub fn se(&self) -> f64 {
        if self.count > 1.0 {
            (self.m2 / (self.count - 1.0) / self.count).sqrt()
        } else {
            0.0
        }
    }
}
