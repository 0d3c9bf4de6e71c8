//! Parameter types, print formats, event categories and event flags.

/// A parameter's wire type (`enum ppm_param_type`, spec §2.3).
///
/// The discriminant is the code stored in upstream tables; it never appears
/// on the wire itself, the event table says which type each parameter has.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// `PT_NONE`: not used on the wire.
    None = 0,
    /// `PT_INT8`: 1 byte signed.
    Int8 = 1,
    /// `PT_INT16`: 2 bytes signed.
    Int16 = 2,
    /// `PT_INT32`: 4 bytes signed.
    Int32 = 3,
    /// `PT_INT64`: 8 bytes signed.
    Int64 = 4,
    /// `PT_UINT8`: 1 byte.
    Uint8 = 5,
    /// `PT_UINT16`: 2 bytes.
    Uint16 = 6,
    /// `PT_UINT32`: 4 bytes.
    Uint32 = 7,
    /// `PT_UINT64`: 8 bytes.
    Uint64 = 8,
    /// `PT_CHARBUF`: NUL-terminated string, the length includes the NUL.
    CharBuf = 9,
    /// `PT_BYTEBUF`: raw bytes.
    ByteBuf = 10,
    /// `PT_ERRNO`: i64, negative values are `-errno`.
    Errno = 11,
    /// `PT_SOCKADDR`: family byte and address.
    SockAddr = 12,
    /// `PT_SOCKTUPLE`: family byte and both endpoints.
    SockTuple = 13,
    /// `PT_FD`: i64 file descriptor.
    Fd = 14,
    /// `PT_PID`: i64 process or thread id.
    Pid = 15,
    /// `PT_FDLIST`: u16 count, then (i64 fd, i16 flags) pairs.
    FdList = 16,
    /// `PT_FSPATH`: a path string.
    FsPath = 17,
    /// `PT_SYSCALLID`: u16 `ppm_sc` code.
    SyscallId = 18,
    /// `PT_SIGTYPE`: u8 signal number.
    SigType = 19,
    /// `PT_RELTIME`: u64 nanoseconds (duration).
    RelTime = 20,
    /// `PT_ABSTIME`: u64 nanoseconds since the epoch.
    AbsTime = 21,
    /// `PT_PORT`: u16 port.
    Port = 22,
    /// `PT_L4PROTO`: u8 layer-4 protocol.
    L4Proto = 23,
    /// `PT_SOCKFAMILY`: u8 socket family.
    SockFamily = 24,
    /// `PT_BOOL`: u32, 0 or 1.
    Bool = 25,
    /// `PT_IPV4ADDR`: 4 bytes, network order.
    Ipv4Addr = 26,
    /// `PT_DYN`: u8 selector, then a value of the selected type.
    Dyn = 27,
    /// `PT_FLAGS8`: u8 bit set.
    Flags8 = 28,
    /// `PT_FLAGS16`: u16 bit set.
    Flags16 = 29,
    /// `PT_FLAGS32`: u32 bit set.
    Flags32 = 30,
    /// `PT_UID`: u32 user id.
    Uid = 31,
    /// `PT_GID`: u32 group id.
    Gid = 32,
    /// `PT_DOUBLE`: 8-byte IEEE double.
    Double = 33,
    /// `PT_SIGSET`: u32 signal mask.
    SigSet = 34,
    /// `PT_CHARBUFARRAY`: NUL-separated strings.
    CharBufArray = 35,
    /// `PT_CHARBUF_PAIR_ARRAY`: obsolete tracer events only.
    CharBufPairArray = 36,
    /// `PT_IPV4NET`: filter-side type (address and mask).
    Ipv4Net = 37,
    /// `PT_IPV6ADDR`: 16 bytes.
    Ipv6Addr = 38,
    /// `PT_IPV6NET`: filter-side type (address and mask).
    Ipv6Net = 39,
    /// `PT_IPADDR`: 4 or 16 bytes.
    IpAddr = 40,
    /// `PT_IPNET`: filter-side type.
    IpNet = 41,
    /// `PT_MODE`: u32 `PPM_S_*` mode bits.
    Mode = 42,
    /// `PT_FSRELPATH`: a path relative to a dirfd parameter.
    FsRelPath = 43,
    /// `PT_ENUMFLAGS8`: u8 enumerated value.
    EnumFlags8 = 44,
    /// `PT_ENUMFLAGS16`: u16 enumerated value.
    EnumFlags16 = 45,
    /// `PT_ENUMFLAGS32`: u32 enumerated value.
    EnumFlags32 = 46,
    /// `PT_FD32`: i32 file descriptor.
    Fd32 = 47,
    /// `PT_PID32`: i32 process or thread id.
    Pid32 = 48,
}

impl ParamType {
    /// Every type, indexed by its code.
    pub const ALL: [ParamType; 49] = {
        use ParamType::*;
        [
            None,
            Int8,
            Int16,
            Int32,
            Int64,
            Uint8,
            Uint16,
            Uint32,
            Uint64,
            CharBuf,
            ByteBuf,
            Errno,
            SockAddr,
            SockTuple,
            Fd,
            Pid,
            FdList,
            FsPath,
            SyscallId,
            SigType,
            RelTime,
            AbsTime,
            Port,
            L4Proto,
            SockFamily,
            Bool,
            Ipv4Addr,
            Dyn,
            Flags8,
            Flags16,
            Flags32,
            Uid,
            Gid,
            Double,
            SigSet,
            CharBufArray,
            CharBufPairArray,
            Ipv4Net,
            Ipv6Addr,
            Ipv6Net,
            IpAddr,
            IpNet,
            Mode,
            FsRelPath,
            EnumFlags8,
            EnumFlags16,
            EnumFlags32,
            Fd32,
            Pid32,
        ]
    };

    /// The type with code `code`, if any.
    pub fn from_code(code: u8) -> Option<ParamType> {
        Self::ALL.get(usize::from(code)).copied()
    }

    /// The `PT_*` code.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// Upstream's name without the `PT_` prefix, e.g. `FSRELPATH`.
    pub const fn name(self) -> &'static str {
        use ParamType::*;
        match self {
            None => "NONE",
            Int8 => "INT8",
            Int16 => "INT16",
            Int32 => "INT32",
            Int64 => "INT64",
            Uint8 => "UINT8",
            Uint16 => "UINT16",
            Uint32 => "UINT32",
            Uint64 => "UINT64",
            CharBuf => "CHARBUF",
            ByteBuf => "BYTEBUF",
            Errno => "ERRNO",
            SockAddr => "SOCKADDR",
            SockTuple => "SOCKTUPLE",
            Fd => "FD",
            Pid => "PID",
            FdList => "FDLIST",
            FsPath => "FSPATH",
            SyscallId => "SYSCALLID",
            SigType => "SIGTYPE",
            RelTime => "RELTIME",
            AbsTime => "ABSTIME",
            Port => "PORT",
            L4Proto => "L4PROTO",
            SockFamily => "SOCKFAMILY",
            Bool => "BOOL",
            Ipv4Addr => "IPV4ADDR",
            Dyn => "DYN",
            Flags8 => "FLAGS8",
            Flags16 => "FLAGS16",
            Flags32 => "FLAGS32",
            Uid => "UID",
            Gid => "GID",
            Double => "DOUBLE",
            SigSet => "SIGSET",
            CharBufArray => "CHARBUFARRAY",
            CharBufPairArray => "CHARBUF_PAIR_ARRAY",
            Ipv4Net => "IPV4NET",
            Ipv6Addr => "IPV6ADDR",
            Ipv6Net => "IPV6NET",
            IpAddr => "IPADDR",
            IpNet => "IPNET",
            Mode => "MODE",
            FsRelPath => "FSRELPATH",
            EnumFlags8 => "ENUMFLAGS8",
            EnumFlags16 => "ENUMFLAGS16",
            EnumFlags32 => "ENUMFLAGS32",
            Fd32 => "FD32",
            Pid32 => "PID32",
        }
    }

    /// The wire width of fixed-size types; `None` for variable-size ones.
    pub const fn fixed_width(self) -> Option<usize> {
        use ParamType::*;
        match self {
            Int8 | Uint8 | SigType | L4Proto | SockFamily | Flags8 | EnumFlags8 => Some(1),
            Int16 | Uint16 | SyscallId | Port | Flags16 | EnumFlags16 => Some(2),
            Int32 | Uint32 | Bool | Flags32 | Uid | Gid | SigSet | Mode | EnumFlags32 | Fd32
            | Pid32 | Ipv4Addr => Some(4),
            Int64 | Uint64 | Errno | Fd | Pid | RelTime | AbsTime | Double => Some(8),
            Ipv6Addr => Some(16),
            Ipv4Net => Some(8),
            Ipv6Net => Some(32),
            None | CharBuf | ByteBuf | SockAddr | SockTuple | FdList | FsPath | Dyn
            | CharBufArray | CharBufPairArray | IpAddr | IpNet | FsRelPath => Option::None,
        }
    }

    /// True for the string types (`CHARBUF`, `FSPATH`, `FSRELPATH`).
    pub const fn is_string(self) -> bool {
        matches!(
            self,
            ParamType::CharBuf | ParamType::FsPath | ParamType::FsRelPath
        )
    }

    /// True for the file-descriptor types (`FD`, `FD32`).
    pub const fn is_fd(self) -> bool {
        matches!(self, ParamType::Fd | ParamType::Fd32)
    }

    /// A key that is equal for types with the same wire encoding, so that an
    /// encoder can accept e.g. `FLAGS8` where a newer table says `ENUMFLAGS8`.
    pub const fn wire_class(self) -> u8 {
        use ParamType::*;
        match self {
            Int8 | Uint8 | SigType | L4Proto | SockFamily | Flags8 | EnumFlags8 => 1,
            Int16 | Uint16 | SyscallId | Port | Flags16 | EnumFlags16 => 2,
            Int32 | Uint32 | Bool | Flags32 | Uid | Gid | SigSet | Mode | EnumFlags32 | Fd32
            | Pid32 | Ipv4Addr => 4,
            Int64 | Uint64 | Errno | Fd | Pid | RelTime | AbsTime | Double => 8,
            CharBuf | FsPath | FsRelPath => 9,
            _ => 100 + self as u8,
        }
    }
}

/// How a parameter is printed (`enum ppm_print_format`).
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrintFormat {
    /// `PF_NA`: no particular format.
    Na = 0,
    /// `PF_DEC`: decimal.
    Dec = 1,
    /// `PF_HEX`: hexadecimal.
    Hex = 2,
    /// `PF_10_PADDED_DEC`: decimal padded to 10 digits (nanoseconds).
    PaddedDec10 = 3,
    /// `PF_ID`: an identifier (printed in decimal).
    Id = 4,
    /// `PF_DIR`: a direction.
    Dir = 5,
    /// `PF_OCT`: octal.
    Oct = 6,
}

/// An event's category (`enum ppm_event_category`, spec §4.2).
///
/// The low bits hold one category value (`FILE`, `NET`, …), the high bits
/// say where the event comes from (`SYSCALL`, `TRACEPOINT`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Category(pub u32);

impl Category {
    /// `EC_UNKNOWN`.
    pub const UNKNOWN: Category = Category(0);
    /// `EC_OTHER`.
    pub const OTHER: Category = Category(1);
    /// `EC_FILE`.
    pub const FILE: Category = Category(2);
    /// `EC_NET`.
    pub const NET: Category = Category(3);
    /// `EC_IPC`.
    pub const IPC: Category = Category(4);
    /// `EC_MEMORY`.
    pub const MEMORY: Category = Category(5);
    /// `EC_PROCESS`.
    pub const PROCESS: Category = Category(6);
    /// `EC_SLEEP`.
    pub const SLEEP: Category = Category(7);
    /// `EC_SYSTEM`.
    pub const SYSTEM: Category = Category(8);
    /// `EC_SIGNAL`.
    pub const SIGNAL: Category = Category(9);
    /// `EC_USER`.
    pub const USER: Category = Category(10);
    /// `EC_TIME`.
    pub const TIME: Category = Category(11);
    /// `EC_PROCESSING`.
    pub const PROCESSING: Category = Category(12);
    /// `EC_IO_READ`.
    pub const IO_READ: Category = Category(32);
    /// `EC_IO_WRITE`.
    pub const IO_WRITE: Category = Category(33);
    /// `EC_IO_OTHER`.
    pub const IO_OTHER: Category = Category(34);
    /// `EC_WAIT` modifier bit.
    pub const WAIT: Category = Category(64);
    /// `EC_SCHEDULER` modifier bit.
    pub const SCHEDULER: Category = Category(128);
    /// `EC_INTERNAL`: not shown to users.
    pub const INTERNAL: Category = Category(256);
    /// `EC_SYSCALL` source bit.
    pub const SYSCALL: Category = Category(512);
    /// `EC_TRACEPOINT` source bit.
    pub const TRACEPOINT: Category = Category(1024);
    /// `EC_PLUGIN` source bit.
    pub const PLUGIN: Category = Category(2048);
    /// `EC_METAEVENT` source bit.
    pub const METAEVENT: Category = Category(4096);
    /// `EC_ITER` source bit.
    pub const ITER: Category = Category(8192);

    const SOURCE_MASK: u32 = 512 | 1024 | 2048 | 4096 | 8192;

    /// The category value without source and modifier bits (e.g. `FILE`).
    pub const fn base(self) -> Category {
        Category(self.0 & 0x3f)
    }

    /// The source bits (`SYSCALL`, `TRACEPOINT`, `PLUGIN`, `METAEVENT`, `ITER`).
    pub const fn source(self) -> Category {
        Category(self.0 & Self::SOURCE_MASK)
    }

    /// True if every bit of `other` is set.
    pub const fn contains(self, other: Category) -> bool {
        self.0 & other.0 == other.0
    }

    /// The category's display name as sysdig prints `evt.category`
    /// (lower case, e.g. `file`, `net`, `process`).
    pub const fn base_name(self) -> &'static str {
        match self.0 & 0x3f {
            1 => "other",
            2 => "file",
            3 => "net",
            4 => "IPC",
            5 => "memory",
            6 => "process",
            7 => "sleep",
            8 => "system",
            9 => "signal",
            10 => "user",
            11 => "time",
            12 => "processing",
            32 => "IO_read",
            33 => "IO_write",
            34 => "IO_other",
            _ => "unknown",
        }
    }
}

impl std::ops::BitOr for Category {
    type Output = Category;
    fn bitor(self, rhs: Category) -> Category {
        Category(self.0 | rhs.0)
    }
}

/// Event-table flags (`enum ppm_event_flags`, spec §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EventFlags(pub u32);

impl EventFlags {
    /// `EF_NONE`.
    pub const NONE: EventFlags = EventFlags(0);
    /// `EF_CREATES_FD`: the exit returns a new fd.
    pub const CREATES_FD: EventFlags = EventFlags(1 << 0);
    /// `EF_DESTROYS_FD`: the event removes an fd.
    pub const DESTROYS_FD: EventFlags = EventFlags(1 << 1);
    /// `EF_USES_FD`: one parameter is an fd the event acts on.
    pub const USES_FD: EventFlags = EventFlags(1 << 2);
    /// `EF_READS_FROM_FD`: I/O read.
    pub const READS_FROM_FD: EventFlags = EventFlags(1 << 3);
    /// `EF_WRITES_TO_FD`: I/O write.
    pub const WRITES_TO_FD: EventFlags = EventFlags(1 << 4);
    /// `EF_MODIFIES_STATE`: must not be dropped by filtering.
    pub const MODIFIES_STATE: EventFlags = EventFlags(1 << 5);
    /// `EF_UNUSED`: placeholder code.
    pub const UNUSED: EventFlags = EventFlags(1 << 6);
    /// `EF_WAITS`: blocking call.
    pub const WAITS: EventFlags = EventFlags(1 << 7);
    /// `EF_SKIPPARSERESET`: must not reset the parser's last-event tracker.
    pub const SKIP_PARSE_RESET: EventFlags = EventFlags(1 << 8);
    /// `EF_OLD_VERSION`: superseded layout, no longer produced.
    pub const OLD_VERSION: EventFlags = EventFlags(1 << 9);
    /// `EF_DROP_SIMPLE_CONS`: removed upstream; only in 2022-era tables.
    pub const DROP_SIMPLE_CONS: EventFlags = EventFlags(1 << 10);
    /// `EF_LARGE_PAYLOAD`: parameter lengths are u32 instead of u16.
    pub const LARGE_PAYLOAD: EventFlags = EventFlags(1 << 11);
    /// `EF_CONVERTER_MANAGED`: upstream's savefile converter owns this code.
    pub const CONVERTER_MANAGED: EventFlags = EventFlags(1 << 12);

    /// True if every bit of `other` is set.
    pub const fn contains(self, other: EventFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// The union of both sets.
    pub const fn union(self, other: EventFlags) -> EventFlags {
        EventFlags(self.0 | other.0)
    }
}

impl std::ops::BitOr for EventFlags {
    type Output = EventFlags;
    fn bitor(self, rhs: EventFlags) -> EventFlags {
        self.union(rhs)
    }
}
