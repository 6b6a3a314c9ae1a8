-- Row-level security: every tb_* and tv_* row belongs to the organisation in its tenant_id (an
-- organisation to itself), and a request sees and writes only the rows of the organisation its
-- verified token names. A request without a tenant sees nothing. The application logs in as a
-- role without BYPASSRLS that does not own the tables, so the policies always apply to it.

CREATE FUNCTION app_tenant() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid
$$;

ALTER TABLE tb_organisation ENABLE ROW LEVEL SECURITY;
ALTER TABLE tb_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE tb_project ENABLE ROW LEVEL SECURITY;
ALTER TABLE tb_task ENABLE ROW LEVEL SECURITY;
ALTER TABLE tv_organisation ENABLE ROW LEVEL SECURITY;
ALTER TABLE tv_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE tv_project ENABLE ROW LEVEL SECURITY;
ALTER TABLE tv_task ENABLE ROW LEVEL SECURITY;

-- USING filters what is read, updated and deleted; as the only clause it is also the WITH CHECK
-- that every inserted or updated row must pass.
CREATE POLICY tenant ON tb_organisation USING (id = app_tenant());
CREATE POLICY tenant ON tb_user USING (tenant_id = app_tenant());
CREATE POLICY tenant ON tb_project USING (tenant_id = app_tenant());
CREATE POLICY tenant ON tb_task USING (tenant_id = app_tenant());
CREATE POLICY tenant ON tv_organisation USING (tenant_id = app_tenant());
CREATE POLICY tenant ON tv_user USING (tenant_id = app_tenant());
CREATE POLICY tenant ON tv_project USING (tenant_id = app_tenant());
CREATE POLICY tenant ON tv_task USING (tenant_id = app_tenant());
