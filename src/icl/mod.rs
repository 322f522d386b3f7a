//! In-context regression (icl.md): linear-regression tasks, the learners a transformer is compared
//! with (GD, preconditioned GD, GD++, ridge, OLS, averaging, k-NN), the linear self-attention layer
//! with its GD construction, the closed forms of their risks, and the gated-RNN construction that
//! equals causal linear attention. The CPU reference in f64; `attnscope icl` serves it.

pub mod ar;
pub mod closed_form;
pub mod learner_spec;
pub mod learners;
pub mod lsa;
pub mod prepare;
pub mod request;
pub mod rnn;
pub mod rnn_panel;
pub mod run;
pub mod running;
pub mod session;
pub mod tasks;
pub mod train;
pub mod trajectory;
pub mod trajectory_spec;

pub use request::IclRequest;
pub use run::{evaluate, IclResponse};
pub use session::IclSession;
