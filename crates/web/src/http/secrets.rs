//! Random tokens and digests (no request, no state: the server secret is made with them).

use sha2::{Digest, Sha256};

/// Fill `buf` from the operating system's generator.
#[allow(clippy::expect_used)] // Without randomness no session, token or code may be made: a guessable one would be a hole, so fail loudly.
pub fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system provides randomness");
}

/// `n` random bytes as lower-case hex.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    fill_random(&mut buf);
    hex(&buf)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}
