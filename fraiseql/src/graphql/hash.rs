//! A document's SHA-256: the name persisted queries give a document (Apollo's
//! `extensions.persistedQuery.sha256Hash`, the ids of a persisted-query manifest).

use sha2::{Digest, Sha256};

/// The SHA-256 of a GraphQL document's text, as persisted queries name documents.
///
/// Written as 64 hexadecimal digits; parsing accepts either case and prints lower case.
///
/// ```
/// use fraiseql::graphql::DocumentHash;
/// let hash = DocumentHash::of("{ users { name } }");
/// let text = hash.to_string();
/// assert_eq!(text.len(), 64);
/// assert_eq!(DocumentHash::from_hex(&text.to_uppercase()), Ok(hash));
/// assert!(DocumentHash::from_hex("abc").is_err());           // not 64 digits
/// assert!(DocumentHash::from_hex(&"g".repeat(64)).is_err());  // not hexadecimal
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentHash([u8; 32]);

impl DocumentHash {
    /// The SHA-256 of `document`'s UTF-8 bytes, exactly as given (no normalisation: a client
    /// hashes the very text it would send).
    pub fn of(document: &str) -> Self {
        Self(Sha256::digest(document.as_bytes()).into())
    }

    /// Parses 64 hexadecimal digits (either case); the error says what is wrong, without
    /// repeating the input.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(format!(
                "a SHA-256 hash is 64 hexadecimal digits, not {}",
                text.chars().count()
            ));
        }
        let mut hash = [0; 32];
        for (byte, pair) in hash.iter_mut().zip(bytes.chunks_exact(2)) {
            match (digit(pair[0]), digit(pair[1])) {
                (Some(high), Some(low)) => *byte = high << 4 | low,
                _ => return Err("a SHA-256 hash holds only hexadecimal digits".into()),
            }
        }
        Ok(Self(hash))
    }

    /// Whether this is the hash of `document`.
    pub fn matches(&self, document: &str) -> bool {
        *self == Self::of(document)
    }
}

fn digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

impl std::fmt::Display for DocumentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl std::fmt::Debug for DocumentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DocumentHash({self})")
    }
}

impl std::str::FromStr for DocumentHash {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::from_hex(text)
    }
}

#[cfg(test)]
mod tests {
    use super::DocumentHash;

    #[test]
    fn hashes_are_sha256_in_hexadecimal() {
        // FIPS 180-2's test vector.
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(DocumentHash::of("abc").to_string(), abc);
        assert_eq!(DocumentHash::from_hex(abc), Ok(DocumentHash::of("abc")));
        assert!(DocumentHash::of("abc").matches("abc"));
        assert!(!DocumentHash::of("abc").matches("abc "));
    }

    #[test]
    fn malformed_hashes_are_refused() {
        let good = DocumentHash::of("x").to_string();
        for bad in [
            String::new(),
            good[..63].to_owned(),
            format!("{good}0"),
            format!("{}z", &good[..63]),
            format!(" {}", &good[..63]),
            format!("0x{}", &good[..62]),
            // 64 bytes, 32 characters: not ASCII.
            "é".repeat(32),
        ] {
            assert!(DocumentHash::from_hex(&bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            DocumentHash::from_hex("é".repeat(32).as_str()),
            Err("a SHA-256 hash holds only hexadecimal digits".into())
        );
        assert_eq!(
            DocumentHash::from_hex("abc"),
            Err("a SHA-256 hash is 64 hexadecimal digits, not 3".into())
        );
    }
}
