//! The syscall source's field table and the compiled extractor.

use crate::field::{ArgKind, FieldInfo, FieldType as T};

/// Which side of a connection an address or port field asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Either side (`fd.ip`, `fd.port`, `fd.net`).
    Any,
    /// Client.
    Client,
    /// Server.
    Server,
    /// Local.
    Local,
    /// Remote.
    Remote,
}

/// Which path of an `fs.path.*` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathField {
    /// The path the event acts on, resolved.
    Name,
    /// As passed.
    NameRaw,
    /// Source of a rename/link, resolved.
    Source,
    /// As passed.
    SourceRaw,
    /// Target of a rename/link, resolved.
    Target,
    /// As passed.
    TargetRaw,
}

/// Capability set of `thread.cap_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapSet {
    /// Permitted.
    Permitted,
    /// Effective.
    Effective,
    /// Inheritable.
    Inheritable,
}

/// How `evt.arg` selects a param.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgSel {
    /// By position.
    Index(usize),
    /// By name.
    Name(String),
}

/// A compiled syscall field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Ex {
    EvtNum,
    EvtTime,
    EvtTimeS,
    EvtTimeIso8601,
    EvtDatetime,
    EvtDatetimeS,
    EvtRawtime,
    EvtRawtimeS,
    EvtRawtimeNs,
    EvtReltime,
    EvtReltimeS,
    EvtReltimeNs,
    EvtLatency,
    EvtLatencyS,
    EvtLatencyNs,
    EvtDir,
    EvtType,
    EvtCpu,
    EvtArgs,
    EvtInfo,
    EvtArg(ArgSel),
    EvtRawArg(String),
    EvtBuffer,
    EvtBuflen,
    EvtRes,
    EvtRawres,
    EvtFailed,
    EvtIsIo,
    EvtIsIoRead,
    EvtIsIoWrite,
    EvtIoDir,
    EvtIsWait,
    EvtCount,
    EvtIsOpenRead,
    EvtIsOpenWrite,
    EvtIsOpenExec,
    EvtIsOpenCreate,
    EvtCategory,
    EvtSource,
    EvtHostname,
    EvtIsAsync,
    EvtIsSyscall,
    ProcPid,
    ProcExe,
    ProcName,
    ProcArgs,
    ProcEnv(Option<String>),
    ProcCmdline,
    ProcExeline,
    ProcCwd,
    ProcNthreads,
    ProcNchilds,
    ProcPpid,
    ProcPname,
    ProcPcmdline,
    ProcPexe,
    ProcPexepath,
    ProcApid(Option<usize>),
    ProcAname(Option<usize>),
    ProcAexe(Option<usize>),
    ProcAexepath(Option<usize>),
    ProcAcmdline(Option<usize>),
    ProcLoginshellid,
    ProcDuration,
    ProcFdopencount,
    ProcFdlimit,
    ProcSid,
    ProcSname,
    ProcTty,
    ProcExepath,
    ProcVpgid,
    ProcVpgidName,
    ProcIsExeWritable,
    ProcIsExeUpperLayer,
    ProcIsExeLowerLayer,
    ProcIsExeFromMemfd,
    ProcIsSidLeader,
    ProcIsVpgidLeader,
    ProcExeIno,
    ProcExeInoCtime,
    ProcExeInoMtime,
    ProcExeInoCtimeDurationProcStart,
    ProcExeInoCtimeDurationPidnsStart,
    ProcPidnsInitStartTs,
    ProcVpid,
    ProcPvpid,
    ProcVmsize,
    ProcVmrss,
    ProcVmswap,
    ProcIsContainerProbe,
    ThreadTid,
    ThreadVtid,
    ThreadIsMain,
    ThreadCap(CapSet),
    FdNum,
    FdType,
    FdTypechar,
    FdName,
    FdNameraw,
    FdDirectory,
    FdFilename,
    FdIp(Side),
    FdPort(Side),
    FdNet(Side),
    FdIpName(Side),
    FdL4proto,
    FdSockfamily,
    FdIsServer,
    FdConnected,
    FdNameChanged,
    FdIno,
    FdDev,
    FdDevMajor,
    FdDevMinor,
    FdUid,
    FdContainername,
    FdContainerdirectory,
    FsPath(PathField),
    UserUid,
    UserName,
    UserHomedir,
    UserShell,
    UserLoginuid,
    UserLoginname,
    GroupGid,
    GroupName,
    ContainerId,
    ContainerName,
    ContainerImage,
    ContainerType,
    ContainerPrivileged,
    ContainerStartTs,
    ContainerDuration,
    /// Container runtime metadata harrier does not collect.
    ContainerRuntimeInfo,
    /// Kubernetes pod and namespace metadata harrier does not collect.
    K8sPodInfo,
}

const fn f(name: &'static str, ty: T, description: &'static str) -> FieldInfo {
    FieldInfo::new(name, ty, description)
}

/// Every syscall field, with Falco's names and types.
pub const FIELDS: &[FieldInfo] = &[
    f("evt.num", T::Uint64, "Event number, counting every event read from the capture."),
    f("evt.time", T::CharBuf, "Event time as HH:MM:SS.nnnnnnnnn."),
    f("evt.time.s", T::CharBuf, "Event time as HH:MM:SS."),
    f("evt.time.iso8601", T::CharBuf, "Event time in ISO 8601 with nanoseconds and zone."),
    f("evt.datetime", T::CharBuf, "Event date and time, YYYY-MM-DD HH:MM:SS.nnnnnnnnn."),
    f("evt.datetime.s", T::CharBuf, "Event date and time, YYYY-MM-DD HH:MM:SS."),
    f("evt.rawtime", T::AbsTime, "Event time in nanoseconds since the epoch."),
    f("evt.rawtime.s", T::AbsTime, "Integer seconds part of evt.rawtime."),
    f("evt.rawtime.ns", T::AbsTime, "Nanoseconds part of evt.rawtime."),
    f("evt.reltime", T::RelTime, "Nanoseconds since the first event of the capture."),
    f("evt.reltime.s", T::RelTime, "Integer seconds part of evt.reltime."),
    f("evt.reltime.ns", T::RelTime, "Nanoseconds part of evt.reltime."),
    f("evt.latency", T::RelTime, "For exit events, nanoseconds since the matching enter event; 0 for enter events."),
    f("evt.latency.s", T::RelTime, "Integer seconds part of evt.latency."),
    f("evt.latency.ns", T::RelTime, "Nanoseconds part of evt.latency."),
    f("evt.dir", T::CharBuf, "Direction: '>' for enter events, '<' for exit events."),
    f("evt.type", T::CharBuf, "Event type, e.g. 'open'; generic syscall events are named after the syscall."),
    f("evt.cpu", T::Int16, "Device (CPU ring) the event was captured on."),
    f("evt.args", T::CharBuf, "All arguments, rendered as sysdig does: 'name=value ' per argument."),
    f("evt.info", T::CharBuf, "The event's arguments for syscall events (like evt.args)."),
    f("evt.arg", T::CharBuf, "One argument, rendered: evt.arg[N] by position or evt.arg.NAME by name.")
        .with_arg(ArgKind::RequiredIndexOrKey),
    f("evt.rawarg", T::Int64, "One argument's raw value by name (evt.rawarg.NAME); numeric arguments compare as numbers.")
        .with_arg(ArgKind::RequiredKey),
    f("evt.buffer", T::ByteBuf, "The data buffer of I/O events."),
    f("evt.buflen", T::Uint64, "Length of the data of I/O events (their return value)."),
    f("evt.res", T::CharBuf, "Result of exit events: SUCCESS, or the error name such as ENOENT."),
    f("evt.rawres", T::Int64, "Return value of exit events as a number."),
    f("evt.failed", T::Bool, "True for exit events that returned an error."),
    f("evt.is_io", T::Bool, "True for events that read or write data through an fd."),
    f("evt.is_io_read", T::Bool, "True for events that read data."),
    f("evt.is_io_write", T::Bool, "True for events that write data."),
    f("evt.io_dir", T::CharBuf, "'read' or 'write' for I/O events."),
    f("evt.is_wait", T::Bool, "True for events that can block (sleep, wait, poll)."),
    f("evt.count", T::Uint32, "Always 1, for counting events."),
    f("evt.is_open_read", T::Bool, "True for open-family events that opened a file for reading."),
    f("evt.is_open_write", T::Bool, "True for open-family events that opened a file for writing."),
    f("evt.is_open_exec", T::Bool, "True for open-family events that created a file with execute permission."),
    f("evt.is_open_create", T::Bool, "True for open-family events that created the file."),
    f("evt.category", T::CharBuf, "Event category, e.g. 'file', 'net', 'process'."),
    f("evt.source", T::CharBuf, "Event source: 'syscall'."),
    f("evt.hostname", T::CharBuf, "Host name of the machine the event comes from."),
    f("evt.is_async", T::Bool, "True for events not produced by a thread's own syscall."),
    f("evt.is_syscall", T::Bool, "True for events produced by a syscall (not meta or tracepoint events)."),
    f("proc.pid", T::Int64, "Process id."),
    f("proc.exe", T::CharBuf, "First command-line argument (argv[0])."),
    f("proc.name", T::CharBuf, "Process name (comm)."),
    f("proc.args", T::CharBuf, "Command-line arguments after argv[0], space separated."),
    f("proc.env", T::CharBuf, "Environment; proc.env[NAME] gives one variable's value.")
        .with_arg(ArgKind::OptionalKey),
    f("proc.cmdline", T::CharBuf, "proc.name followed by proc.args."),
    f("proc.exeline", T::CharBuf, "proc.exe followed by proc.args."),
    f("proc.cwd", T::CharBuf, "Working directory."),
    f("proc.nthreads", T::Uint64, "Number of threads of the process."),
    f("proc.nchilds", T::Uint64, "Number of child threads and processes."),
    f("proc.ppid", T::Int64, "Parent process id."),
    f("proc.pname", T::CharBuf, "Parent process name."),
    f("proc.pcmdline", T::CharBuf, "Parent process command line."),
    f("proc.pexe", T::CharBuf, "Parent process argv[0]."),
    f("proc.pexepath", T::CharBuf, "Parent process executable path."),
    f("proc.apid", T::Int64, "Ancestor pid: proc.apid[1] is the parent, [2] the grandparent; without index any ancestor.")
        .with_arg(ArgKind::OptionalIndex),
    f("proc.aname", T::CharBuf, "Ancestor name: proc.aname[1] is the parent's; without index any ancestor.")
        .with_arg(ArgKind::OptionalIndex),
    f("proc.aexe", T::CharBuf, "Ancestor argv[0] by index; without index any ancestor.")
        .with_arg(ArgKind::OptionalIndex),
    f("proc.aexepath", T::CharBuf, "Ancestor executable path by index; without index any ancestor.")
        .with_arg(ArgKind::OptionalIndex),
    f("proc.acmdline", T::CharBuf, "Ancestor command line by index; without index any ancestor.")
        .with_arg(ArgKind::OptionalIndex),
    f("proc.loginshellid", T::Int64, "Pid of the eldest shell among the process and its ancestors."),
    f("proc.duration", T::RelTime, "Nanoseconds since the process was created (when its creation was seen)."),
    f("proc.fdopencount", T::Uint64, "Number of open fds of the process."),
    f("proc.fdlimit", T::Int64, "Open-file limit of the process."),
    f("proc.sid", T::Int64, "Session id."),
    f("proc.sname", T::CharBuf, "Name of the session leader."),
    f("proc.tty", T::Int32, "Controlling terminal; 0 when none."),
    f("proc.exepath", T::CharBuf, "Full path of the executable."),
    f("proc.vpgid", T::Int64, "Process group id as seen in the process's pid namespace."),
    f("proc.vpgid.name", T::CharBuf, "Name of the process group leader."),
    f("proc.is_exe_writable", T::Bool, "True if the executable is writable by the process's user."),
    f("proc.is_exe_upper_layer", T::Bool, "True if the executable is in an overlayfs upper layer."),
    f("proc.is_exe_lower_layer", T::Bool, "True if the executable is in an overlayfs lower layer."),
    f("proc.is_exe_from_memfd", T::Bool, "True if the executable was loaded from a memfd."),
    f("proc.is_sid_leader", T::Bool, "True if the process leads its session."),
    f("proc.is_vpgid_leader", T::Bool, "True if the process leads its process group."),
    f("proc.exe_ino", T::Int64, "Inode number of the executable."),
    f("proc.exe_ino.ctime", T::AbsTime, "Status-change time (ctime) of the executable's inode, ns since the epoch, from the execve exit event."),
    f("proc.exe_ino.mtime", T::AbsTime, "Modification time (mtime) of the executable's inode, ns since the epoch, from the execve exit event."),
    f("proc.exe_ino.ctime_duration_proc_start", T::AbsTime, "Nanoseconds from the executable's ctime to the process's clone; needs both."),
    f("proc.exe_ino.ctime_duration_pidns_start", T::AbsTime, "Nanoseconds from the pid namespace's start to the executable's ctime, when the namespace started first."),
    f("proc.pidns_init_start_ts", T::Uint64, "Start of the process's pid namespace, ns since the epoch."),
    f("proc.vpid", T::Int64, "Process id as seen in the process's pid namespace."),
    f("proc.pvpid", T::Int64, "Parent process id as seen in its pid namespace."),
    f("proc.vmsize", T::Uint64, "Virtual memory size in KiB."),
    f("proc.vmrss", T::Uint64, "Resident memory in KiB."),
    f("proc.vmswap", T::Uint64, "Swapped memory in KiB."),
    f("proc.is_container_healthcheck", T::Bool, "True for container health checks (not detected: always false)."),
    f("proc.is_container_liveness_probe", T::Bool, "True for liveness probes (not detected: always false)."),
    f("proc.is_container_readiness_probe", T::Bool, "True for readiness probes (not detected: always false)."),
    f("thread.tid", T::Int64, "Thread id."),
    f("thread.vtid", T::Int64, "Thread id as seen in its pid namespace."),
    f("thread.ismain", T::Bool, "True for the process's main thread."),
    f("thread.cap_permitted", T::CharBuf, "Permitted capabilities, space separated."),
    f("thread.cap_effective", T::CharBuf, "Effective capabilities, space separated."),
    f("thread.cap_inheritable", T::CharBuf, "Inheritable capabilities, space separated."),
    f("fd.num", T::Int64, "Number of the fd the event uses."),
    f("fd.type", T::CharBuf, "Type of the fd: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, memfd..."),
    f("fd.typechar", T::CharBuf, "Type of the fd as one character (f, d, 4, 6, u, p, ...)."),
    f("fd.name", T::CharBuf, "Name of the fd: a path, a connection tuple, or a kernel name."),
    f("fd.nameraw", T::CharBuf, "The fd's path as the syscall passed it."),
    f("fd.directory", T::CharBuf, "Directory of a file fd, or the directory itself."),
    f("fd.filename", T::CharBuf, "File name of a file fd, without directory."),
    f("fd.ip", T::IpAddr, "Either address of a socket (filters only)."),
    f("fd.cip", T::IpAddr, "Client address."),
    f("fd.sip", T::IpAddr, "Server address."),
    f("fd.lip", T::IpAddr, "Local address."),
    f("fd.rip", T::IpAddr, "Remote address."),
    f("fd.port", T::Port, "Either port of a socket (filters only)."),
    f("fd.cport", T::Port, "Client port."),
    f("fd.sport", T::Port, "Server port."),
    f("fd.lport", T::Port, "Local port."),
    f("fd.rport", T::Port, "Remote port."),
    f("fd.net", T::IpNet, "Either address, matched against networks (filters only)."),
    f("fd.cnet", T::IpNet, "Client address, matched against networks."),
    f("fd.snet", T::IpNet, "Server address, matched against networks."),
    f("fd.lnet", T::IpNet, "Local address, matched against networks."),
    f("fd.rnet", T::IpNet, "Remote address, matched against networks."),
    f("fd.cip.name", T::CharBuf, "DNS name of the client address. harrier keeps no DNS name cache, so this has no value (as libsinsp without its DNS manager)."),
    f("fd.sip.name", T::CharBuf, "DNS name of the server address. harrier keeps no DNS name cache, so this has no value (as libsinsp without its DNS manager)."),
    f("fd.lip.name", T::CharBuf, "DNS name of the local address. harrier keeps no DNS name cache, so this has no value (as libsinsp without its DNS manager)."),
    f("fd.rip.name", T::CharBuf, "DNS name of the remote address. harrier keeps no DNS name cache, so this has no value (as libsinsp without its DNS manager)."),
    f("fd.l4proto", T::CharBuf, "Layer-4 protocol of a socket: tcp, udp, icmp or raw."),
    f("fd.sockfamily", T::CharBuf, "Socket family: ip or unix."),
    f("fd.is_server", T::Bool, "True if the process is the server side of the connection."),
    f("fd.connected", T::Bool, "True if the socket is connected."),
    f("fd.name_changed", T::Bool, "True if the event changed the fd's name (e.g. a UDP socket's peer)."),
    f("fd.ino", T::Int64, "Inode number of the fd's file."),
    f("fd.dev", T::Uint32, "Device number of the fd's file system."),
    f("fd.dev.major", T::Uint32, "Major part of fd.dev."),
    f("fd.dev.minor", T::Uint32, "Minor part of fd.dev."),
    f("fd.uid", T::CharBuf, "Unique id of the fd: thread id and fd number."),
    f("fd.containername", T::CharBuf, "container.id and fd.name joined with ':'."),
    f("fd.containerdirectory", T::CharBuf, "container.id and fd.directory joined with ':'."),
    f("fs.path.name", T::CharBuf, "Path a filesystem event acts on (mkdir, unlink, open...), resolved."),
    f("fs.path.nameraw", T::CharBuf, "Path a filesystem event acts on, as passed."),
    f("fs.path.source", T::CharBuf, "Source path of rename, link and symlink events, resolved."),
    f("fs.path.sourceraw", T::CharBuf, "Source path of rename, link and symlink events, as passed."),
    f("fs.path.target", T::CharBuf, "Target path of rename, link and symlink events, resolved."),
    f("fs.path.targetraw", T::CharBuf, "Target path of rename, link and symlink events, as passed."),
    f("user.uid", T::Uint32, "Effective user id."),
    f("user.name", T::CharBuf, "User name."),
    f("user.homedir", T::CharBuf, "Home directory of the user."),
    f("user.shell", T::CharBuf, "Login shell of the user."),
    f("user.loginuid", T::Int64, "Audit login uid; -1 when unset."),
    f("user.loginname", T::CharBuf, "Name of the login user."),
    f("group.gid", T::Uint64, "Effective group id."),
    f("group.name", T::CharBuf, "Group name."),
    f("container.id", T::CharBuf, "Container id (12 characters), or 'host'."),
    f("container.name", T::CharBuf, "Container name, or 'host'."),
    f("container.image", T::CharBuf, "Container image, when known."),
    f("container.type", T::CharBuf, "Container runtime, when known."),
    f("container.privileged", T::Bool, "True for privileged containers, when known."),
    f("container.image.id", T::CharBuf, "Container image id. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.image.repository", T::CharBuf, "Container image repository (e.g. falcosecurity/falco). harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.image.tag", T::CharBuf, "Container image tag (e.g. latest). harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.image.digest", T::CharBuf, "Container image registry digest. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.mounts", T::CharBuf, "Mounts of the container, comma separated, each source:dest:mode:rdwr:propagation. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.mount", T::CharBuf, "One mount by index or source path glob: container.mount[0], container.mount[/usr/*]. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container.")
        .with_arg(ArgKind::RequiredIndexOrKey),
    f("container.mount.source", T::CharBuf, "Source of one mount, by index or destination path glob. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container.")
        .with_arg(ArgKind::RequiredIndexOrKey),
    f("container.mount.dest", T::CharBuf, "Destination of one mount, by index or source path glob. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container.")
        .with_arg(ArgKind::RequiredIndexOrKey),
    f("container.mount.mode", T::CharBuf, "Mode of one mount, by index or source path glob. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container.")
        .with_arg(ArgKind::RequiredIndexOrKey),
    f("container.mount.rdwr", T::CharBuf, "Read/write flag of one mount, by index or source path glob. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container.")
        .with_arg(ArgKind::RequiredIndexOrKey),
    f("container.mount.propagation", T::CharBuf, "Propagation of one mount, by index or source path glob. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container.")
        .with_arg(ArgKind::RequiredIndexOrKey),
    f("container.healthcheck", T::CharBuf, "The container's health check command line. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.liveness_probe", T::CharBuf, "The container's liveness probe command line. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.readiness_probe", T::CharBuf, "The container's readiness probe command line. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.ip", T::CharBuf, "The container's primary IPv4 address. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.cni.json", T::CharBuf, "The container's CNI result as JSON. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.host_network", T::Bool, "True if the container shares the host's network namespace. harrier reads no container runtime metadata: no value, as libsinsp for a host process or an unknown container."),
    f("container.start_ts", T::Uint64, "Container start, ns since the epoch: the start of the process's pid namespace; no value on the host."),
    f("container.duration", T::RelTime, "Nanoseconds since container.start_ts; no value on the host or when the process's clone was not seen."),
    f("k8s.ns.name", T::CharBuf, "Kubernetes namespace name. harrier reads no pod metadata from container labels: no value, as libsinsp for a host process or an unknown container."),
    f("k8s.pod.name", T::CharBuf, "Kubernetes pod name. harrier reads no pod metadata from container labels: no value, as libsinsp for a host process or an unknown container."),
    f("k8s.pod.id", T::CharBuf, "Kubernetes pod uid (legacy name of k8s.pod.uid). harrier reads no pod metadata from container labels: no value, as libsinsp for a host process or an unknown container."),
    f("k8s.pod.uid", T::CharBuf, "Kubernetes pod uid. harrier reads no pod metadata from container labels: no value, as libsinsp for a host process or an unknown container."),
    f("k8s.pod.sandbox_id", T::CharBuf, "Pod sandbox id, truncated to 12 characters. harrier reads no pod metadata from container labels: no value, as libsinsp for a host process or an unknown container."),
    f("k8s.pod.full_sandbox_id", T::CharBuf, "Full pod sandbox id. harrier reads no pod metadata from container labels: no value, as libsinsp for a host process or an unknown container."),
    f("k8s.pod.label", T::CharBuf, "One pod label: k8s.pod.label[KEY] or k8s.pod.label.KEY. harrier reads no pod metadata from container labels: no value, as libsinsp for a host process or an unknown container.")
        .with_arg(ArgKind::RequiredKey),
    f("k8s.pod.labels", T::CharBuf, "All pod labels, as key:value, comma separated. harrier reads no pod metadata from container labels: no value, as libsinsp for a host process or an unknown container."),
    f("k8s.pod.ip", T::CharBuf, "Pod IPv4 address. harrier reads no pod metadata from container labels: no value, as libsinsp for a host process or an unknown container."),
    f("k8s.pod.cni.json", T::CharBuf, "Pod CNI result as JSON. harrier reads no pod metadata from container labels: no value, as libsinsp for a host process or an unknown container."),
];

/// The extractor for field `name` with argument `arg` (already split).
pub fn extractor(name: &str, arg: Option<&str>) -> Option<Ex> {
    use Ex::*;
    let idx = || arg.and_then(|a| a.parse::<usize>().ok());
    Some(match name {
        "evt.num" => EvtNum,
        "evt.time" => EvtTime,
        "evt.time.s" => EvtTimeS,
        "evt.time.iso8601" => EvtTimeIso8601,
        "evt.datetime" => EvtDatetime,
        "evt.datetime.s" => EvtDatetimeS,
        "evt.rawtime" => EvtRawtime,
        "evt.rawtime.s" => EvtRawtimeS,
        "evt.rawtime.ns" => EvtRawtimeNs,
        "evt.reltime" => EvtReltime,
        "evt.reltime.s" => EvtReltimeS,
        "evt.reltime.ns" => EvtReltimeNs,
        "evt.latency" => EvtLatency,
        "evt.latency.s" => EvtLatencyS,
        "evt.latency.ns" => EvtLatencyNs,
        "evt.dir" => EvtDir,
        "evt.type" => EvtType,
        "evt.cpu" => EvtCpu,
        "evt.args" => EvtArgs,
        "evt.info" => EvtInfo,
        "evt.arg" => {
            let a = arg?;
            match a.parse::<usize>() {
                Ok(i) => EvtArg(ArgSel::Index(i)),
                Err(_) => EvtArg(ArgSel::Name(a.to_owned())),
            }
        }
        "evt.rawarg" => EvtRawArg(arg?.to_owned()),
        "evt.buffer" => EvtBuffer,
        "evt.buflen" => EvtBuflen,
        "evt.res" => EvtRes,
        "evt.rawres" => EvtRawres,
        "evt.failed" => EvtFailed,
        "evt.is_io" => EvtIsIo,
        "evt.is_io_read" => EvtIsIoRead,
        "evt.is_io_write" => EvtIsIoWrite,
        "evt.io_dir" => EvtIoDir,
        "evt.is_wait" => EvtIsWait,
        "evt.count" => EvtCount,
        "evt.is_open_read" => EvtIsOpenRead,
        "evt.is_open_write" => EvtIsOpenWrite,
        "evt.is_open_exec" => EvtIsOpenExec,
        "evt.is_open_create" => EvtIsOpenCreate,
        "evt.category" => EvtCategory,
        "evt.source" => EvtSource,
        "evt.hostname" => EvtHostname,
        "evt.is_async" => EvtIsAsync,
        "evt.is_syscall" => EvtIsSyscall,
        "proc.pid" => ProcPid,
        "proc.exe" => ProcExe,
        "proc.name" => ProcName,
        "proc.args" => ProcArgs,
        "proc.env" => ProcEnv(arg.map(str::to_owned)),
        "proc.cmdline" => ProcCmdline,
        "proc.exeline" => ProcExeline,
        "proc.cwd" => ProcCwd,
        "proc.nthreads" => ProcNthreads,
        "proc.nchilds" => ProcNchilds,
        "proc.ppid" => ProcPpid,
        "proc.pname" => ProcPname,
        "proc.pcmdline" => ProcPcmdline,
        "proc.pexe" => ProcPexe,
        "proc.pexepath" => ProcPexepath,
        "proc.apid" => ProcApid(idx()),
        "proc.aname" => ProcAname(idx()),
        "proc.aexe" => ProcAexe(idx()),
        "proc.aexepath" => ProcAexepath(idx()),
        "proc.acmdline" => ProcAcmdline(idx()),
        "proc.loginshellid" => ProcLoginshellid,
        "proc.duration" => ProcDuration,
        "proc.fdopencount" => ProcFdopencount,
        "proc.fdlimit" => ProcFdlimit,
        "proc.sid" => ProcSid,
        "proc.sname" => ProcSname,
        "proc.tty" => ProcTty,
        "proc.exepath" => ProcExepath,
        "proc.vpgid" => ProcVpgid,
        "proc.vpgid.name" => ProcVpgidName,
        "proc.is_exe_writable" => ProcIsExeWritable,
        "proc.is_exe_upper_layer" => ProcIsExeUpperLayer,
        "proc.is_exe_lower_layer" => ProcIsExeLowerLayer,
        "proc.is_exe_from_memfd" => ProcIsExeFromMemfd,
        "proc.is_sid_leader" => ProcIsSidLeader,
        "proc.is_vpgid_leader" => ProcIsVpgidLeader,
        "proc.exe_ino" => ProcExeIno,
        "proc.exe_ino.ctime" => ProcExeInoCtime,
        "proc.exe_ino.mtime" => ProcExeInoMtime,
        "proc.exe_ino.ctime_duration_proc_start" => ProcExeInoCtimeDurationProcStart,
        "proc.exe_ino.ctime_duration_pidns_start" => ProcExeInoCtimeDurationPidnsStart,
        "proc.pidns_init_start_ts" => ProcPidnsInitStartTs,
        "proc.vpid" => ProcVpid,
        "proc.pvpid" => ProcPvpid,
        "proc.vmsize" => ProcVmsize,
        "proc.vmrss" => ProcVmrss,
        "proc.vmswap" => ProcVmswap,
        "proc.is_container_healthcheck"
        | "proc.is_container_liveness_probe"
        | "proc.is_container_readiness_probe" => ProcIsContainerProbe,
        "thread.tid" => ThreadTid,
        "thread.vtid" => ThreadVtid,
        "thread.ismain" => ThreadIsMain,
        "thread.cap_permitted" => ThreadCap(CapSet::Permitted),
        "thread.cap_effective" => ThreadCap(CapSet::Effective),
        "thread.cap_inheritable" => ThreadCap(CapSet::Inheritable),
        "fd.num" => FdNum,
        "fd.type" => FdType,
        "fd.typechar" => FdTypechar,
        "fd.name" => FdName,
        "fd.nameraw" => FdNameraw,
        "fd.directory" => FdDirectory,
        "fd.filename" => FdFilename,
        "fd.ip" => FdIp(Side::Any),
        "fd.cip" => FdIp(Side::Client),
        "fd.sip" => FdIp(Side::Server),
        "fd.lip" => FdIp(Side::Local),
        "fd.rip" => FdIp(Side::Remote),
        "fd.port" => FdPort(Side::Any),
        "fd.cport" => FdPort(Side::Client),
        "fd.sport" => FdPort(Side::Server),
        "fd.lport" => FdPort(Side::Local),
        "fd.rport" => FdPort(Side::Remote),
        "fd.net" => FdNet(Side::Any),
        "fd.cnet" => FdNet(Side::Client),
        "fd.snet" => FdNet(Side::Server),
        "fd.lnet" => FdNet(Side::Local),
        "fd.rnet" => FdNet(Side::Remote),
        "fd.cip.name" => FdIpName(Side::Client),
        "fd.sip.name" => FdIpName(Side::Server),
        "fd.lip.name" => FdIpName(Side::Local),
        "fd.rip.name" => FdIpName(Side::Remote),
        "fd.l4proto" => FdL4proto,
        "fd.sockfamily" => FdSockfamily,
        "fd.is_server" => FdIsServer,
        "fd.connected" => FdConnected,
        "fd.name_changed" => FdNameChanged,
        "fd.ino" => FdIno,
        "fd.dev" => FdDev,
        "fd.dev.major" => FdDevMajor,
        "fd.dev.minor" => FdDevMinor,
        "fd.uid" => FdUid,
        "fd.containername" => FdContainername,
        "fd.containerdirectory" => FdContainerdirectory,
        "fs.path.name" => FsPath(PathField::Name),
        "fs.path.nameraw" => FsPath(PathField::NameRaw),
        "fs.path.source" => FsPath(PathField::Source),
        "fs.path.sourceraw" => FsPath(PathField::SourceRaw),
        "fs.path.target" => FsPath(PathField::Target),
        "fs.path.targetraw" => FsPath(PathField::TargetRaw),
        "user.uid" => UserUid,
        "user.name" => UserName,
        "user.homedir" => UserHomedir,
        "user.shell" => UserShell,
        "user.loginuid" => UserLoginuid,
        "user.loginname" => UserLoginname,
        "group.gid" => GroupGid,
        "group.name" => GroupName,
        "container.id" => ContainerId,
        "container.name" => ContainerName,
        "container.image" => ContainerImage,
        "container.type" => ContainerType,
        "container.privileged" => ContainerPrivileged,
        "container.start_ts" => ContainerStartTs,
        "container.duration" => ContainerDuration,
        "container.image.id"
        | "container.image.repository"
        | "container.image.tag"
        | "container.image.digest"
        | "container.mounts"
        | "container.mount"
        | "container.mount.source"
        | "container.mount.dest"
        | "container.mount.mode"
        | "container.mount.rdwr"
        | "container.mount.propagation"
        | "container.healthcheck"
        | "container.liveness_probe"
        | "container.readiness_probe"
        | "container.ip"
        | "container.cni.json"
        | "container.host_network" => ContainerRuntimeInfo,
        "k8s.ns.name"
        | "k8s.pod.name"
        | "k8s.pod.id"
        | "k8s.pod.uid"
        | "k8s.pod.sandbox_id"
        | "k8s.pod.full_sandbox_id"
        | "k8s.pod.label"
        | "k8s.pod.labels"
        | "k8s.pod.ip"
        | "k8s.pod.cni.json" => K8sPodInfo,
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_field_compiles() {
        for info in FIELDS {
            let arg = match info.arg {
                ArgKind::RequiredIndexOrKey | ArgKind::RequiredIndex => Some("0"),
                ArgKind::RequiredKey => Some("fd"),
                _ => None,
            };
            assert!(extractor(info.name, arg).is_some(), "{}", info.name);
        }
        let mut names: Vec<_> = FIELDS.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len(), "duplicate field names");
    }
}
