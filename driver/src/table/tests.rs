use super::*;

#[test]
fn codes_resolve_to_their_entries() {
    let e = event_info(EventCode::OPENAT_2_E.0).unwrap();
    assert_eq!(e.name, "openat");
    assert_eq!(e.ident, "OPENAT_2_E");
    assert_eq!(event_info(EVENT_COUNT as u16), None);
}
