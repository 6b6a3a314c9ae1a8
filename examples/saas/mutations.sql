-- The mutation functions (after schema.sql, security.sql and fraiseql::MUTATION_RESULT_SQL).
-- Each runs as the application's role, so row-level security applies inside: another
-- organisation's rows are invisible here too, and a write into another organisation fails the
-- policies' check. The tenant always comes from the request (the verified token), never from
-- the input.

CREATE FUNCTION fn_create_project(input jsonb) RETURNS fraiseql_mutation_result
LANGUAGE plpgsql AS $$
DECLARE
    v_tenant uuid := app_tenant();
    v_organisation int := (SELECT pk_organisation FROM tb_organisation WHERE id = v_tenant);
    v_id uuid := gen_random_uuid();
    v_problems jsonb := '[]';
BEGIN
    IF v_organisation IS NULL THEN
        RETURN fraiseql_refusal('forbidden:tenant', 'a project belongs to an organisation');
    END IF;
    IF coalesce(input->>'identifier', '') !~ '^[a-z0-9][a-z0-9-]{1,39}$' THEN
        v_problems := v_problems || jsonb_build_object('field', 'identifier', 'code', 'invalid',
            'message', '2 to 40 lowercase letters, digits or dashes');
    END IF;
    IF btrim(coalesce(input->>'name', '')) = '' THEN
        v_problems := v_problems || jsonb_build_object('field', 'name', 'code', 'required',
            'message', 'a name is required');
    ELSIF length(input->>'name') > 80 THEN
        v_problems := v_problems || jsonb_build_object('field', 'name', 'code', 'too_long',
            'message', 'at most 80 characters');
    END IF;
    IF jsonb_array_length(v_problems) > 0 THEN
        RETURN fraiseql_refusal('validation:project', 'the project is not valid', v_problems);
    END IF;
    IF EXISTS (SELECT FROM tb_project WHERE identifier = input->>'identifier') THEN
        RETURN fraiseql_refusal('conflict:identifier', 'the identifier is taken');
    END IF;
    INSERT INTO tb_project (id, fk_organisation, tenant_id, identifier, name, description)
    VALUES (v_id, v_organisation, v_tenant, input->>'identifier', btrim(input->>'name'),
            input->>'description');
    PERFORM fn_sync_tv_project(v_id);
    RETURN fraiseql_success(v_id, (SELECT data FROM tv_project WHERE id = v_id),
                            'project created', status => 'success:created');
END
$$;

CREATE FUNCTION fn_create_task(input jsonb) RETURNS fraiseql_mutation_result
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid := gen_random_uuid();
    v_project tb_project;
    v_assignee int;
BEGIN
    -- Another organisation's project is not found: the policies hide it.
    SELECT * INTO v_project FROM tb_project WHERE id = (input->>'project_id')::uuid;
    IF v_project.pk_project IS NULL THEN
        RETURN fraiseql_refusal('not_found:project', 'no such project');
    END IF;
    IF btrim(coalesce(input->>'title', '')) = '' THEN
        RETURN fraiseql_refusal('validation:task', 'the task is not valid', jsonb_build_array(
            jsonb_build_object('field', 'title', 'code', 'required',
                               'message', 'a title is required')));
    END IF;
    IF input->>'assignee_id' IS NOT NULL THEN
        SELECT pk_user INTO v_assignee FROM tb_user WHERE id = (input->>'assignee_id')::uuid;
        IF v_assignee IS NULL THEN
            RETURN fraiseql_refusal('validation:task', 'the task is not valid', jsonb_build_array(
                jsonb_build_object('field', 'assigneeId', 'code', 'not_found',
                                   'message', 'no such user in this organisation')));
        END IF;
    END IF;
    INSERT INTO tb_task (id, fk_project, fk_assignee, tenant_id, title)
    VALUES (v_id, v_project.pk_project, v_assignee, v_project.tenant_id, btrim(input->>'title'));
    PERFORM fn_sync_tv_task(v_id);
    PERFORM fn_sync_tv_project(v_project.id);
    RETURN fraiseql_success(v_id, (SELECT data FROM tv_task WHERE id = v_id), 'task created',
                            status => 'success:created');
END
$$;

CREATE FUNCTION fn_update_task(input jsonb) RETURNS fraiseql_mutation_result
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid := (input->>'id')::uuid;
    v_task tb_task;
    v_fields text[] := ARRAY(
        SELECT key FROM jsonb_object_keys(input) AS key
        WHERE key IN ('title', 'status') ORDER BY key);
BEGIN
    SELECT * INTO v_task FROM tb_task WHERE id = v_id FOR NO KEY UPDATE;
    IF v_task.pk_task IS NULL THEN
        RETURN fraiseql_refusal('not_found:task', 'no such task');
    END IF;
    IF input ? 'title' AND btrim(coalesce(input->>'title', '')) = '' THEN
        RETURN fraiseql_refusal('validation:task', 'the task is not valid', jsonb_build_array(
            jsonb_build_object('field', 'title', 'code', 'required',
                               'message', 'a title is required')));
    END IF;
    IF v_task.status = 'done' AND lower(input->>'status') = 'todo' THEN
        RETURN fraiseql_refusal('validation:task', 'the task is not valid', jsonb_build_array(
            jsonb_build_object('field', 'status', 'code', 'invalid_transition',
                               'message', 'a done task is reopened as doing, not todo')));
    END IF;
    UPDATE tb_task SET
        title = CASE WHEN input ? 'title' THEN btrim(input->>'title') ELSE title END,
        status = coalesce(lower(input->>'status'), status)
    WHERE pk_task = v_task.pk_task;
    PERFORM fn_sync_tv_task(v_id);
    PERFORM fn_sync_tv_project(p.id) FROM tb_project p WHERE p.pk_project = v_task.fk_project;
    RETURN fraiseql_success(v_id, (SELECT data FROM tv_task WHERE id = v_id), 'task updated',
                            v_fields);
END
$$;

CREATE FUNCTION fn_delete_project(input jsonb) RETURNS fraiseql_mutation_result
LANGUAGE plpgsql AS $$
DECLARE
    v_project tb_project;
    v_document jsonb;
BEGIN
    SELECT * INTO v_project FROM tb_project WHERE id = (input->>'id')::uuid FOR UPDATE;
    IF v_project.pk_project IS NULL THEN
        RETURN fraiseql_refusal('not_found:project', 'no such project');
    END IF;
    v_document := (SELECT data FROM tv_project WHERE id = v_project.id);
    DELETE FROM tv_task WHERE id IN (SELECT id FROM tb_task WHERE fk_project = v_project.pk_project);
    DELETE FROM tb_task WHERE fk_project = v_project.pk_project;
    DELETE FROM tv_project WHERE id = v_project.id;
    DELETE FROM tb_project WHERE pk_project = v_project.pk_project;
    RETURN fraiseql_success(v_project.id, v_document, 'project deleted',
                            status => 'success:deleted');
END
$$;
