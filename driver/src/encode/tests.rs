use super::*;
use crate::event::EventRef;
use crate::header::HEADER_LEN;

#[test]
fn close_exit_round_trips() {
    let mut out = Vec::new();
    let n = EventBuilder::new(EventCode::CLOSE_X, 7, 9)
        .errno(0)
        .fd(3)
        .finish(&mut out)
        .unwrap();
    assert_eq!(n, out.len());
    assert_eq!(n, HEADER_LEN + 2 * 2 + 16);
    let ev = EventRef::parse(&out).unwrap();
    assert_eq!((ev.ts(), ev.tid(), ev.nparams()), (7, 9, 2));
    assert_eq!(ev.param(1).unwrap().unwrap(), ParamValue::Fd(3));
}

#[test]
fn finish_appends_and_builders_are_reusable() {
    let mut out = vec![0xEE];
    let mut b = EventBuilder::new(EventCode::KILL_X, 1, 2);
    b.errno(0).pid(77).signal(9);
    let first = b.finish(&mut out).unwrap();
    b.reset(EventCode::SETUID_X, 3, 4).errno(0).uid(0);
    let second = b.finish(&mut out).unwrap();
    assert_eq!(out.len(), 1 + first + second);
    let kill = EventRef::parse(&out[1..]).unwrap();
    assert_eq!(kill.param(2).unwrap().unwrap(), ParamValue::Signal(9));
    let setuid = EventRef::parse(&out[1 + first..]).unwrap();
    assert_eq!(setuid.code(), EventCode::SETUID_X);
    assert_eq!(setuid.param(1).unwrap().unwrap(), ParamValue::Uid(0));
}

#[test]
fn schema_check_catches_wrong_types_and_too_many_params() {
    let mut out = Vec::new();
    let mut b = EventBuilder::new(EventCode::CLOSE_X, 1, 1);
    b.str("not an errno");
    assert!(matches!(
        b.check_schema(),
        Err(Error::SchemaMismatch { code: 5, .. })
    ));
    let mut b = EventBuilder::new(EventCode::CLOSE_X, 1, 1);
    b.errno(0).fd(1).fd(2);
    let err = b.check_schema().unwrap_err();
    assert!(err.to_string().contains("3 parameters pushed"), "{err}");
    if cfg!(debug_assertions) {
        assert!(b.finish(&mut out).is_err());
        assert!(out.is_empty(), "nothing is written on failure");
    }
    // Wire-compatible types pass: 0.29.3 called ENUMFLAGS8 params FLAGS8.
    let mut b = EventBuilder::new(EventCode::SHUTDOWN_X, 1, 1);
    b.errno(0).fd(3).flags8(1);
    assert!(b.check_schema().is_ok());
    assert!(EventBuilder::new(EventCode(999), 0, 0)
        .check_schema()
        .is_err());
}

#[test]
fn raw_and_empty_params_skip_the_type_check() {
    let mut out = Vec::new();
    EventBuilder::new(EventCode::OPEN_X, 1, 1)
        .fd(3)
        .empty()
        .raw(&[1, 0, 0, 0])
        .finish(&mut out)
        .unwrap();
    let ev = EventRef::parse(&out).unwrap();
    assert_eq!(ev.param(1).unwrap().unwrap(), ParamValue::Empty);
    assert_eq!(ev.param(2).unwrap().unwrap(), ParamValue::Flags(1));
}

#[test]
fn oversized_params_are_refused_for_u16_lengths() {
    let mut out = Vec::new();
    let big = vec![0u8; 70_000];
    let err = EventBuilder::new(EventCode::WRITE_X, 1, 1)
        .errno(70_000)
        .bytes(&big)
        .finish(&mut out)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ParamTooLarge {
                index: 1,
                len: 70_000,
                max: 65_535,
                ..
            }
        ),
        "{err}"
    );
    assert!(out.is_empty());
}

#[test]
fn push_errors_surface_at_finish() {
    let mut out = Vec::new();
    let err = EventBuilder::new(EventCode::GENERIC_X, 1, 1)
        .push(ParamType::SyscallId, &ParamValue::Str(b"x"))
        .finish(&mut out)
        .unwrap_err();
    assert!(matches!(err, Error::EncodeMismatch { .. }), "{err}");
}

#[test]
fn dyn_params_use_the_tables_alternatives() {
    let mut out = Vec::new();
    EventBuilder::new(EventCode::SETSOCKOPT_X, 1, 1)
        .errno(0)
        .fd(3)
        .enum8(1)
        .enum8(2)
        .dyn_value(2, &ParamValue::Uint(1))
        .u32(4)
        .finish(&mut out)
        .unwrap();
    let ev = EventRef::parse(&out).unwrap();
    assert_eq!(ev.param_bytes(4), Some(&[2, 1, 0, 0, 0][..]));
    assert_eq!(ev.param(4).unwrap().unwrap(), ParamValue::Uint(1));
    let err = EventBuilder::new(EventCode::CLOSE_X, 1, 1)
        .dyn_value(0, &ParamValue::Uint(1))
        .finish(&mut out);
    assert!(err.is_err());
}

#[test]
fn every_current_exit_layout_can_be_built_and_parsed() {
    // Build each table entry with zero/empty values of the declared types.
    for e in crate::all_events().iter().filter(|e| !e.is_unused()) {
        let code = crate::code_by_ident(e.ident).unwrap();
        let mut b = EventBuilder::new(code, 1, 2);
        for p in e.params {
            match p.ty.fixed_width() {
                Some(w) => b.raw(&vec![0u8; w]),
                None => b.empty(),
            };
        }
        let mut out = Vec::new();
        b.finish(&mut out)
            .unwrap_or_else(|err| panic!("{}: {err}", e.ident));
        let ev = EventRef::parse(&out).unwrap();
        assert_eq!(ev.nparams(), e.params.len());
        for i in 0..ev.nparams() {
            ev.param(i)
                .unwrap()
                .unwrap_or_else(|err| panic!("{} param {i}: {err}", e.ident));
        }
    }
}
