//! A closed-loop HTTP/1.1 load generator over loopback: `connections` keep-alive connections,
//! each sending its next request as soon as the previous answer is read, for a fixed time.
//! It is deliberately tiny (one request line, `content-length` or chunked bodies) so that it
//! costs the machine little next to the server it measures.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// What one timed run measured.
pub struct Measured {
    /// Every request's latency, sorted (those still in flight at the deadline included).
    pub latencies: Vec<Duration>,
    /// Requests answered within the run's window.
    pub completed: usize,
    /// The window: from all connections open to the deadline.
    pub window: Duration,
    /// Answers that were not `200` with `data`, no `errors` and the operation's expected part.
    pub failures: usize,
}

impl Measured {
    /// The latency below which `q` of the requests finished (`q` in 0..=1).
    pub fn percentile(&self, q: f64) -> Duration {
        let last = self.latencies.len().saturating_sub(1);
        let at = ((last as f64) * q).round() as usize;
        self.latencies.get(at).copied().unwrap_or_default()
    }

    /// Requests answered per second of the window.
    pub fn throughput(&self) -> f64 {
        self.completed as f64 / self.window.as_secs_f64()
    }
}

/// No answer within this is an error (a stalled server must not hang the benchmark).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `connections` connections against `POST http://addr/path` for `duration`; `bodies(n)`
/// is the `n`-th request's body (`n` counts across all connections of the run), and a good
/// answer contains `expected`.
pub async fn run(
    addr: SocketAddr,
    path: &str,
    bodies: &(impl Fn(usize) -> String + Sync),
    expected: &str,
    connections: usize,
    duration: Duration,
) -> std::io::Result<Measured> {
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let mut open = Vec::with_capacity(connections);
    for _ in 0..connections {
        open.push(Connection::open(addr).await?);
    }
    // The clock starts once every connection is open; answers after the deadline are timed
    // but not counted in the throughput, which is over exactly `duration`.
    let start = Instant::now();
    let deadline = start + duration;
    let runs = open.into_iter().map(|mut connection| {
        let counter = &counter;
        async move {
            let (mut latencies, mut completed, mut failures) = (Vec::new(), 0, 0);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let request = request(addr, path, &bodies(n));
                let sent = Instant::now();
                let (status, body) = connection.exchange(&request).await?;
                let answered_at = Instant::now();
                latencies.push(answered_at - sent);
                completed += usize::from(answered_at <= deadline);
                failures += usize::from(!answered(status, &body, expected));
            }
            Ok::<_, std::io::Error>((latencies, completed, failures))
        }
    });
    let mut measured = Measured {
        latencies: Vec::new(),
        completed: 0,
        window: duration,
        failures: 0,
    };
    for result in futures_util::future::join_all(runs).await {
        let (latencies, completed, failures) = result?;
        measured.latencies.extend(latencies);
        measured.completed += completed;
        measured.failures += failures;
    }
    measured.latencies.sort_unstable();
    Ok(measured)
}

/// Sends one request on a fresh connection and returns the status and body.
pub async fn send(addr: SocketAddr, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let (status, body) = Connection::open(addr)
        .await?
        .exchange(&request(addr, path, body))
        .await?;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// A GraphQL answer with data, without errors (the bodies here never contain the bytes
/// `"errors"` otherwise) and with the `expected` part (M1: the created user, not a refusal).
fn answered(status: u16, body: &[u8], expected: &str) -> bool {
    let contains = |part: &[u8]| part.is_empty() || body.windows(part.len()).any(|w| w == part);
    status == 200
        && body.starts_with(b"{\"data\":")
        && !contains(b"\"errors\"")
        && contains(expected.as_bytes())
}

/// A POST acting in the benchmark's tenant (fraiseql's bench server sets it itself; Strawberry
/// reads the header, as the blog's example servers do).
fn request(addr: SocketAddr, path: &str, body: &str) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         accept: application/json\r\nx-tenant-id: {}\r\ncontent-length: {}\r\n\r\n",
        crate::workload::TENANT,
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body.as_bytes());
    request
}

struct Connection {
    stream: BufReader<TcpStream>,
    line: String,
}

impl Connection {
    async fn open(addr: SocketAddr) -> std::io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream: BufReader::new(stream),
            line: String::new(),
        })
    }

    async fn exchange(&mut self, request: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
        tokio::time::timeout(ANSWER_TIMEOUT, self.exchange_untimed(request))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in 30 s"))?
    }

    async fn exchange_untimed(&mut self, request: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
        self.stream.get_mut().write_all(request).await?;
        let status = self.read_line().await?;
        let status: u16 = status
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| invalid(format!("a status line, got {status:?}")))?;
        let (mut length, mut chunked) = (None, false);
        loop {
            let header = self.read_line().await?.to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            if let Some(value) = header.strip_prefix("content-length:") {
                length = Some(value.trim().parse().map_err(|_| invalid(header.clone()))?);
            } else if header.starts_with("transfer-encoding:") && header.contains("chunked") {
                chunked = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let size = self.read_line().await?;
                let size = usize::from_str_radix(size.split(';').next().unwrap_or(""), 16)
                    .map_err(|_| invalid(format!("a chunk size, got {size:?}")))?;
                self.read_exact_into(&mut body, size).await?;
                self.read_line().await?;
                if size == 0 {
                    break;
                }
            }
        } else {
            let length = length.ok_or_else(|| invalid("a content-length".into()))?;
            self.read_exact_into(&mut body, length).await?;
        }
        Ok((status, body))
    }

    async fn read_exact_into(&mut self, body: &mut Vec<u8>, n: usize) -> std::io::Result<()> {
        let start = body.len();
        body.resize(start + n, 0);
        self.stream.read_exact(&mut body[start..]).await.map(drop)
    }

    /// The next line without its CRLF.
    async fn read_line(&mut self) -> std::io::Result<&str> {
        self.line.clear();
        if self.stream.read_line(&mut self.line).await? == 0 {
            return Err(invalid("the server closed the connection".into()));
        }
        Ok(self.line.trim_end_matches(['\r', '\n']))
    }
}

fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}
