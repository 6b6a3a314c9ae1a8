//! The floor: for each read of the benchmark workload (`workload.rs`), the SQL a PostgreSQL
//! engineer would write by hand for exactly the answer fraiseql gives, against the same `tv_*`
//! read tables: `json_build_object` / `json_agg` (type `json`, which keeps keys in the order
//! written) over `->` reads from the `jsonb` document, the page size as a literal, each order key
//! computed once, no type guards the documents do not need. The client's own value (Q1's id) is
//! a bind parameter. Each statement answers the GraphQL `data` object; relayed as
//! `{"data":…}` with PostgreSQL's insignificant whitespace removed, it is byte for byte
//! fraiseql's answer (checked before any timing).
//!
//! `cargo bench --bench http -- --pgbench` runs each of these and the statement fraiseql
//! compiles for the same operation under `pgbench`.
#![allow(dead_code)]

/// Q1, one user by id (`$1`: the id, a `uuid`).
pub const Q1: &str = "\
SELECT json_build_object('user', (
    SELECT json_build_object('id', u.data->'id', 'name', u.data->'name', 'email', u.data->'email')
    FROM tv_user AS u
    WHERE u.id = $1))::text";

/// Q2, the first 20 users aged 30 or more, by name: the page is picked from the index-less
/// filter and sorted once in the subquery, and aggregated in that order.
pub const Q2: &str = "\
SELECT json_build_object('users', COALESCE(json_agg(
    json_build_object('id', u.data->'id', 'name', u.data->'name', 'age', u.data->'age')
    ORDER BY u.name, u.id), '[]'))::text
FROM (SELECT data, data->>'name' AS name, id
      FROM tv_user
      WHERE (data->>'age')::int >= 30
      ORDER BY 2, id
      LIMIT 20) AS u";

/// Q3, the 20 latest posts (through the `tv_post (created_at DESC, id)` index) with their
/// author's name and their embedded comments, each with its author's name, in the document's
/// order.
pub const Q3: &str = "\
SELECT json_build_object('posts', COALESCE(json_agg(
    json_build_object(
        'title', p.data->'title',
        'author', json_build_object('name', p.data->'author'->'name'),
        'comments', (
            SELECT COALESCE(json_agg(
                json_build_object('content', c.value->'content',
                                  'author', json_build_object('name', c.value->'author'->'name'))
                ORDER BY c.n), '[]')
            FROM jsonb_array_elements(p.data->'comments') WITH ORDINALITY AS c (value, n)))
    ORDER BY p.created_at DESC, p.id), '[]'))::text
FROM (SELECT data, created_at, id
      FROM tv_post
      ORDER BY created_at DESC, id
      LIMIT 20) AS p";

/// Q3a, Q3 with arguments on the embedded list: each post's 3 latest comments (by the
/// document's `created_at`, stored order breaking ties) and how many comments it has.
pub const Q3A: &str = "\
SELECT json_build_object('posts', COALESCE(json_agg(
    json_build_object(
        'title', p.data->'title',
        'author', json_build_object('name', p.data->'author'->'name'),
        'comments', (
            SELECT COALESCE(json_agg(
                json_build_object('content', c.value->'content',
                                  'author', json_build_object('name', c.value->'author'->'name'))
                ORDER BY c.at DESC, c.n), '[]')
            FROM (SELECT value, n, (value->>'created_at')::timestamptz AS at
                  FROM jsonb_array_elements(p.data->'comments') WITH ORDINALITY AS c (value, n)
                  ORDER BY at DESC, n LIMIT 3) AS c),
        'commentsAggregate', json_build_object('count', jsonb_array_length(p.data->'comments')))
    ORDER BY p.created_at DESC, p.id), '[]'))::text
FROM (SELECT data, created_at, id
      FROM tv_post
      ORDER BY created_at DESC, id
      LIMIT 20) AS p";

/// Q4, 100 posts whose title contains `Keyset`. No order is asked for, and fraiseql orders every
/// list totally (by the key when nothing else), so these are the first 100 by id: the primary
/// key's index walked until the 100th match. The planner takes that path thanks to the statistics
/// `dataset.sql` keeps on the title expression; without them it guesses 3 matching titles of
/// 10,000 and reads and sorts every match, and `CASE WHEN … LIKE … THEN true ELSE false END`
/// (guessed at one row in two) was needed for the same plan.
pub const Q4: &str = "\
SELECT json_build_object('posts', COALESCE(json_agg(
    json_build_object('id', p.data->'id', 'title', p.data->'title') ORDER BY p.id), '[]'))::text
FROM (SELECT data, id
      FROM tv_post
      WHERE data->>'title' LIKE '%Keyset%'
      ORDER BY id
      LIMIT 100) AS p";
