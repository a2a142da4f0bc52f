//! Personal data encrypted at rest: AES-256-GCM with keys from a key file that lives apart
//! from the database and its backups, and a keyed hash (HMAC-SHA-256) so that duplicate
//! detection can compare ID numbers without storing them in clear.
//!
//! A sealed value is `gk1:<key id>:<hex of nonce ‖ ciphertext ‖ tag>`; the column it
//! belongs to is the associated data, so a value copied into another column does not
//! open. The key file holds one `<key id> <64 hex digits>` per line: the last line seals,
//! every line opens, so a rotation can add a key, re-seal every row, and prune the old one
//! once every instance has restarted with the new file.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

const PREFIX: &str = "gk1:";
const NONCE_LEN: usize = 12;

/// Why a key file or a sealed value cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("no data key is configured, so personal data can be neither stored nor read (see --data-key-file)")]
    NoKey,
    #[error("the data key file is not valid: {0}")]
    BadKeyFile(String),
    #[error(
        "personal data is sealed with data key {0}, which the configured key file does not hold (configure the key file this database was written with)"
    )]
    UnknownKey(String),
    #[error("a sealed value is damaged or belongs to another column")]
    Damaged,
}

#[derive(Clone)]
struct DataKey {
    id: String,
    cipher: Aes256Gcm,
    /// Key of the blind index, derived from the data key so that one secret is kept.
    index_key: [u8; 32],
}

impl DataKey {
    fn new(id: String, bytes: [u8; 32]) -> Self {
        let mut mac = hmac(&bytes);
        mac.update(b"gongkai blind index v1");
        let index_key: [u8; 32] = mac.finalize().into_bytes().into();
        Self { id, cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)), index_key }
    }
}

#[allow(clippy::expect_used)] // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
fn hmac(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length")
}

/// The data keys of an installation; the last one seals.
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<DataKey>,
    /// The file's text, for rewriting it on rotation.
    lines: Vec<(String, String)>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key bytes.
        f.debug_struct("Keyring").field("ids", &self.ids()).finish()
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // Without randomness no key or nonce may be made: a guessable one would be a hole.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut b).expect("the operating system provides randomness");
    b
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

impl Keyring {
    /// A keyring with one new random key.
    pub fn generate() -> Self {
        let mut k = Self { keys: Vec::new(), lines: Vec::new() };
        k.push_new();
        k
    }

    fn push_new(&mut self) {
        let id = hex(&random::<4>());
        let bytes = random::<32>();
        self.lines.push((id.clone(), hex(&bytes)));
        self.keys.push(DataKey::new(id, bytes));
    }

    /// Read a key file's text.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let mut k = Self { keys: Vec::new(), lines: Vec::new() };
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |why: &str| CryptoError::BadKeyFile(format!("line {}: {why}", n + 1));
            let (id, key) = line.split_once(char::is_whitespace).ok_or_else(|| bad("expected `<key id> <key>`"))?;
            let key = key.trim();
            if id.is_empty() || id.len() > 16 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(bad("the key id must be 1 to 16 letters or digits"));
            }
            let bytes: [u8; 32] = unhex(key)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| bad("the key must be 64 hexadecimal digits (32 bytes)"))?;
            if k.keys.iter().any(|x| x.id == id) {
                return Err(bad("the key id is repeated"));
            }
            k.lines.push((id.to_string(), key.to_ascii_lowercase()));
            k.keys.push(DataKey::new(id.to_string(), bytes));
        }
        if k.keys.is_empty() {
            return Err(CryptoError::BadKeyFile("it holds no key".into()));
        }
        Ok(k)
    }

    /// The file's text: a header that says what it is, then the keys, the sealing one last.
    pub fn to_file_text(&self) -> String {
        let mut s = String::from(
            "# gongkai data keys (personal data in the database is encrypted with them).\n\
             # The last key encrypts; every key decrypts. Keep this file apart from the database\n\
             # and its backups, readable only by the server's account: without it the ID numbers,\n\
             # phones and addresses of applicants cannot be read.\n",
        );
        for (id, key) in &self.lines {
            s.push_str(&format!("{id} {key}\n"));
        }
        s
    }

    /// Read `path`, or create it with a new key (mode 0600) when it does not exist;
    /// `true` when it was created.
    pub fn load_or_create(path: &Path) -> std::io::Result<(Self, bool)> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                Ok((Self::parse(&text).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?, false))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let k = Self::generate();
                // Two servers started together on one database must end with one key:
                // the file is linked into place only if no other process got there first,
                // and the loser reads the winner's file.
                let tmp = k.write_tmp(path)?;
                let linked = std::fs::hard_link(&tmp, path);
                let _ = std::fs::remove_file(&tmp);
                match linked {
                    Ok(()) => Ok((k, true)),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::load_or_create(path),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// The key file's text in a new owner-only file beside `path`, synced to disk.
    fn write_tmp(&self, path: &Path) -> std::io::Result<std::path::PathBuf> {
        use std::io::Write;
        let tmp = path.with_extension(format!("tmp{}", hex(&random::<4>())));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(self.to_file_text().as_bytes())?;
        f.sync_all()?;
        Ok(tmp)
    }

    /// Write the key file atomically (a new file renamed over the old), owner-only.
    pub fn write_to(&self, path: &Path) -> std::io::Result<()> {
        let tmp = self.write_tmp(path)?;
        std::fs::rename(&tmp, path)
    }

    /// A copy with one more, new key, which seals from now on.
    pub fn rotated(&self) -> Self {
        let mut k = self.clone();
        k.push_new();
        k
    }

    /// A copy holding only the keys in `keep` and the sealing key.
    pub fn pruned(&self, keep: &[String]) -> Self {
        let current = self.current_id().to_string();
        let mut k = self.clone();
        let wanted = |id: &str| id == current || keep.iter().any(|x| x == id);
        k.keys.retain(|x| wanted(&x.id));
        k.lines.retain(|(id, _)| wanted(id));
        k
    }

    /// The key ids, the sealing one last.
    pub fn ids(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.id.clone()).collect()
    }

    pub fn current_id(&self) -> &str {
        self.current().id.as_str()
    }

    #[allow(clippy::expect_used)] // Every constructor leaves at least one key.
    fn current(&self) -> &DataKey {
        self.keys.last().expect("a keyring holds a key")
    }

    /// Seal `plain` for `column` with the current key.
    #[allow(clippy::expect_used)] // AES-GCM encryption of an in-memory buffer does not fail.
    pub fn seal(&self, column: &str, plain: &str) -> String {
        let k = self.current();
        let nonce = random::<NONCE_LEN>();
        let ct = k
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain.as_bytes(), aad: column.as_bytes() })
            .expect("encryption of a buffer");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&ct);
        format!("{PREFIX}{}:{}", k.id, hex(&bytes))
    }

    /// Open a stored value of `column`. A value that is not sealed (a row written before
    /// encryption, not yet re-sealed) is returned as it is.
    pub fn open(&self, column: &str, stored: &str) -> Result<String, CryptoError> {
        let Some(rest) = stored.strip_prefix(PREFIX) else { return Ok(stored.to_string()) };
        let (id, body) = rest.split_once(':').ok_or(CryptoError::Damaged)?;
        let k = self.keys.iter().find(|k| k.id == id).ok_or_else(|| CryptoError::UnknownKey(id.to_string()))?;
        let bytes = unhex(body).filter(|b| b.len() > NONCE_LEN).ok_or(CryptoError::Damaged)?;
        let (nonce, ct) = bytes.split_at(NONCE_LEN);
        let plain = k
            .cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: column.as_bytes() })
            .map_err(|_| CryptoError::Damaged)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Damaged)
    }

    /// Whether `stored` is sealed with the current key (else a rotation re-seals it).
    pub fn is_current(&self, stored: &str) -> bool {
        stored.strip_prefix(PREFIX).and_then(|r| r.split_once(':')).is_some_and(|(id, _)| id == self.current_id())
    }

    /// The key id a stored value is sealed with, if it is sealed.
    pub fn sealed_with(stored: &str) -> Option<&str> {
        stored.strip_prefix(PREFIX).and_then(|r| r.split_once(':')).map(|(id, _)| id)
    }

    /// A keyed hash of `parts` with the current key: equal inputs give equal hashes, and
    /// without the key file nothing can be learnt or tested from it.
    pub fn blind_index(&self, parts: &[&str]) -> String {
        let mut mac = hmac(&self.current().index_key);
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p.as_bytes());
        }
        hex(&mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_column() {
        let k = Keyring::generate();
        let s = k.seal("applications.id_number", "440104199001011234");
        assert!(s.starts_with("gk1:") && !s.contains("4401041990"));
        assert_ne!(s, k.seal("applications.id_number", "440104199001011234"), "a fresh nonce each time");
        assert_eq!(k.open("applications.id_number", &s).unwrap(), "440104199001011234");
        assert_eq!(k.open("applications.phone", &s), Err(CryptoError::Damaged), "bound to its column");
        let mut tampered = s.clone();
        tampered.replace_range(s.len() - 2.., if s.ends_with("00") { "01" } else { "00" });
        assert_eq!(k.open("applications.id_number", &tampered), Err(CryptoError::Damaged));
        let other = Keyring::generate();
        assert!(matches!(other.open("applications.id_number", &s), Err(CryptoError::UnknownKey(_))));
        assert_eq!(k.open("applications.id_number", "clear from before").unwrap(), "clear from before");
    }

    #[test]
    fn rotation_keeps_old_keys_for_reading_and_the_file_round_trips() {
        let k = Keyring::generate();
        let old = k.seal("c", "13812345678");
        let r = k.rotated();
        assert_eq!(r.ids().len(), 2);
        assert_ne!(r.current_id(), k.current_id());
        assert_eq!(r.open("c", &old).unwrap(), "13812345678");
        assert!(!r.is_current(&old) && r.is_current(&r.seal("c", "x")));
        let back = Keyring::parse(&r.to_file_text()).unwrap();
        assert_eq!(back.ids(), r.ids());
        assert_eq!(back.open("c", &old).unwrap(), "13812345678");
        let pruned = back.pruned(&[]);
        assert_eq!(pruned.ids(), vec![r.current_id().to_string()]);
        assert!(matches!(pruned.open("c", &old), Err(CryptoError::UnknownKey(_))));
        assert_ne!(k.blind_index(&["id", "1"]), r.blind_index(&["id", "1"]), "the index key follows the data key");
        assert_eq!(r.blind_index(&["ab", "c"]), back.blind_index(&["ab", "c"]));
        assert_ne!(r.blind_index(&["ab", "c"]), r.blind_index(&["a", "bc"]), "parts are length-delimited");
    }

    #[test]
    fn bad_key_files_are_refused_with_the_line() {
        for (text, want) in [
            ("", "no key"),
            ("k1 abcd", "64 hexadecimal digits"),
            ("k1\n", "expected"),
            (&format!("k-1 {}", "0".repeat(64)), "letters or digits"),
            (&format!("k1 {0}\nk1 {0}", "1".repeat(64)), "repeated"),
        ] {
            let e = Keyring::parse(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_created_key_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let path = std::env::temp_dir().join(format!("gongkai-test-{}.key", hex(&random::<8>())));
        let (k, created) = Keyring::load_or_create(&path).unwrap();
        assert!(created);
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let (again, created) = Keyring::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(again.ids(), k.ids());
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn servers_creating_the_key_file_together_end_with_one_key() {
        let path = std::env::temp_dir().join(format!("gongkai-test-{}.key", hex(&random::<8>())));
        let ids: Vec<Vec<String>> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8).map(|_| s.spawn(|| Keyring::load_or_create(&path).unwrap())).collect();
            hs.into_iter().map(|h| h.join().unwrap().0.ids()).collect()
        });
        let on_disk = Keyring::load_or_create(&path).unwrap().0.ids();
        assert!(ids.iter().all(|x| *x == on_disk), "{ids:?} vs {on_disk:?}");
        let dir = path.parent().unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let left: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(&format!("{stem}.tmp")))
            .collect();
        assert!(left.is_empty(), "no temporary files are left behind");
        std::fs::remove_file(&path).unwrap();
    }
}
