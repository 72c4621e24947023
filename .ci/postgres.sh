#!/usr/bin/env bash
# Start a throwaway PostgreSQL on loopback for demo_app's integration tests.
#
#   eval "$(.ci/postgres.sh)"        # install if missing, start, print `export TEST_DATABASE_URL=...`
#   .ci/postgres.sh stop             # stop it again
#
# Idempotent: a second run finds the server up and only re-checks the role and database.
# Its own cluster (initdb into RATCHET_PG_DIR, run by pg_ctl) on its own port, so it never
# touches a system cluster and needs no systemd. Only the export lines go to stdout;
# everything else goes to stderr.
#
# Settings (environment): RATCHET_PG_DIR (default /tmp/ratchet-demo-pg), RATCHET_PG_PORT
# (55432), RATCHET_PG_PASSWORD (ratchet_demo; a local test database, not a secret).
set -euo pipefail

readonly NAME=ratchet_demo
PG_DIR=${RATCHET_PG_DIR:-/tmp/ratchet-demo-pg}
[[ $PG_DIR = /* ]] || PG_DIR=$PWD/$PG_DIR
readonly PG_DIR
readonly PORT=${RATCHET_PG_PORT:-55432}
readonly PASSWORD=${RATCHET_PG_PASSWORD:-ratchet_demo}
readonly DATA=$PG_DIR/data
readonly SOCKETS=$PG_DIR/run
readonly LOG=$PG_DIR/postgres.log

exec 3>&1 1>&2 # fd 3 is the caller's stdout, for the export lines only

log() { printf 'postgres.sh: %s\n' "$*"; }
die() { log "error: $*"; exit 1; }

find_bindir() {
  local dir
  # Debian/Ubuntu keep server binaries off PATH, one directory per major version.
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    printf '%s\n' "$dir"
  elif command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

install_postgres() {
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed; run as root to install it, or install it yourself"
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available"
  log "installing PostgreSQL with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q postgresql
}

# The server refuses to run as root: as root, run it as the `postgres` system user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ensure_dirs() {
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "the postgres system user is missing (is the server package installed?)"
    chown postgres: "$PG_DIR"
  fi
  chmod 700 "$PG_DIR"
  as_owner mkdir -p "$SOCKETS"
}

init_cluster() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  log "creating a cluster in $DATA"
  # Local socket: trust, but the socket lives in a 0700 directory, so only its owner gets in.
  # TCP (127.0.0.1 only): password.
  as_owner "$BINDIR/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
}

start_server() {
  if as_owner "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    log "already running ($DATA)"
    return 0
  fi
  log "starting on 127.0.0.1:$PORT"
  # 3>&- : the server must not inherit the caller's stdout, or `$(.ci/postgres.sh)` would
  # wait for the server to exit before it returned.
  as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$SOCKETS" \
    </dev/null >/dev/null 3>&- || { tail -n 20 "$LOG" || true; die "the server did not start"; }
}

wait_ready() {
  local _
  for _ in $(seq 1 60); do
    if "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
      return 0
    fi
    sleep 0.5
  done
  die "the server is not accepting connections on 127.0.0.1:$PORT"
}

psql_admin() {
  as_owner "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKETS" -p "$PORT" -U postgres -d postgres "$@"
}

ensure_role_and_database() {
  # psql substitutes :'name' itself, quoted as a literal, so the password needs no escaping.
  psql_admin -v name="$NAME" -v password="$PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'name', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
SQL
}

urlencode() {
  local s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [a-zA-Z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

main() {
  cd / # the server user may not be allowed into the caller's directory
  BINDIR=$(find_bindir)
  if [ -z "$BINDIR" ]; then
    install_postgres
    BINDIR=$(find_bindir)
    [ -n "$BINDIR" ] || die "PostgreSQL was installed but initdb was not found"
  fi

  case ${1:-start} in
    start) ;;
    stop)
      if [ -f "$DATA/PG_VERSION" ]; then
        as_owner "$BINDIR/pg_ctl" -D "$DATA" -m fast stop || true
      fi
      return 0
      ;;
    *) die "usage: $0 [start|stop]" ;;
  esac

  ensure_dirs
  init_cluster
  start_server
  wait_ready
  ensure_role_and_database
  log "ready: database $NAME on 127.0.0.1:$PORT"

  printf 'export TEST_DATABASE_URL=%q\n' \
    "postgresql+psycopg://$NAME:$(urlencode "$PASSWORD")@127.0.0.1:$PORT/$NAME" >&3
}

main "$@"
