//! `fraiseql check`: the blog's description (`fraiseql::graphql::describe`) against the blog's
//! database finds no drift; after drift of each kind (a renamed and a retyped column, a missing
//! document key, values of the wrong kind at the top, in an embedded object and in an embedded
//! list, an object or a boolean holding a string, a function with another signature or return
//! type or none, a missing relation) it prints one line per difference and exits 1; anything
//! else (an unreachable database, bad arguments) exits 2.

mod support;

use std::process::Command;

use support::{Scratch, blog_database, blog_schema, fails, fraiseql, ok};

#[tokio::test]
async fn the_blog_has_no_drift_then_every_kind_of_drift_is_reported() {
    let dir = Scratch::new();
    std::fs::write(
        dir.path("blog.json"),
        fraiseql::graphql::describe(&blog_schema()),
    )
    .unwrap();
    let db = blog_database().await;
    let url = db.connection_string();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--description", "blog.json"];
        args.extend_from_slice(extra);
        fraiseql(&dir.0, Some(&url), &args)
    };

    let out = ok(&check(&[]));
    assert_eq!(
        out.trim(),
        "no drift (2 relations, 4 functions, 32 sampled documents)"
    );

    // The same description, from an application answering --describe-schema.
    let app = dir.path("app.sh");
    std::fs::write(
        &app,
        format!(
            "#!/bin/sh\n[ \"$1\" = --describe-schema ] && [ -z \"$DATABASE_URL\" ] && cat {}\n",
            dir.path("blog.json").display()
        ),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&app).status().unwrap();
    let out = ok(&fraiseql(
        &dir.0,
        Some(&url),
        &["check", "--app", app.to_str().unwrap()],
    ));
    assert!(out.starts_with("no drift"), "{out}");

    db.execute_script(
        "ALTER TABLE tv_post RENAME COLUMN created_at TO created;
         ALTER TABLE tv_user ALTER COLUMN tenant_id TYPE text;
         UPDATE tv_user SET data = jsonb_set(data, '{name}', '42');
         UPDATE tv_user SET data = data - 'email'
             WHERE id IN (SELECT id FROM tv_user ORDER BY id LIMIT 2);
         UPDATE tv_post SET data = jsonb_set(data, '{author,name}', 'null')
             WHERE id = (SELECT id FROM tv_post ORDER BY id LIMIT 1);
         UPDATE tv_post SET data = jsonb_set(data, '{comments,0,content}', '7')
             WHERE id IN (SELECT id FROM tv_post WHERE jsonb_array_length(data->'comments') > 0
                          ORDER BY id LIMIT 3);
         UPDATE tv_post SET data = jsonb_set(data, '{tags}', '\"rust\"')
             WHERE id = (SELECT id FROM tv_post ORDER BY id DESC LIMIT 1);
         DROP FUNCTION fn_delete_user(jsonb);
         CREATE FUNCTION fn_delete_user(p_id text) RETURNS fraiseql_mutation_result
             LANGUAGE sql AS 'SELECT NULL::fraiseql_mutation_result';
         DROP FUNCTION fn_update_user(jsonb);
         CREATE FUNCTION fn_update_user(input jsonb) RETURNS text LANGUAGE sql AS 'SELECT 1::text';",
    )
    .await
    .unwrap();
    let output = check(&[]);
    let stderr = fails(&output, 1);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "tv_user.tenant_id: expected uuid, found text",
            "tv_user.data.email: missing in 2 of 8 sampled rows",
            "tv_user.data.name: expected string, found number in 8 of 8 sampled rows",
            "tv_post.created_at: column not found (Post.createdAt reads it)",
            "tv_post.data.author.name: expected string, found null in 1 of 24 sampled rows",
            "tv_post.data.comments[].content: expected string, found number in 3 of 24 sampled rows",
            "tv_post.data.tags: expected array, found string in 1 of 24 sampled rows",
            "fn_update_user(jsonb): returns text, expected fraiseql_mutation_result (mutation updateUser)",
            "fn_delete_user(jsonb): function not found (mutation deleteUser); found fn_delete_user(text)",
        ],
        "{stdout}"
    );
    assert!(
        stderr.contains("error: 9 difference(s) between the Rust types and the database"),
        "{stderr}"
    );

    // --sample bounds the documents read; 0 reads none.
    let stdout = String::from_utf8_lossy(&check(&["--sample", "3"]).stdout).into_owned();
    assert!(
        stdout.contains("tv_user.data.name: expected string, found number in 3 of 3 sampled rows"),
        "{stdout}"
    );
    let stdout = String::from_utf8_lossy(&check(&["--sample", "0"]).stdout).into_owned();
    assert!(!stdout.contains("sampled rows"), "{stdout}");
    assert!(
        stdout.contains("tv_post.created_at: column not found"),
        "{stdout}"
    );

    // More kinds, under --sample: a key missing from every document, an object and a boolean
    // holding strings, a mutation's function that is gone.
    db.execute_script(
        "UPDATE tv_user SET data = data - 'email';
         UPDATE tv_post SET data = jsonb_set(jsonb_set(data, '{author}', '\"x\"'),
                                             '{published}', '\"yes\"');
         DROP FUNCTION fn_create_post(jsonb);",
    )
    .await
    .unwrap();
    let output = check(&["--sample", "5"]);
    fails(&output, 1);
    let stdout = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "tv_user.data.email: missing in 5 of 5 sampled rows\n",
        "tv_post.data.author: expected object, found string in 5 of 5 sampled rows\n",
        "tv_post.data.published: expected boolean, found string in 5 of 5 sampled rows\n",
        "fn_create_post(jsonb): function not found (mutation createPost)\n",
    ] {
        assert!(stdout.contains(expected), "{expected} in\n{stdout}");
    }

    // A relation that is gone.
    db.execute_script("ALTER TABLE tv_post RENAME TO tv_article")
        .await
        .unwrap();
    let output = check(&[]);
    fails(&output, 1);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("tv_post: relation not found (Post reads it)\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("tv_post.created_at"), "{stdout}");
}

#[test]
fn unreadable_descriptions_and_missing_databases_are_refused() {
    let dir = Scratch::new();
    std::fs::write(dir.path("bad.json"), "{\"version\": 1}").unwrap();
    let stderr = fails(
        &fraiseql(
            &dir.0,
            Some("host=/nonexistent dbname=none"),
            &["check", "--description", "bad.json"],
        ),
        2,
    );
    assert!(
        stderr.contains("bad.json: not a fraiseql schema description"),
        "{stderr}"
    );
    std::fs::write(
        dir.path("blog.json"),
        fraiseql::graphql::describe(&blog_schema()),
    )
    .unwrap();
    let stderr = fails(
        &fraiseql(&dir.0, None, &["check", "--description", "blog.json"]),
        2,
    );
    assert!(stderr.contains("no database given"), "{stderr}");
    let stderr = fails(
        &fraiseql(&dir.0, None, &["check", "--app", "/nonexistent/app"]),
        2,
    );
    assert!(stderr.contains("cannot run /nonexistent/app"), "{stderr}");
}

/// For CI, exit 1 means drift and nothing else: a server that cannot be reached, a database
/// that does not exist, a URL that does not parse and bad arguments exit 2 with one readable
/// line that never shows the password.
#[tokio::test]
async fn unreachable_databases_and_bad_arguments_exit_2() {
    let dir = Scratch::new();
    std::fs::write(
        dir.path("blog.json"),
        fraiseql::graphql::describe(&blog_schema()),
    )
    .unwrap();
    let db = blog_database().await;
    let missing = format!("{} dbname=no_such_database_h18", db.connection_string());
    for (url, expected) in [
        (
            "postgres://someone:s3cr3t-pw@127.0.0.1:1/blog".to_owned(),
            "cannot connect to the database at 127.0.0.1:1 database blog as someone: ",
        ),
        (missing, "database \"no_such_database_h18\" does not exist"),
        (
            "postgres://someone:s3cr3t-pw@127.0.0.1:notaport/blog".to_owned(),
            "the database URL is not a connection string",
        ),
    ] {
        let output = fraiseql(&dir.0, Some(&url), &["check", "--description", "blog.json"]);
        let stderr = fails(&output, 2);
        assert!(stderr.contains(expected), "{url}: {stderr}");
        assert!(
            !stderr.contains("s3cr3t-pw"),
            "{url}: the password shows: {stderr}"
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "{url}: {stderr}");
        assert!(stderr.starts_with("error: "), "{url}: {stderr}");
        for internal in ["db error", "SQLSTATE", "Error {", "FATAL", "Kind"] {
            assert!(!stderr.contains(internal), "{url}: {internal} in {stderr}");
        }
    }
    // Bad arguments: exit 2 too.
    let url = db.connection_string();
    for args in [
        &["check", "--description", "blog.json", "--sample", "-1"][..],
        &["check", "--description", "blog.json", "--no-such-flag"],
        &["check", "--description", "missing.json"],
        &["codegen", "functions"],
    ] {
        let stderr = fails(&fraiseql(&dir.0, Some(&url), args), 2);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
}

/// A URL naming no server connects where the library would (`fraiseql::with_default_host`, one
/// function for both): the message names that place.
#[test]
fn a_url_naming_no_server_connects_where_the_library_would() {
    use tokio_postgres::config::Host;
    let dir = Scratch::new();
    std::fs::write(
        dir.path("blog.json"),
        fraiseql::graphql::describe(&blog_schema()),
    )
    .unwrap();
    // Port 1: nothing listens there, so the outcome does not depend on this machine's servers.
    let url = "postgres://someone@/blog?port=1";
    let resolved = fraiseql::with_default_host(url.parse().unwrap());
    let place = match &resolved.get_hosts()[0] {
        Host::Tcp(host) => format!("at {host}:1"),
        Host::Unix(dir) => format!("at {}", dir.join(".s.PGSQL.1").display()),
    };
    let stderr = fails(
        &fraiseql(&dir.0, Some(url), &["check", "--description", "blog.json"]),
        2,
    );
    assert!(
        stderr.contains(&format!(
            "cannot connect to the database {place} database blog as someone: "
        )),
        "{place}: {stderr}"
    );
}
