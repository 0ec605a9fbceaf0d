#!/usr/bin/env bash
# Batched consumers lose and duplicate nothing: 10,000 events recorded while the assessment,
# applying them in batches, is killed with SIGKILL again and again, end in exactly the state
# of a second assessment that applies the same ledger one event at a time
# (SHANHAI_BATCH_EVENTS=1) and is never killed: the same statuses, and the same
# compliance.changed, in the same order, none twice.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2024-07-01
# Hubei's first pack (aid funds and visits): what this suite counts, rule by rule, must not
# move when the shipped packs gain rules.
stack_policy_dir=$root/tests/fixtures/hubei-v1
stack_up redis
events=${SHANHAI_TEST_EVENTS:-10000}
pairs=20

check "the sample registry loads" "$cli" registry load "$root/data/registry.json"
eventually "the assessment judges hb-01" 2024-07-01 status_as_of hb-01 2024

# The reference: a second assessment on the same registry and ledger, one event at a time.
ref_dir=$(mktemp -d "${TMPDIR:-/tmp}/shanhai-it-ref-XXXXXX")
ref_rpc="tcp://127.0.0.1:$(free_port)"
ref_pub="tcp://127.0.0.1:$(free_port)"
reference() {
  SHANHAI_DATA_DIR=$ref_dir SHANHAI_ASSESSMENT_RPC=$ref_rpc SHANHAI_ASSESSMENT_PUB=$ref_pub \
    SHANHAI_BATCH_EVENTS=1 "$@"
}
stop_reference() { reference "$root/scripts/stack" stop assessment >/dev/null 2>&1; rm -rf "$ref_dir"; stack_down; }
trap stop_reference EXIT
check "the one-by-one assessment starts" reference "$root/scripts/stack" start assessment

# Record in the background while the batched assessment is killed and restarted.
totals=$SHANHAI_DATA_DIR/totals.txt
"$probe" record-many "$SHANHAI_LEDGER_RPC" "$events" "$pairs" 2024 >"$totals" &
sender=$!
kills=0
for round in 1 2 3 4 5; do
  sleep 0.4
  pid=$(cat "$SHANHAI_DATA_DIR/run/assessment.pid")
  kill -KILL "$pid" && kills=$((kills + 1))
  while kill -0 "$pid" 2>/dev/null && ps -o stat= -p "$pid" | grep -qv Z; do sleep 0.05; done
  "$root/scripts/stack" start assessment >/dev/null
done
check "every event was acknowledged" wait "$sender"
check_eq "the assessment was killed mid-stream" "$kills" 5
grep -q "apply failed" "$SHANHAI_DATA_DIR/logs/assessment.log" && echo "note: some batches failed and were retried"

# Both reach every pair's total, then must agree on everything.
fen_of() { "$cli" status --pair "$1" --year 2024 --json | jq -r '.rules[] | select(.rule == "hb-aid-funds") | .actual'; }
ref_fen_of() { SHANHAI_ASSESSMENT_RPC=$ref_rpc fen_of "$1"; }
while read -r pair total; do
  eventually "the killed assessment counted $pair" "$total" fen_of "$pair"
  eventually "the one-by-one assessment counted $pair" "$total" ref_fen_of "$pair"
done <"$totals"
check_eq "every pair's total was checked" "$(wc -l <"$totals")" "$pairs"

statuses() {
  for n in $(seq -w 1 22); do
    "$cli" status --pair "hb-$n" --year 2024 --json | jq -c '[.pair, [.rules[] | [.rule, .status, .actual, .expected]]]'
  done
}
check_eq "the same statuses" "$(statuses | md5sum)" \
  "$(SHANHAI_ASSESSMENT_RPC=$ref_rpc statuses | md5sum)"
killed_changes=$("$probe" changes "$SHANHAI_ASSESSMENT_RPC")
reference_changes=$("$probe" changes "$ref_rpc")
check "status changes happened" test "$(echo "$reference_changes" | wc -l)" -gt "$pairs"
check_eq "the same compliance changes, in the same order" "$killed_changes" "$reference_changes"
check_eq "no change published twice" "$(echo "$killed_changes" | sort | uniq -d | wc -l)" 0
finish
