//! A stored document that does not fit its Rust type is an error naming the relation, the row's
//! id, the field and what was found — through every repository read.

use fraiseql::sql::{Filter, Page};
use fraiseql::{Database, Error, FindMany, FraiseType, Repository, RequestContext};
use fraiseql_tempdb::TestDb;
use uuid::Uuid;

#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_note")]
struct Note {
    id: Uuid,
    title: String,
    author: Author,
}

#[derive(FraiseType, Debug, Clone, PartialEq)]
struct Author {
    id: Uuid,
    email: String,
}

const GOOD: &str = "00000000-0000-0000-0000-000000000001";
const BROKEN: &str = "00000000-0000-0000-0000-000000000002";

async fn notes(broken: &str) -> (TestDb, Repository<Note>) {
    let db = TestDb::new().await.expect("a test database");
    db.execute_script(&format!(
        "CREATE TABLE tv_note (id uuid PRIMARY KEY, data jsonb NOT NULL);
         INSERT INTO tv_note VALUES
           ('{GOOD}', '{{\"id\": \"{GOOD}\", \"title\": \"fine\", \"author\": {{\"id\": \"{GOOD}\", \"email\": \"a@b\"}}}}'),
           ('{BROKEN}', '{broken}');"
    ))
    .await
    .expect("the notes");
    let notes = Repository::new(Database::connect(db.config(), 1).unwrap());
    (db, notes)
}

fn assert_names(error: Error, field: &str, found: &str) {
    let Error::Document {
        relation,
        id,
        field: named,
        found: what,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(
        (relation.as_str(), id.as_str()),
        ("\"tv_note\"", BROKEN),
        "{error}"
    );
    assert_eq!(named, field, "{error}");
    assert!(what.contains(found) && !what.contains(" line "), "{error}");
    assert_eq!(error.code(), "INTERNAL_SERVER_ERROR");
    assert!(error.to_string().contains(BROKEN), "{error}");
}

#[tokio::test]
async fn documents_that_do_not_fit_name_the_row_and_field() {
    let request = RequestContext::new();
    let with =
        |author: &str| format!("{{\"id\": \"{BROKEN}\", \"title\": \"t\", \"author\": {author}}}");
    for (document, field, found) in [
        (
            with("{\"id\": \"00000000-0000-0000-0000-000000000009\"}"),
            "author",
            "missing field `email`",
        ),
        (
            with("{\"id\": \"00000000-0000-0000-0000-000000000009\", \"email\": null}"),
            "author.email",
            "null",
        ),
        (
            with("{\"id\": \"00000000-0000-0000-0000-000000000009\", \"email\": 7}"),
            "author.email",
            "integer",
        ),
        (
            format!("{{\"id\": \"{BROKEN}\", \"title\": [], \"author\": null}}"),
            "title",
            "sequence",
        ),
    ] {
        let (_db, notes) = notes(&document).await;
        let many = notes
            .find_many(&request, FindMany::new())
            .await
            .unwrap_err();
        assert_names(many, field, found);
        let one = notes
            .find_by_id(&request, BROKEN.parse().unwrap())
            .await
            .unwrap_err();
        assert_names(one, field, found);
        let page = Page::Forward {
            first: 5,
            after: None,
        };
        let connection = notes
            .connection(&request, Filter::all(), Vec::new(), page)
            .await
            .unwrap_err();
        assert_names(connection, field, found);
        // The row that fits still reads.
        let good = notes
            .find_by_id(&request, GOOD.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(good.map(|n| n.title).as_deref(), Some("fine"));
    }
}
