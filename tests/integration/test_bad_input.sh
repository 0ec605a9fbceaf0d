#!/usr/bin/env bash
# Bad input at every door gets a clear error, changes nothing, and the service keeps serving.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2021-03-01
stack_up redis
check "the sample registry loads" "$cli" registry load "$root/data/registry.json"

for service in REGISTRY LEDGER ASSESSMENT NOTIFICATION; do
  endpoint_var="SHANHAI_${service}_RPC"
  reply=$("$probe" garbage "${!endpoint_var}")
  check "$service: a frame that is no protobuf is INVALID" grep -q "^INVALID" <<<"$reply"
  reply=$("$probe" call "${!endpoint_var}" "$(echo "$service" | tr A-Z a-z).Nope")
  check "$service: an unknown method is INVALID and named" grep -q "^INVALID.*Nope" <<<"$reply"
done
reply=$("$probe" call "$SHANHAI_LEDGER_RPC" ledger.Record ffffffff0a)
check "a malformed event body is INVALID" grep -q "^INVALID" <<<"$reply"
reply=$("$probe" call "$SHANHAI_ASSESSMENT_RPC" assessment.Status ffffffff0a)
check "a malformed status query is INVALID" grep -q "^INVALID" <<<"$reply"

# Random bodies for every method of every service: each gets a reply, nothing crashes, and
# nothing is recorded (checked below with the ledger's head).
methods="REGISTRY:registry.Load REGISTRY:registry.GetPairing REGISTRY:registry.ListPairings
REGISTRY:registry.People REGISTRY:registry.GetClock REGISTRY:registry.SetClock
REGISTRY:registry.Replay LEDGER:ledger.Record LEDGER:ledger.Replay ASSESSMENT:assessment.Status
ASSESSMENT:assessment.Replay NOTIFICATION:notification.Alerts NOTIFICATION:notification.Replay"
unanswered=0
for entry in $methods; do
  endpoint_var="SHANHAI_${entry%%:*}_RPC"
  for size in 1 2 3 5 8 13 21 34 55 89 144 233; do
    body=$(head -c "$size" /dev/urandom | od -An -tx1 | tr -d ' \n')
    "$probe" call "${!endpoint_var}" "${entry#*:}" "$body" >/dev/null || unanswered=$((unanswered + 1))
  done
done
check_eq "random bodies to every method are all answered" "$unanswered" 0
check_eq "the registry is still loaded" "$("$cli" pairs --json | jq length)" 49
# Unknown fields alone decode as an empty document.
reply=$("$probe" call "$SHANHAI_REGISTRY_RPC" registry.Load 2805)
check "an empty registry.Load is refused" grep -q "^INVALID.*no program" <<<"$reply"
check_eq "and the registry is unchanged" "$("$cli" pairs --json | jq length)" 49

# fails DESCRIPTION PATTERN COMMAND...: the command exits non-zero with one line matching PATTERN.
fails() {
  local what=$1 pattern=$2; shift 2
  local output status
  output=$("$@" 2>&1 >/dev/null); status=$?
  if [ $status -ne 0 ] && [ "$(echo "$output" | wc -l)" -eq 1 ] && grep -q -- "$pattern" <<<"$output"; then
    pass "$what"
  else
    fail "$what: exit $status, said '$output'"
  fi
}
recipient=$("$cli" pairs --json | jq -r '.[] | select(.id == "hb-01") | .recipient.code')
outsider=$("$cli" pairs --json | jq -r '.[] | select(.id == "hb-02") | .recipient.code')
fails "an unknown pairing" "NOT_FOUND" "$cli" record aid-funds --pair hb-99 --amount 10 --date 2021-02-01
fails "a negative amount" "INVALID" "$cli" record aid-funds --pair hb-01 --amount -10 --date 2021-02-01
fails "a zero amount" "INVALID" "$cli" record aid-funds --pair hb-01 --amount 0 --date 2021-02-01
fails "a date before the pairing" "INVALID" "$cli" record aid-funds --pair hb-01 --amount 10 --date 2020-12-31
fails "a date after the clock" "INVALID" "$cli" record aid-funds --pair hb-01 --amount 10 --date 2021-03-02
fails "a date that does not exist" "2021-02-30" "$cli" record aid-funds --pair hb-01 --amount 10 --date 2021-02-30
fails "an amount that is no number" "12abc" "$cli" record aid-funds --pair hb-01 --amount 12abc --date 2021-02-01
fails "funds in the wrong direction" "INVALID" "$cli" record aid-funds --pair hb-01 --amount 10 --date 2021-02-01 --from "$recipient"
fails "a visit from a county outside the pair" "INVALID" "$cli" record leader-visit --pair hb-01 --from "$outsider" --date 2021-02-01
fails "a status for an unknown pairing" "NOT_FOUND" "$cli" status --pair hb-99 --year 2021
fails "a status for a year out of range" "year" "$cli" status --pair hb-01 --year 1999
fails "the clock moved back" "INVALID" "$cli" clock set 2021-02-01
fails "an unknown command" "unknown command" "$cli" frobnicate
check_eq "nothing reached the ledger" "$("$probe" head "$SHANHAI_LEDGER_RPC" ledger.Replay)" 0

bad=$(mktemp); pairs_before=$("$cli" pairs --json | jq length)
jq '.pairings[0].supporter = .pairings[0].recipient' "$root/data/registry.json" >"$bad"
fails "a county paired with itself" "INVALID" "$cli" registry load "$bad"
echo '{"programs": [' >"$bad"
fails "a registry file that is no JSON" "registry" "$cli" registry load "$bad"
fails "a registry file that is missing" "registry" "$cli" registry load /nonexistent/registry.json
rm -f "$bad"
check_eq "the registry is unchanged" "$("$cli" pairs --json | jq length)" "$pairs_before"

check "the ledger still serves" "$cli" record aid-funds --pair hb-01 --amount 10 --date 2021-02-01 --id good-1
check_eq "one event is on the ledger" "$("$probe" head "$SHANHAI_LEDGER_RPC" ledger.Replay)" 1
fails "the same id with other content is a CONFLICT" "CONFLICT" \
  "$cli" record aid-funds --pair hb-01 --amount 11 --date 2021-02-01 --id good-1
check_eq "still one event on the ledger" "$("$probe" head "$SHANHAI_LEDGER_RPC" ledger.Replay)" 1

finish
