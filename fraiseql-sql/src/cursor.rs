//! Opaque, signed keyset cursors.
//!
//! A cursor is `base64url(payload) "." base64url(mac)` where the payload is the JSON array of the
//! row's order-key values and key, each as PostgreSQL's own text form, and the MAC is the first
//! 16 bytes of HMAC-SHA256 over a *domain* (the relation and its ordering) and the payload.
//!
//! PostgreSQL computes the cursor of each row inside the statement (with the built-in `sha256`,
//! given the two HMAC pads as bind parameters), so a connection's JSON needs no rewriting in Rust.
//! Decoding verifies the MAC before looking at the payload: a cursor that was altered, or issued
//! for another relation or ordering, is refused — it can never select a wrong page.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::value::{Param, Secret};

const BLOCK: usize = 64;
const MAC_BYTES: usize = 16;
/// Cursors longer than this are refused before any work (a real one has a few values).
const MAX_CURSOR_BYTES: usize = 4096;

/// The secret that signs cursors.
///
/// Every server that must accept another's cursors needs the same key; [`CursorKey::random`]
/// gives cursors that stay valid for the life of the process.
///
/// ```
/// use fraiseql_sql::CursorKey;
/// let key = CursorKey::new(b"a long random secret from the configuration");
/// # let _ = key;
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CursorKey {
    inner_pad: [u8; BLOCK],
    outer_pad: [u8; BLOCK],
}

impl CursorKey {
    /// A key from secret bytes (any length; longer than 64 bytes is hashed, as HMAC specifies).
    pub fn new(secret: &[u8]) -> Self {
        let mut block = [0u8; BLOCK];
        if secret.len() > BLOCK {
            block[..32].copy_from_slice(&Sha256::digest(secret));
        } else {
            block[..secret.len()].copy_from_slice(secret);
        }
        Self {
            inner_pad: block.map(|b| b ^ 0x36),
            outer_pad: block.map(|b| b ^ 0x5c),
        }
    }

    /// A key of 244 random bits from the operating system's generator.
    pub fn random() -> Self {
        let mut secret = [0u8; 32];
        secret[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        secret[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self::new(&secret)
    }

    /// HMAC-SHA256 of `domain`, a zero byte and `payload`, truncated to 16 bytes.
    fn mac(&self, domain: &str, payload: &[u8]) -> [u8; MAC_BYTES] {
        let inner = Sha256::new()
            .chain_update(self.inner_pad)
            .chain_update(domain.as_bytes())
            .chain_update([0])
            .chain_update(payload)
            .finalize();
        let outer = Sha256::new()
            .chain_update(self.outer_pad)
            .chain_update(inner)
            .finalize();
        let mut mac = [0u8; MAC_BYTES];
        mac.copy_from_slice(&outer[..MAC_BYTES]);
        mac
    }

    /// The two params PostgreSQL needs to sign payloads for `domain`: the inner pad followed by
    /// the domain and a zero byte, and the outer pad.
    pub(crate) fn sql_pads(&self, domain: &str) -> (Param, Param) {
        let mut inner = self.inner_pad.to_vec();
        inner.extend_from_slice(domain.as_bytes());
        inner.push(0);
        (
            Param::Secret(Secret(inner)),
            Param::Secret(Secret(self.outer_pad.to_vec())),
        )
    }

    /// Makes a cursor for `values` that [`CursorKey::decode`] accepts. PostgreSQL makes the
    /// same kind inside statements; its JSON is spaced differently, so the text differs.
    pub fn encode(&self, domain: &str, values: &[Option<String>]) -> String {
        let json = serde_json::to_string(values).expect("strings always serialize");
        let payload = URL_SAFE_NO_PAD.encode(json);
        let mac = URL_SAFE_NO_PAD.encode(self.mac(domain, payload.as_bytes()));
        format!("{payload}.{mac}")
    }

    /// Verifies `cursor` for `domain` and returns its values (text forms, `None` for null).
    pub fn decode(&self, domain: &str, cursor: &str, arity: usize) -> Result<Vec<Option<String>>> {
        if cursor.len() > MAX_CURSOR_BYTES {
            return Err(Error::InvalidCursor("it is too long"));
        }
        let (payload, mac) = cursor
            .split_once('.')
            .ok_or(Error::InvalidCursor("it is not a cursor of this API"))?;
        let mac = URL_SAFE_NO_PAD
            .decode(mac)
            .map_err(|_| Error::InvalidCursor("it is not a cursor of this API"))?;
        let expected = self.mac(domain, payload.as_bytes());
        // Compare every byte so timing does not reveal how much of a forged MAC was right.
        let same = mac.len() == MAC_BYTES
            && mac
                .iter()
                .zip(expected)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return Err(Error::InvalidCursor(
                "it was altered, or issued for another list or ordering",
            ));
        }
        let json = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| Error::InvalidCursor("malformed payload"))?;
        let values: Vec<Option<String>> =
            serde_json::from_slice(&json).map_err(|_| Error::InvalidCursor("malformed payload"))?;
        if values.len() != arity {
            return Err(Error::InvalidCursor("it does not match this ordering"));
        }
        Ok(values)
    }
}

impl fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

/// The SQL expression computing a row's cursor from the text forms of its keys (`parts`), with
/// `inner`/`outer` the placeholders of [`CursorKey::sql_pads`].
pub(crate) fn sql_cursor(parts: &[String], inner: &str, outer: &str) -> String {
    let payload = format!(
        "translate(encode(convert_to(json_build_array({})::text, 'UTF8'), 'base64'), E'+/=\\n', '-_')",
        parts.join(", ")
    );
    format!(
        "(SELECT c.p || '.' || translate(encode(substring(sha256({outer} || sha256({inner} || convert_to(c.p, 'UTF8'))) FROM 1 FOR {MAC_BYTES}), 'base64'), '+/=', '-_') FROM (SELECT {payload} AS p) AS c)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_never_print() {
        let (inner, outer) = CursorKey::new(b"secret").sql_pads("d");
        assert_eq!(
            format!("{inner:?} {outer:?}"),
            "Secret(Secret(..)) Secret(Secret(..))"
        );
        assert_eq!(format!("{:?}", CursorKey::new(b"secret")), "CursorKey(..)");
    }

    #[test]
    fn round_trip_and_tamper() {
        let key = CursorKey::new(b"secret");
        let values = vec![Some("Ada".to_owned()), None, Some("1".to_owned())];
        let cursor = key.encode("tv_user|name", &values);
        assert_eq!(key.decode("tv_user|name", &cursor, 3).unwrap(), values);
        assert!(
            key.decode("tv_user|age", &cursor, 3).is_err(),
            "other domain"
        );
        assert!(
            key.decode("tv_user|name", &cursor, 2).is_err(),
            "other arity"
        );
        assert!(
            CursorKey::new(b"other")
                .decode("tv_user|name", &cursor, 3)
                .is_err()
        );
        let (payload, mac) = cursor.split_once('.').unwrap();
        let forged = key.encode("x", &[Some("Bob".into()), None, Some("1".into())]);
        let forged_payload = forged.split_once('.').unwrap().0;
        assert!(
            key.decode("tv_user|name", &format!("{forged_payload}.{mac}"), 3)
                .is_err()
        );
        assert!(key.decode("tv_user|name", payload, 3).is_err());
        assert!(key.decode("tv_user|name", "", 3).is_err());
        assert!(key.decode("tv_user|name", &"a".repeat(5000), 3).is_err());
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        // HMAC-SHA256(key = "Jefe", "what do ya want for nothing?"), split as domain + NUL + payload
        // is not the RFC's message, so check the construction through an empty-domain-free path.
        let key = CursorKey::new(b"Jefe");
        let inner = Sha256::new()
            .chain_update(key.inner_pad)
            .chain_update(b"what do ya want for nothing?")
            .finalize();
        let outer = Sha256::new()
            .chain_update(key.outer_pad)
            .chain_update(inner)
            .finalize();
        let hex: String = outer.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
