"""The functions ``server setup`` creates on the shared PostgreSQL server (SPEC §1, §14).

They belong to the migration owner and run with its rights (``SECURITY DEFINER``, with a fixed
``search_path``); each checks who is connected by the log-in role (``session_user``), never by
anything the client sends:

* ``gongkai_current_user_id()``: the app user whose log-in role is connected;
  ``gongkai_is_admin()``, ``gongkai_may_write(division)``, ``gongkai_may_read_personal(division)``:
  the rules of SPEC §1 for row-level security.
* ``gongkai_append_audit(…)``: the only way a runtime role adds an audit row. The server takes
  the lock of the chain, stamps its own time and the connected user, links to the head and
  computes the row's hash exactly as ``audit._row_hash`` does, so a forged, back-dated or
  misattributed row cannot be written, and the chain cannot be forked.
* ``gongkai_set_login(user, verifier)``: an administrator (or the user, for their own password)
  creates or updates a user's log-in role: its SCRAM verifier (made on the PC: the password never
  reaches the server in clear), its group and whether it may log in (not when the user is
  inactive). Audited.
* ``gongkai_review_by_admins``: the trigger that keeps the review of a quarterly report
  (审核) to administrators, although a liaison writes the rest of their division's report.
* ``gongkai_user_changed``: the trigger by which the server itself audits every change of an
  account's name, role, division, activity or password made through a runtime role.
* ``gongkai_number_taken(kind, number)``: whether a 登记编号 or 案件编号 is taken, also in a
  division whose requests the connected liaison may not read (only the record's id is told).
* ``gongkai_own_password_hash()``: the connected user's own password hash (the app checks the
  password too, also on a server that trusts its network); nobody else's can be read.
* ``gongkai_login_failed(username)`` and ``gongkai_gate_info()``: all the connection role of the
  PCs (the *gate*) may do before a user has logged in: count and audit a failed log-in the same way
  the app does, and say whether the database is set up and the unit's name.
"""

from __future__ import annotations

# The owner's name, the group roles and the gate role are put in by ``server_setup``.
FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION gongkai_login_role(p_username text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT 'gk_' || current_database() || '_' || left(md5(p_username), 12)
$$;

CREATE OR REPLACE FUNCTION gongkai_current_user_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.id FROM app_user u
    WHERE starts_with(session_user::text, 'gk_' || current_database() || '_')
      AND gongkai_login_role(u.username) = session_user::text
$$;

CREATE OR REPLACE FUNCTION gongkai_is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM app_user u
                   WHERE u.id = gongkai_current_user_id() AND u.active AND u.role = 'admin')
$$;

CREATE OR REPLACE FUNCTION gongkai_may_write(target_division integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM app_user u
                   WHERE u.id = gongkai_current_user_id() AND u.active
                     AND (u.role = 'admin'
                          OR (u.role = 'liaison' AND u.division_id = target_division)))
$$;

CREATE OR REPLACE FUNCTION gongkai_may_read_personal(target_division integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM app_user u
                   WHERE u.id = gongkai_current_user_id() AND u.active
                     AND (u.role IN ('admin', 'leader') OR u.division_id = target_division))
$$;

CREATE OR REPLACE FUNCTION gongkai_audit_append(
    p_user_id integer, p_username text, p_action text, p_entity text, p_entity_id text,
    p_division_id integer, p_outcome text, p_before text, p_after text, p_detail text,
    OUT o_id integer, OUT o_hash text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_prev text;
    v_ts text;
BEGIN
    PERFORM pg_advisory_xact_lock({lock_key});
    SELECT a.hash INTO v_prev FROM audit_log a ORDER BY a.id DESC LIMIT 1;
    v_prev := coalesce(v_prev, repeat('0', 64));
    v_ts := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    o_hash := encode(sha256(convert_to('[' || array_to_string(ARRAY[
        to_json(v_prev)::text, to_json(v_ts)::text, coalesce(to_json(p_user_id)::text, 'null'),
        to_json(p_username)::text, to_json(p_action)::text, to_json(p_entity)::text,
        to_json(p_entity_id)::text, coalesce(to_json(p_division_id)::text, 'null'),
        to_json(p_outcome)::text, coalesce(to_json(p_before)::text, 'null'),
        coalesce(to_json(p_after)::text, 'null'), to_json(p_detail)::text], ',') || ']',
        'UTF8')), 'hex');
    INSERT INTO audit_log (ts, user_id, username, action, entity, entity_id, division_id,
                           outcome, before, after, detail, prev_hash, hash)
    VALUES (v_ts, p_user_id, p_username, p_action, p_entity, p_entity_id, p_division_id,
            p_outcome, p_before, p_after, p_detail, v_prev, o_hash)
    RETURNING id INTO o_id;
END
$$;

CREATE OR REPLACE FUNCTION gongkai_append_audit(
    p_action text, p_entity text, p_entity_id text, p_division_id integer, p_outcome text,
    p_before text, p_after text, p_detail text, OUT o_id integer, OUT o_hash text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_user app_user%ROWTYPE;
BEGIN
    SELECT * INTO v_user FROM app_user u WHERE u.id = gongkai_current_user_id();
    IF NOT FOUND OR NOT v_user.active THEN
        RAISE EXCEPTION '此数据库登录角色不属于任何在用的用户，不能写审计日志'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT a.o_id, a.o_hash INTO o_id, o_hash FROM gongkai_audit_append(
        v_user.id, v_user.username, p_action, p_entity, p_entity_id, p_division_id, p_outcome,
        p_before, p_after, p_detail) a;
END
$$;

CREATE OR REPLACE FUNCTION gongkai_set_login(p_user_id integer, p_verifier text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_user app_user%ROWTYPE;
    v_role text;
    v_group text;
    v_caller integer := gongkai_current_user_id();
BEGIN
    IF NOT (gongkai_is_admin() OR (p_user_id = v_caller AND p_verifier IS NOT NULL)
            OR pg_has_role(session_user, '{owner}', 'MEMBER')) THEN
        RAISE EXCEPTION '只有管理员可以设置其他用户的数据库登录'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_verifier IS NOT NULL AND p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
        RAISE EXCEPTION '数据库登录密码只接受 SCRAM-SHA-256 校验值' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO v_user FROM app_user u WHERE u.id = p_user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION '没有编号为 % 的用户', p_user_id USING ERRCODE = 'no_data_found';
    END IF;
    v_role := gongkai_login_role(v_user.username);
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
        IF p_verifier IS NULL THEN
            RETURN NULL;  -- nothing to update: the user has no log-in role yet
        END IF;
        EXECUTE format('CREATE ROLE %I NOLOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE', v_role);
        EXECUTE format('COMMENT ON ROLE %I IS %L', v_role,
                       '政务公开工作台用户 ' || v_user.username || '（' || current_database() || '）');
    END IF;
    IF p_verifier IS NOT NULL THEN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', v_role, p_verifier);
    END IF;
    FOREACH v_group IN ARRAY ARRAY[{groups}] LOOP
        IF pg_has_role(v_role, v_group, 'MEMBER') THEN
            EXECUTE format('REVOKE %I FROM %I', v_group, v_role);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', 'gongkai_' || current_database() || '_' || v_user.role, v_role);
    EXECUTE format('ALTER ROLE %I %s', v_role,
                   CASE WHEN v_user.active THEN 'LOGIN' ELSE 'NOLOGIN' END);
    PERFORM gongkai_audit_append(v_caller, coalesce((SELECT u.username FROM app_user u
                                                      WHERE u.id = v_caller), session_user::text),
        'db_login.set', 'user', p_user_id::text, v_user.division_id, 'ok', NULL, NULL,
        '数据库登录角色 ' || v_role || CASE WHEN p_verifier IS NULL THEN '：更新权限组和登录许可'
                                          ELSE '：设置密码、权限组和登录许可' END);
    RETURN v_role;
END
$$;

CREATE OR REPLACE FUNCTION gongkai_login_failed(p_username text) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_user app_user%ROWTYPE;
    v_failed integer;
    v_seconds integer := 0;
    v_locked boolean;
    v_detail text;
    v_name text;
    v_now timestamp := now() AT TIME ZONE 'UTC';  -- the app keeps UTC without a zone
BEGIN
    v_name := CASE WHEN length(p_username) <= 64 THEN p_username
                   ELSE left(p_username, 63) || '…' END;
    SELECT * INTO v_user FROM app_user u WHERE u.username = p_username FOR UPDATE;
    IF NOT FOUND OR NOT v_user.active THEN
        PERFORM gongkai_audit_append(NULL, v_name, 'login', 'user', v_name, NULL, 'failed',
            NULL, NULL, '用户不存在或已停用（共享服务器拒绝登录）');
        RETURN 0;
    END IF;
    v_locked := v_user.locked_until IS NOT NULL AND v_user.locked_until > v_now;
    UPDATE app_user SET failed_logins = failed_logins + 1 WHERE id = v_user.id
        RETURNING failed_logins INTO v_failed;
    IF v_failed >= {free_attempts} THEN
        v_seconds := least({max_lock}, {base_lock} * power(2, least(v_failed - {free_attempts}, 20)))::integer;
    END IF;
    v_detail := '密码错误（连续第 ' || v_failed || ' 次，共享服务器拒绝登录）'
                || CASE WHEN v_locked THEN '，账号锁定中' ELSE '' END;
    IF v_seconds > 0 AND NOT v_locked THEN
        UPDATE app_user SET locked_until = v_now + make_interval(secs => v_seconds)
            WHERE id = v_user.id;
        v_detail := v_detail || '，锁定 ' || v_seconds || ' 秒';
    END IF;
    PERFORM gongkai_audit_append(v_user.id, v_user.username, 'login', 'user', v_user.id::text,
        v_user.division_id, CASE WHEN v_locked THEN 'denied' ELSE 'failed' END, NULL, NULL,
        v_detail);
    RETURN v_seconds;
END
$$;

CREATE OR REPLACE FUNCTION gongkai_review_by_admins() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    -- A liaison submits and resubmits (which clears the review); only an administrator reviews.
    IF gongkai_current_user_id() IS NOT NULL AND NOT gongkai_is_admin()
       AND (NEW.review_result IS NOT NULL OR NEW.reviewed_by IS NOT NULL
            OR NEW.reviewed_at IS NOT NULL)
       AND (TG_OP = 'INSERT' OR NEW.review_result IS DISTINCT FROM OLD.review_result
            OR NEW.reviewed_by IS DISTINCT FROM OLD.reviewed_by
            OR NEW.reviewed_at IS DISTINCT FROM OLD.reviewed_at
            OR NEW.review_comment IS DISTINCT FROM OLD.review_comment) THEN
        RAISE EXCEPTION '只有管理员可以审核季度报告' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION gongkai_user_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_caller integer := gongkai_current_user_id();
    v_row app_user%ROWTYPE := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    v_what text[] := ARRAY[]::text[];
BEGIN
    -- The server's own record of who changed an account's name, role, division, activity or
    -- password, whatever the client wrote in the audit log (log-in bookkeeping is left out).
    IF TG_OP = 'UPDATE' THEN
        IF NEW.username IS DISTINCT FROM OLD.username THEN v_what := v_what || '用户名'::text; END IF;
        IF NEW.role IS DISTINCT FROM OLD.role THEN v_what := v_what || ('角色 ' || OLD.role || '→' || NEW.role); END IF;
        IF NEW.division_id IS DISTINCT FROM OLD.division_id THEN v_what := v_what || '处室'::text; END IF;
        IF NEW.active IS DISTINCT FROM OLD.active THEN v_what := v_what || CASE WHEN NEW.active THEN '启用'::text ELSE '停用'::text END; END IF;
        IF NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN v_what := v_what || '密码'::text; END IF;
        IF cardinality(v_what) = 0 THEN
            RETURN NEW;
        END IF;
    END IF;
    PERFORM gongkai_audit_append(v_caller,
        coalesce((SELECT u.username FROM app_user u WHERE u.id = v_caller), session_user::text),
        'db_user.' || lower(TG_OP), 'user', v_row.id::text, v_row.division_id, 'ok', NULL, NULL,
        '服务器记录：用户「' || v_row.username || '」'
        || CASE TG_OP WHEN 'INSERT' THEN '新建（角色 ' || v_row.role || '）'
                      WHEN 'DELETE' THEN '删除'
                      ELSE '变更：' || array_to_string(v_what, '、') END);
    RETURN v_row;
END
$$;

CREATE OR REPLACE FUNCTION gongkai_number_taken(p_kind text, p_number text) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT CASE p_kind
        WHEN 'request' THEN (SELECT r.id FROM disclosure_request r WHERE r.reg_no = p_number)
        WHEN 'case' THEN (SELECT c.id FROM disclosure_case c WHERE c.case_no = p_number)
    END
$$;

CREATE OR REPLACE FUNCTION gongkai_own_password_hash() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.password_hash FROM app_user u WHERE u.id = gongkai_current_user_id() AND u.active
$$;

CREATE OR REPLACE FUNCTION gongkai_gate_info(OUT initialized boolean, OUT unit text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM app_user),
           coalesce((SELECT s.value FROM setting s WHERE s.key = 'unit_name'), '')
$$;
"""

# Who may call what: the runtime groups (every logged-in user), the gate (before log-in).
FOR_USERS = (
    "gongkai_login_role(text)",
    "gongkai_current_user_id()",
    "gongkai_is_admin()",
    "gongkai_may_write(integer)",
    "gongkai_may_read_personal(integer)",
    "gongkai_append_audit(text, text, text, integer, text, text, text, text)",
    "gongkai_set_login(integer, text)",
    "gongkai_own_password_hash()",
    "gongkai_number_taken(text, text)",
)
FOR_GATE = ("gongkai_login_failed(text)", "gongkai_gate_info()")
INTERNAL = (
    "gongkai_audit_append(integer, text, text, text, text, integer, text, text, text, text)",
)
