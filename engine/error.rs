//! One error type for the whole engine. Every variant names the file and, where it applies,
//! the TOML field path (`arm[1].dose[0].mg`) and what would have been right.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PbpkError {
    /// The file could not be read.
    #[error("{path}: cannot read file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax error, unknown key, missing field or wrong type (toml reports line and column).
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    /// A value that parses but makes no physiological or pharmacological sense.
    #[error("{path}: field `{field}`: {message}")]
    Invalid {
        path: String,
        field: String,
        message: String,
    },
    /// A name (compound, physiology, scenario) that does not resolve to a file.
    #[error("{path}: field `{field}`: {message}")]
    NotFound {
        path: String,
        field: String,
        message: String,
    },
    /// A solver failure (step size too small, non-finite state, ...).
    #[error("solver failed: {0}")]
    Solver(String),
    /// Writing outputs failed.
    #[error("{path}: cannot write output: {message}")]
    Output { path: PathBuf, message: String },
}

impl PbpkError {
    pub fn invalid(path: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        PbpkError::Invalid {
            path: path.to_string(),
            field: field.into(),
            message: message.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, PbpkError>;
