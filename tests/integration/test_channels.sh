#!/usr/bin/env bash
# Alerts reach the robots and the webhook, through the real services and a local stand-in for
# DingTalk and WeCom (robot_receiver.py checks the DingTalk sign, the WeCom size, the webhook
# signature and the bodies):
# - a registry loaded mid-year: a burst of first statuses (hundreds of alerts) goes out merged,
#   each change once per channel, in Chinese, "首次评定", with 竹溪县's secretary mentioned;
# - the webhook receives each of its person's alerts exactly once, in the `alerts --json` shape;
# - 44 changes recorded one after the other: more than 20 messages are due, yet no channel
#   receives more than 20 in any minute; the rest wait and go out merged; nothing is dropped.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/channels_lib.sh"

export SHANHAI_CLOCK=2024-06-01
# A short window, so that the recorded changes come one message each and meet the rate.
export SHANHAI_DELIVERY_WINDOW_MS=100 SHANHAI_DELIVERY_BACKOFF_MS=300 SHANHAI_DELIVERY_ATTEMPTS=3
receiver_start
stack_up redis
trap channels_down EXIT

channels_registry >"$SHANHAI_DATA_DIR/registry.json"
check "a registry with channels loads" "$cli" registry load "$SHANHAI_DATA_DIR/registry.json"
pending() { deliveries_count --status pending; }
eventually "every delivery of the load is made" 0 pending
check "there were deliveries" test "$(deliveries_count)" -gt 100
check_eq "none failed" "$(deliveries_count --status failed)$(deliveries_count --status dead)" 00

# DingTalk: every request was signed right and was markdown (the stand-in refuses otherwise).
ding_lines() { requests /dingtalk/hb | jq -r 'select(.ok) | .body.markdown.text' | grep '^- '; }
refused() { requests "$1" | jq -c 'select(.ok | not)'; }
check_eq "every DingTalk request was accepted" "$(refused /dingtalk/hb)" ""
check "the load's alerts were merged into a few messages" \
  test "$(requests /dingtalk/hb | wc -l)" -lt "$(ding_lines | wc -l)"
check_eq "each change is one line, once" "$(ding_lines | sort | uniq -d)" ""
# One change per liaison officer's alert: the Hubei pairs' changes.
changes=0
for pair in $("$cli" pairs --program hb-shanchuan --json | jq -r '.[].id'); do
  liaison=$("$cli" people --pair "$pair" --json \
    | jq -r '.[] | select(.role == "liaison_officer") | .id' | head -1)
  changes=$((changes + $("$cli" alerts --person "$liaison" --json | jq length)))
done
check_eq "every change of the Hubei pairs reached DingTalk" "$(ding_lines | wc -l)" "$changes"
check "in Chinese, a first status as a first status" grep -q "首次评定：进度滞后" <<<"$(ding_lines)"
check "with the status's colour" grep -q "^- 【黄色·进度滞后】竹溪县—" <<<"$(ding_lines)"
check "and the deadline" grep -q "期限2024-12-31。依据：" <<<"$(ding_lines)"
zhuxi_mentions=$(requests /dingtalk/hb | jq -r 'select(.body.markdown.text | contains("竹溪县"))
  | .body.at.atMobiles | join(",")' | sort -u)
check_eq "竹溪县's secretary is mentioned by mobile" "$zhuxi_mentions" 13800000001

# WeCom: markdown within 4,096 bytes (the stand-in checks), for hb-01's liaison officer.
check "WeCom received hb-01's alerts" test "$(requests /wecom/hb01 | wc -l)" -gt 0
check_eq "every WeCom request was accepted" "$(refused /wecom/hb01)" ""
check "as markdown content" grep -q '^> 【黄色·进度滞后】竹溪县' \
  <<<"$(requests /wecom/hb01 | jq -r '.body.markdown.content')"

# The webhook: its person's alerts, each once, as `alerts --json` shows them.
webhook_ids() { requests /webhook/zhuxi | jq -r 'select(.ok) | .body[].id' | sort -n; }
check_eq "the webhook received each alert of its person once" "$(webhook_ids)" \
  "$("$cli" alerts --person hb-zhuxi-sec --json | jq -r '.[].id' | sort -n)"
check_eq "in the alerts --json shape" \
  "$(requests /webhook/zhuxi | jq -c '.body[0] | keys' | head -1)" \
  '["at","id","pair","person","previous","rule","status","text","year"]'

# 44 changes, one a second or so: each hb pair's funds met and a leader's visit made. The
# service starts at most one message per channel per tick (a second), so each change is about
# one message, and more than 20 fall due within a minute: the rate must hold some back.
before_lines=$(ding_lines | wc -l)
"$cli" pairs --program hb-shanchuan --json | jq -r '.[] | "\(.id) \(.supporter.code)"' \
  | while read -r pair supporter; do
      "$cli" record aid-funds --pair "$pair" --amount 5000000 --date 2024-05-01 >/dev/null
      sleep 1
      "$cli" record leader-visit --pair "$pair" --from "$supporter" --date 2024-05-02 >/dev/null
      sleep 1
    done
wait_s=180 eventually "every change's delivery is made, however long the rate holds them" 0 pending
check_eq "each recorded change reached DingTalk once" "$(ding_lines | sort | uniq -d)" ""
check_eq "none was dropped" "$(($(ding_lines | wc -l) - before_lines))" 44
check "more than 20 messages in all" test "$(requests /dingtalk/hb | wc -l)" -gt 20
check "the rate held alerts back" grep -q 'msg="channel at its rate: alerts wait" channel=ding-hb' \
  "$SHANHAI_DATA_DIR/logs/notification.log"
# No 21 requests within a minute: the 21st after any request comes 60 s later or more (less a
# little for the requests' own latency; the service counts from when it starts them).
check_eq "DingTalk never received more than 20 in a minute" "$(requests /dingtalk/hb | jq -s '
  [.[].at] | sort | . as $t | [range(20; length) | select($t[.] - $t[. - 20] < 59.5)] | length')" 0
check_eq "none failed" "$(deliveries_count --status failed)$(deliveries_count --status dead)" 00
finish
