use super::*;

#[test]
fn empty_decodes_to_empty_for_every_type() {
    for ty in ParamType::ALL {
        assert_eq!(decode(ty, &[]).unwrap(), ParamValue::Empty, "{ty:?}");
    }
}
