-- Two organisations with three users, two projects and three tasks per project each. Both
-- have a project called "website", so a lookup by identifier must pick the request's own.

INSERT INTO tb_organisation (identifier, name) VALUES ('acme', 'Acme Ltd'), ('globex', 'Globex Corp');

INSERT INTO tb_user (fk_organisation, tenant_id, email, name, role)
SELECT o.pk_organisation, o.id, u.email, u.name, u.role
FROM (VALUES ('acme', 'ada@acme.test', 'Ada', 'admin'),
             ('acme', 'alan@acme.test', 'Alan', 'member'),
             ('acme', 'grace@acme.test', 'Grace', 'member'),
             ('globex', 'hank@globex.test', 'Hank', 'admin'),
             ('globex', 'frank@globex.test', 'Frank', 'member'),
             ('globex', 'lisa@globex.test', 'Lisa', 'member')) AS u (org, email, name, role)
JOIN tb_organisation o ON o.identifier = u.org;

INSERT INTO tb_project (fk_organisation, tenant_id, identifier, name, description)
SELECT o.pk_organisation, o.id, p.identifier, p.name, p.description
FROM (VALUES ('acme', 'website', 'Website', 'The public site'),
             ('acme', 'rockets', 'Rockets', NULL),
             ('globex', 'website', 'Globex website', 'Marketing pages'),
             ('globex', 'doomsday', 'Doomsday device', 'Top secret')) AS p (org, identifier, name, description)
JOIN tb_organisation o ON o.identifier = p.org;

INSERT INTO tb_task (fk_project, fk_assignee, tenant_id, title, status)
SELECT p.pk_project, u.pk_user, p.tenant_id, p.name || ': step ' || n,
       (ARRAY['todo', 'doing', 'done'])[n]
FROM tb_project p
CROSS JOIN generate_series(1, 3) AS n
LEFT JOIN LATERAL (SELECT pk_user FROM tb_user WHERE tenant_id = p.tenant_id
                   ORDER BY pk_user OFFSET n - 1 LIMIT 1) u ON n < 3
ORDER BY p.pk_project, n;

SELECT fn_sync_tv_organisation(id) FROM tb_organisation;
SELECT fn_sync_tv_user(id) FROM tb_user;
SELECT fn_sync_tv_task(id) FROM tb_task;
SELECT fn_sync_tv_project(id) FROM tb_project;
