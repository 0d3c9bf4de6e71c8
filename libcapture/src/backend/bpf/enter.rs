//! Enter events for older readers, synthesised from exit events.
//!
//! The probe captures at syscall exit only (the arguments are still in the
//! registers then), which halves its cost. sysdig 0.29.3's state engine still
//! expects the enter event of a pair (a `socket` exit without its enter adds
//! no fd; a lone `setuid` exit is not shown), so a recorder that writes for
//! those readers puts the matching enter event in front of each exit.
//!
//! The enter event gets the exit's timestamp and thread. Each of its params
//! (as many as sysdig 0.29.3's table declares) is copied by name from the
//! exit event; a param the exit lacks gets its type's neutral value
//! (0, `-1` for fds, `0xFFFFFFFF` for uids and gids, empty for strings), never
//! an empty numeric param, which 0.29.3 would misread.

use driver::{event_info, EventRef, ParamExtra, ParamInfo, ParamType};

/// Event codes whose enter event is never synthesised: the enter layout is
/// produced elsewhere or carries nothing a reader needs from it.
const NO_ENTER: &[u16] = &[
    186, // procexit is not a syscall
];

/// Writes the enter event matching `exit` into `out` (cleared first) and
/// returns `true`, or returns `false` when `exit` has no enter counterpart.
pub fn synthesize_enter(exit: &EventRef<'_>, out: &mut Vec<u8>) -> bool {
    out.clear();
    let code = exit.code().0;
    if code & 1 == 0 || NO_ENTER.contains(&code) {
        return false;
    }
    let Some(enter) = event_info(code - 1) else {
        return false;
    };
    let Some(exit_info) = exit.info() else {
        return false;
    };
    if enter.is_unused() || !enter.is_syscall() || enter.large_payload() {
        return false;
    }
    let nparams = enter.legacy_nparams.map_or(enter.params.len(), usize::from);
    let params = &enter.params[..nparams.min(enter.params.len())];
    let mut values: Vec<Vec<u8>> = Vec::with_capacity(params.len());
    for param in params {
        let copied = exit_info
            .param_index(param.name)
            .filter(|&i| {
                exit_info
                    .params
                    .get(i)
                    .is_some_and(|p| same_meaning(p, param))
            })
            .and_then(|i| exit.param_bytes(i))
            .filter(|bytes| !bytes.is_empty() || !is_fixed(param.ty));
        values.push(copied.map_or_else(|| neutral(param.ty), <[u8]>::to_vec));
    }
    encode(out, exit.ts(), exit.tid(), code - 1, &values)
}

fn encode(out: &mut Vec<u8>, ts: u64, tid: u64, code: u16, values: &[Vec<u8>]) -> bool {
    let total = 26 + values.len() * 2 + values.iter().map(Vec::len).sum::<usize>();
    let (Ok(len), Ok(nparams)) = (u32::try_from(total), u32::try_from(values.len())) else {
        return false;
    };
    if values.iter().any(|v| v.len() > usize::from(u16::MAX)) {
        return false;
    }
    out.extend_from_slice(&ts.to_le_bytes());
    out.extend_from_slice(&tid.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&nparams.to_le_bytes());
    for value in values {
        out.extend_from_slice(&(value.len() as u16).to_le_bytes());
    }
    for value in values {
        out.extend_from_slice(value);
    }
    true
}

/// Whether an exit param can stand for the enter param of the same name:
/// the same type and, for flags, the same flag table. execveat's exit
/// `flags` are `PPM_EXE_*` facts about the executable, its enter `flags`
/// the call's `AT_*` flags: copied, they would show a flag never passed.
fn same_meaning(exit: &ParamInfo, enter: &ParamInfo) -> bool {
    exit.ty == enter.ty
        && match (exit.info, enter.info) {
            (ParamExtra::Flags(a), ParamExtra::Flags(b)) => a == b,
            _ => true,
        }
}

/// Whether a type has a fixed width (and so must not be written empty for 0.29.3).
fn is_fixed(ty: ParamType) -> bool {
    !neutral(ty).is_empty()
}

/// The neutral value of a type.
fn neutral(ty: ParamType) -> Vec<u8> {
    use ParamType as T;
    match ty {
        T::Int8
        | T::Uint8
        | T::SigType
        | T::L4Proto
        | T::SockFamily
        | T::Flags8
        | T::EnumFlags8 => {
            vec![0]
        }
        T::Int16 | T::Uint16 | T::Port | T::Flags16 | T::EnumFlags16 | T::SyscallId => vec![0; 2],
        T::Int32
        | T::Uint32
        | T::Bool
        | T::Flags32
        | T::EnumFlags32
        | T::Mode
        | T::SigSet
        | T::Ipv4Addr
        | T::Pid32 => vec![0; 4],
        T::Fd32 => (-1i32).to_le_bytes().to_vec(),
        T::Uid | T::Gid => u32::MAX.to_le_bytes().to_vec(),
        T::Int64 | T::Uint64 | T::Errno | T::Pid | T::RelTime | T::AbsTime | T::Double => {
            vec![0; 8]
        }
        T::Fd => (-1i64).to_le_bytes().to_vec(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test data is fixed")]
mod tests {
    use super::*;

    /// Builds an event by hand: header, u16 lengths, params.
    fn event(code: u16, params: &[&[u8]]) -> Vec<u8> {
        let values: Vec<Vec<u8>> = params.iter().map(|p| p.to_vec()).collect();
        let mut out = Vec::new();
        assert!(encode(&mut out, 1000, 42, code, &values));
        out
    }

    #[test]
    fn setuid_enter_takes_the_uid_from_the_exit() {
        // SETUID_X (199): res, uid.
        let exit = event(199, &[&(-1i64).to_le_bytes(), &0u32.to_le_bytes()]);
        let exit = EventRef::parse(&exit).unwrap();
        let mut out = Vec::new();
        assert!(synthesize_enter(&exit, &mut out));
        let enter = EventRef::parse(&out).unwrap();
        assert_eq!(enter.code().0, 198);
        assert_eq!((enter.ts(), enter.tid(), enter.nparams()), (1000, 42, 1));
        assert_eq!(enter.param_bytes(0).unwrap(), &0u32.to_le_bytes());
    }

    #[test]
    fn socket_enter_copies_domain_type_and_protocol() {
        // SOCKET_X (19): fd, domain, type, proto, flags.
        let exit = event(
            19,
            &[
                &3i64.to_le_bytes(),
                &2u32.to_le_bytes(),
                &1u32.to_le_bytes(),
                &6u32.to_le_bytes(),
                &0u32.to_le_bytes(),
            ],
        );
        let exit = EventRef::parse(&exit).unwrap();
        let mut out = Vec::new();
        assert!(synthesize_enter(&exit, &mut out));
        let enter = EventRef::parse(&out).unwrap();
        assert_eq!(enter.code().0, 18);
        assert_eq!(enter.nparams(), 3);
        assert_eq!(enter.param_bytes(0).unwrap(), &2u32.to_le_bytes());
        assert_eq!(enter.param_bytes(2).unwrap(), &6u32.to_le_bytes());
    }

    #[test]
    fn execveat_enter_takes_no_flags_from_the_exe_flags() {
        // EXECVEAT_X (331): res, then 29 params; flags (PPM_EXE_WRITABLE) is the 20th.
        let info = event_info(331).unwrap();
        let flags_at = info.param_index("flags").unwrap();
        let params: Vec<Vec<u8>> = info
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| match i {
                _ if i == flags_at => 1u32.to_le_bytes().to_vec(),
                _ => neutral(p.ty),
            })
            .collect();
        let params: Vec<&[u8]> = params.iter().map(Vec::as_slice).collect();
        let exit = event(331, &params);
        let mut out = Vec::new();
        assert!(synthesize_enter(&EventRef::parse(&exit).unwrap(), &mut out));
        let enter = EventRef::parse(&out).unwrap();
        assert_eq!(enter.code().0, 330);
        // dirfd, pathname, flags: none of them is in the exit event.
        assert_eq!(enter.param_bytes(0).unwrap(), &(-1i64).to_le_bytes());
        assert_eq!(enter.param_bytes(2).unwrap(), &0u32.to_le_bytes());
    }

    #[test]
    fn procexit_and_enter_events_get_no_enter() {
        let exit = event(
            186,
            &[
                &0i64.to_le_bytes(),
                &0i64.to_le_bytes(),
                &[0],
                &[0],
                &0i64.to_le_bytes(),
            ],
        );
        let mut out = Vec::new();
        assert!(!synthesize_enter(
            &EventRef::parse(&exit).unwrap(),
            &mut out
        ));
        let enter = event(198, &[&0u32.to_le_bytes()]);
        assert!(!synthesize_enter(
            &EventRef::parse(&enter).unwrap(),
            &mut out
        ));
    }
}
