use super::*;
use crate::event::EventRef;

#[test]
fn close_exit_round_trips() {
    let mut out = Vec::new();
    EventBuilder::new(EventCode::CLOSE_X, 7, 9)
        .errno(0)
        .fd(3)
        .finish(&mut out)
        .unwrap();
    let ev = EventRef::parse(&out).unwrap();
    assert_eq!(ev.nparams(), 2);
    assert_eq!(ev.param(1).unwrap().unwrap(), ParamValue::Fd(3));
}
