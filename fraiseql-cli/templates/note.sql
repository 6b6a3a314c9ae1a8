-- One example entity in the FraiseQL shape: the normalized table (Trinity keys: pk_note
-- internal, id public, identifier human), the read table holding each note as one jsonb
-- document, the function that rebuilds a document, and a mutation function.

CREATE TABLE tb_note (
    pk_note    int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    identifier text NOT NULL UNIQUE,
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tv_note (
    id         uuid PRIMARY KEY,
    identifier text NOT NULL UNIQUE,
    data       jsonb NOT NULL
);

-- Rebuilds one note's document. The lock on its tb_note row serializes rebuilds of one note,
-- so a rebuild never overwrites a newer one with a document from an older snapshot.
CREATE FUNCTION fn_sync_tv_note(p_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM tb_note WHERE id = p_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        DELETE FROM tv_note WHERE id = p_id;
        RETURN;
    END IF;
    INSERT INTO tv_note (id, identifier, data)
    SELECT n.id, n.identifier,
           jsonb_build_object('id', n.id, 'identifier', n.identifier, 'title', n.title,
                              'body', n.body, 'createdAt', n.created_at)
    FROM tb_note n WHERE n.id = p_id
    ON CONFLICT (id) DO UPDATE SET identifier = EXCLUDED.identifier, data = EXCLUDED.data;
END
$$;

-- The GraphQL mutation createNote(input: CreateNoteInput!).
CREATE FUNCTION fn_create_note(input jsonb) RETURNS fraiseql_mutation_result
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid := gen_random_uuid();
    v_problems jsonb := '[]';
BEGIN
    IF coalesce(input->>'identifier', '') = '' THEN
        v_problems := v_problems || jsonb_build_object(
            'field', 'identifier', 'code', 'required', 'message', 'an identifier is required');
    END IF;
    IF coalesce(input->>'title', '') = '' THEN
        v_problems := v_problems || jsonb_build_object(
            'field', 'title', 'code', 'required', 'message', 'a title is required');
    END IF;
    IF jsonb_array_length(v_problems) > 0 THEN
        RETURN fraiseql_refusal('validation:note', 'the note is not valid', v_problems);
    END IF;
    IF EXISTS (SELECT FROM tb_note WHERE identifier = input->>'identifier') THEN
        RETURN fraiseql_refusal('conflict:identifier', 'the identifier is taken');
    END IF;
    INSERT INTO tb_note (id, identifier, title, body)
    VALUES (v_id, input->>'identifier', input->>'title', coalesce(input->>'body', ''));
    PERFORM fn_sync_tv_note(v_id);
    RETURN fraiseql_success(v_id, (SELECT data FROM tv_note WHERE id = v_id), 'note created',
                            status => 'success:created');
END
$$;
