//! Reading a `.scap` file: the owned file bytes and the zero-copy block iterator.

use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use super::block_type as bt;
use super::cursor::Cursor;
use super::error::{Error, ErrorKind};
use super::event::{self, EventBlock};
use super::fd_list::FdList;
use super::interface_list::InterfaceList;
use super::machine_info::MachineInfoBlock;
use super::open_options::OpenOptions;
use super::proc_list::ProcList;
use super::section_header::SectionHeader;
use super::unknown::UnknownBlock;
use super::user_list::UserList;

/// Size of the generic block header (`block_type`, `block_total_length`).
pub const BLOCK_HEADER_LEN: usize = 8;
/// Size of the block trailer (a copy of `block_total_length`).
pub const BLOCK_TRAILER_LEN: usize = 4;

/// A whole `.scap` file held in memory, decompressed if it was gzip.
///
/// A corrupt or truncated gzip stream does not fail the open: the bytes
/// decompressed before the damage are kept and [`ScapFile::blocks`] reports
/// [`ErrorKind::Gzip`] after the last complete block.
///
/// ```
/// use libcapture::scap::{Block, ErrorKind, ScapFile, Writer};
///
/// // A gzip capture with one event, made with the writer.
/// let mut event = Vec::new();
/// driver::EventBuilder::new(driver::EventCode(1), 5, 42).syscall_id(3).u16(0).finish(&mut event)?;
/// let mut writer = Writer::gzip(Vec::new())?;
/// writer.write_event_bytes(0, 0, &event)?;
/// let file = ScapFile::from_bytes(writer.finish()?);
/// assert!(file.is_compressed());
/// assert_eq!(file.events().count(), 1);
///
/// // Cut inside the event block: the section header still comes out,
/// // then an error naming the block and its offset in the decompressed stream.
/// let cut = ScapFile::from_bytes(file.data()[..40].to_vec());
/// let mut blocks = cut.blocks();
/// assert!(matches!(blocks.next(), Some(Ok(Block::SectionHeader(_)))));
/// let err = blocks.next().unwrap().unwrap_err();
/// assert_eq!((err.offset, err.kind), (28, ErrorKind::Truncated { needed: 48, available: 12 }));
/// assert_eq!(
///     err.to_string(),
///     "at byte 28 of the file, in event v2 block (type 0x216): truncated: 48 bytes needed, 12 left"
/// );
/// assert!(blocks.next().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ScapFile {
    data: FileBytes,
    compressed: bool,
    /// Why the decompressed stream ends early (gzip damage or the size
    /// cap), reported where the block walk runs out of bytes.
    cut_short: Option<ErrorKind>,
    /// V1 events upgraded to the current layout, in block order, so that
    /// every [`EventBlock`] can borrow its event from the file. Filled by
    /// the first walk that meets a V1 block: current captures have none and
    /// skip the extra pass over the file.
    upgraded: OnceLock<Vec<Box<[u8]>>>,
}

impl ScapFile {
    /// Reads the file at `path` with the default [`OpenOptions`].
    pub fn open(path: impl AsRef<Path>) -> crate::Result<ScapFile> {
        ScapFile::open_with(path, &OpenOptions::default())
    }

    /// Reads the file at `path`; a gzip stream inflating beyond
    /// `options`' cap fails with an error naming the file and the cap.
    ///
    /// ```
    /// use libcapture::scap::{OpenOptions, ScapFile, Writer};
    ///
    /// let path = std::env::temp_dir().join(format!("open_with_{}.scap.gz", std::process::id()));
    /// std::fs::write(&path, Writer::gzip(Vec::new())?.finish()?)?;
    /// assert!(ScapFile::open(&path)?.is_compressed());
    ///
    /// let tiny = OpenOptions { max_decompressed_bytes: Some(16) };
    /// let err = ScapFile::open_with(&path, &tiny).unwrap_err().to_string();
    /// assert!(err.starts_with(&path.display().to_string()), "{err}");
    /// assert!(err.contains("more than 16 bytes"), "{err}");
    /// std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> crate::Result<ScapFile> {
        let path = path.as_ref();
        let io = |source| crate::Error::Io {
            path: path.display().to_string(),
            source,
        };
        // Plain captures are mapped, not read: no copy of the whole file
        // through the kernel and no heap of its size (reading was about 15%
        // of a replay). Gzip input is inflated straight from the mapping.
        let file = std::fs::File::open(path).map_err(io)?;
        let bytes = match Mapped::of(&file).map_err(io)? {
            Some(mapped) if !is_gzip(&mapped) => {
                return Ok(ScapFile {
                    data: FileBytes::Mapped(mapped),
                    compressed: false,
                    cut_short: None,
                    upgraded: OnceLock::new(),
                });
            }
            Some(mapped) => FileBytes::Mapped(mapped),
            None => FileBytes::Owned(std::fs::read(path).map_err(io)?),
        };
        ScapFile::from_file_bytes(bytes, options).map_err(|damage| crate::Error::Scap {
            path: path.display().to_string(),
            damage,
        })
    }

    /// Takes the file's bytes; gzip (magic `1f 8b`) is decompressed.
    ///
    /// A gzip stream inflating beyond the default cap ([`OpenOptions`]) is
    /// cut there: the blocks before the cap are delivered, then
    /// [`ErrorKind::DecompressedTooLarge`]. [`ScapFile::from_bytes_with`]
    /// fails up front instead.
    pub fn from_bytes(bytes: Vec<u8>) -> ScapFile {
        let limit = OpenOptions::default().limit_for(bytes.len() as u64);
        ScapFile::decompressed(FileBytes::Owned(bytes), limit)
    }

    /// Takes the file's bytes; a gzip stream inflating beyond `options`'
    /// cap fails with [`ErrorKind::DecompressedTooLarge`] at the cap.
    pub fn from_bytes_with(bytes: Vec<u8>, options: &OpenOptions) -> Result<ScapFile, Error> {
        ScapFile::from_file_bytes(FileBytes::Owned(bytes), options)
    }

    fn from_file_bytes(bytes: FileBytes, options: &OpenOptions) -> Result<ScapFile, Error> {
        let limit = options.limit_for(bytes.len() as u64);
        let file = ScapFile::decompressed(bytes, limit);
        match file.cut_short {
            Some(kind @ ErrorKind::DecompressedTooLarge { .. }) => Err(Error {
                offset: limit,
                block_type: None,
                compressed: true,
                kind,
            }),
            _ => Ok(file),
        }
    }

    /// Decompresses gzip input up to `limit` bytes; plain input is taken as is.
    fn decompressed(bytes: impl Into<FileBytes>, limit: u64) -> ScapFile {
        let bytes = bytes.into();
        let (data, compressed, cut_short) = if is_gzip(&bytes) {
            let (data, cut_short) = inflate(&bytes, limit);
            (FileBytes::Owned(data), true, cut_short)
        } else {
            (bytes, false, None)
        };
        ScapFile {
            data,
            compressed,
            cut_short,
            upgraded: OnceLock::new(),
        }
    }

    /// The decompressed block stream.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Whether the file was gzip-compressed.
    pub fn is_compressed(&self) -> bool {
        self.compressed
    }

    /// Iterates the blocks of every section, front to back.
    ///
    /// After the first error the iterator ends. Blocks are handed out as
    /// found: a metadata block after events (which libscap rejects unless it
    /// starts a new section) is yielded too, and a new
    /// [`Block::SectionHeader`] means thread and fd state starts over.
    pub fn blocks(&self) -> Blocks<'_> {
        Blocks {
            data: &self.data,
            pos: 0,
            compressed: self.compressed,
            cut_short: self.cut_short,
            done: false,
            upgraded: &self.upgraded,
            next_upgraded: 0,
        }
    }
}

impl ScapFile {
    /// Only the event blocks of every section, then the error that ended
    /// the walk, if any.
    pub fn events(&self) -> impl Iterator<Item = Result<EventBlock<'_>, Error>> + '_ {
        self.blocks().filter_map(|block| match block {
            Ok(Block::Event(event)) => Some(Ok(event)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
    }
}

/// One block of a `.scap` stream, as a typed zero-copy view.
#[derive(Debug, Clone)]
pub enum Block<'a> {
    /// Section header: a new section (and capture) starts.
    SectionHeader(SectionHeader<'a>),
    /// Machine info.
    MachineInfo(MachineInfoBlock<'a>),
    /// Process list (any version).
    ProcList(ProcList<'a>),
    /// Fd list of one thread.
    FdList(FdList<'a>),
    /// Interface list.
    InterfaceList(InterfaceList<'a>),
    /// User and group list.
    UserList(UserList<'a>),
    /// An event.
    Event(EventBlock<'a>),
    /// A block type this reader does not know.
    Unknown(UnknownBlock<'a>),
}

/// A block with its position in the decompressed stream.
#[derive(Debug, Clone)]
pub struct BlockAt<'a> {
    /// Offset of the block's first byte in the decompressed stream.
    pub offset: u64,
    /// Raw block type code.
    pub block_type: u32,
    /// The typed view.
    pub block: Block<'a>,
}

/// Iterator over the blocks of a stream; see [`ScapFile::blocks`].
#[derive(Debug, Clone)]
pub struct Blocks<'a> {
    data: &'a [u8],
    pos: usize,
    compressed: bool,
    cut_short: Option<ErrorKind>,
    done: bool,
    upgraded: &'a OnceLock<Vec<Box<[u8]>>>,
    next_upgraded: usize,
}

impl<'a> Blocks<'a> {
    /// Offset of the next block in the decompressed stream.
    pub fn offset(&self) -> u64 {
        self.pos as u64
    }

    /// Like `next`, but also returns each block's offset and type code.
    #[inline]
    pub fn next_with_offset(&mut self) -> Option<Result<BlockAt<'a>, Error>> {
        if self.done {
            return None;
        }
        let result = self.read_block();
        match &result {
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => self.done = true,
        }
        result
            .map_err(|mut e| {
                e.compressed = self.compressed;
                e
            })
            .transpose()
    }

    fn error_here(&self, block_type: Option<u32>, kind: ErrorKind) -> Error {
        // Damage met where the stream was cut short is reported as the cause.
        let kind = match (self.cut_short, kind) {
            (Some(cause), ErrorKind::Truncated { .. }) => cause,
            _ => kind,
        };
        Error {
            offset: self.pos as u64,
            block_type,
            compressed: self.compressed,
            kind,
        }
    }

    #[inline]
    fn read_block(&mut self) -> Result<Option<BlockAt<'a>>, Error> {
        let rest = &self.data[self.pos..];
        if rest.is_empty() {
            return if let Some(cause) = self.cut_short {
                Err(self.error_here(None, cause))
            } else if self.pos == 0 {
                Err(self.error_here(None, ErrorKind::MissingSectionHeader))
            } else {
                Ok(None)
            };
        }
        let truncated = |needed: usize| ErrorKind::Truncated {
            needed: needed as u64,
            available: rest.len() as u64,
        };
        if rest.len() < BLOCK_HEADER_LEN {
            return Err(self.error_here(None, truncated(BLOCK_HEADER_LEN)));
        }
        let block_type = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let length = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
        let total = usize::try_from(length).unwrap_or(usize::MAX);
        if total < BLOCK_HEADER_LEN + BLOCK_TRAILER_LEN {
            return Err(self.error_here(Some(block_type), ErrorKind::BadBlockLength { length }));
        }
        if total > rest.len() {
            return Err(self.error_here(Some(block_type), truncated(total)));
        }
        let t = total - BLOCK_TRAILER_LEN;
        let trailer = u32::from_le_bytes([rest[t], rest[t + 1], rest[t + 2], rest[t + 3]]);
        if trailer != length {
            return Err(Error {
                offset: (self.pos + t) as u64,
                ..self.error_here(
                    Some(block_type),
                    ErrorKind::TrailerMismatch {
                        header: length,
                        trailer,
                    },
                )
            });
        }
        if self.pos == 0 && block_type != bt::SECTION_HEADER {
            return Err(self.error_here(Some(block_type), ErrorKind::MissingSectionHeader));
        }
        let offset = self.pos as u64;
        let body = Cursor::new(&rest[BLOCK_HEADER_LEN..t], offset + 8, block_type);
        let block = if event::is_v1(block_type) {
            // The pre-walk stopped at the first V1 event it could not upgrade;
            // upgrading it again here reproduces that error in place.
            let all = self.upgraded.get_or_init(|| upgrade_v1_events(self.data));
            let upgraded = match all.get(self.next_upgraded) {
                Some(bytes) => bytes,
                None => {
                    event::upgrade_v1_block(block_type, body.clone())?;
                    return Err(self
                        .error_here(Some(block_type), ErrorKind::FieldOverrun { field: "event" }));
                }
            };
            self.next_upgraded += 1;
            Block::Event(EventBlock::parse_v1(block_type, body, upgraded)?)
        } else {
            parse_body(block_type, body)?
        };
        self.pos += total;
        Ok(Some(BlockAt {
            offset,
            block_type,
            block,
        }))
    }
}

#[inline]
fn parse_body(block_type: u32, body: Cursor<'_>) -> Result<Block<'_>, Error> {
    Ok(match block_type {
        bt::SECTION_HEADER => Block::SectionHeader(SectionHeader::parse(body)?),
        bt::MACHINE_INFO | bt::MACHINE_INFO_OLD => {
            Block::MachineInfo(MachineInfoBlock::parse(body)?)
        }
        bt::FD_LIST | bt::FD_LIST_OLD | bt::FD_LIST_V2 => {
            Block::FdList(FdList::parse(block_type, body)?)
        }
        bt::INTERFACE_LIST | bt::INTERFACE_LIST_OLD | bt::INTERFACE_LIST_V2 => {
            Block::InterfaceList(InterfaceList::parse(block_type, body)?)
        }
        bt::USER_LIST | bt::USER_LIST_OLD | bt::USER_LIST_V2 => {
            Block::UserList(UserList::parse(block_type, body)?)
        }
        bt::EVENT_V2 | bt::EVENT_FLAGS_V2 | bt::EVENT_V2_LARGE | bt::EVENT_FLAGS_V2_LARGE => {
            Block::Event(EventBlock::parse_v2(block_type, body)?)
        }
        other if bt::proc_list_version(other).is_some() => {
            Block::ProcList(ProcList::parse(other, body)?)
        }
        other => Block::Unknown(UnknownBlock {
            block_type: other,
            body: body.rest(),
        }),
    })
}

impl<'a> Iterator for Blocks<'a> {
    type Item = Result<Block<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.next_with_offset().map(|r| r.map(|b| b.block))
    }
}

impl std::iter::FusedIterator for Blocks<'_> {}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// A capture's bytes: read into memory (decompressed gzip, bytes handed to
/// [`ScapFile::from_bytes`]) or a read-only mapping of a plain file.
#[derive(Debug)]
enum FileBytes {
    Owned(Vec<u8>),
    Mapped(Mapped),
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> FileBytes {
        FileBytes::Owned(bytes)
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Owned(bytes) => bytes,
            FileBytes::Mapped(mapped) => mapped,
        }
    }
}

impl Clone for FileBytes {
    fn clone(&self) -> FileBytes {
        FileBytes::Owned(self.to_vec())
    }
}

/// The mmap boundary: the one place in `scap` that needs `unsafe`.
#[allow(
    unsafe_code,
    reason = "mapping a file is an FFI call; the rest of scap stays safe"
)]
mod mapped {
    /// A private read-only mapping of a whole file.
    ///
    /// Like every reader of a mapped file, this assumes the file is not
    /// truncated while it is open (libscap's readers share the assumption).
    #[derive(Debug)]
    pub(super) struct Mapped {
        ptr: std::ptr::NonNull<u8>,
        len: usize,
    }

    // SAFETY: the mapping is read-only and owned by this value; sharing or
    // moving it between threads is like sharing a `&[u8]` / moving a `Vec<u8>`.
    unsafe impl Send for Mapped {}
    // SAFETY: see `Send`: nothing writes through the mapping.
    unsafe impl Sync for Mapped {}

    impl Mapped {
        /// Maps `file`; `None` for an empty file or one that cannot be mapped
        /// (a pipe, a character device), which are read instead.
        pub(super) fn of(file: &std::fs::File) -> std::io::Result<Option<Mapped>> {
            use std::os::fd::AsRawFd as _;
            let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
            if len == 0 || !file.metadata()?.is_file() {
                return Ok(None);
            }
            // SAFETY: a fresh private read-only mapping of an open file at an
            // address the kernel chooses; checked for MAP_FAILED below.
            let ptr = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE,
                    file.as_raw_fd(),
                    0,
                )
            };
            if ptr == libc::MAP_FAILED {
                return Ok(None);
            }
            // SAFETY: advice on the mapping just made; failure only loses the hint.
            unsafe { libc::madvise(ptr, len, libc::MADV_SEQUENTIAL) };
            Ok(std::ptr::NonNull::new(ptr.cast()).map(|ptr| Mapped { ptr, len }))
        }
    }

    impl std::ops::Deref for Mapped {
        type Target = [u8];

        fn deref(&self) -> &[u8] {
            // SAFETY: `ptr` maps `len` readable bytes until `drop` unmaps them.
            unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
        }
    }

    impl Drop for Mapped {
        fn drop(&mut self) {
            // SAFETY: unmaps exactly the mapping made in `of`; no slice of it
            // outlives `self` (they borrow it).
            unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
        }
    }
}
use mapped::Mapped;

/// Inflates a gzip stream (concatenated members decode as one, as zlib's
/// `gzread` does), stopping at `limit` bytes; also says why it stopped early.
fn inflate(bytes: &[u8], limit: u64) -> (Vec<u8>, Option<ErrorKind>) {
    // Captures compress about 8:1; the guess is capped so that a large
    // file does not reserve its worst case up front.
    let guess = bytes.len().saturating_mul(8).min(1 << 28);
    let mut data = Vec::with_capacity(guess.min(usize::try_from(limit).unwrap_or(usize::MAX)));
    // One byte past the cap tells "exactly at the cap" from "beyond it".
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes).take(limit.saturating_add(1));
    let damaged = decoder.read_to_end(&mut data).is_err();
    if data.len() as u64 > limit {
        data.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        return (data, Some(ErrorKind::DecompressedTooLarge { limit }));
    }
    (data, damaged.then_some(ErrorKind::Gzip))
}

/// Upgrades every V1 event block's event, in block order, up to the first
/// framing damage or upgrade failure (the block iterator reports those).
fn upgrade_v1_events(data: &[u8]) -> Vec<Box<[u8]>> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while let Some(head) = data.get(pos..pos + BLOCK_HEADER_LEN) {
        let block_type = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let length = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let total = usize::try_from(length).unwrap_or(usize::MAX);
        if total < BLOCK_HEADER_LEN + BLOCK_TRAILER_LEN || total > data.len() - pos {
            break;
        }
        if event::is_v1(block_type) {
            let body_bytes = &data[pos + BLOCK_HEADER_LEN..pos + total - BLOCK_TRAILER_LEN];
            let body = Cursor::new(body_bytes, (pos + BLOCK_HEADER_LEN) as u64, block_type);
            match event::upgrade_v1_block(block_type, body) {
                Ok(bytes) => out.push(bytes.into_boxed_slice()),
                Err(_) => break,
            }
        }
        pos += total;
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scap::Writer;

    #[test]
    fn a_stream_cut_at_the_cap_delivers_its_blocks_then_the_cap() {
        let mut event = Vec::new();
        driver::EventBuilder::new(driver::EventCode(1), 5, 42)
            .syscall_id(3)
            .u16(0)
            .finish(&mut event)
            .unwrap();
        let mut writer = Writer::gzip(Vec::new()).unwrap();
        for _ in 0..10 {
            writer.write_event_bytes(0, 0, &event).unwrap();
        }
        let bytes = writer.finish().unwrap();
        let full = ScapFile::decompressed(bytes.clone(), u64::MAX).data().len();
        let block = (full - 28) / 10;
        // Room for the header and three and a half events.
        let limit = (28 + block * 7 / 2) as u64;
        let file = ScapFile::decompressed(bytes, limit);
        let results: Vec<_> = file.blocks().collect();
        assert_eq!(results.len(), 5);
        assert!(results[..4].iter().all(Result::is_ok));
        let err = results[4].as_ref().unwrap_err();
        assert_eq!(err.kind, ErrorKind::DecompressedTooLarge { limit });
        assert_eq!(err.offset, (28 + 3 * block) as u64);
    }
}
