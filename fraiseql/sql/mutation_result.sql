-- The result every FraiseQL mutation function returns, and two constructors.
--
-- A mutation function takes the GraphQL input as one jsonb argument, reads the request's context
-- with current_setting('app.…', true), changes tb_* tables, refreshes the read side with
-- fn_sync_tv_*(id), and returns one fraiseql_mutation_result. It runs in the request's
-- transaction: raising an error anywhere rolls all of it back.
--
-- status is 'success' (or 'success:<detail>') or '<kind>:<detail>' for a refusal, the kind
-- naming the GraphQL error code: not_found → NOT_FOUND, conflict → CONFLICT,
-- validation → VALIDATION, forbidden → FORBIDDEN. entity is the entity's refreshed tv_*
-- document, so the response reads the write it just made.

CREATE TYPE fraiseql_mutation_result AS (
    status         text,
    message        text,
    entity_id      uuid,
    entity         jsonb,
    updated_fields text[],
    -- Per-field problems: [{"field": "email", "code": "invalid", "message": "…"}].
    errors         jsonb
);

CREATE FUNCTION fraiseql_success(
    entity_id uuid,
    entity jsonb,
    message text DEFAULT NULL,
    updated_fields text[] DEFAULT NULL,
    status text DEFAULT 'success'
) RETURNS fraiseql_mutation_result
LANGUAGE sql IMMUTABLE AS $$
    SELECT ROW(status, message, entity_id, entity, updated_fields, NULL::jsonb)::fraiseql_mutation_result
$$;

CREATE FUNCTION fraiseql_refusal(
    status text,
    message text,
    errors jsonb DEFAULT NULL
) RETURNS fraiseql_mutation_result
LANGUAGE sql IMMUTABLE AS $$
    SELECT ROW(status, message, NULL::uuid, NULL::jsonb, NULL::text[], errors)::fraiseql_mutation_result
$$;
