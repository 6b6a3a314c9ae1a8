//! The rest of a request body the endpoint will not serve (over the limit, or refused before it
//! was read), read and thrown away so that a client still writing it can read the answer.
//!
//! A plain blocking client (Python's `http.client`, many SDKs) writes its whole request before it
//! reads anything. A server that answers early and closes with part of the body unread makes the
//! kernel reset the connection: the client's write fails with a broken pipe or a reset and it
//! never sees the answer. Reading the rest first, within a bound of bytes and of time, lets such
//! a client finish writing and then read the answer; past either bound the server stops reading
//! and closes, which is what a body too large to be worth reading deserves.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};

/// Default most bytes of a refused request body read (and thrown away) before answering: 16 MiB,
/// counted from the body's first byte.
pub const DEFAULT_DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// Default longest time spent reading (and throwing away) a refused request body: 10 s.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of a refused body to read, at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Bound {
    /// Most bytes, counted from the body's first byte.
    pub(super) bytes: usize,
    /// Longest time.
    pub(super) time: Duration,
}

impl Default for Bound {
    fn default() -> Self {
        Self {
            bytes: DEFAULT_DRAIN_LIMIT,
            time: DEFAULT_DRAIN_TIMEOUT,
        }
    }
}

impl Bound {
    /// Reads `stream` to its end and throws it away, `read` bytes of the body having been read
    /// already. `true` when the body ended within the bound (the connection can be reused);
    /// `false` when it ran past the bound's bytes or time, or could not be read.
    pub(super) async fn discard<S, E>(self, mut stream: Pin<&mut S>, read: usize) -> bool
    where
        S: Stream<Item = Result<Bytes, E>> + ?Sized,
    {
        let mut read = read;
        let drain = async {
            if read > self.bytes {
                return false;
            }
            while let Some(chunk) = stream.next().await {
                let Ok(chunk) = chunk else {
                    return false;
                };
                read = read.saturating_add(chunk.len());
                if read > self.bytes {
                    return false;
                }
            }
            true
        };
        tokio::time::timeout(self.time, drain)
            .await
            .unwrap_or(false)
    }

    /// Whether a body of `content_length` bytes is worth reading at all.
    pub(super) fn admits(self, content_length: Option<u64>) -> bool {
        content_length.is_none_or(|length| length <= self.bytes as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(sizes: &[usize]) -> impl Stream<Item = Result<Bytes, ()>> {
        let chunks: Vec<_> = sizes
            .iter()
            .map(|&n| Ok(Bytes::from(vec![b'x'; n])))
            .collect();
        futures_util::stream::iter(chunks)
    }

    fn bound(bytes: usize) -> Bound {
        Bound {
            bytes,
            time: Duration::from_secs(5),
        }
    }

    #[tokio::test]
    async fn a_body_within_the_bound_is_read_to_its_end() {
        let stream = std::pin::pin!(chunks(&[10, 10, 10]));
        assert!(bound(40).discard(stream, 10).await);
        let stream = std::pin::pin!(chunks(&[10, 10]));
        assert!(bound(30).discard(stream, 10).await, "exactly at the bound");
    }

    #[tokio::test]
    async fn a_body_past_the_bound_or_broken_is_not() {
        let stream = std::pin::pin!(chunks(&[10, 10, 11]));
        assert!(!bound(40).discard(stream, 10).await);
        // Already past the bound: nothing more is read.
        let never = futures_util::stream::pending::<Result<Bytes, ()>>();
        assert!(!bound(40).discard(std::pin::pin!(never), 41).await);
        let broken = futures_util::stream::iter([Ok(Bytes::from_static(b"x")), Err(())]);
        assert!(!bound(40).discard(std::pin::pin!(broken), 0).await);
    }

    #[tokio::test]
    async fn a_body_that_never_ends_stops_at_the_time_bound() {
        let forever = futures_util::stream::pending::<Result<Bytes, ()>>();
        let bound = Bound {
            bytes: 100,
            time: Duration::from_millis(50),
        };
        assert!(!bound.discard(std::pin::pin!(forever), 0).await);
    }

    #[test]
    fn a_known_length_past_the_bound_is_not_read() {
        assert!(bound(100).admits(None));
        assert!(bound(100).admits(Some(100)));
        assert!(!bound(100).admits(Some(101)));
    }
}
