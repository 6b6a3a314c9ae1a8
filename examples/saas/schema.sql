-- A multi-tenant SaaS in the FraiseQL shape: organisations (the tenants), their users, projects
-- and tasks. Every tb_* and tv_* row carries its organisation's id as tenant_id, and row-level
-- security keeps each request to the organisation its token names (app.tenant_id). Documents
-- hold enum values as their GraphQL names (TODO, ADMIN); tb_* tables keep lowercase text.

CREATE TABLE tb_organisation (
    pk_organisation int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    identifier      text NOT NULL UNIQUE,
    name            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tb_user (
    pk_user         int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    fk_organisation int NOT NULL REFERENCES tb_organisation,
    tenant_id       uuid NOT NULL,
    email           text NOT NULL,
    name            text NOT NULL,
    role            text NOT NULL CHECK (role IN ('admin', 'member')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Per organisation: a global unique email would tell one tenant about another's users.
    UNIQUE (tenant_id, email),
    UNIQUE (pk_user, tenant_id)
);

CREATE TABLE tb_project (
    pk_project      int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    fk_organisation int NOT NULL REFERENCES tb_organisation,
    tenant_id       uuid NOT NULL,
    identifier      text NOT NULL,
    name            text NOT NULL,
    description     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, identifier),
    UNIQUE (pk_project, tenant_id)
);

-- The composite foreign keys make a task's project and assignee belong to the task's own
-- organisation whatever the writing code does (foreign key checks do not see policies).
CREATE TABLE tb_task (
    pk_task         int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    fk_project      int NOT NULL,
    fk_assignee     int,
    tenant_id       uuid NOT NULL,
    title           text NOT NULL,
    status          text NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'doing', 'done')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (fk_project, tenant_id) REFERENCES tb_project (pk_project, tenant_id),
    FOREIGN KEY (fk_assignee, tenant_id) REFERENCES tb_user (pk_user, tenant_id)
);

CREATE TABLE tv_organisation (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, data jsonb NOT NULL);
CREATE TABLE tv_user (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, data jsonb NOT NULL);
CREATE TABLE tv_project (
    id         uuid PRIMARY KEY,
    tenant_id  uuid NOT NULL,
    identifier text NOT NULL,
    data       jsonb NOT NULL,
    UNIQUE (tenant_id, identifier)
);
CREATE TABLE tv_task (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, data jsonb NOT NULL);

CREATE FUNCTION fn_sync_tv_organisation(p_id uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tv_organisation (id, tenant_id, data)
    SELECT o.id, o.id, jsonb_build_object('id', o.id, 'tenant_id', o.id,
               'identifier', o.identifier, 'name', o.name, 'created_at', o.created_at)
    FROM tb_organisation o WHERE o.id = p_id
    ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data;
$$;

CREATE FUNCTION fn_sync_tv_user(p_id uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tv_user (id, tenant_id, data)
    SELECT u.id, u.tenant_id, jsonb_build_object('id', u.id, 'tenant_id', u.tenant_id,
               'email', u.email, 'name', u.name, 'role', upper(u.role))
    FROM tb_user u WHERE u.id = p_id
    ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data;
$$;

-- A task's document embeds its project and assignee.
CREATE FUNCTION fn_sync_tv_task(p_id uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tv_task (id, tenant_id, data)
    SELECT t.id, t.tenant_id, jsonb_build_object('id', t.id, 'tenant_id', t.tenant_id,
               'title', t.title, 'status', upper(t.status), 'created_at', t.created_at,
               'project', jsonb_build_object('id', p.id, 'identifier', p.identifier, 'name', p.name),
               'assignee', CASE WHEN u.pk_user IS NULL THEN NULL
                                ELSE jsonb_build_object('id', u.id, 'name', u.name) END)
    FROM tb_task t JOIN tb_project p ON p.pk_project = t.fk_project
    LEFT JOIN tb_user u ON u.pk_user = t.fk_assignee
    WHERE t.id = p_id
    ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data;
$$;

-- A project's document embeds its tasks (each with its assignee).
CREATE FUNCTION fn_sync_tv_project(p_id uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tv_project (id, tenant_id, identifier, data)
    SELECT p.id, p.tenant_id, p.identifier, jsonb_build_object('id', p.id,
               'tenant_id', p.tenant_id, 'identifier', p.identifier, 'name', p.name,
               'description', p.description, 'created_at', p.created_at,
               'tasks', COALESCE((
                   SELECT jsonb_agg(jsonb_build_object('id', t.id, 'title', t.title,
                              'status', upper(t.status),
                              'assignee', CASE WHEN u.pk_user IS NULL THEN NULL
                                               ELSE jsonb_build_object('id', u.id, 'name', u.name) END)
                          ORDER BY t.pk_task)
                   FROM tb_task t LEFT JOIN tb_user u ON u.pk_user = t.fk_assignee
                   WHERE t.fk_project = p.pk_project), '[]'::jsonb))
    FROM tb_project p WHERE p.id = p_id
    ON CONFLICT (id) DO UPDATE SET identifier = EXCLUDED.identifier, data = EXCLUDED.data;
$$;
