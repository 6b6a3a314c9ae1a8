-- A blog in the FraiseQL shape: normalized tb_* tables with Trinity keys (pk_* internal,
-- fk_* foreign keys, id UUID public, identifier slug), and tv_* read tables holding one JSONB
-- document per entity, refreshed by fn_sync_tv_* functions.

CREATE TABLE tb_user (
    pk_user    int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         uuid NOT NULL UNIQUE,
    identifier text NOT NULL UNIQUE,
    tenant_id  uuid NOT NULL,
    name       text NOT NULL,
    email      text NOT NULL,
    age        int,
    created_at timestamptz NOT NULL
);

CREATE TABLE tb_post (
    pk_post    int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         uuid NOT NULL UNIQUE,
    identifier text NOT NULL UNIQUE,
    fk_author  int NOT NULL REFERENCES tb_user,
    title      text NOT NULL,
    body       text NOT NULL,
    tags       text[] NOT NULL DEFAULT '{}',
    published  boolean NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE tb_comment (
    pk_comment int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         uuid NOT NULL UNIQUE,
    fk_post    int NOT NULL REFERENCES tb_post,
    fk_author  int NOT NULL REFERENCES tb_user,
    content    text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE tv_user (
    id         uuid PRIMARY KEY,
    identifier text NOT NULL UNIQUE,
    tenant_id  uuid NOT NULL,
    data       jsonb NOT NULL
);

-- created_at is also a column: lists sort by it ("latest posts"), and a timestamp inside the
-- document can only be ordered through a cast that no index can hold.
CREATE TABLE tv_post (
    id         uuid PRIMARY KEY,
    identifier text NOT NULL UNIQUE,
    tenant_id  uuid NOT NULL,
    created_at timestamptz NOT NULL,
    data       jsonb NOT NULL
);

-- Serves ORDER BY created_at DESC, id (GraphQL: orderBy: [{field: CREATED_AT, direction: DESC}]).
CREATE INDEX tv_post_latest ON tv_post (created_at DESC, id);

CREATE FUNCTION fn_sync_tv_user(p_id uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tv_user (id, identifier, tenant_id, data)
    SELECT u.id, u.identifier, u.tenant_id,
           jsonb_build_object('id', u.id, 'identifier', u.identifier, 'name', u.name,
                              'email', u.email, 'age', u.age, 'created_at', u.created_at)
    FROM tb_user u WHERE u.id = p_id
    ON CONFLICT (id) DO UPDATE SET identifier = EXCLUDED.identifier,
        tenant_id = EXCLUDED.tenant_id, data = EXCLUDED.data;
$$;

CREATE FUNCTION fn_sync_tv_post(p_id uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tv_post (id, identifier, tenant_id, created_at, data)
    SELECT p.id, p.identifier, a.tenant_id, p.created_at,
           jsonb_build_object(
               'id', p.id, 'identifier', p.identifier, 'title', p.title, 'body', p.body,
               'tags', to_jsonb(p.tags), 'published', p.published, 'created_at', p.created_at,
               'author', jsonb_build_object('id', a.id, 'name', a.name),
               'comments', COALESCE((
                   SELECT jsonb_agg(jsonb_build_object(
                              'id', c.id, 'content', c.content, 'created_at', c.created_at,
                              'author', jsonb_build_object('id', ca.id, 'name', ca.name))
                          ORDER BY c.created_at, c.pk_comment)
                   FROM tb_comment c JOIN tb_user ca ON ca.pk_user = c.fk_author
                   WHERE c.fk_post = p.pk_post), '[]'::jsonb))
    FROM tb_post p JOIN tb_user a ON a.pk_user = p.fk_author
    WHERE p.id = p_id
    ON CONFLICT (id) DO UPDATE SET identifier = EXCLUDED.identifier,
        tenant_id = EXCLUDED.tenant_id, created_at = EXCLUDED.created_at, data = EXCLUDED.data;
$$;
