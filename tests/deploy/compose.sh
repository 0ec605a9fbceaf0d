#!/usr/bin/env bash
# The compose deployment, proved: installs a container engine when missing, starts dockerd when
# none runs (and stops by pid what it started), makes the base image when none can be pulled,
# builds, brings the stack up, waits until every container is healthy, loads the registry,
# records an event, sees the status and the alert, kills a service's process (it comes back),
# runs down and up again (the data is kept), and down -v (the data is gone).
# Where no container engine can run at all it says so in one line and exits 0 (skipped).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
check_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', expected '$3'"; fi; }
skip() { echo "deploy: skipped: $1"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
work=$(mktemp -d "${TMPDIR:-/tmp}/shanhai-deploy-XXXXXX")
dockerd_pid=""
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"

# -- an engine ---------------------------------------------------------------------------------
if ! command -v docker >/dev/null || { ! docker compose version >/dev/null 2>&1 \
     && ! command -v docker-compose >/dev/null; }; then
  echo "deploy: installing docker.io and docker-compose from Debian's packages"
  $sudo apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq docker.io docker-compose \
    >"$work/apt.log" 2>&1 || skip "docker.io and docker-compose cannot be installed here"
fi
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || skip "no dockerd on this machine"
  # Leave the host's network settings alone: no iptables rules, no forwarding.
  $sudo setsid dockerd --iptables=false --ip-forward=false >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || skip "dockerd does not start here: $(tail -n 1 "$work/dockerd.log")"
  echo "deploy: started dockerd (pid $dockerd_pid)"
fi
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi

# -- the project, on free ports ---------------------------------------------------------------
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
export COMPOSE_PROJECT_NAME="shanhai-deploy-$$"
export SHANHAI_CLOCK=2025-03-01
for name in REGISTRY LEDGER LEDGER_EVENTS ASSESSMENT ASSESSMENT_EVENTS NOTIFICATION \
            NOTIFICATION_EVENTS GATEWAY; do
  export "SHANHAI_${name}_PORT=$(free_port)"
done
dc() { (cd "$root/docker" && "${compose[@]}" "$@"); }
cleanup() {
  dc down -v --remove-orphans >/dev/null 2>&1
  if [ -n "$dockerd_pid" ]; then
    $sudo kill "$dockerd_pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# -- a base image: pulled, or made with debootstrap -------------------------------------------
base=${SHANHAI_BASE_IMAGE:-debian:bookworm-slim}
if ! docker image inspect "$base" >/dev/null 2>&1 && ! docker pull -q "$base" >/dev/null 2>&1; then
  echo "deploy: no $base to pull: making it with debootstrap"
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    debootstrap >"$work/apt.log" 2>&1
  $sudo debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian \
    >"$work/debootstrap.log" 2>&1 || skip "debootstrap cannot make a base image here"
  $sudo tar -C "$work/rootfs" -c . | docker import - "$base" >/dev/null
  $sudo rm -rf "$work/rootfs"
fi
check "the base image is there" docker image inspect "$base" >/dev/null

# -- build, up, healthy -----------------------------------------------------------------------
check "the images build" dc build -q
services=(redis registry ledger assessment notification gateway)
check "the stack comes up" dc up -d
container() { dc ps -q "$1"; }
health() { docker inspect -f '{{.State.Health.Status}}' "$(container "$1")" 2>/dev/null; }
wait_healthy() {  # every service, within a bound
  local deadline=$((SECONDS + 120)) name all
  while :; do
    all=true
    for name in "${services[@]}"; do [ "$(health "$name")" = healthy ] || all=false; done
    $all && return 0
    [ $SECONDS -ge $deadline ] && { for name in "${services[@]}"; do echo "  $name: $(health "$name")"; done; return 1; }
    sleep 1
  done
}
check "every container becomes healthy" wait_healthy
cli() { dc exec -T registry shanhai "$@"; }
check "the processes run as a user, not root" \
  test "$(dc exec -T ledger id -u | tr -d '\r')" != 0

# -- the path through the deployment ----------------------------------------------------------
check "the sample registry loads" cli registry load /usr/share/shanhai/data/registry.json
check_eq "the clock comes from .env's variable" "$(cli clock --json | jq -r .today)" 2025-03-01
status_of() { cli status --pair hb-01 --year 2025 --json | jq -r '.rules[] | select(.rule == "hb-aid-funds") | "\(.status) \(.actual)"'; }
eventually() {  # description expected command...
  local what=$1 expected=$2; shift 2
  local deadline=$((SECONDS + 60)) got
  while :; do
    got=$("$@" 2>/dev/null)
    [ "$got" = "$expected" ] && { pass "$what"; return 0; }
    [ $SECONDS -ge $deadline ] && { fail "$what: got '$got', expected '$expected'"; return 1; }
    sleep 0.5
  done
}
eventually "hb-01 is AT_RISK with nothing paid by March" "AT_RISK 0" status_of
# Through the gateway, signed as the provincial bus signs, with the admin application the
# gateway made at its first start (in its volume).
apps=$work/gateway-apps.json
dc exec -T gateway cat /var/lib/shanhai/gateway-apps.json >"$apps"
gateway() {  # METHOD PATH [BODY]: "status" then the body, from tests/integration/gateway_call.py
  SHANHAI_GATEWAY_HTTP=127.0.0.1:$SHANHAI_GATEWAY_PORT SHANHAI_GATEWAY_APPS=$apps \
    python3 "$root/tests/integration/gateway_call.py" "$@"
}
payment='{"id":"deploy-1","kind":"aid-funds","pair":"hb-01","date":"2025-02-01","amount_fen":500000000}'
check_eq "an aid payment is recorded through the gateway, signed" \
  "$(gateway POST /v1/events "$payment" | head -n 1)" 200
check_eq "an unsigned one is refused" \
  "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data "$payment" \
     "http://127.0.0.1:$SHANHAI_GATEWAY_PORT/v1/events")" 401
eventually "hb-01 is MET" "MET 500000000" status_of
alerts_of() { cli alerts --person hb-zhuxi-sec --json | jq -r '[.[] | select(.pair == "hb-01" and .rule == "hb-aid-funds") | .status] | join(" ")'; }
eventually "its party secretary was alerted of both changes" "AT_RISK MET" alerts_of

# -- a killed process comes back --------------------------------------------------------------
restarts() { docker inspect -f '{{.RestartCount}}' "$(container ledger)"; }
before=$(restarts)
pid=$(docker inspect -f '{{.State.Pid}}' "$(container ledger)")
$sudo kill -KILL $(pgrep -P "$pid" 2>/dev/null || echo "$pid")
eventually "the ledger is restarted after its process is killed" "$((before + 1))" restarts
check "and becomes healthy again" wait_healthy
check "it records again" \
  cli record leader-visit --pair hb-01 --from hb-zhuxi --date 2025-02-02 --id deploy-2

# -- down and up keep the data; down -v deletes it --------------------------------------------
check "down" dc down
check "up again" dc up -d
check "healthy again" wait_healthy
check_eq "the recorded event is still there (a duplicate now)" \
  "$(cli record aid-funds --pair hb-01 --amount 5000000 --date 2025-02-01 --id deploy-1 --json | jq -r .duplicate)" true
eventually "the status is kept" "MET 500000000" status_of
check "down -v" dc down -v
check_eq "the volumes are gone" "$(docker volume ls -q | grep -c "^${COMPOSE_PROJECT_NAME}_")" 0

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
