-- pgTAP: after fn_update_user renames a user, every tv_post document that embeds the user (as
-- the post's author or as a comment's author) equals what fn_sync_tv_post builds from tb_* now.
-- In a database holding schema.sql, fraiseql::MUTATION_RESULT_SQL, mutations.sql and seed.sql.
-- Everything is rolled back.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(5);

-- The user: one who wrote posts and commented on posts written by others.
CREATE TEMP TABLE who ON COMMIT DROP AS
    SELECT u.pk_user, u.id FROM tb_user u
    WHERE EXISTS (SELECT FROM tb_post p WHERE p.fk_author = u.pk_user)
      AND EXISTS (SELECT FROM tb_comment c JOIN tb_post p ON p.pk_post = c.fk_post
                  WHERE c.fk_author = u.pk_user AND p.fk_author <> u.pk_user)
    ORDER BY u.pk_user LIMIT 1;
-- The posts embedding that user, from tb_*.
CREATE TEMP TABLE embedding ON COMMIT DROP AS
    SELECT p.id, p.fk_author = (SELECT pk_user FROM who) AS as_author FROM tb_post p
    WHERE p.fk_author = (SELECT pk_user FROM who)
       OR EXISTS (SELECT FROM tb_comment c
                  WHERE c.fk_post = p.pk_post AND c.fk_author = (SELECT pk_user FROM who));
SELECT ok((SELECT bool_or(as_author) AND bool_or(NOT as_author) FROM embedding),
          'the user is embedded in posts as their author and as a comment''s author');

SELECT is((fn_update_user(jsonb_build_object('id', (SELECT id FROM who), 'name', 'Renamed Once'))).status,
          'success', 'fn_update_user renames the user');

-- What the read side serves now, then what fn_sync_tv_post builds from tb_*.
CREATE TEMP TABLE served ON COMMIT DROP AS SELECT id, data FROM tv_post;
SELECT count(fn_sync_tv_post(id)) FROM tb_post;

SELECT is((SELECT count(*) FROM tv_post t JOIN embedding e USING (id)
           WHERE t.data::text LIKE '%Renamed Once%'),
          (SELECT count(*) FROM embedding),
          'every post embedding the user carries the new name once rebuilt');
SELECT set_eq('SELECT s.id, s.data FROM served s JOIN embedding USING (id)',
              'SELECT t.id, t.data FROM tv_post t JOIN embedding USING (id)',
              'every tv_post embedding the user equals what fn_sync_tv_post builds from tb_*');
SELECT set_eq('SELECT id, data FROM served', 'SELECT id, data FROM tv_post',
              'no tv_post document differs from what fn_sync_tv_post builds from tb_*');

SELECT * FROM finish();
ROLLBACK;
