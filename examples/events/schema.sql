-- An event log in the FraiseQL shape: accounts (tb_account) and an append-only log of what
-- happened to them (tb_event), projected into read documents by fn_sync_* functions: one
-- tv_event row per event, one tv_account row per account with its balance folded from its
-- events. Documents hold enum values as their GraphQL names (DEPOSITED, WITHDRAWN).

CREATE TABLE tb_account (
    pk_account int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    identifier text NOT NULL UNIQUE
);

CREATE TABLE tb_event (
    pk_event    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    fk_account  int NOT NULL REFERENCES tb_account,
    kind        text NOT NULL CHECK (kind IN ('deposited', 'withdrawn')),
    amount      int NOT NULL CHECK (amount > 0),
    occurred_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only: an event, once written, is history.
CREATE FUNCTION fn_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'tb_event is append-only' USING HINT = 'APPEND_ONLY';
END
$$;
CREATE TRIGGER tb_event_append_only BEFORE UPDATE OR DELETE ON tb_event
    FOR EACH ROW EXECUTE FUNCTION fn_refuse_change();
CREATE TRIGGER tb_event_no_truncate BEFORE TRUNCATE ON tb_event
    FOR EACH STATEMENT EXECUTE FUNCTION fn_refuse_change();

-- pk_event is a real column: the newest-first order (and so every cursor) reads this index
-- backwards, never the document.
CREATE TABLE tv_event (
    id       uuid NOT NULL,
    pk_event bigint NOT NULL,
    data     jsonb NOT NULL
);

CREATE TABLE tv_account (
    id         uuid PRIMARY KEY,
    identifier text NOT NULL UNIQUE,
    data       jsonb NOT NULL
);

-- Projects the events whose pk_event lies in [p_from, p_to]: set-based, so a million events
-- are projected by a few statements rather than a million calls.
CREATE FUNCTION fn_sync_tv_event(p_from bigint, p_to bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tv_event (id, pk_event, data)
    SELECT e.id, e.pk_event, jsonb_build_object('id', e.id, 'sequence', e.pk_event,
               'kind', upper(e.kind), 'amount', e.amount, 'occurred_at', e.occurred_at,
               'account', jsonb_build_object('id', a.id, 'identifier', a.identifier))
    FROM tb_event e JOIN tb_account a ON a.pk_account = e.fk_account
    WHERE e.pk_event BETWEEN p_from AND p_to;
$$;

-- Folds an account's events into its document.
CREATE FUNCTION fn_sync_tv_account(p_id uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tv_account (id, identifier, data)
    SELECT a.id, a.identifier, jsonb_build_object('id', a.id, 'identifier', a.identifier,
               'balance', coalesce(sum(CASE e.kind WHEN 'deposited' THEN e.amount
                                                   ELSE -e.amount END), 0),
               'event_count', count(e.pk_event),
               'last_sequence', max(e.pk_event))
    FROM tb_account a LEFT JOIN tb_event e ON e.fk_account = a.pk_account
    WHERE a.id = p_id
    GROUP BY a.pk_account
    ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data;
$$;

-- Appends p_count generated events spread over the accounts (deposits mostly, so balances
-- stay positive) and projects them, in one statement each: the start-up's bulk load.
CREATE FUNCTION fn_generate_events(p_count int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_accounts int := (SELECT count(*) FROM tb_account);
    v_from bigint;
    v_to bigint;
BEGIN
    WITH inserted AS (
        INSERT INTO tb_event (fk_account, kind, amount, occurred_at)
        SELECT 1 + (n * 7919) % v_accounts,
               CASE WHEN (n / 7) % 4 = 0 THEN 'withdrawn' ELSE 'deposited' END,
               1 + (n * 31) % 500,
               timestamptz '2024-01-01' + n * interval '1 second'
        FROM generate_series(coalesce((SELECT max(pk_event) FROM tb_event), 0) + 1,
                             coalesce((SELECT max(pk_event) FROM tb_event), 0) + p_count) AS n
        RETURNING pk_event)
    SELECT min(pk_event), max(pk_event) INTO v_from, v_to FROM inserted;
    PERFORM fn_sync_tv_event(v_from, v_to);
END
$$;

-- The indexes, built once after the bulk load (faster than maintaining them row by row).
CREATE FUNCTION fn_index_events() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE UNIQUE INDEX IF NOT EXISTS tb_event_id ON tb_event (id);
    CREATE INDEX IF NOT EXISTS tb_event_account ON tb_event (fk_account);
    CREATE UNIQUE INDEX IF NOT EXISTS tv_event_id ON tv_event (id);
    CREATE UNIQUE INDEX IF NOT EXISTS tv_event_order ON tv_event (pk_event, id);
    PERFORM fn_sync_tv_account(id) FROM tb_account;
    ANALYZE tb_event;
    ANALYZE tv_event;
    ANALYZE tv_account;
END
$$;

INSERT INTO tb_account (identifier) SELECT 'account-' || n FROM generate_series(1, 100) AS n;
SELECT fn_sync_tv_account(id) FROM tb_account;
