//! Limits applied when a `.scap` file is opened.

/// The smallest default cap on a gzip capture's decompressed size: 256 MiB.
pub const MIN_DEFAULT_DECOMPRESSED_BYTES: u64 = 256 << 20;
/// The largest default cap on a gzip capture's decompressed size: 16 GiB.
pub const MAX_DEFAULT_DECOMPRESSED_BYTES: u64 = 16 << 30;
/// Default cap as a multiple of the compressed size.
pub const DEFAULT_DECOMPRESSION_RATIO: u64 = 256;

/// How a `.scap` file is opened; see [`ScapFile::open_with`](super::ScapFile::open_with).
///
/// The whole decompressed stream is held in memory, so a gzip bomb (a small
/// file that inflates to gigabytes) must fail before it exhausts memory.
/// Real captures compress 5–20:1 and deflate cannot exceed about 1032:1, so
/// the default cap is [`DEFAULT_DECOMPRESSION_RATIO`] (256) times the
/// compressed size: ten times the best real ratio, a quarter of a bomb's.
/// It is never below [`MIN_DEFAULT_DECOMPRESSED_BYTES`] (256 MiB), so small
/// files of unusual content still open, and never above
/// [`MAX_DEFAULT_DECOMPRESSED_BYTES`] (16 GiB), beyond which holding the
/// stream in memory is the wrong tool anyway.
///
/// ```
/// use libcapture::scap::OpenOptions;
///
/// let default = OpenOptions::default();
/// assert_eq!(default.limit_for(1 << 20), 256 << 20); // the floor
/// assert_eq!(default.limit_for(10 << 20), 2560 << 20); // 256 × 10 MiB
/// assert_eq!(default.limit_for(1 << 30), 16 << 30); // the ceiling
/// let strict = OpenOptions { max_decompressed_bytes: Some(1 << 20) };
/// assert_eq!(strict.limit_for(1 << 30), 1 << 20);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Cap on the decompressed size of a gzip capture in bytes; `None`
    /// derives it from the compressed size as described above.
    pub max_decompressed_bytes: Option<u64>,
}

impl OpenOptions {
    /// The decompressed-size cap for a gzip file of `compressed_len` bytes.
    pub fn limit_for(&self, compressed_len: u64) -> u64 {
        self.max_decompressed_bytes.unwrap_or_else(|| {
            compressed_len
                .saturating_mul(DEFAULT_DECOMPRESSION_RATIO)
                .clamp(
                    MIN_DEFAULT_DECOMPRESSED_BYTES,
                    MAX_DEFAULT_DECOMPRESSED_BYTES,
                )
        })
    }
}
