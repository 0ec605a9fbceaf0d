#!/usr/bin/env bash
# The channels when the receiver is not well, through the real services and the robots'
# stand-in (robot_receiver.py):
# - the receiver down (connection refused) then back: the attempts fail, are retried with
#   backoff, and the alert arrives once;
# - the receiver always failing (HTTP 503): dead after the configured attempts, each one a row;
#   `shanhai deliveries retry` sends the dead letter again once the receiver is back;
# - the service restarted while deliveries are pending: nothing is lost, nothing that the
#   receiver accepted arrives twice.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/channels_lib.sh"

export SHANHAI_CLOCK=2024-06-01
export SHANHAI_DELIVERY_WINDOW_MS=200 SHANHAI_DELIVERY_BACKOFF_MS=1000 SHANHAI_DELIVERY_ATTEMPTS=5
# The stand-in after the stack: a stack that cannot start exits with stack_down, which
# knows nothing of the stand-in.
stack_up redis
receiver_start
trap channels_down EXIT

channels_registry >"$SHANHAI_DATA_DIR/registry.json"
check "a registry with channels loads" "$cli" registry load "$SHANHAI_DATA_DIR/registry.json"
pending() { deliveries_count --status pending; }
eventually "the load's deliveries are made" 0 pending

# The accepted requests' content: DingTalk's lines and the webhook's alert ids.
ding_lines() { requests /dingtalk/hb | jq -r 'select(.ok) | .body.markdown.text' | grep '^- '; }
webhook_ids() { requests /webhook/zhuxi | jq -r 'select(.ok) | .body[].id'; }
# The webhook's attempts of one alert: "attempt:status" in order.
hook_trail() {
  "$cli" deliveries --channel hook-zhuxi --json \
    | jq -r --argjson alert "$1" \
        '[.[] | select(.alert == $alert) | "\(.attempt):\(.status)"] | join(" ")'
}
newest_alert() { "$cli" alerts --person hb-zhuxi-sec --json | jq '.[-1].id'; }
alerts_before=$("$cli" alerts --person hb-zhuxi-sec --json | jq length)
alerts_now() { "$cli" alerts --person hb-zhuxi-sec --json | jq length; }

# Down, then back on the same port.
port=$receiver_port
receiver_stop
check "hb-01's funds are recorded" \
  "$cli" record aid-funds --pair hb-01 --amount 5000000 --date 2024-05-01 --id down-1
eventually "the change is alerted" $((alerts_before + 1)) alerts_now
alert=$(newest_alert)
failed_once() { hook_trail "$alert" | grep -c "1:failed"; }
eventually "the first attempt fails: connection refused" 1 failed_once
check "the failure says why" grep -qi "connect" \
  <<<"$("$cli" deliveries --channel hook-zhuxi --status failed --json | jq -r '.[-1].result')"
receiver_start "$port"
eventually "once the receiver is back, the alert is delivered" 0 pending
check_eq "the webhook received it once" "$(webhook_ids | grep -cx "$alert")" 1
check "after retries" grep -q "sent" <<<"$(hook_trail "$alert")"

# Always failing: dead after 5 attempts, then sent again by hand.
touch "$receiver_dir/fail"
check "a leader's visit to hb-01 is recorded" \
  "$cli" record leader-visit --pair hb-01 --from hb-wuhan-donghu --date 2024-05-02 --id fail-1
eventually "the change is alerted" $((alerts_before + 2)) alerts_now
alert=$(newest_alert)
wait_s=90 eventually "dead after the bound, each attempt a row" \
  "1:failed 2:failed 3:failed 4:failed 5:dead" hook_trail "$alert"
check_eq "the receiver saw 5 attempts for it" \
  "$(requests /webhook/zhuxi | jq -c --argjson alert "$alert" 'select(any(.body[]?; .id == $alert))' \
     | wc -l)" 5
dead=$("$cli" deliveries --channel hook-zhuxi --status dead --json | jq '.[-1].id')
rm -f "$receiver_dir/fail"
out=$("$cli" deliveries retry "$dead")
check "a dead letter is sent again" test $? -eq 0
check "saying which attempt is pending" \
  grep -q "attempt 6 of alert $alert on hook-zhuxi is pending" <<<"$out"
eventually "and delivered" "1:failed 2:failed 3:failed 4:failed 5:dead 6:sent" hook_trail "$alert"
check_eq "the webhook accepted it once" "$(webhook_ids | grep -cx "$alert")" 1
out=$("$cli" deliveries retry "$dead" 2>&1)
check "a second retry of the same letter is refused" grep -q "CONFLICT" <<<"$out"
out=$("$cli" deliveries retry 999999 2>&1)
check "an unknown delivery is not found" grep -q "NOT_FOUND: no delivery 999999" <<<"$out"
out=$("$cli" deliveries --status lost 2>&1)
check_eq "a bad status is a usage error" "$?:$(echo "$out" | wc -l)" 2:1

# A restart while deliveries are pending.
dead_before=$(deliveries_count --status dead)
touch "$receiver_dir/fail"
check "hb-02's funds are recorded" \
  "$cli" record aid-funds --pair hb-02 --amount 5000000 --date 2024-05-01 --id restart-1
failing() {
  "$cli" deliveries --channel ding-hb --status failed --json \
    | jq '[.[] | select(.attempt == 1)] | length > 1'
}
eventually "DingTalk's attempts fail" true failing
"$root/scripts/stack" stop notification
rm -f "$receiver_dir/fail"
"$root/scripts/stack" start notification
eventually "after the restart every pending delivery is made" 0 pending
check_eq "no attempt died across the restart" "$(deliveries_count --status dead)" "$dead_before"
check_eq "hb-02's change reached DingTalk once" \
  "$(ding_lines | grep -c '（hb-02）2024年度：自2021年起.*由「进度滞后」转为「已完成」')" 1
check_eq "nothing DingTalk accepted came twice" "$(ding_lines | sort | uniq -d)" ""
check_eq "nothing the webhook accepted came twice" "$(webhook_ids | sort | uniq -d)" ""
finish
