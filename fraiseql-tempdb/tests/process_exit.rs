//! The shared throwaway cluster lives in a static that is never dropped, so its removal rests on
//! the watchdog alone. These tests run this test binary again as a child process that starts the
//! cluster, then let the child exit normally or kill it with SIGKILL, and check that the server
//! process and its directory are gone afterwards.
//!
//! Skipped when `DATABASE_URL` is set: that setting means "use my server".

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fraiseql_tempdb::{Server, TestDb};

const CHILD_ENV: &str = "FRAISEQL_TEMPDB_CHILD";

/// The child's side: start the shared cluster, report where it lives, then end as told.
#[tokio::test]
#[ignore = "run by the process-exit tests as a child process"]
async fn child_holds_the_shared_cluster() {
    let Some(mode) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let server = Server::shared().await.expect("a throwaway cluster");
    let _db = TestDb::new_on(server).await.expect("a database");
    println!("socket_dir={}", socket_dir(server).display());
    if mode == "hang" {
        tokio::time::sleep(Duration::from_secs(600)).await;
    }
    // "exit": return, and the harness exits with the cluster still in its static.
}

#[test]
fn shared_cluster_is_removed_when_the_process_exits() {
    let Some((mut child, dir, postmaster)) = spawn_child("exit") else {
        return;
    };
    assert!(child.wait().expect("child exits").success());
    assert_removed(&dir, postmaster);
}

#[test]
fn shared_cluster_is_removed_when_the_process_is_killed() {
    let Some((mut child, dir, postmaster)) = spawn_child("hang") else {
        return;
    };
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert_removed(&dir, postmaster);
}

/// Runs the child test; returns it with its cluster's directory and postmaster pid.
fn spawn_child(mode: &str) -> Option<(Child, PathBuf, u32)> {
    if std::env::var_os("DATABASE_URL").is_some() {
        eprintln!("DATABASE_URL is set: not starting a throwaway cluster");
        return None;
    }
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_holds_the_shared_cluster",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD_ENV, mode)
        .stdout(Stdio::piped())
        .spawn()
        .expect("child test process");
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let dir = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("socket_dir=").map(PathBuf::from))
        .expect("the child reports its cluster");
    // Keep reading, so the child's later output cannot fail on a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let pid_file = std::fs::read_to_string(dir.join("data/postmaster.pid")).expect("pid file");
    let postmaster = pid_file.lines().next().unwrap().trim().parse().unwrap();
    Some((child, dir, postmaster))
}

fn assert_removed(dir: &std::path::Path, postmaster: u32) {
    let proc_entry = PathBuf::from(format!("/proc/{postmaster}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while (dir.exists() || proc_entry.exists()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!dir.exists(), "{} still exists", dir.display());
    assert!(!proc_entry.exists(), "postmaster {postmaster} still runs");
}

fn socket_dir(server: &Server) -> PathBuf {
    let text = server.connection_string("postgres");
    text.split_whitespace()
        .find_map(|part| part.strip_prefix("host="))
        .map(PathBuf::from)
        .expect("a socket directory")
}
