//! The crate's one error type.

/// Everything that can go wrong in `libcapture`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O operation on a named path failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or device involved.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A `.scap` file is damaged; `damage` names the byte offset and block.
    #[error("{path}: {damage}")]
    Scap {
        /// The capture file.
        path: String,
        /// Where and how it is damaged.
        damage: crate::scap::Error,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
