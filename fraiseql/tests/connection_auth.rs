//! fraiseql's own connections log in by every password method PostgreSQL offers, on a throwaway
//! cluster whose `password_*` roles must give one (`fraiseql_tempdb::Server::start_temporary`),
//! and a wrong password is a coded error, not a panic.

use fraiseql::{Database, RequestContext};
use fraiseql_sql::{QualifiedName, Statement};
use fraiseql_tempdb::Server;

/// Who the connection is, as fraiseql reads anything: a statement answering JSON text.
async fn whoami(database: &Database) -> Result<String, fraiseql::Error> {
    let statement = Statement::call(
        &QualifiedName::parse("whoami").unwrap(),
        serde_json::json!({}),
    );
    database
        .fetch_json(&RequestContext::new(), &statement)
        .await
}

#[tokio::test]
async fn every_password_method_logs_in_and_a_wrong_password_is_refused() {
    let server = Server::start_temporary()
        .await
        .expect("a throwaway cluster");
    let admin = server.connect("postgres").await.unwrap();
    admin
        .batch_execute(
            "CREATE FUNCTION whoami(_ jsonb) RETURNS TABLE (name text) LANGUAGE sql AS $$ SELECT current_user::text $$",
        )
        .await
        .unwrap();
    for (role, stored_as) in [
        ("password_scram", "scram-sha-256"),
        ("password_md5", "md5"),
        ("password_clear", "scram-sha-256"),
    ] {
        admin
            .batch_execute(&format!(
                "SET password_encryption = '{stored_as}'; CREATE ROLE {role} LOGIN PASSWORD 'secret of {role}'"
            ))
            .await
            .unwrap();
        let mut config = server.config("postgres");
        config.user(role).password(format!("secret of {role}"));
        let database = Database::connect(config.clone(), 1).unwrap();
        assert_eq!(
            whoami(&database).await.unwrap(),
            format!(r#""{role}""#),
            "{role}"
        );

        config.password("not the secret");
        // No password at all, where one is required.
        let mut none = server.config("postgres");
        none.user(role);
        for refused_config in [config, none] {
            let refused = whoami(&Database::connect(refused_config, 1).unwrap())
                .await
                .unwrap_err();
            assert_eq!(
                refused.code(),
                "DATABASE_UNAVAILABLE",
                "{role}: {refused:?}"
            );
        }
    }
}

/// fraiseql's connections are plaintext: a connection string that demands TLS is refused, never
/// silently downgraded.
#[tokio::test]
async fn a_connection_string_requiring_tls_is_refused() {
    let server = Server::start_temporary()
        .await
        .expect("a throwaway cluster");
    let mut config = server.config("postgres");
    config.ssl_mode(tokio_postgres::config::SslMode::Require);
    let refused = whoami(&Database::connect(config, 1).unwrap()).await;
    assert_eq!(
        refused.unwrap_err().code(),
        "DATABASE_UNAVAILABLE",
        "TLS was required"
    );
}
