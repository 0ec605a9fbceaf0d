#!/usr/bin/env bash
# Alerts reach the robots and the webhook, through the real services and a local stand-in for
# DingTalk and WeCom (robot_receiver.py checks the DingTalk sign, the WeCom size, the webhook
# signature and the bodies):
# - a registry loaded mid-year: a burst of first statuses (hundreds of alerts) goes out merged,
#   each change once per channel, in Chinese, "首次评定", with 竹溪县's secretary mentioned;
# - the webhook receives each of its person's alerts exactly once, in the `alerts --json` shape;
# - 44 changes recorded one after the other: more than 20 messages are due, yet no channel
#   receives more than 20 in any minute; the rest wait and go out merged; nothing is dropped;
# - rules of a county and of a whole program (a pack of the suite's own for ls-jingning) reach
#   the inboxes of the county's leaders and its pairs' liaison officers, and of the program's
#   office, and no one else's.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/channels_lib.sh"

# The packs: Hubei's as shipped (the channels carry Hubei's alerts), and for ls-jingning one of
# the suite's own whose rules judge 景宁县 as a recipient, its two supporters (丽水市 in ls-01,
# 云和县 in ls-02) and the program's total, each ON_TRACK (pace none) until 06-30.
stack_policy_dir=$(mktemp -d "${TMPDIR:-/tmp}/shanhai-policies-XXXXXX")
cp "$root/policies/hb-shanchuan.json" "$stack_policy_dir/"
scoped_rule() {  # ID SCOPE TARGET
  printf '{"id": "%s", "title": "联席会议（测试）", "source": "test", "scope": "%s",
    "metric": "count", "event_kind": "joint-meeting", "unit": "count", "target": %s,
    "deadline": "06-30", "pace": "none", "warnings": [], "from_year": 2024, "to_year": 2024}' \
    "$1" "$2" "$3"
}
cat >"$stack_policy_dir/ls-jingning.json" <<PACK
{"program": "ls-jingning", "version": 1, "title": "景宁 (test)", "source": "test", "rules": [
  $(scoped_rule it-recipient-meetings recipient 1),
  $(scoped_rule it-supporter-meetings supporter 2),
  $(scoped_rule it-program-meetings program 2)]}
PACK

export SHANHAI_CLOCK=2024-06-01
# A short window, so that the recorded changes come one message each and meet the rate.
export SHANHAI_DELIVERY_WINDOW_MS=100 SHANHAI_DELIVERY_BACKOFF_MS=300 SHANHAI_DELIVERY_ATTEMPTS=3
# The stand-in after the stack: a stack that cannot start exits with stack_down, which
# knows nothing of the stand-in.
stack_up redis
receiver_start
trap 'channels_down; rm -rf "$stack_policy_dir"' EXIT

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
  '["at","id","pair","period","person","previous","rule","scope","status","subject","text","year"]'

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

# Rules of every scope: whose rule (scope, subject), which period, which pair ("" but for pairs
# and parks) in a person's ls-jingning alerts, sorted.
scoped() {
  "$cli" alerts --person "$1" --json | jq -r '[.[] | select(.rule | startswith("it-"))
    | "\(.scope):\(.subject):\(.period):\(.pair):\(.rule):\(.previous)>\(.status)"]
    | sort | join(" ")'
}
recipient_met="recipient:zj-jingning:2024::it-recipient-meetings:ON_TRACK>MET"
check "ls-01 holds a joint meeting" "$cli" record joint-meeting --pair ls-01 --date 2024-05-20
# 景宁县's leaders and the liaison officers of both its ls-jingning pairs; not the office (a
# MET), not the supporters' leaders, not zj-11's liaison officer (景宁's pair of another
# program).
for person in zj-jingning-sec zj-jingning-head ls-01-liaison ls-02-liaison; do
  eventually "$person hears 景宁 met its recipient's rule" "$recipient_met" scoped "$person"
done
text=$("$cli" alerts --person zj-jingning-sec --json | jq -r '.[-1].text')
check "the text names the county, its part and the period" \
  grep -q "(recipient zj-jingning), 2024 it-recipient-meetings " <<<"$text"
check "ls-02 holds a joint meeting" "$cli" record joint-meeting --pair ls-02 --date 2024-05-25
program_met="program:ls-jingning:2024::it-program-meetings:ON_TRACK>MET"
eventually "the office hears the program's total met: its own business" "$program_met" \
  scoped ls-jingning-office
check_eq "the recipient's people hear nothing of the program's total" \
  "$(scoped zj-jingning-head)" "$recipient_met"
# After the deadline each supporter, with one meeting of two, is BREACHED: its leaders, its
# pair's liaison officer and, as of any breach, the office.
check "the clock passes the deadline" "$cli" clock set 2024-07-01
lishui="supporter:zj-lishui:2024::it-supporter-meetings:ON_TRACK>BREACHED"
yunhe="supporter:zj-yunhe:2024::it-supporter-meetings:ON_TRACK>BREACHED"
eventually "the office hears of both supporters' breaches" "$program_met $lishui $yunhe" \
  scoped ls-jingning-office
for person in zj-lishui-sec zj-lishui-head; do
  eventually "$person hears 丽水 breached" "$lishui" scoped "$person"
done
for person in zj-yunhe-sec zj-yunhe-head; do
  eventually "$person hears 云和 breached" "$yunhe" scoped "$person"
done
eventually "ls-01's liaison officer hears of 景宁 and 丽水" "$recipient_met $lishui" \
  scoped ls-01-liaison
eventually "ls-02's liaison officer hears of 景宁 and 云和" "$recipient_met $yunhe" \
  scoped ls-02-liaison
# And no one else: 云和's liaison officers in the province's program, 景宁's supporter there,
# everyone of the other programs.
told=$(jq -r '.people[].id' "$root/data/registry.json" | while read -r person; do
  [ -n "$(scoped "$person")" ] && echo "$person"; done | sort | tr '\n' ' ')
check_eq "no one else has an alert of these rules" "$told" "ls-01-liaison ls-02-liaison \
ls-jingning-office zj-jingning-head zj-jingning-sec zj-lishui-head zj-lishui-sec \
zj-yunhe-head zj-yunhe-sec "
finish
