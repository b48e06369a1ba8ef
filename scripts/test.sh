#!/usr/bin/env bash
# The project's test command (`npm test`, the README's second command, what CI runs).
#
# It makes sure what the tests need is there, then runs every suite:
#   - Debian tools used by tests (pdftotext, qpdf): installed with apt-get when missing and allowed;
#   - PostgreSQL and Redis: uses servers already answering on 127.0.0.1 (5432, 6379), otherwise
#     starts throwaway ones in a temporary directory (installing the Debian packages when missing),
#     and stops what it started on exit;
#   - type-check, layering check, lint (ESLint; `npm run lint` runs both), unit and time-zone suites,
#     database suites on PGlite and on PostgreSQL, Redis suites.
# Set TEST_PG_URL / TEST_REDIS_URL to use other servers.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
WORK="$(mktemp -d -t edoc-test-XXXXXX)"
STARTED_PG=""
STARTED_REDIS=""

cleanup() {
  if [ -n "$STARTED_PG" ]; then
    run_as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -n "$STARTED_REDIS" ]; then
    kill "$(cat "$WORK/redis.pid" 2>/dev/null)" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

can_install() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }
APT_UPDATED=""
apt_install() {
  if ! can_install; then
    echo "Missing Debian packages: $*. Install them (apt-get install $*) or run as root so this script can." >&2
    exit 1
  fi
  # Several test runs may start at once on a fresh machine: one installs at a time (apt's own locks make
  # the others fail instead of waiting), and installing what another run has just installed is a no-op.
  local lock=(flock -w 1800 /tmp/edoc-test-apt.lock)
  command -v flock >/dev/null 2>&1 || lock=()
  if [ -z "$APT_UPDATED" ]; then "${lock[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive "${lock[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}

port_open() { node scripts/port-open.mjs "$1" "$2"; }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# --- Debian tools the tests use -------------------------------------------------------------
missing=()
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)   # the web chat's end-to-end tests (never a downloaded browser)
if [ ${#missing[@]} -gt 0 ]; then log "installing ${missing[*]}"; apt_install "${missing[@]}"; fi

# --- PostgreSQL ------------------------------------------------------------------------------
run_as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ -n "${TEST_PG_URL:-}" ]; then
  PG_URL="$TEST_PG_URL"
elif port_open 127.0.0.1 5432 && node -e '
  const pg = require("pg"); const c = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));' 2>/dev/null; then
  PG_URL="postgres://postgres@127.0.0.1:5432/postgres"
  log "using the PostgreSQL server on 127.0.0.1:5432"
else
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$PG_BIN" ]; then log "installing PostgreSQL"; apt_install postgresql; PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"; fi
  PG_PORT="$(free_port)"
  log "starting a throwaway PostgreSQL on 127.0.0.1:$PG_PORT"
  mkdir -p "$WORK/pg" "$WORK/pgsock"
  if [ "$(id -u)" = "0" ]; then chown -R postgres "$WORK"; chmod 755 "$WORK"; fi
  run_as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  run_as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w -o "-p $PG_PORT -k $WORK/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  STARTED_PG=1
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
fi

# --- Redis -----------------------------------------------------------------------------------
if [ -n "${TEST_REDIS_URL:-}" ]; then
  REDIS_URL_FOR_TESTS="$TEST_REDIS_URL"
elif port_open 127.0.0.1 6379; then
  REDIS_URL_FOR_TESTS="redis://127.0.0.1:6379"
  log "using the Redis server on 127.0.0.1:6379"
else
  command -v redis-server >/dev/null 2>&1 || { log "installing Redis"; apt_install redis-server; }
  REDIS_PORT="$(free_port)"
  log "starting a throwaway Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log" --dir "$WORK" >/dev/null
  STARTED_REDIS=1
  for _ in $(seq 1 50); do port_open 127.0.0.1 "$REDIS_PORT" && break; sleep 0.1; done
  REDIS_URL_FOR_TESTS="redis://127.0.0.1:$REDIS_PORT"
fi
export TEST_REDIS_URL="$REDIS_URL_FOR_TESTS"

# --- Suites ----------------------------------------------------------------------------------
# Tests must not see the developer's own configuration.
unset DATABASE_URL REDIS_URL TELEGRAM_BOT_TOKEN ZALO_BOT_TOKEN
export TZ="${TZ:-UTC}"
# Every suite runs its files and tests in random order (vitest.config.ts); one seed for the whole run,
# printed here and in the summary, so a failure can be replayed with TEST_SEED=<seed> npm test.
if ! [[ "${TEST_SEED:-}" =~ ^[0-9]+$ ]]; then TEST_SEED="$(node -e 'console.log(require("crypto").randomInt(2 ** 31))')"; fi
export TEST_SEED
log "random order, seed $TEST_SEED (replay: TEST_SEED=$TEST_SEED npm test)"
REPORTS=()
STATUS=0
suite() { # name, env assignments, --, vitest arguments
  local name="$1"; shift
  local vars=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  log "$name"
  local report="$WORK/report-${#REPORTS[@]}.json"
  REPORTS+=("$report")
  # No --passWithNoTests: a project that finds no test file fails instead of passing silently.
  env "${vars[@]}" npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || STATUS=1
}

log "type-check (tsc --noEmit)"
npx tsc --noEmit -p tsconfig.json || STATUS=1
log "layering (core/ imports neither bots/ nor jobs/)"
node --import tsx scripts/check-imports.ts || STATUS=1
log "lint (ESLint: core only through its front door, the floors, import cycles, floating promises)"
npx eslint . || STATUS=1
log "format (Prettier: npm run format fixes what this finds)"
npx prettier --check --log-level warn "**/*.{ts,js,mjs,css,html}" || STATUS=1

suite "unit" TZ=UTC -- --project unit
suite "time zones: UTC" TZ=UTC -- --project tz
suite "time zones: Asia/Ho_Chi_Minh" TZ=Asia/Ho_Chi_Minh -- --project tz
suite "database: PGlite" TZ=UTC -- --project db
suite "database: PostgreSQL" TZ=UTC "DATABASE_URL=$PG_URL" -- --project db
suite "end to end (web chat in Chromium)" TZ=UTC -- --project e2e
suite "redis" TZ=UTC "REDIS_URL=$REDIS_URL_FOR_TESTS" "DATABASE_URL=$PG_URL" -- --project redis
if [ -d test/reliability ]; then
  suite "reliability" TZ=UTC "REDIS_URL=$REDIS_URL_FOR_TESTS" "DATABASE_URL=$PG_URL" -- --project reliability
fi

log "summary"
echo "random order, seed $TEST_SEED (replay: TEST_SEED=$TEST_SEED npm test)"
node scripts/sum-results.mjs "${REPORTS[@]}" || STATUS=1
exit $STATUS
