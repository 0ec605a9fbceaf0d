#!/usr/bin/env bash
# A consumer that was down catches up from the publisher's log and sends what it owes, once:
# the assessment killed with SIGKILL while events are recorded, then the notification service
# stopped while the assessment publishes changes.
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
check "the assessment starts again" "$root/scripts/stack" start assessment
eventually "it catches up to MET" MET rule_field hb-03 2021 "$aid" status
check_eq "the payment counts once" "$(rule_field hb-03 2021 "$aid" actual)" 500000000
people=$(leaders_and_liaisons hb-03)
for person in $people; do
  eventually "$person: alerted of MET once" "ON_TRACK>MET" alert_trail "$person" hb-03 "$aid" 2021
done

"$root/scripts/stack" stop notification
check "the clock moves while notification is down" "$cli" clock set 2021-07-01
eventually "hb-04 falls behind" AT_RISK rule_field hb-04 2021 "$aid" status
check "notification starts again" "$root/scripts/stack" start notification
for person in $(leaders_and_liaisons hb-04); do
  eventually "$person: the owed alert arrives" "ON_TRACK>AT_RISK" alert_trail "$person" hb-04 "$aid" 2021
done
"$root/scripts/stack" restart assessment notification >/dev/null 2>&1
sleep 3
first=$(echo "$people" | head -n 1)
check_eq "restarts send nothing twice" "$(alert_trail "$first" hb-03 "$aid" 2021)" "ON_TRACK>MET"
person=$(leaders_and_liaisons hb-04 | head -n 1)
check_eq "restarts send nothing twice (hb-04)" "$(alert_trail "$person" hb-04 "$aid" 2021)" "ON_TRACK>AT_RISK"

finish
