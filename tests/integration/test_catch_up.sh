#!/usr/bin/env bash
# A consumer that was down catches up from the publisher's log and sends what it owes, once,
# and in the order things happened: the assessment killed with SIGKILL while a payment is
# recorded and then the clock moves; the notification service stopped while a pair meets its
# target.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2021-01-01
stack_up redis
check "the sample registry loads" "$cli" registry load "$root/data/registry.json"
eventually "the assessment knows the clock" 2021-01-01 status_as_of hb-03 2021
aid=$("$cli" status --pair hb-03 --year 2021 --json | jq -r '.rules[] | select(.unit == "fen") | .rule')

kill -KILL "$(cat "$SHANHAI_DATA_DIR/run/assessment.pid")"
check "the ledger records while the assessment is down" \
  "$cli" record aid-funds --pair hb-03 --amount 5000000 --date 2021-01-01 --id it-catch-up-1
check "a retry of the same event is accepted once" \
  "$cli" record aid-funds --pair hb-03 --amount 5000000 --date 2021-01-01 --id it-catch-up-1
check_eq "the ledger holds one event" "$("$probe" head "$SHANHAI_LEDGER_RPC" ledger.Replay)" 1
check "then the clock moves, still while the assessment is down" "$cli" clock set 2021-03-01
check "the assessment starts again" "$root/scripts/stack" start assessment
eventually "it catches up to MET" MET rule_field hb-03 2021 "$aid" status
check_eq "the payment counts once" "$(rule_field hb-03 2021 "$aid" actual)" 500000000
eventually "the clock move is caught up too" AT_RISK rule_field hb-04 2021 "$aid" status
people=$(leaders_and_liaisons hb-03)
for person in $people; do
  # The payment came before the clock move: the pair was never behind.
  eventually "$person: alerted of MET once, and of nothing it never was" "ON_TRACK>MET" \
    alert_trail "$person" hb-03 "$aid" 2021
done

"$root/scripts/stack" stop notification
check "hb-05 pays while notification is down" \
  "$cli" record aid-funds --pair hb-05 --amount 5000000 --date 2021-03-01
eventually "hb-05 is MET" MET rule_field hb-05 2021 "$aid" status
check "notification starts again" "$root/scripts/stack" start notification
for person in $(leaders_and_liaisons hb-05); do
  eventually "$person: the owed alerts arrive" "ON_TRACK>AT_RISK AT_RISK>MET" \
    alert_trail "$person" hb-05 "$aid" 2021
done
"$root/scripts/stack" restart assessment notification >/dev/null 2>&1
sleep 3
first=$(echo "$people" | head -n 1)
check_eq "restarts send nothing twice" "$(alert_trail "$first" hb-03 "$aid" 2021)" "ON_TRACK>MET"
person=$(leaders_and_liaisons hb-05 | head -n 1)
check_eq "restarts send nothing twice (hb-05)" "$(alert_trail "$person" hb-05 "$aid" 2021)" \
  "ON_TRACK>AT_RISK AT_RISK>MET"

finish
