//! A small, fast, non-cryptographic hasher for integer keys (tids, fds).
//!
//! The tables are keyed by kernel-assigned integers, so SipHash's DoS
//! resistance buys nothing and costs a lot per event. This is the
//! multiply-rotate scheme popularised by Firefox and rustc ("FxHash").

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Multiply-rotate hasher for small integer keys.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_i64(&mut self, n: i64) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn distinct_keys_hash_differently() {
        let h = |n: i64| {
            let mut s = FxHasher::default();
            s.write_i64(n);
            s.finish()
        };
        assert_ne!(h(1), h(2));
        let mut m: FxHashMap<i64, u8> = FxHashMap::default();
        m.insert(7, 1);
        m.insert(-1, 2);
        assert_eq!(m.get(&7), Some(&1));
        assert_eq!(m.get(&-1), Some(&2));
    }
}
