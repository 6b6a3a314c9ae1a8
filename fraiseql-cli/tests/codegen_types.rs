//! `fraiseql codegen types`: the Rust it writes is rustfmt-formatted, compiles against this
//! workspace's fraiseql, and builds a schema whose types match the generated functions.

mod support;

use support::{BLOG_TABLES, Scratch, cargo_build, database, fails, fraiseql, ok, project_manifest};

#[tokio::test]
async fn generated_types_are_formatted_and_compile_into_a_schema() {
    let db = database(BLOG_TABLES).await;
    let url = db.connection_string();
    let dir = Scratch::new();
    ok(&fraiseql(
        &dir.0,
        Some(&url),
        &[
            "codegen",
            "types",
            "--table",
            "tv_post",
            "--embed",
            "fk_author,tb_comment",
        ],
    ));
    ok(&fraiseql(
        &dir.0,
        Some(&url),
        &[
            "codegen",
            "types",
            "--table",
            "tv_comment",
            "--out",
            "src/comment.rs",
        ],
    ));
    let post = dir.read("src/post.rs");
    assert!(
        post.contains("#[derive(FraiseType, Debug, Clone, PartialEq)]"),
        "{post}"
    );
    assert!(post.contains("pub comments: Vec<PostComment>,"), "{post}");
    assert!(post.contains("pub struct CreatePostInput {"), "{post}");
    // Formatted: rustfmt leaves it as it is.
    let check = std::process::Command::new("rustfmt")
        .args([
            "--edition",
            "2024",
            "--check",
            "src/post.rs",
            "src/comment.rs",
        ])
        .current_dir(&dir.0)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    std::fs::write(dir.path("Cargo.toml"), project_manifest("generated-types")).unwrap();
    std::fs::write(
        dir.path("src/main.rs"),
        r#"mod comment;
mod post;

fn main() {
    let schema = fraiseql::graphql::SchemaBuilder::new()
        .query::<post::Post>()
        .query::<comment::Comment>()
        .mutation::<post::CreatePostInput, post::Post>("createPost")
        .mutation::<post::UpdatePostInput, post::Post>("updatePost")
        .mutation::<post::DeletePostInput, post::Post>("deletePost")
        .mutation::<comment::CreateCommentInput, comment::Comment>("createComment")
        .build()
        .expect("the schema builds");
    print!("{}", schema.as_sdl());
}
"#,
    )
    .unwrap();
    let binary = cargo_build(&dir.0, "generated-types");
    let output = std::process::Command::new(binary).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sdl = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "createPost(input: CreatePostInput!): CreatePostResult!",
        "offset: Int): [PostComment!]!",
        "author: PostAuthor!",
        "authorId: UUID!",
    ] {
        assert!(sdl.contains(expected), "{expected} in\n{sdl}");
    }

    // Asked for a tb_ table: refused, nothing written.
    let stderr = fails(
        &fraiseql(
            &dir.0,
            Some(&url),
            &["codegen", "types", "--table", "tb_user"],
        ),
        2,
    );
    assert!(stderr.contains("tv_<entity>"), "{stderr}");
    assert!(!dir.path("src/user.rs").exists());
}

/// `codegen types` on tables that do not fit: exit 2, a message naming the table (and the
/// column), nothing written. An existing file is kept without --force and replaced with it.
#[tokio::test]
async fn types_refuse_tables_that_do_not_fit_and_keep_files_without_force() {
    let db = database(
        "CREATE TABLE tb_nopk (id uuid NOT NULL, name text);
         CREATE TABLE tb_pair (pk_a int, pk_b int, id uuid NOT NULL, PRIMARY KEY (pk_a, pk_b));
         CREATE TABLE tb_noid (pk_noid int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
         CREATE TABLE tb_shape (pk_shape int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                id uuid NOT NULL UNIQUE, at point);
         CREATE TABLE tb_good (pk_good int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                               id uuid NOT NULL UNIQUE, name text NOT NULL);",
    )
    .await;
    let url = db.connection_string();
    let dir = Scratch::new();
    for (table, expected) in [
        ("tv_missing", "table public.tb_missing does not exist"),
        ("tv_nopk", "table public.tb_nopk has no primary key"),
        (
            "tv_pair",
            "table public.tb_pair has a composite primary key (pk_a, pk_b)",
        ),
        ("tv_noid", "table public.tb_noid has no id column"),
        (
            "tv_shape",
            "table public.tb_shape, column at: type point is not supported",
        ),
    ] {
        let stderr = fails(
            &fraiseql(&dir.0, Some(&url), &["codegen", "types", "--table", table]),
            2,
        );
        assert!(stderr.contains(expected), "{table}: {stderr}");
        assert!(!dir.path("src").exists(), "{table}: something was written");
    }

    let args = ["codegen", "types", "--table", "tv_good"];
    ok(&fraiseql(&dir.0, Some(&url), &args));
    let generated = dir.read("src/good.rs");
    assert!(generated.contains("pub struct Good {"), "{generated}");
    std::fs::write(dir.path("src/good.rs"), "// mine").unwrap();
    let stderr = fails(&fraiseql(&dir.0, Some(&url), &args), 2);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(dir.read("src/good.rs"), "// mine");
    let mut forced = args.to_vec();
    forced.push("--force");
    ok(&fraiseql(&dir.0, Some(&url), &forced));
    assert_eq!(dir.read("src/good.rs"), generated);
}
