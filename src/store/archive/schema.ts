// The archive's schema, roles and append-only rules, as the SQL `runbook archive init` runs.
// Every statement is idempotent: init can run again after an upgrade, or by a second admin.

/** The group roles init creates; a team grants them to its login roles. */
export const writerRole = 'runbook_writer';
export const readerRole = 'runbook_reader';

/** The channel a session's new events are announced on: payload `<session id> <last seq>`. */
export const eventsChannel = 'runbook_events';
/** The channel a handed-in approval is announced on: payload `<session id>`. */
export const approvalsChannel = 'runbook_approvals';

const tables = `
CREATE SCHEMA IF NOT EXISTS runbook;

CREATE TABLE IF NOT EXISTS runbook.sessions (
	session_id text PRIMARY KEY,
	runbook text NOT NULL,
	operator text NOT NULL,
	host text NOT NULL,
	started_at timestamptz NOT NULL,
	archived_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS sessions_started_at ON runbook.sessions (started_at DESC);

-- One row per line of session.jsonl, its exact bytes without the newline; seq is the line's index.
CREATE TABLE IF NOT EXISTS runbook.events (
	session_id text NOT NULL REFERENCES runbook.sessions,
	seq bigint NOT NULL CHECK (seq >= 0),
	line bytea NOT NULL,
	PRIMARY KEY (session_id, seq)
);

-- How a session ended and whether it was sealed, found in its lines as they arrive.
CREATE TABLE IF NOT EXISTS runbook.marks (
	session_id text NOT NULL,
	seq bigint NOT NULL,
	kind text NOT NULL CHECK (kind IN ('ended', 'sealed')),
	status text,
	t_us bigint NOT NULL,
	PRIMARY KEY (session_id, seq),
	FOREIGN KEY (session_id, seq) REFERENCES runbook.events
);

-- session.jsonl.sig, the SSHSIG over the whole sealed log, once the runner has written it.
CREATE TABLE IF NOT EXISTS runbook.signatures (
	session_id text PRIMARY KEY REFERENCES runbook.sessions,
	sig text NOT NULL CHECK (length(sig) <= 65536),
	archived_at timestamptz NOT NULL DEFAULT now()
);

-- What "verify SESSION --archive" found, recorded by whoever ran it (the trigger fills in who
-- and when; a client cannot claim another's name). It covers the session's first "lines" lines.
CREATE TABLE IF NOT EXISTS runbook.verdicts (
	id bigserial PRIMARY KEY,
	session_id text NOT NULL REFERENCES runbook.sessions,
	lines bigint NOT NULL CHECK (lines >= 0),
	verdict text NOT NULL CHECK (verdict IN ('VALID', 'INCOMPLETE', 'INVALID', 'UNTRUSTED')),
	trust text NOT NULL CHECK (length(trust) <= 1000),
	verified_by text NOT NULL DEFAULT current_user,
	verified_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS verdicts_session ON runbook.verdicts (session_id, id);

-- A second approver's signed answer, as the JSON they would have put in approvals/.
CREATE TABLE IF NOT EXISTS runbook.approvals (
	id bigserial PRIMARY KEY,
	session_id text NOT NULL REFERENCES runbook.sessions,
	body bytea NOT NULL CHECK (length(body) <= 65536),
	handed_in_at timestamptz NOT NULL DEFAULT now(),
	handed_in_by text NOT NULL DEFAULT current_user
);
CREATE INDEX IF NOT EXISTS approvals_session ON runbook.approvals (session_id, id);
`;

const rules = `
CREATE OR REPLACE FUNCTION runbook.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'runbook archive: % on runbook.% refused: the archive is append-only', TG_OP, TG_TABLE_NAME
		USING ERRCODE = 'integrity_constraint_violation';
END $$;

-- Every line, however it is inserted (the append function, COPY, a plain INSERT): no gap, and an
-- end or a seal is noted. Run after the statement's rows are in, so a COPY keeps its bulk insert.
-- The type is in a line's first bytes ({"seq":…,"t":…,"type":…): only those are looked at.
-- It runs as the schema's owner: marks are its to write, never a writer's (a mark planted by hand
-- would list a session as ended or sealed that no line says so of).
CREATE OR REPLACE FUNCTION runbook.check_event() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_head bytea;
	v_kind text;
	v_json jsonb;
BEGIN
	IF NEW.seq > 0 AND NOT EXISTS (
		SELECT 1 FROM runbook.events WHERE session_id = NEW.session_id AND seq = NEW.seq - 1
	) THEN
		RAISE EXCEPTION 'runbook archive: session % line % would leave a gap: line % is not archived',
			NEW.session_id, NEW.seq, NEW.seq - 1 USING ERRCODE = 'check_violation';
	END IF;
	v_head := substring(NEW.line FROM 1 FOR 96);
	IF position('"type":"session-ended"'::bytea IN v_head) > 0 THEN
		v_kind := 'ended';
	ELSIF position('"type":"seal"'::bytea IN v_head) > 0 THEN
		v_kind := 'sealed';
	ELSE
		RETURN NULL;
	END IF;
	v_json := convert_from(NEW.line, 'UTF8')::jsonb;
	INSERT INTO runbook.marks (session_id, seq, kind, status, t_us)
		VALUES (NEW.session_id, NEW.seq, v_kind, v_json->>'status', (v_json->>'t')::bigint);
	RETURN NULL;
END $$;

-- A verdict covers lines the archive holds, no more: one claiming lines still to come would
-- stand for them once they arrive, unchecked.
CREATE OR REPLACE FUNCTION runbook.stamp_verdict() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	v_held bigint;
BEGIN
	SELECT coalesce(max(seq) + 1, 0) INTO v_held FROM runbook.events WHERE session_id = NEW.session_id;
	IF NEW.lines > v_held THEN
		RAISE EXCEPTION 'runbook archive: a verdict on session % over % lines, but the archive holds %',
			NEW.session_id, NEW.lines, v_held USING ERRCODE = 'check_violation';
	END IF;
	NEW.verified_by := current_user;
	NEW.verified_at := now();
	RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION runbook.announce_approval() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('${approvalsChannel}', NEW.session_id);
	RETURN NEW;
END $$;
`;

/** Each table refuses UPDATE, DELETE and TRUNCATE; events refuse a gap and note marks; approvals are announced. */
function triggers(): string {
	const appendOnly = ['sessions', 'events', 'marks', 'signatures', 'verdicts', 'approvals'].map(
		(table) => `
DROP TRIGGER IF EXISTS append_only ON runbook.${table};
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON runbook.${table}
	FOR EACH ROW EXECUTE FUNCTION runbook.refuse_change();
DROP TRIGGER IF EXISTS append_only_truncate ON runbook.${table};
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON runbook.${table}
	FOR EACH STATEMENT EXECUTE FUNCTION runbook.refuse_change();`,
	);
	return `${appendOnly.join('\n')}
DROP TRIGGER IF EXISTS no_gap ON runbook.events;
DROP FUNCTION IF EXISTS runbook.refuse_gap();
DROP TRIGGER IF EXISTS check_event ON runbook.events;
CREATE TRIGGER check_event AFTER INSERT ON runbook.events FOR EACH ROW EXECUTE FUNCTION runbook.check_event();
DROP TRIGGER IF EXISTS stamp ON runbook.verdicts;
CREATE TRIGGER stamp BEFORE INSERT ON runbook.verdicts FOR EACH ROW EXECUTE FUNCTION runbook.stamp_verdict();
DROP TRIGGER IF EXISTS announce ON runbook.approvals;
CREATE TRIGGER announce AFTER INSERT ON runbook.approvals FOR EACH ROW EXECUTE FUNCTION runbook.announce_approval();
`;
}

/**
 * Appends lines `first`… of a session. Lines the archive already holds must be byte-identical
 * (a re-send is a no-op); a changed one, or a batch that would leave a gap, is refused. The
 * header (line 0) also files the session; the events trigger notes an end or a seal. Runs as the caller.
 */
const appendFunction = `
CREATE OR REPLACE FUNCTION runbook.append(p_session text, p_first bigint, p_lines bytea[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_last bigint;
	v_changed bigint;
	v_header jsonb;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtextextended('runbook:' || p_session, 0));
	SELECT max(seq) INTO v_last FROM runbook.events WHERE session_id = p_session;
	v_last := coalesce(v_last, -1);
	IF p_first > v_last + 1 THEN
		RAISE EXCEPTION 'runbook archive: session % holds lines up to %; a batch from line % would leave a gap',
			p_session, v_last, p_first USING ERRCODE = 'check_violation';
	END IF;
	SELECT e.seq INTO v_changed
		FROM unnest(p_lines) WITH ORDINALITY AS l(line, n)
		JOIN runbook.events e ON e.session_id = p_session AND e.seq = p_first + l.n - 1
		WHERE e.line <> l.line ORDER BY e.seq LIMIT 1;
	IF v_changed IS NOT NULL THEN
		RAISE EXCEPTION 'runbook archive: session % line % differs from the archived line', p_session, v_changed
			USING ERRCODE = 'unique_violation';
	END IF;
	IF p_first = 0 AND v_last < 0 THEN
		v_header := convert_from(p_lines[1], 'UTF8')::jsonb;
		INSERT INTO runbook.sessions (session_id, runbook, operator, host, started_at)
			VALUES (p_session, v_header->'runbook'->>'path', v_header->'operator'->>'user',
				v_header->'operator'->>'host', (v_header->>'wall')::timestamptz)
			ON CONFLICT (session_id) DO NOTHING;
	END IF;
	INSERT INTO runbook.events (session_id, seq, line)
		SELECT p_session, p_first + l.n - 1, l.line FROM unnest(p_lines) WITH ORDINALITY AS l(line, n)
		WHERE p_first + l.n - 1 > v_last ORDER BY l.n;
	v_last := greatest(v_last, p_first + cardinality(p_lines) - 1);
	PERFORM pg_notify('${eventsChannel}', p_session || ' ' || v_last);
	RETURN v_last;
END $$;
`;

/**
 * The same, with the lines sent as one bytea and their lengths: a bytea parameter travels in
 * binary, where an array of them would travel as hex text twice the size.
 */
const appendBlobFunction = `
CREATE OR REPLACE FUNCTION runbook.append_blob(p_session text, p_first bigint, p_blob bytea, p_lengths int[])
RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
	RETURN runbook.append(p_session, p_first, ARRAY(
		SELECT substring(p_blob FROM (cut.ends - cut.len + 1)::int FOR cut.len)
		FROM (SELECT x.len, x.n, sum(x.len + 1) OVER (ORDER BY x.n) - 1 AS ends
			FROM unnest(p_lengths) WITH ORDINALITY AS x(len, n)) cut
		ORDER BY cut.n));
END $$;
`;

/** Lines compress well (JSON, repeated keys): lz4 where the server has it, for speed; pglz otherwise. */
const compression = `
DO $$ BEGIN
	ALTER TABLE runbook.events ALTER COLUMN line SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
`;

/** The roles, without login: a team grants them to the people and machines that connect. */
function roles(): string {
	const create = (role: string) => `
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} NOLOGIN; END IF;
END $$;`;
	return `${create(writerRole)}
${create(readerRole)}
REVOKE ALL ON ALL TABLES IN SCHEMA runbook FROM PUBLIC, ${writerRole}, ${readerRole};
GRANT USAGE ON SCHEMA runbook TO ${writerRole}, ${readerRole};
GRANT SELECT ON ALL TABLES IN SCHEMA runbook TO ${readerRole};
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA runbook TO ${writerRole};
REVOKE INSERT ON runbook.marks FROM ${writerRole};
GRANT USAGE ON SEQUENCE runbook.approvals_id_seq, runbook.verdicts_id_seq TO ${writerRole};
REVOKE ALL ON FUNCTION runbook.append(text, bigint, bytea[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION runbook.append(text, bigint, bytea[]) TO ${writerRole};
REVOKE ALL ON FUNCTION runbook.append_blob(text, bigint, bytea, int[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION runbook.append_blob(text, bigint, bytea, int[]) TO ${writerRole};
`;
}

/** The whole of `archive init`, in one transaction. */
export function initSql(): string {
	return `BEGIN;\n${tables}\n${compression}\n${rules}\n${appendFunction}\n${appendBlobFunction}\n${triggers()}\n${roles()}\nCOMMIT;`;
}
