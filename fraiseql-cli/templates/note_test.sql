-- pgTAP tests of fn_create_note and fn_sync_tv_note. Run with
--   pg_prove -d yourdb db/tests/*.sql     (or psql -f; every line must start with "ok")
-- in a database holding db/schema/*.sql. Everything is rolled back.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(6);

CREATE TEMP TABLE created ON COMMIT DROP AS
    SELECT * FROM fn_create_note('{"identifier": "first", "title": "First", "body": "Hi"}');
SELECT is((SELECT status FROM created), 'success:created', 'fn_create_note creates a note');
SELECT is((SELECT entity->>'title' FROM created), 'First', 'it returns the note''s document');
SELECT is((SELECT data FROM tv_note WHERE id = (SELECT entity_id FROM created)),
          (SELECT entity FROM created), 'the document is in tv_note');
SELECT is((fn_create_note('{"identifier": "first", "title": "Again"}')).status,
          'conflict:identifier', 'a taken identifier is a conflict');
SELECT is((fn_create_note('{"identifier": "second"}')).status, 'validation:note',
          'a note without a title is refused');
SELECT is((fn_create_note('{"identifier": "second"}')).errors->0->>'field', 'title',
          'the refusal names the field');

SELECT * FROM finish();
ROLLBACK;
