use super::*;

#[test]
fn native_numbers_are_sorted_and_unique() {
    assert!(all().windows(2).all(|w| w[0].nr < w[1].nr));
}

#[test]
fn unknown_ppm_sc_is_named_unknown() {
    assert_eq!(ppm_sc_name(0), "<unknown>");
    assert_eq!(ppm_sc_name(u16::MAX), "<unknown>");
}
