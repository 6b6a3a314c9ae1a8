-- The benchmark database: the blog's shape (examples/blog/schema.sql) at 1,000 users, 10,000 posts
-- and 50,000 comments, deterministic (ids are md5 of a label, times step from fixed instants).
-- Loaded after schema.sql, fraiseql's MUTATION_RESULT_SQL and examples/blog/mutations.sql.

-- The refresh functions look up comments and posts by their foreign keys.
CREATE INDEX ON tb_comment (fk_post);
CREATE INDEX ON tb_post (fk_author);
-- Deleting the users M1 created checks each against tb_comment's foreign key: without this index
-- every check scans 50,000 comments (minutes after seven turns of M1).
CREATE INDEX ON tb_comment (fk_author);
-- The Strawberry servers (benches/strawberry) read tb_post for "latest posts": the same index
-- tv_post has (schema.sql), so neither side sorts 10,000 rows.
CREATE INDEX ON tb_post (created_at DESC, id);

INSERT INTO tb_user (id, identifier, tenant_id, name, email, age, created_at)
SELECT md5('bench-user' || i)::uuid, 'user-' || i,
       CASE WHEN i % 2 = 0 THEN 'aaaaaaaa-0000-0000-0000-000000000000'::uuid
            ELSE 'bbbbbbbb-0000-0000-0000-000000000000'::uuid END,
       (ARRAY['Ada', 'Alan', 'Grace', 'Édouard', 'Barbara', 'Donald', '小龙', 'Ken'])[1 + i % 8]
           || ' ' || (ARRAY['Lovelace', 'Turing', 'Hopper', 'Lucas', 'Liskov', 'Knuth'])[1 + i % 6]
           || ' ' || i,
       'user' || i || '@example.com',
       CASE WHEN i % 7 = 0 THEN NULL ELSE 18 + i % 60 END,
       '2024-01-01T00:00:00Z'::timestamptz + i * interval '1 hour'
FROM generate_series(1, 1000) AS i;

INSERT INTO tb_post (id, identifier, fk_author, title, body, tags, published, created_at)
SELECT md5('bench-post' || i)::uuid, 'post-' || i, 1 + (i * 7) % 1000,
       (ARRAY['Rust and PostgreSQL', 'GraphQL in one statement', 'Keyset pages', 'JSONB documents',
              'Row-level security', 'Benchmarks'])[1 + i % 6] || ' #' || i,
       'Body of post ' || i,
       CASE i % 3 WHEN 0 THEN ARRAY['rust', 'sql'] WHEN 1 THEN ARRAY['graphql'] ELSE ARRAY['rust'] END,
       i % 5 <> 0,
       '2024-02-01T00:00:00Z'::timestamptz + i * interval '1 minute'
FROM generate_series(1, 10000) AS i;

INSERT INTO tb_comment (id, fk_post, fk_author, content, created_at)
SELECT md5('bench-comment' || i)::uuid, 1 + (i * 13) % 10000, 1 + (i * 17) % 1000,
       'Comment ' || i, '2024-03-01T00:00:00Z'::timestamptz + i * interval '1 second'
FROM generate_series(1, 50000) AS i;

SELECT count(fn_sync_tv_user(id)) FROM tb_user;
SELECT count(fn_sync_tv_post(id)) FROM tb_post;
-- Statistics on the filtered document expression: without them PostgreSQL guesses that a few
-- titles match `LIKE '%word%'` and sorts every match instead of walking the key's index until
-- the page is full (Q4: 8.6 ms instead of under 1 ms).
CREATE STATISTICS tv_post_title ON ((data->>'title')) FROM tv_post;
ANALYZE;
