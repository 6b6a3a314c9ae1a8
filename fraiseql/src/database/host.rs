//! The server of a connection string that names none (`postgres:///blog`, `dbname=blog`): what
//! libpq would pick, for the library's connections and the `fraiseql` command line alike.

use std::path::Path;

use tokio_postgres::Config;

/// Where PostgreSQL's packages put the server's Unix socket, searched in this order.
pub const SOCKET_DIRECTORIES: &[&str] = &["/var/run/postgresql", "/run/postgresql", "/tmp"];

/// `config` with a server when it names none (no `host`, no `hostaddr`), as libpq does: the
/// first of [`SOCKET_DIRECTORIES`] holding the socket of the configuration's port
/// (`.s.PGSQL.5432`), else `localhost`. A configuration naming a server is returned unchanged.
#[doc(hidden)]
pub fn with_default_host(config: Config) -> Config {
    with_default_host_in(config, SOCKET_DIRECTORIES)
}

/// [`with_default_host`], searching `directories` for the socket.
#[doc(hidden)]
pub fn with_default_host_in<D: AsRef<Path>>(mut config: Config, directories: &[D]) -> Config {
    if !config.get_hosts().is_empty() || !config.get_hostaddrs().is_empty() {
        return config;
    }
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let socket = directories
        .iter()
        .map(AsRef::as_ref)
        .find(|dir| dir.join(format!(".s.PGSQL.{port}")).exists());
    match socket {
        Some(dir) => config.host_path(dir),
        None => config.host("localhost"),
    };
    config
}

#[cfg(test)]
mod tests {
    use tokio_postgres::config::Host;

    use super::*;

    fn hosts(config: &Config) -> Vec<Host> {
        config.get_hosts().to_vec()
    }

    #[test]
    fn a_socket_directory_holding_the_port_s_socket_else_localhost() {
        let dir = std::env::temp_dir().join(format!("fraiseql-host-{}", std::process::id()));
        let (empty, served) = (dir.join("empty"), dir.join("served"));
        std::fs::create_dir_all(&empty).unwrap();
        std::fs::create_dir_all(&served).unwrap();
        std::fs::write(served.join(".s.PGSQL.5433"), "").unwrap();
        let dirs = [&empty, &served];

        let on_5433: Config = "postgres:///blog?port=5433".parse().unwrap();
        let config = with_default_host_in(on_5433.clone(), &dirs);
        assert_eq!(hosts(&config), [Host::Unix(served.clone())]);
        assert_eq!(config.get_dbname(), Some("blog"));
        assert_eq!(config.get_ports(), [5433]);

        // No socket for the port (5432 by default): localhost.
        let default_port: Config = "dbname=blog user=me".parse().unwrap();
        let config = with_default_host_in(default_port, &dirs);
        assert_eq!(hosts(&config), [Host::Tcp("localhost".into())]);
        assert_eq!(config.get_user(), Some("me"));

        // A server named: unchanged.
        for named in [
            "postgres://db.example:5433/blog",
            "host=/somewhere port=5433",
            "hostaddr=10.0.0.1 port=5433",
        ] {
            let config: Config = named.parse().unwrap();
            let kept = with_default_host_in(config.clone(), &dirs);
            assert_eq!(hosts(&kept), hosts(&config), "{named}");
            assert_eq!(kept.get_hostaddrs(), config.get_hostaddrs(), "{named}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
