-- Appending one event (after schema.sql and fraiseql::MUTATION_RESULT_SQL).
--
-- Appends take one lock in turn, so events commit in pk_event order: a reader never sees event
-- n + 1 while event n is still in flight, and keyset pages over pk_event never gain a row
-- inside a range they have already read. Without it, a cursor could skip an event that
-- committed after a later one.
CREATE FUNCTION fn_append_event(input jsonb) RETURNS fraiseql_mutation_result
LANGUAGE plpgsql AS $$
DECLARE
    v_account tb_account;
    v_amount int := (input->>'amount')::int;
    v_kind text := lower(input->>'kind');
    v_event tb_event;
BEGIN
    SELECT * INTO v_account FROM tb_account WHERE id = (input->>'account_id')::uuid;
    IF v_account.pk_account IS NULL THEN
        RETURN fraiseql_refusal('not_found:account', 'no such account');
    END IF;
    IF v_amount IS NULL OR v_amount <= 0 OR v_amount > 1000000 THEN
        RETURN fraiseql_refusal('validation:event', 'the event is not valid', jsonb_build_array(
            jsonb_build_object('field', 'amount', 'code', 'out_of_range',
                               'message', 'between 1 and 1,000,000')));
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('tb_event append'));
    IF v_kind = 'withdrawn' AND (SELECT (data->>'balance')::int FROM tv_account
                                 WHERE id = v_account.id) < v_amount THEN
        RETURN fraiseql_refusal('validation:event', 'the event is not valid', jsonb_build_array(
            jsonb_build_object('field', 'amount', 'code', 'insufficient_funds',
                               'message', 'more than the balance')));
    END IF;
    INSERT INTO tb_event (fk_account, kind, amount)
    VALUES (v_account.pk_account, v_kind, v_amount) RETURNING * INTO v_event;
    PERFORM fn_sync_tv_event(v_event.pk_event, v_event.pk_event);
    PERFORM fn_sync_tv_account(v_account.id);
    RETURN fraiseql_success(v_event.id, (SELECT data FROM tv_event WHERE id = v_event.id),
                            'event appended', status => 'success:created');
END
$$;
