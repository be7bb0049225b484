#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, benchmarks and labs.
#
#   scripts/pg-test-cluster.sh start [DIR]   initdb into DIR (default: a new temporary directory),
#                                            start it, print its connection URL on stdout
#   scripts/pg-test-cluster.sh stop DIR      stop it (the files stay; `start DIR` starts it again)
#   scripts/pg-test-cluster.sh destroy DIR   stop it and remove DIR
#   scripts/pg-test-cluster.sh env DIR       print PGHOST, PGPORT, PGUSER, PGDATABASE, DATABASE_URL
#
# It listens on a unix socket inside DIR and on 127.0.0.1 at a free port, never on any other
# address. Started as root it runs as the unprivileged `postgres` user (PG_TEST_USER to choose
# another): initdb refuses root, and DIR is then owned by that user. The superuser is that user,
# with trust authentication on the socket and loopback only: a test cluster, never a server.
set -euo pipefail

bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
command="${1:-}"
dir="${2:-}"

die() {
	echo "pg-test-cluster: $*" >&2
	exit 2
}

[ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] || die "no PostgreSQL binaries in $bin (set PG_BIN)"

if [ "$(id -u)" = 0 ]; then
	owner="${PG_TEST_USER:-postgres}"
	as_owner() { runuser -u "$owner" -- "$@"; }
else
	owner="$(id -un)"
	as_owner() { "$@"; }
fi

# Prints the port asked for when it is free, else a free one the kernel picks.
free_port() {
	node -e 'const net=require("net");const tryPort=(p)=>{const s=net.createServer();s.once("error",()=>tryPort(0));s.listen(p,"127.0.0.1",()=>{console.log(s.address().port);s.close()})};tryPort(Number(process.argv[1])||0)' "${1:-0}"
}

url_of() {
	local port
	port="$(cat "$1/port")"
	echo "postgresql://$owner@127.0.0.1:$port/postgres"
}

start() {
	if [ -z "$dir" ]; then
		dir="$(mktemp -d "${TMPDIR:-/tmp}/pg-test-cluster.XXXXXX")"
	fi
	mkdir -p "$dir"
	chmod 0700 "$dir"
	[ "$(id -u)" = 0 ] && chown "$owner" "$dir"
	as_owner test -w "$dir" || die "$owner cannot write $dir: every directory above it must be searchable by $owner"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "$bin/initdb" -D "$dir/data" -U "$owner" --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			die "initdb failed: $(tail -3 "$dir/initdb.log")"
	fi
	# A restart keeps its port (clients reconnect to the same URL) unless it was taken meanwhile.
	free_port "$(cat "$dir/port" 2>/dev/null || echo 0)" >"$dir/port.tmp" && mv "$dir/port.tmp" "$dir/port"
	[ "$(id -u)" = 0 ] && chown "$owner" "$dir/port"
	local port
	port="$(cat "$dir/port")"
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		>/dev/null || die "pg_ctl start failed: $(tail -3 "$dir/server.log")"
	echo "$dir" >&2
	url_of "$dir"
}

stop() {
	[ -n "$dir" ] || die "stop needs the cluster's directory"
	[ -f "$dir/data/postmaster.pid" ] || return 0
	as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
}

case "$command" in
start) start ;;
stop) stop ;;
destroy)
	stop
	rm -rf "$dir"
	;;
env)
	[ -n "$dir" ] || die "env needs the cluster's directory"
	echo "PGHOST=$dir"
	echo "PGPORT=$(cat "$dir/port")"
	echo "PGUSER=$owner"
	echo "PGDATABASE=postgres"
	echo "DATABASE_URL=$(url_of "$dir")"
	;;
*) die "usage: pg-test-cluster.sh start [DIR] | stop DIR | destroy DIR | env DIR" ;;
esac
