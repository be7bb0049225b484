#!/usr/bin/env bash
# The deploy lab: a real Django CRM (Debian's python3-django, python3-psycopg2, gunicorn) on a
# throwaway PostgreSQL, deployed from a bare git origin, so runbooks/django-crm-deploy.yaml can
# run for real.
#
#   test/lab/lab.sh run [good|broken]      set up, run the runbook in this terminal, tear down
#                                          (also on Ctrl-C); `npm run lab` does this
#   test/lab/lab.sh approve                the second approval of `migrate`, as a partner with
#                                          their own key, from another terminal
#   test/lab/lab.sh up DIR [good|broken]   set up in DIR: DIR/lab.env (the shell environment),
#                                          DIR/lab.vars (the runbook's vars, name=value lines, one
#                                          --var each), DIR/ops (where
#                                          the operator runs it)
#   test/lab/lab.sh down DIR               stop the app and the database, remove DIR
#   test/lab/lab.sh app-start|app-stop|app-restart DIR    gunicorn (the runbook's commands)
#
# `good` releases migration 0002_clientvisit (a new table). `broken` releases a non-atomic
# migration that deletes clients without an e-mail and then fails on a unique constraint, so
# only the rollback's restore brings them back.
set -euo pipefail

lab_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$lab_dir/../.." && pwd)"
python="${LAB_PYTHON:-/usr/bin/python3}"
gunicorn="${LAB_GUNICORN:-/usr/bin/gunicorn}"
state="${XDG_STATE_HOME:-$HOME/.local/state}/runbook-lab"
logs="${RUNBOOK_LAB_LOG_DIR:-$state/sessions}"

die() {
	echo "lab: $*" >&2
	exit 2
}

free_port() {
	"$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Fails with the reason when a package the lab needs is missing.
need_tools() {
	"$python" -c 'import django, psycopg2' 2>/dev/null || die "$python cannot import django and psycopg2 (apt-get install python3-django python3-psycopg2)"
	[ -x "$gunicorn" ] || die "no $gunicorn (apt-get install gunicorn)"
	command -v pg_dump >/dev/null && command -v psql >/dev/null || die "no pg_dump or psql (apt-get install postgresql-15)"
	command -v openssl >/dev/null || die "no openssl"
}

git_as_lab() { git -c user.name="Lab developer" -c user.email=dev@crm.lab.invalid "$@"; }

up() {
	local dir="$1" variant="${2:-good}"
	[ -d "$lab_dir/releases/$variant" ] || die "no release \`$variant\` (good or broken)"
	need_tools
	mkdir -p "$dir"/{bin,ops,tls,partner/runbook}
	# PostgreSQL runs as an unprivileged user when the lab is started as root: it must reach DIR/pg.
	chmod 0755 "$dir"
	ln -sf "$python" "$dir/bin/python"

	local db_url db_port db_user app_port
	db_url="$("$repo/scripts/pg-test-cluster.sh" start "$dir/pg" 2>/dev/null)"
	db_port="$(cat "$dir/pg/port")"
	db_user="$(sed -n 's/^PGUSER=//p' < <("$repo/scripts/pg-test-cluster.sh" env "$dir/pg"))"
	psql -q -h 127.0.0.1 -p "$db_port" -U "$db_user" -d postgres -c 'CREATE DATABASE crm' >/dev/null
	app_port="$(free_port)"

	# TLS on loopback, so the production `https://` patterns hold for the lab too; curl trusts
	# the lab's certificate through CURL_CA_BUNDLE, and nothing else does.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" 2>/dev/null

	{
		echo "export PATH=$(printf %q "$dir/bin:$PATH")"
		echo "export PYTHONDONTWRITEBYTECODE=1"
		echo "export DEBUG=False"
		echo "export SECRET_KEY=$(openssl rand -hex 32)"
		echo "export JWT_SECRET_KEY=$(openssl rand -hex 32)"
		echo "export ALLOWED_HOSTS=localhost,127.0.0.1"
		echo "export DATABASE_URL=${db_url%/postgres}/crm"
		echo "export CORS_ALLOWED_ORIGINS=https://crm-frontend.lab.invalid"
		echo "export CORS_ALLOW_ALL_ORIGINS=False"
		echo "export SITE_URL=https://localhost:$app_port"
		echo "export CURL_CA_BUNDLE=$(printf %q "$dir/tls/cert.pem")"
		echo "export LAB_APP_PORT=$app_port"
	} >"$dir/lab.env"
	# shellcheck disable=SC1091
	source "$dir/lab.env"

	# The origin, a developer's clone that pushes release 1 and then the next release, and the
	# server's checkout.
	git init -q --bare -b main "$dir/origin.git"
	git clone -q "$dir/origin.git" "$dir/dev" 2>/dev/null
	cp -r "$lab_dir/app/." "$dir/dev/"
	printf 'staticfiles/\n__pycache__/\n' >"$dir/dev/.gitignore"
	git_as_lab -C "$dir/dev" add -A
	git_as_lab -C "$dir/dev" commit -q -m "Release 1: clients"
	git_as_lab -C "$dir/dev" push -q origin main
	git clone -q "$dir/origin.git" "$dir/server"
	git -C "$dir/server" config user.name "Lab operator"
	git -C "$dir/server" config user.email ops@crm.lab.invalid

	# Release 1 is live: migrated, with clients in it (every fifth without an e-mail, some names
	# shared), served by gunicorn.
	(cd "$dir/server/backend" && python manage.py migrate -v 0)
	psql -q -h 127.0.0.1 -p "$db_port" -U "$db_user" -d crm -c \
		"INSERT INTO clients_client (name, email, created_at) SELECT 'Client ' || (i % 200), CASE WHEN i % 5 = 0 THEN NULL ELSE 'client' || i || '@example.org' END, now() FROM generate_series(1, 250) AS i"
	app start "$dir"

	# The next release is pushed, and the server's checkout has it (the platform built it); the
	# app serves release 1 until the runbook restarts it.
	local release="$lab_dir/releases/$variant"
	cp "$release/models.py" "$dir/dev/backend/clients/models.py"
	cp "$release"/0002_*.py "$dir/dev/backend/clients/migrations/"
	git_as_lab -C "$dir/dev" add -A
	git_as_lab -C "$dir/dev" commit -q -m "Release 2 ($variant): $(basename "$release"/0002_*.py .py)"
	git_as_lab -C "$dir/dev" push -q origin main
	git -C "$dir/server" pull -q --ff-only

	write_vars "$dir" "$db_port" "$db_user" "$app_port"
}

# The runbook's vars for this lab, one name=value a line.
write_vars() {
	local dir="$1" db_port="$2" db_user="$3" app_port="$4" me
	me="$(printf %q "$repo/test/lab/lab.sh")"
	{
		echo "app_dir=$dir/server"
		echo "db_host=127.0.0.1"
		echo "db_port=$db_port"
		echo "db_user=$db_user"
		echo "db_name=crm"
		echo "site_url=https://localhost:$app_port"
		echo "stop_command=$me app-stop $(printf %q "$dir")"
		echo "restart_command=$me app-restart $(printf %q "$dir")"
		echo "log_follow_command=tail -n 20 -F $(printf %q "$dir/app.log")"
		echo "release_commit=$(git -C "$dir/server" rev-parse --short HEAD)"
	} >"$dir/lab.vars"
}

app() {
	local action="$1" dir="$2"
	# shellcheck disable=SC1091
	source "$dir/lab.env"
	case "$action" in
	start)
		(cd "$dir/server/backend" && "$gunicorn" --daemon --pid "$dir/app.pid" --workers 1 \
			--bind "127.0.0.1:$LAB_APP_PORT" --certfile "$dir/tls/cert.pem" --keyfile "$dir/tls/key.pem" \
			--access-logfile "$dir/app.log" --error-logfile "$dir/app.log" --capture-output crm.wsgi:application)
		for _ in $(seq 100); do
			if [ -s "$dir/app.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$LAB_APP_PORT") 2>/dev/null; then
				echo "gunicorn $(cat "$dir/app.pid") serves $(git -C "$dir/server" log --oneline -1)"
				return 0
			fi
			sleep 0.1
		done
		die "gunicorn did not start: $(tail -3 "$dir/app.log" 2>/dev/null)"
		;;
	stop)
		local pid
		pid="$(cat "$dir/app.pid" 2>/dev/null || true)"
		if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "the app is not running"
			return 0
		fi
		kill -TERM "$pid"
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || {
				echo "gunicorn $pid stopped"
				return 0
			}
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		echo "gunicorn $pid killed after 10 s"
		;;
	restart)
		app stop "$dir"
		app start "$dir"
		;;
	esac
}

down() {
	local dir="$1"
	[ -f "$dir/lab.env" ] && app stop "$dir" >/dev/null 2>&1 || true
	[ -d "$dir/pg" ] && "$repo/scripts/pg-test-cluster.sh" destroy "$dir/pg" >/dev/null 2>&1 || true
	rm -rf "$dir"
}

run_in_terminal() {
	local variant="${1:-good}"
	[ -t 0 ] && [ -t 1 ] || die "the lab runs the runbook in a terminal"
	# Global, not local: the EXIT trap runs after this function has returned.
	dir="$(mktemp -d "${TMPDIR:-/tmp}/runbook-lab.XXXXXX")"
	trap 'down "$dir"; rm -f "$state/current"' EXIT
	trap 'exit 130' INT TERM
	echo "lab: setting up in $dir (release: $variant) ..."
	up "$dir" "$variant"
	mkdir -p "$state" "$logs"
	echo "$dir" >"$state/current"
	# The partner who approves `migrate` trusts the operator's key.
	node "$repo/bin/runbook" keys | sed -n '/^allowed_signers line/{n;s/^ *//;p}' >"$dir/partner/runbook/allowed_signers"
	cat <<-EOF
		lab: release 1 is live at https://localhost:$(sed -n 's/^export LAB_APP_PORT=//p' "$dir/lab.env"); release 2 is checked out.
		lab: \`migrate\` waits for a second approval: in another terminal, run  bash test/lab/lab.sh approve
		lab: outside the runbook's deploy window, press o and give a reason (say, "deploy lab rehearsal").
		lab: the session log stays in $logs; the lab is removed when the run ends.
	EOF
	read -r -p "lab: press Enter to start the runbook " _
	# shellcheck disable=SC1091
	source "$dir/lab.env"
	local status=0 line
	local args=(run "$repo/runbooks/django-crm-deploy.yaml" --log-dir "$logs")
	while IFS= read -r line; do args+=(--var "$line"); done <"$dir/lab.vars"
	(cd "$dir/ops" && node "$repo/bin/runbook" "${args[@]}") || status=$?
	echo "lab: the runbook exited $status; tearing the lab down."
	return "$status"
}

approve() {
	local dir
	dir="$(cat "$state/current" 2>/dev/null)" || die "no lab is running (start one with npm run lab)"
	XDG_CONFIG_HOME="$dir/partner" SSH_AUTH_SOCK='' node "$repo/bin/runbook" approve --log-dir "$logs"
}

case "${1:-}" in
run) run_in_terminal "${2:-good}" ;;
approve) approve ;;
up) up "${2:?up needs a directory}" "${3:-good}" ;;
down) down "${2:?down needs a directory}" ;;
app-start | app-stop | app-restart) app "${1#app-}" "${2:?$1 needs the lab directory}" ;;
*) die "usage: lab.sh run [good|broken] | approve | up DIR [good|broken] | down DIR | app-start|app-stop|app-restart DIR" ;;
esac
