-- pgTAP tests of the blog's mutation functions (mutations.sql), in a database holding
-- schema.sql, fraiseql::MUTATION_RESULT_SQL, mutations.sql and seed.sql. Run by
-- `cargo test --test blog_pgtap`, or with pg_prove. Everything is rolled back.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(16);

-- fn_create_user works within the request's tenant.
SELECT is((fn_create_user('{"identifier": "t", "name": "T", "email": "t@x"}')).status,
          'forbidden:tenant', 'fn_create_user refuses without a tenant');
SELECT set_config('app.tenant_id', '00000000-0000-0000-0000-0000000000aa', true);
CREATE TEMP TABLE created ON COMMIT DROP AS
    SELECT * FROM fn_create_user('{"identifier": "grace", "name": "Grace", "email": "grace@x", "age": 36}');
SELECT is((SELECT status FROM created), 'success:created', 'fn_create_user creates a user');
SELECT is((SELECT entity FROM created), (SELECT data FROM tv_user WHERE id = (SELECT entity_id FROM created)),
          'fn_create_user returns the document it wrote to tv_user');
SELECT is((SELECT tenant_id FROM tb_user WHERE identifier = 'grace'),
          '00000000-0000-0000-0000-0000000000aa'::uuid, 'the user is in the request''s tenant');
SELECT is((fn_create_user('{"identifier": "grace", "name": "G", "email": "g@x"}')).status,
          'conflict:identifier', 'fn_create_user refuses a taken identifier');
SELECT is((fn_create_user('{"identifier": "h", "name": "", "email": "nope"}')).status,
          'validation:user', 'fn_create_user refuses an invalid user');
SELECT is((fn_create_user('{"identifier": "h", "name": "", "email": "nope"}')).errors,
          '[{"code": "required", "field": "name", "message": "a name is required"},
            {"code": "invalid", "field": "email", "message": "not an email address"}]'::jsonb,
          'the refusal names every field');

-- fn_update_user
SELECT is((fn_update_user(jsonb_build_object('id', (SELECT entity_id FROM created), 'name', 'Grace H.'))).updated_fields,
          ARRAY['name'], 'fn_update_user reports the fields it changed');
SELECT is((SELECT data->>'name' FROM tv_user WHERE id = (SELECT entity_id FROM created)), 'Grace H.',
          'fn_update_user refreshes the user''s document');
SELECT is((fn_update_user(jsonb_build_object('id', gen_random_uuid(), 'name', 'X'))).status,
          'not_found:user', 'fn_update_user refuses an unknown user');

-- fn_create_post, and the author's name in the posts that embed it.
CREATE TEMP TABLE post ON COMMIT DROP AS
    SELECT * FROM fn_create_post(jsonb_build_object('identifier', 'grace-1', 'title', 'Compilers',
                                                    'author_id', (SELECT entity_id FROM created)));
SELECT is((SELECT status FROM post), 'success:created', 'fn_create_post creates a post');
SELECT is((SELECT entity->'author'->>'name' FROM post), 'Grace H.', 'the post embeds its author');
SELECT is((fn_create_post(jsonb_build_object('identifier', 'x', 'title', 'X', 'author_id', gen_random_uuid()))).status,
          'not_found:author', 'fn_create_post refuses an unknown author');
SELECT fn_update_user(jsonb_build_object('id', (SELECT entity_id FROM created), 'name', 'Grace Hopper'));
SELECT is((SELECT data->'author'->>'name' FROM tv_post WHERE identifier = 'grace-1'), 'Grace Hopper',
          'fn_update_user refreshes the posts that embed the user');

-- fn_delete_user
SELECT is((fn_delete_user(jsonb_build_object('id', gen_random_uuid()))).status, 'not_found:user',
          'fn_delete_user refuses an unknown user');
DELETE FROM tb_post WHERE identifier = 'grace-1';
SELECT is((fn_delete_user(jsonb_build_object('id', (SELECT entity_id FROM created)))).status,
          'success:deleted', 'fn_delete_user deletes a user without posts');

SELECT * FROM finish();
ROLLBACK;
