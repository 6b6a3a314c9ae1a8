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
