//! Server processes under measurement: started, waited for, measured from `/proc` (resident
//! memory and CPU time of the whole process tree, so Strawberry's workers count) and stopped.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use crate::serve;

/// A running server, killed (with its whole process tree) on drop.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Our own servers' stdout, kept open so that a later line does not hit a closed pipe.
    _output: Option<BufReader<ChildStdout>>,
}

impl Server {
    /// This binary again, as the server `role` (see `serve.rs`); `floor` is what the floor
    /// answers (a JSON array of `serve::FloorRequest`).
    pub fn own(role: &str, database: &str, floor: &str) -> std::io::Result<Server> {
        let mut command = Command::new(std::env::current_exe()?);
        command
            .env(serve::ROLE, role)
            .env(serve::DATABASE, database)
            .env(serve::BODIES, floor);
        Server::listening(command, role)
    }

    /// A peer server of `benches/peers`, built at `binary`.
    pub fn peer(binary: &Path, database: &str) -> std::io::Result<Server> {
        let mut command = Command::new(binary);
        command.env(serve::DATABASE, database);
        Server::listening(command, &binary.display().to_string())
    }

    /// Starts `command`, which prints `listening <addr>` first.
    fn listening(mut command: Command, name: &str) -> std::io::Result<Server> {
        let mut child = command.stdout(Stdio::piped()).spawn()?;
        let mut line = String::new();
        let mut output = BufReader::new(child.stdout.take().expect("piped stdout"));
        output.read_line(&mut line)?;
        let addr = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|a| a.parse().ok());
        let Some(addr) = addr else {
            let _ = child.kill();
            return Err(std::io::Error::other(format!(
                "{name} did not start: {line:?}"
            )));
        };
        Ok(Server {
            child,
            addr,
            _output: Some(output),
        })
    }

    /// Strawberry under uvicorn from `venv`, `mode` being `naive` or `dataloader`.
    pub fn strawberry(venv: &Path, mode: &str, database: &str) -> std::io::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/strawberry");
        let child = Command::new(venv.join("bin/uvicorn"))
            .current_dir(app)
            .env("DATABASE_URL", database)
            .env("STRAWBERRY_MODE", mode)
            .args([
                "app:app",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .args(["--workers", "2", "--loop", "uvloop", "--http", "httptools"])
            .args(["--no-access-log", "--log-level", "warning"])
            .spawn()?;
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            _output: None,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(server.addr).is_err() {
            if let Some(status) = server.child.try_wait()? {
                return Err(std::io::Error::other(format!("uvicorn exited: {status}")));
            }
            if Instant::now() > deadline {
                return Err(std::io::Error::other("Strawberry did not start in 60 s"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    /// The server's process tree, for measuring it.
    pub fn tree(&self) -> Tree {
        Tree(self.child.id())
    }
}

/// A process and its descendants (a server, or PostgreSQL's postmaster and its backends).
pub struct Tree(pub u32);

impl Tree {
    /// The postmaster serving `client`'s connection, when it runs on this machine.
    pub async fn postgres(client: &tokio_postgres::Client) -> Option<Tree> {
        let backend: i32 = client
            .query_one("SELECT pg_backend_pid()", &[])
            .await
            .ok()?
            .get(0);
        let postmaster = stat_fields(u32::try_from(backend).ok()?)?
            .get(1)?
            .parse()
            .ok()?;
        Some(Tree(postmaster))
    }

    /// Resident memory of the process and its descendants: summed RSS (pages shared between
    /// them counted in each), and proportional set size (Strawberry's workers share their
    /// libraries: PSS counts such pages once).
    pub fn memory(&self) -> Memory {
        let mut memory = Memory::default();
        for pid in self.pids() {
            let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
                continue;
            };
            let kib = |key: &str| -> u64 {
                rollup
                    .lines()
                    .find(|l| l.starts_with(key))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
                    .unwrap_or(0)
            };
            memory.rss += kib("Rss:") * 1024;
            memory.pss += kib("Pss:") * 1024;
        }
        memory
    }

    /// CPU time (user + system) the process and its live descendants have used.
    pub fn cpu_time(&self) -> Duration {
        let ticks: u64 = self
            .pids()
            .iter()
            .filter_map(|pid| stat_fields(*pid))
            .map(|fields| {
                let field = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
                // utime and stime, fields 14 and 15 of /proc/<pid>/stat (11 and 12 after
                // the command name).
                field(11).unwrap_or(0) + field(12).unwrap_or(0)
            })
            .sum();
        Duration::from_secs_f64(ticks as f64 / clock_ticks_per_second())
    }

    /// The process and every descendant, by walking parent pids.
    fn pids(&self) -> Vec<u32> {
        let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter_map(|pid| Some((pid, stat_fields(pid)?.get(1)?.parse().ok()?)))
            .collect();
        let mut tree = vec![self.0];
        let mut next = 0;
        while next < tree.len() {
            let parent = tree[next];
            tree.extend(
                parents
                    .iter()
                    .filter(|(_, p)| *p == parent)
                    .map(|(pid, _)| pid),
            );
            next += 1;
        }
        tree
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        for pid in self.tree().pids() {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        let _ = self.child.wait();
    }
}

/// The fields of `/proc/<pid>/stat` after the command name (which may hold spaces): state,
/// ppid, ….
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok()?.trim().parse().ok())
        .unwrap_or(100.0)
}

/// A process tree's resident memory, in bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub rss: u64,
    pub pss: u64,
}
