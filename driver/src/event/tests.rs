use super::*;

#[test]
fn truncated_input_is_an_error() {
    assert!(EventRef::parse(&[0u8; 10]).is_err());
}
