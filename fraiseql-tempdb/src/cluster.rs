//! A throwaway PostgreSQL cluster: `initdb` into a temporary directory, `postgres` listening only
//! on a Unix socket in that directory, and a watchdog that stops it and removes the directory
//! when the owning process goes away, however it goes (normal exit, panic, Ctrl-C, SIGKILL).

use std::fs;
use std::io::{ErrorKind, Read as _};
use std::os::unix::fs::{DirBuilderExt, chown};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::error::Error;

/// Generous: many test processes may start clusters at once on a loaded CI machine.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The port in the socket's name (`.s.PGSQL.<port>`); nothing listens on TCP.
pub(crate) const PORT: u16 = 5432;

/// A running throwaway cluster. Dropping it stops the server and removes its directory.
#[derive(Debug)]
pub(crate) struct Cluster {
    dir: PathBuf,
    /// The watchdog's stdin: closing it (on drop, or when this process dies) triggers cleanup.
    watchdog_stdin: Option<ChildStdin>,
    watchdog: Child,
    server: Child,
}

impl Cluster {
    /// The directory holding the data directory and the server's socket.
    pub(crate) fn socket_dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn start() -> Result<Self, Error> {
        let bindir = bindir()?;
        let owner = server_user()?;
        let dir = fresh_dir(owner)?;
        let cleanup_dir = dir.clone();
        let result = start_in(&bindir, &dir, owner);
        if result.is_err() {
            let _ = fs::remove_dir_all(&cleanup_dir);
        }
        result
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Normally the watchdog does the work; should it have died, do it here instead.
        let watchdog_alive = matches!(self.watchdog.try_wait(), Ok(None));
        drop(self.watchdog_stdin.take());
        if !watchdog_alive {
            let _ = self.server.kill();
        }
        // Reaping the server lets the watchdog see it gone.
        let _ = self.server.wait();
        let _ = self.watchdog.wait();
        if !watchdog_alive {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// The lines put first in a throwaway cluster's `pg_hba.conf` (see `Server::start_temporary`).
const PASSWORD_ROLES: &str = "\
local all password_scram scram-sha-256
local all password_md5 md5
local all password_clear password
";

fn start_in(bindir: &Path, dir: &Path, owner: Option<(u32, u32)>) -> Result<Cluster, Error> {
    let data = dir.join("data");
    let as_owner = |command: &mut Command| {
        if let Some((uid, gid)) = owner {
            command.uid(uid).gid(gid);
        }
        command.current_dir(dir);
    };

    let mut initdb = Command::new(bindir.join("initdb"));
    initdb.arg("-D").arg(&data).args([
        "-U",
        "postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
    ]);
    as_owner(&mut initdb);
    let output = initdb.output().map_err(|e| {
        Error::Unavailable(format!(
            "cannot run {}: {e}",
            bindir.join("initdb").display()
        ))
    })?;
    if !output.status.success() {
        return Err(Error::Cluster(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }

    // Roles of these names log in with a password, by each method PostgreSQL offers, so that
    // clients' authentication can be tested; every other role is trusted.
    let hba = data.join("pg_hba.conf");
    let trusted =
        fs::read_to_string(&hba).map_err(|e| Error::Cluster(format!("pg_hba.conf: {e}")))?;
    fs::write(&hba, format!("{PASSWORD_ROLES}{trusted}"))
        .map_err(|e| Error::Cluster(format!("pg_hba.conf: {e}")))?;

    let log_path = dir.join("postgres.log");
    let log = fs::File::create(&log_path).map_err(|e| Error::Cluster(format!("log file: {e}")))?;
    let mut postgres = Command::new(bindir.join("postgres"));
    postgres
        .arg("-D")
        .arg(&data)
        .arg("-k")
        .arg(dir)
        // Explicit, so a PGPORT in the environment cannot move the socket.
        .args(["-p", &PORT.to_string()])
        .args(["-c", "listen_addresses="])
        // A throwaway cluster needs no durability; these make tests much faster.
        .args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ])
        .args(["-c", "max_connections=300"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        // Its own process group: a Ctrl-C aimed at the test runner must not kill it before
        // the watchdog has cleaned up.
        .process_group(0);
    as_owner(&mut postgres);
    let mut server = postgres
        .spawn()
        .map_err(|e| Error::Cluster(format!("cannot run postgres: {e}")))?;

    // The watchdog waits for EOF on its stdin, which happens when we drop it or exit.
    let mut watchdog = Command::new("sh")
        .arg("-c")
        .arg(
            // On EOF: immediate shutdown (what `pg_ctl stop -m immediate` sends), wait at most
            // ~30 s until the server is gone (or a zombie awaiting its parent), then remove it all.
            r#"read line; kill -QUIT "$1" 2>/dev/null; n=0; while [ $n -lt 600 ] && kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; do sleep 0.05; n=$((n+1)); done; rm -rf "$2""#,
        )
        .arg("fraiseql-tempdb-watchdog")
        .arg(server.id().to_string())
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| {
            let _ = server.kill();
            Error::Cluster(format!("cannot start the cleanup watchdog: {e}"))
        })?;
    let mut cluster = Cluster {
        dir: dir.to_owned(),
        watchdog_stdin: watchdog.stdin.take(),
        watchdog,
        server,
    };

    // postmaster.pid's 8th line turns to "ready" once connections are accepted.
    let started = Instant::now();
    loop {
        if let Ok(pid_file) = fs::read_to_string(data.join("postmaster.pid"))
            && pid_file.lines().nth(7).is_some_and(|l| l.trim() == "ready")
        {
            return Ok(cluster);
        }
        if let Ok(Some(status)) = cluster.server.try_wait() {
            return Err(Error::Cluster(format!(
                "postgres exited ({status}): {}",
                log_tail(&log_path)
            )));
        }
        if started.elapsed() > START_TIMEOUT {
            return Err(Error::Cluster(format!(
                "postgres did not start in time: {}",
                log_tail(&log_path)
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn log_tail(path: &Path) -> String {
    let mut text = String::new();
    let _ = fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text));
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(10)..].join("\n")
}

/// The server binaries' directory: `pg_config --bindir`, else wherever `initdb` is on PATH, else
/// the newest Debian/Ubuntu `/usr/lib/postgresql/<major>/bin` (not on PATH there).
fn bindir() -> Result<PathBuf, Error> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if has_server(&dir) {
            return Ok(dir);
        }
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>());
    let debian = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major: u32 = entry.file_name().to_str()?.parse().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .filter(|(_, dir)| has_server(dir))
        .max_by_key(|(major, _)| *major)
        .map(|(_, dir)| dir);
    on_path
        .chain(debian)
        .find(|dir| has_server(dir))
        .ok_or_else(|| {
            Error::Unavailable(
                "`pg_config --bindir`, PATH and /usr/lib/postgresql/*/bin have no initdb".into(),
            )
        })
}

/// PostgreSQL refuses to run as root; as root, run it as the `postgres` system user.
fn server_user() -> Result<Option<(u32, u32)>, Error> {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .and_then(|id| id.parse::<u32>().ok());
    if euid != Some(0) {
        return Ok(None);
    }
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&"postgres"))
        .and_then(|fields| Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?)))
        .map(Some)
        .ok_or_else(|| {
            Error::Unavailable(
                "running as root, and there is no `postgres` system user to run the server as"
                    .into(),
            )
        })
}

/// A new private directory (mode 0700) owned by the server's user, created atomically so a
/// leftover or planted path is never reused.
///
/// Under `/tmp` rather than `$TMPDIR`: the `postgres` user must be able to traverse to it, and
/// the socket path (`<dir>/.s.PGSQL.5432`) must stay within the 107-byte Unix socket limit.
fn fresh_dir(owner: Option<(u32, u32)>) -> Result<PathBuf, Error> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let base = Path::new("/tmp");
    let base = if base.is_dir() {
        base.to_owned()
    } else {
        std::env::temp_dir()
    };
    loop {
        let dir = base.join(format!(
            "fraiseql-pg-{}-{}-{:08x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            crate::random_u64() as u32
        ));
        match fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::Cluster(format!("{}: {e}", dir.display()))),
        }
        if let Some((uid, gid)) = owner
            && let Err(e) = chown(&dir, Some(uid), Some(gid))
        {
            let _ = fs::remove_dir(&dir);
            return Err(Error::Cluster(format!("chown {}: {e}", dir.display())));
        }
        return Ok(dir);
    }
}
