//! `IclSession`: one ICL request answered in slices, so training can stream. Its trainable
//! learners train a step budget at a time (`advance`, which the page's worker calls between
//! messages, so pause and cancel take effect at once); `finish` then scores every learner on
//! the request's tasks. `evaluate` is this run to the end.

use super::learner_spec::LearnerSpec;
use super::request::IclRequest;
use super::run::{score, IclResponse};
use super::train::{CurvePoint, Trainer};
use crate::error::Result;
use serde::Serialize;

/// What one `advance` did.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// The learner in training (index into the request's learners), or null when all are done.
    pub learner: Option<usize>,
    /// Its steps done.
    pub step: usize,
    /// Its total steps.
    pub steps: usize,
    /// The curve points added by this call.
    pub points: Vec<CurvePoint>,
    /// Whether every trainable learner is done.
    pub done: bool,
}

/// A request being answered.
pub struct IclSession {
    request: IclRequest,
    trainers: Vec<Option<Trainer>>,
}

impl IclSession {
    /// Sets up a trainer (initial weights, evaluation set, reference) for each trainable learner.
    pub fn new(request: IclRequest) -> IclSession {
        let trainers = request
            .learners
            .iter()
            .map(|spec| match spec {
                LearnerSpec::Trained { spec, .. } => {
                    Some(Trainer::new(spec.clone(), &request.tasks))
                }
                _ => None,
            })
            .collect();
        IclSession { request, trainers }
    }

    fn current(&self) -> Option<usize> {
        self.trainers
            .iter()
            .position(|t| t.as_ref().is_some_and(|t| !t.done()))
    }

    /// Whether every trainable learner has finished training.
    pub fn done(&self) -> bool {
        self.current().is_none()
    }

    /// The trainer of learner `i`, if it is trainable.
    pub fn trainer(&self, i: usize) -> Option<&Trainer> {
        self.trainers.get(i).and_then(Option::as_ref)
    }

    /// Trains the first unfinished learner for up to `budget` steps.
    pub fn advance(&mut self, budget: usize) -> Progress {
        let Some(i) = self.current() else {
            return Progress {
                learner: None,
                step: 0,
                steps: 0,
                points: Vec::new(),
                done: true,
            };
        };
        let (points, step, steps) = match self.trainers[i].as_mut() {
            Some(t) => (t.advance(budget).to_vec(), t.step, t.spec.steps),
            None => (Vec::new(), 0, 0),
        };
        Progress {
            learner: Some(i),
            step,
            steps,
            points,
            done: self.done(),
        }
    }

    /// Scores every learner (untrained steps left are skipped: the model is scored as it is).
    pub fn finish(&self) -> Result<IclResponse> {
        score(&self.request, &self.trainers)
    }
}
