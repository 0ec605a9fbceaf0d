# The whole path for a Hubei pair (hb-shanchuan: aid funds >= 5,000,000 yuan a year, leader
# visits >= 2 a year, 001 (十三), (十六)): events recorded through the CLI move the pair's status
# exactly as the pro-rated expectation says, and each transition becomes exactly one alert for
# each leader and liaison officer of both counties (and the program office on BREACHED).
# Sourced by test_end_to_end.sh (with redis-server) and test_end_to_end_no_redis.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export SHANHAI_CLOCK=2021-01-01
# Hubei's first pack (aid funds and visits): what this suite counts, rule by rule, must not
# move when the shipped packs gain rules.
stack_policy_dir=$root/tests/fixtures/hubei-v1
stack_up "$1"

check "the sample registry loads" "$cli" registry load "$root/data/registry.json"
eventually "the assessment knows the clock" 2021-01-01 status_as_of hb-01 2021
aid=$("$cli" status --pair hb-01 --year 2021 --json | jq -r '.rules[] | select(.unit == "fen") | .rule')
visits=$("$cli" status --pair hb-01 --year 2021 --json | jq -r '.rules[] | select(.unit == "count") | .rule')
check "hb-01 has an aid-funds rule and a leader-visit rule" test -n "$aid" -a -n "$visits"
check_eq "the aid target is 5,000,000 yuan" "$(rule_field hb-01 2021 "$aid" target)" 500000000
check_eq "the rule cites its clause" "$(rule_field hb-01 2021 "$aid" source | grep -c '十三')" 1
check_eq "a new year starts ON_TRACK" "$(rule_field hb-01 2021 "$aid" status)" ON_TRACK
verdict() {  # the fields that say what was judged, when, under which pack, in which colour
  "$cli" status --pair "$1" --year "$2" --json | jq -r --arg rule "$3" \
    '.rules[] | select(.rule == $rule) | "\(.scope) \(.subject) \(.period) \(.deadline) \(.colour) \(.version)"'
}
check_eq "a verdict says its scope, subject, period, deadline, colour and pack version" \
  "$(verdict hb-01 2021 "$aid")" "pair hb-01 2021 2021-12-31 green 1"

# The pairings of a region on a date: clause 24 ended 海宁-云和 (zj-00) at the end of 2017.
pairs_of() { "$cli" pairs --region "$1" --date "$2" --json | jq -r '[.[].id] | join(" ")'; }
check_eq "云和县's pairings in 2017" "$(pairs_of zj-yunhe 2017-06-01)" "zj-00"
check_eq "云和县's pairings in 2018" "$(pairs_of zj-yunhe 2018-06-01)" "zj-08"
check_eq "a Hubei county after its program" "$(pairs_of hb-zhuxi 2026-01-01)" ""
check_eq "the program filter" "$("$cli" pairs --program wz-shanhai --json | jq length)" 5

people=$(leaders_and_liaisons hb-01)
check_eq "hb-01 alerts 2 leaders of each county and a liaison officer" "$(echo "$people" | wc -l)" 5
office=$(office_of hb-01)
check "the program has an office" test -n "$office"

record() { "$cli" record "$@" >/dev/null; }
check "an aid payment is recorded" record aid-funds --pair hb-01 --amount 1000000 --date 2021-01-01
eventually "1,000,000 yuan reaches the assessment" 100000000 rule_field hb-01 2021 "$aid" actual
check_eq "still ON_TRACK on Jan 1" "$(rule_field hb-01 2021 "$aid" status)" ON_TRACK

# A liaison officer follows their alerts live from here on.
follower=$(echo "$people" | grep liaison | head -n 1)
followed=$SHANHAI_DATA_DIR/followed.jsonl
"$cli" alerts --person "$follower" --follow --json >"$followed" 2>"$followed.err" &
follow_pid=$!
sleep 1
check "the clock moves to July 1" "$cli" clock set 2021-07-01
eventually "the clock reaches the assessment" 2021-07-01 status_as_of hb-01 2021
# 181 of 364 days: 500,000,000 fen * 181 / 364 = 248,626,373.6, rounded up.
check_eq "the expectation is pro-rated by day" "$(rule_field hb-01 2021 "$aid" expected)" 248626374
check_eq "1,000,000 yuan by July 1 is AT_RISK" "$(rule_field hb-01 2021 "$aid" status)" AT_RISK
check_eq "AT_RISK is yellow" "$(rule_field hb-01 2021 "$aid" colour)" yellow
check_eq "no visit by July 1 is AT_RISK" "$(rule_field hb-01 2021 "$visits" status)" AT_RISK

check "one fen short of the expectation" record aid-funds --pair hb-01 --amount 1486263.73 --date 2021-07-01
eventually "the payment is counted" 248626373 rule_field hb-01 2021 "$aid" actual
check_eq "one fen short is still AT_RISK" "$(rule_field hb-01 2021 "$aid" status)" AT_RISK
check "the missing fen" record aid-funds --pair hb-01 --amount 0.01 --date 2021-07-01
eventually "exactly the expectation is ON_TRACK" ON_TRACK rule_field hb-01 2021 "$aid" status

recipient=$("$cli" pairs --json | jq -r '.[] | select(.id == "hb-01") | .recipient.code')
check "a visit from the recipient" record leader-visit --pair hb-01 --from "$recipient" --date 2021-06-15
eventually "one visit by July 1 is ON_TRACK" ON_TRACK rule_field hb-01 2021 "$visits" status
supporter=$("$cli" pairs --json | jq -r '.[] | select(.id == "hb-01") | .supporter.code')
check "a visit from the supporter" record leader-visit --pair hb-01 --from "$supporter" --date 2021-06-20
eventually "two visits are MET" MET rule_field hb-01 2021 "$visits" status
check "the rest of the year's funds" record aid-funds --pair hb-01 --amount 2513736.26 --date 2021-07-01
eventually "5,000,000 yuan is MET" MET rule_field hb-01 2021 "$aid" status
check_eq "the total is exactly the target" "$(rule_field hb-01 2021 "$aid" actual)" 500000000

# A week before the deadline: a pair not MET is warned of once, with the most urgent of the
# thresholds the move crossed (30 and 7 days); a MET pair is not.
check "the clock moves to a week before the deadline" "$cli" clock set 2021-12-24
warnings() { "$probe" changes "$SHANHAI_ASSESSMENT_RPC" | grep warning | grep "$1" | sort | tr '\n' ';'; }
eventually "hb-02 is warned of both rules, 7 days before" \
  "hb-02 hb-aid-funds 2021 warning 7 days AT_RISK;hb-02 hb-leader-visits 2021 warning 7 days AT_RISK;" \
  warnings "hb-02 "
check_eq "a MET pair is not warned" "$(warnings "hb-01 ")" ""
warned() {  # PERSON: the texts of the warnings the person was alerted of, for hb-02's funds
  "$cli" alerts --person "$1" --json | jq -r --arg rule "$aid" \
    '[.[] | select(.pair == "hb-02" and .rule == $rule and .previous == .status) | .text] | join("|")'
}
for person in $(leaders_and_liaisons hb-02); do
  eventually "$person is warned once, 7 days before" 1 bash -c "$(declare -f warned); cli='$cli' aid='$aid' warned '$person' | grep -c 'WARNING.*7 days to the deadline'"
done
check_eq "the program office is not warned (it hears of breaches)" "$(warned "$office")" ""
check "the clock crosses the year's deadline" "$cli" clock set 2022-01-01
eventually "a pair that paid nothing is BREACHED" BREACHED rule_field hb-02 2021 "$aid" status
check_eq "BREACHED is red" "$(rule_field hb-02 2021 "$aid" colour)" red
check_eq "a pair that met its targets stays MET" "$(rule_field hb-01 2021 "$aid" status)" MET

# Why: the verdict, its clause and version, and the ledger entries that counted.
explained=$("$cli" explain --pair hb-01 --rule "$aid" --year 2021 --json)
check_eq "explain gives the verdict" "$(jq -r '"\(.status) \(.actual) \(.target) \(.colour) \(.version)"' <<<"$explained")" \
  "MET 500000000 500000000 green 1"
check_eq "explain lists the entries that count, adding up to the actual" \
  "$(jq -r '"\(.entries_total) \([.entries[].value] | add)"' <<<"$explained")" "4 500000000"
check "explain cites the clause" grep -q "十三" <<<"$(jq -r .source <<<"$explained")"
out=$("$cli" explain --pair hb-01 --rule nope --year 2021 2>&1)
check_eq "explain of a rule the program does not have: NOT_FOUND" "$out" \
  "shanhai: assessment.Explain: NOT_FOUND: rule nope is not a rule of program hb-shanchuan"

# The program's view: every pair, and the scoreboard the office prints for its assessment.
check_eq "status --program lists every Hubei pair" \
  "$("$cli" status --program hb-shanchuan --year 2021 --json | jq '.pairs | length')" 22
board=$("$cli" scoreboard --program hb-shanchuan --year 2021 --json)
check_eq "hb-01 ranks first, with full marks and the top grade" \
  "$(jq -r '.pairs[0] | "\(.rank) \(.pair) \(.score) \(.grade) \(.counts.MET)"' <<<"$board")" \
  "1 hb-01 100 好 2"
check_eq "the others share rank 2 at 0 points, graded 差" \
  "$(jq -r '[.pairs[1:][] | "\(.rank) \(.score) \(.grade) \(.counts.BREACHED)"] | unique | join(",")' <<<"$board")" \
  "2 0 差 2"
check_eq "the scoreboard names the pack's version" "$(jq .version <<<"$board")" 1
out=$("$cli" scoreboard --program nowhere --year 2021 2>&1)
check "an unknown program is refused" test $? -eq 1
check_eq "as NOT_FOUND, in one line" "$out" \
  "shanhai: assessment.Scoreboard: NOT_FOUND: program nowhere is not in the registry"

for person in $people; do
  eventually "$person: one alert per aid transition" "ON_TRACK>AT_RISK AT_RISK>ON_TRACK ON_TRACK>MET" \
    alert_trail "$person" hb-01 "$aid" 2021
  eventually "$person: one alert per visit transition" "ON_TRACK>AT_RISK AT_RISK>ON_TRACK ON_TRACK>MET" \
    alert_trail "$person" hb-01 "$visits" 2021
done
for person in $(leaders_and_liaisons hb-02); do
  eventually "$person: AT_RISK then BREACHED" "ON_TRACK>AT_RISK AT_RISK>BREACHED" \
    alert_trail "$person" hb-02 "$aid" 2021
done
eventually "the program office hears of the breach once" "AT_RISK>BREACHED" \
  alert_trail "$office" hb-02 "$aid" 2021
check_eq "the program office hears nothing of a pair on track" "$(alert_trail "$office" hb-01 "$aid" 2021)" ""

# Nothing more arrives late: the counts are final.
sleep 2
first=$(echo "$people" | head -n 1)
check_eq "no duplicate alerts later" "$(alert_trail "$first" hb-01 "$aid" 2021)" \
  "ON_TRACK>AT_RISK AT_RISK>ON_TRACK ON_TRACK>MET"
kill -INT "$follow_pid"
wait "$follow_pid"
check_eq "alerts --follow stops cleanly on Ctrl-C" "$?" 0
check_eq "alerts --follow printed each alert once, in order" \
  "$(jq -s -c '[.[].id]' "$followed")" "$("$cli" alerts --person "$follower" --json | jq -c '[.[].id]')"
check "alerts --follow saw every transition" test "$(wc -l <"$followed")" -ge 6
text=$("$cli" alerts --person "$first" --json | jq -r --arg rule "$aid" \
  '[.[] | select(.rule == $rule and .status == "AT_RISK")][0].text')
check "an alert's text names the pair" grep -q "hb-01" <<<"$text"
check "an alert's text gives actual and target" grep -q "5,000,000" <<<"$text"
check "an alert's text cites the clause" grep -q "十三" <<<"$text"

finish
