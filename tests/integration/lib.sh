# What the integration suites share: a stack of real services on free loopback ports, in a
# fresh data directory, stopped by pid when the suite ends; and small assertions that count.
# A suite sources this file, calls stack_up, runs checks, and ends with finish.
set -uo pipefail

root=${SHANHAI_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
bin=${SHANHAI_BINARY_DIR:-$root/build}
cli="$bin/cli/shanhai"
probe="$bin/tests/shanhai-probe"
passed=0
failed=0
# How long an asynchronous effect (an event reaching the assessment, an alert) may take.
wait_s=${SHANHAI_TEST_WAIT_S:-30}

used_ports=" "
free_port() {
  local port
  while :; do
    # Below the kernel's ephemeral range (32768 and up), where outgoing connections take ports.
    port=$((20000 + RANDOM % 12000))
    case "$used_ports" in *" $port "*) continue;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      used_ports+="$port "; echo "$port"; return
    fi
  done
}

# Chooses free loopback ports for every endpoint (and redis).
choose_ports() {
  local name
  for name in REGISTRY LEDGER ASSESSMENT NOTIFICATION; do
    export "SHANHAI_${name}_RPC=tcp://127.0.0.1:$(free_port)"
    export "SHANHAI_${name}_PUB=tcp://127.0.0.1:$(free_port)"
  done
  export "SHANHAI_GATEWAY_HTTP=127.0.0.1:$(free_port)"
  # With no-redis the services are pointed at a port where nothing listens: they must work
  # uncached all the same.
  export SHANHAI_REDIS="127.0.0.1:$(free_port)"
}

# stack_up [redis|no-redis]: starts everything on free ports with the clock at $SHANHAI_CLOCK.
# A port found free can be taken by another program before a service binds it: then the
# whole stack is stopped and started again on other ports, a few times at most.
stack_up() {
  export SHANHAI_DATA_DIR; SHANHAI_DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/shanhai-it-XXXXXX")
  export SHANHAI_BUILD_DIR=$bin
  # A suite may judge by packs of its own (test_policy_dir), for rules the shipped ones lack.
  export SHANHAI_POLICY_DIR=${test_policy_dir:-$root/policies}
  export SHANHAI_TEMPLATE_DIR=$root/templates
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
  trap stack_down EXIT
  if [ "${1:-redis}" = redis ] && ! command -v redis-server >/dev/null; then
    echo "redis-server is not installed (make bootstrap)"; exit 1
  fi
  local attempt
  for attempt in 1 2 3; do
    choose_ports
    if { [ "${1:-redis}" != redis ] || "$root/scripts/stack" start redis; } \
       && "$root/scripts/stack" start registry ledger assessment notification; then
      return 0
    fi
    echo "stack: could not start (attempt $attempt); trying other ports"
    "$root/scripts/stack" stop gateway registry ledger assessment notification redis >/dev/null 2>&1
    rm -rf "$SHANHAI_DATA_DIR"/*.db* "$SHANHAI_DATA_DIR"/run/*
  done
  exit 1
}

stack_down() {
  "$root/scripts/stack" stop gateway registry ledger assessment notification redis >/dev/null 2>&1
  # A sanitizer report in any service's log fails the suite.
  if grep -l -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" \
       "$SHANHAI_DATA_DIR"/logs/*.log >/dev/null 2>&1; then
    echo "FAIL: a sanitizer reported in the services' logs:"
    grep -h -A 12 -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$SHANHAI_DATA_DIR"/logs/*.log | head -60
    failed=$((failed + 1))
    echo "$passed passed, $failed failed"
    exit 1
  fi
  [ -n "${SHANHAI_KEEP_DATA:-}" ] && echo "kept $SHANHAI_DATA_DIR" || rm -rf "$SHANHAI_DATA_DIR"
}

pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
check() {  # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
check_eq() {  # description, actual, expected
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', expected '$3'"; fi
}

# eventually DESCRIPTION EXPECTED COMMAND...: runs COMMAND until it prints EXPECTED.
eventually() {
  local what=$1 expected=$2; shift 2
  local deadline=$((SECONDS + wait_s)) got
  while :; do
    got=$("$@" 2>/dev/null)
    [ "$got" = "$expected" ] && { pass "$what"; return 0; }
    [ $SECONDS -ge $deadline ] && { fail "$what: got '$got', expected '$expected'"; return 1; }
    sleep 0.2
  done
}

# A rule's field in `status --json`: rule_field PAIR YEAR RULE FIELD
rule_field() {
  "$cli" status --pair "$1" --year "$2" --json | jq -r --arg rule "$3" --arg field "$4" \
    '.rules[] | select(.rule == $rule) | .[$field]'
}
status_as_of() { "$cli" status --pair "$1" --year "$2" --json | jq -r .as_of; }

# The transitions a person was alerted of for one pair, rule and year: "PREVIOUS>STATUS ..."
# (a warning of a deadline near keeps its status, and is not a transition)
alert_trail() {
  "$cli" alerts --person "$1" --json | jq -r --arg pair "$2" --arg rule "$3" --argjson year "$4" \
    '[.[] | select(.pair == $pair and .rule == $rule and .year == $year
                    and .previous != .status)
      | "\(.previous)>\(.status)"] | join(" ")'
}

# The people alerted for a pair, without the program office: one id a line.
leaders_and_liaisons() {
  "$cli" people --pair "$1" --json | jq -r '.[] | select(.role != "program_office") | .id'
}
office_of() { "$cli" people --pair "$1" --json | jq -r '.[] | select(.role == "program_office") | .id'; }

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
