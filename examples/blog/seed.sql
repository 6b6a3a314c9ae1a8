-- Seed: 8 users in two tenants, 24 posts, 60 comments; deterministic ids and times.
INSERT INTO tb_user (id, identifier, tenant_id, name, email, age, created_at)
SELECT md5('user' || i)::uuid, 'user-' || i,
       CASE WHEN i % 2 = 0 THEN 'aaaaaaaa-0000-0000-0000-000000000000'::uuid
            ELSE 'bbbbbbbb-0000-0000-0000-000000000000'::uuid END,
       (ARRAY['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Édouard Lucas', 'Barbara Liskov',
              'Donald Knuth', '李 小龙', 'Ken Thompson'])[i],
       'user' || i || '@example.com',
       CASE WHEN i % 3 = 0 THEN NULL ELSE 20 + i * 7 END,
       '2024-01-01T00:00:00Z'::timestamptz + i * interval '1 day'
FROM generate_series(1, 8) AS i;

INSERT INTO tb_post (id, identifier, fk_author, title, body, tags, published, created_at)
SELECT md5('post' || i)::uuid, 'post-' || i, 1 + (i * 5) % 8,
       (ARRAY['Rust and PostgreSQL', 'GraphQL in one statement', 'Keyset pages', 'JSONB documents',
              'Row-level security', '100% coverage_of LIKE'])[1 + i % 6] || ' #' || i,
       'Body of post ' || i,
       CASE i % 3 WHEN 0 THEN ARRAY['rust', 'sql'] WHEN 1 THEN ARRAY['graphql', 'sql'] ELSE ARRAY['rust', 'graphql'] END,
       i % 4 <> 0,
       '2024-02-01T00:00:00Z'::timestamptz + (i % 9) * interval '1 hour'
FROM generate_series(1, 24) AS i;

INSERT INTO tb_comment (id, fk_post, fk_author, content, created_at)
SELECT md5('comment' || i)::uuid, 1 + (i * 7) % 24, 1 + (i * 3) % 8,
       'Comment ' || i || CASE WHEN i % 5 = 0 THEN ' — ünïcödé' ELSE '' END,
       '2024-03-01T00:00:00Z'::timestamptz + i * interval '1 minute'
FROM generate_series(1, 60) AS i;

SELECT count(fn_sync_tv_user(id)) FROM tb_user;
SELECT count(fn_sync_tv_post(id)) FROM tb_post;
