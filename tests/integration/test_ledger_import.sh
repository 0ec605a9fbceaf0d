#!/usr/bin/env bash
# The ledger's data exchange, through the real binary and a real stack:
# - import of a file with good and bad rows: the good ones recorded once, also when the import
#   runs twice, or is interrupted (SIGINT) and run again; every bad row named by its line;
# - a CSV file of the same events;
# - a consumer (the assessment) that was down while 10,000 events of every kind were recorded
#   catches up exactly; export, then import into a fresh stack, gives the same totals.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2021-12-31
stack_up no-redis
# The sample registry and a park of hb-01 (the sample's parks are Wenzhou's, ended in 2020).
registry=$SHANHAI_DATA_DIR/registry.json
jq '.parks += [{"id": "hb-park-1", "name": "竹溪-东湖产业园", "pairing": "hb-01",
  "area_km2": 1.5, "plans": [{"year": 2021, "category": "gov", "projects": 2,
  "planned_total_wan": 1000, "planned_completion_wan": 500}]}]' "$root/data/registry.json" \
  >"$registry"
check "the sample registry loads" "$cli" registry load "$registry"
eventually "the ledger knows hb-01" 0 sh -c "'$cli' totals --pair hb-01 --year 2021 --json \
  | jq .disbursed_fen"

work=$SHANHAI_DATA_DIR/work
mkdir -p "$work"
head_seq() { "$cli" export | tail -n 1 | jq -r '.seq // 0'; }
totals() { "$cli" totals --pair hb-01 --year 2021 --json | jq -c 'del(.pair)'; }

# --- good and bad rows ---------------------------------------------------------------------
cat >"$work/mixed.ndjson" <<'ROWS'
{"id":"m-d1","kind":"aid-funds","pair":"hb-01","date":"2021-03-01","amount_fen":100000}
{"kind":"leader-visit","pair":"hb-01","from":"hb-zhuxi","date":"2021-03-02"}
{"id":"m-bad-kind","kind":"gift","pair":"hb-01","date":"2021-03-02"}
{"id":"m-r1","kind":"receipt","pair":"hb-01","of":"m-d1","date":"2021-03-03","amount_fen":40000}

{"id":"m-r2","kind":"receipt","pair":"hb-01","of":"m-d1","date":"2021-03-04","amount_fen":60001}
{"kind":"training","pair":"hb-01","date":"2021-03-05","persons":30}
{"id":"m-broken","kind":
{"id":"m-t2","kind":"training","pair":"hb-01","date":"2021-03-06","persons":20,"year":2021}
{"id":"m-v1","kind":"void","pair":"hb-01","of":"m-d1","date":"2021-03-07"}
ROWS
out=$("$cli" import "$work/mixed.ndjson" 2>&1); rc=$?
echo "$out"
check_eq "an import with bad rows exits 1" "$rc" 1
check "line 3 is named: an unknown kind" grep -q "mixed.ndjson:3: rejected: INVALID: kind \"gift\"" <<<"$out"
check "line 6: more than is pending" \
  grep -q "mixed.ndjson:6: rejected: INVALID: amount_fen 60001 is more than what is pending" <<<"$out"
check "line 8: not JSON" grep -q "mixed.ndjson:8: rejected: not JSON" <<<"$out"
check "line 9: a field of another kind" \
  grep -q "mixed.ndjson:9: rejected: INVALID: year is not a field of training" <<<"$out"
check "the summary" grep -q "imported .*mixed.ndjson: 9 rows: 5 recorded, 0 already recorded, 4 rejected" <<<"$out"
check_eq "5 events in the ledger" "$(head_seq)" 5
out=$("$cli" import "$work/mixed.ndjson" 2>&1); rc=$?
check_eq "a second run exits 1 again" "$rc" 1
check "a second run records nothing twice" \
  grep -q "9 rows: 0 recorded, 5 already recorded, 4 rejected" <<<"$out"
check_eq "still 5 events" "$(head_seq)" 5
sed 's/"amount_fen":100000}/"amount_fen":100001}/' "$work/mixed.ndjson" >"$work/changed.ndjson"
out=$("$cli" import "$work/changed.ndjson" 2>&1)
check "an id recorded with other content is a CONFLICT naming the field" \
  grep -q "changed.ndjson:1: rejected: CONFLICT: event m-d1 was recorded before with another amount_fen" \
  <<<"$out"
check_eq "money after the mixed file" "$(totals | jq -c '[.disbursed_fen, .received_fen, .pending_fen, .voided_fen]')" \
  "[100000,40000,0,60000]"

# A line at the limit is read whole (and its memo refused); one byte more is not read at all.
line_of() {  # BYTES: an event line of exactly BYTES bytes, its memo filling it up
  local head='{"id":"long-'$1'","kind":"joint-meeting","pair":"hb-01","date":"2021-05-01","memo":"'
  printf '%s%s"}\n' "$head" "$(head -c $(($1 - ${#head} - 2)) /dev/zero | tr '\0' a)"
}
{ line_of 65536; line_of 65537
  echo '{"id":"after-long","kind":"joint-meeting","pair":"hb-01","date":"2021-05-01"}'
} >"$work/long.ndjson"
out=$("$cli" import "$work/long.ndjson" 2>&1)
check "a line of 65536 bytes is read: its memo is refused" \
  grep -q "long.ndjson:1: rejected: INVALID: memo is" <<<"$out"
check "a line of 65537 bytes is refused as a line" \
  grep -q "long.ndjson:2: rejected: the line is longer than 65536 bytes" <<<"$out"
check "the next line is recorded" grep -q "3 rows: 1 recorded" <<<"$out"
before=$(head_seq)
"$cli" ledger --after $((before - 1)) --json | jq -r .id | grep -q after-long
check "it is the line after the long ones" test $? -eq 0

# --- CSV -----------------------------------------------------------------------------------
cat >"$work/rows.csv" <<'ROWS'
id,kind,pair,from,date,amount_fen,memo,of,year,signed,continued,project,sector
c-1,matchmaking,hb-01,,2021-04-01,,"签约, 三个项目",,,3,,,
c-2,investment,hb-01,,2021-04-02,500000,"a ""quoted"" memo",,,,true,茶园,tourism
c-3,commitment,hb-01,,2021-01-05,5000000,,,2021,,,,
c-4,matchmaking,hb-01,,2021-04-03,,,,,many,,,
ROWS
out=$("$cli" import "$work/rows.csv" 2>&1); rc=$?
check_eq "the CSV with one bad row exits 1" "$rc" 1
check "line 5 of the CSV is named" grep -q "rows.csv:5: rejected: column signed" <<<"$out"
check_eq "the CSV's memo with a comma" "$("$cli" ledger --kind matchmaking --json | jq -r .memo)" \
  "签约, 三个项目"
check_eq "committed from the CSV" "$(totals | jq .committed_fen)" 5000000
out=$("$cli" record park-investment --pair hb-01 --park wz-park-yongjia --category gov \
  --amount 10 --date 2021-04-04 2>&1)
check "a park of another pairing is refused" \
  grep -q "park wz-park-yongjia is built by pairing wz-01, not hb-01" <<<"$out"
out=$("$cli" record park-investment --pair hb-01 --park nowhere --category gov --amount 10 \
  --date 2021-04-04 2>&1)
check "an unknown park is NOT_FOUND" grep -q "NOT_FOUND: park nowhere is not in the registry" <<<"$out"

# --- interrupted and run again ---------------------------------------------------------------
awk 'BEGIN { for (i = 1; i <= 30000; i++)
  printf "{\"kind\":\"joint-meeting\",\"pair\":\"hb-01\",\"date\":\"2021-05-01\",\"memo\":\"%d\"}\n", i }' \
  >"$work/many.ndjson"
before=$(head_seq)
"$cli" import "$work/many.ndjson" >"$work/interrupted.out" 2>&1 &
import_pid=$!
deadline=$((SECONDS + wait_s))
while [ "$(head_seq)" -le "$before" ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
kill -INT "$import_pid"
wait "$import_pid"; rc=$?
cat "$work/interrupted.out" | tail -n 2
check_eq "an interrupted import exits 130" "$rc" 130
check "it says so" grep -q "^interrupted .*run the same import again" "$work/interrupted.out"
partial=$(( $(head_seq) - before ))
check "it had recorded part of the file" test "$partial" -gt 0 -a "$partial" -lt 30000
out=$("$cli" import "$work/many.ndjson" 2>&1); rc=$?
check_eq "the rerun exits 0" "$rc" 0
check "the rerun records the rest" \
  grep -q "30000 rows: $((30000 - partial)) recorded, $partial already recorded, 0 rejected" \
  <<<"$out"
check_eq "every row once" "$(( $(head_seq) - before ))" 30000
check_eq "30000 meetings, and the one after the long lines" \
  "$(totals | jq '.kinds[] | select(.kind == "joint-meeting") | .count')" 30001
# On a terminal: a bar redrawn in place with rows, rate and ETA (script(1) gives it a terminal).
if command -v script >/dev/null; then
  script -qec "'$cli' import '$work/many.ndjson'" /dev/null >"$work/tty.out" 2>&1
  bar=$'\r.*\\[#+-*\\] +[0-9]+% [0-9]+ rows [0-9]+ rows/s ETA [0-9]+s'
  check "on a terminal, a progress bar" grep -qaE "$bar" "$work/tty.out"
  check "and no plain progress lines" sh -c "! grep -qa '^import: ' '$work/tty.out'"
fi

# --- a consumer down while 10,000 events of every kind are recorded --------------------------
"$root/scripts/stack" stop assessment >/dev/null
# 500 blocks of 20 events, every kind in each: b<N>-<what>.
cat >"$work/every-kind.awk" <<'AWK'
function row(what, kind, rest) {
  printf "{\"id\":\"b%d-%s\",\"kind\":\"%s\",%s%s}\n", b, what, kind, on, rest
}
BEGIN {
  for (b = 1; b <= 500; b++) {
    on = "\"pair\":\"hb-01\",\"date\":\"2021-06-01\""
    row("d", "aid-funds", ",\"amount_fen\":1000")
    row("r", "receipt", ",\"of\":\"b" b "-d\",\"amount_fen\":400")
    row("d2", "aid-funds", ",\"amount_fen\":500")
    row("v", "void", ",\"of\":\"b" b "-d2\"")
    row("lv", "leader-visit", ",\"from\":\"hb-zhuxi\"")
    row("x", "reversal", ",\"of\":\"b" b "-lv\"")
    row("jm", "joint-meeting", "")
    row("mm", "matchmaking", ",\"signed\":2")
    row("ag", "agreement", ",\"field\":\"science\"")
    row("tr", "training", ",\"persons\":30")
    row("sw", "sales-window", "")
    row("cm", "commitment", ",\"year\":2021,\"amount_fen\":10000")
    row("in", "investment", ",\"project\":\"p" b "\",\"sector\":\"health\",\"amount_fen\":777")
    row("pi", "park-investment", ",\"park\":\"hb-park-1\",\"category\":\"gov\",\"amount_fen\":300")
    row("ip", "income-project", ",\"amount_fen\":200")
    row("pf", "plan-filed", ",\"year\":2022")
    row("tb", "task-book", ",\"year\":2021")
    row("cd", "cadre", ",\"level\":\"section\",\"person\":\"p" b "\",\"start\":\"2021-06-01\"" \
        ",\"end\":\"2023-12-01\"")
    row("lv2", "leader-visit", ",\"from\":\"hb-wuhan-donghu\"")
    on = "\"date\":\"2021-06-01\""
    row("id", "indicator", ",\"region\":\"hb-zhuxi\",\"code\":\"c" b "\",\"year\":2020,\"value\":\"1.5\"")
  }
}
AWK
awk -f "$work/every-kind.awk" >"$work/every-kind.ndjson"
before=$(head_seq)
started=$SECONDS
out=$("$cli" import "$work/every-kind.ndjson" 2>&1); rc=$?
echo "$out" | tail -n 1
echo "10,000 events imported in $((SECONDS - started))s"
check_eq "10,000 events of every kind are recorded" "$rc" 0
head=$(head_seq)
check_eq "exactly 10,000 more" "$((head - before))" 10000
"$root/scripts/stack" start assessment >/dev/null
assessment_seq() { sqlite3 "$SHANHAI_DATA_DIR/assessment.db" \
  "SELECT value FROM meta WHERE key = 'ledger_seq'" 2>/dev/null; }
eventually "the assessment catches up to the ledger's last seq" "$head" assessment_seq
# Hubei's rule counts what was disbursed (安排) and not voided: the ledger's disbursed less its
# voided, exactly.
disbursed=$(totals | jq '.disbursed_fen - .voided_fen')
eventually "its disbursed sum is the ledger's, less what voids cancelled, exactly" "$disbursed" \
  rule_field hb-01 2021 hb-aid-funds actual
check_eq "the money of the year: committed, disbursed, received, pending, voided" \
  "$(totals | jq -c '[.committed_fen, .disbursed_fen, .received_fen, .pending_fen, .voided_fen]')" \
  "[10000000,850000,240000,300000,310000]"
kinds=$(totals | jq -r '.kinds[] | select(.count > 0) | "\(.kind)=\(.count)/\(.quantity)"')
check_eq "counts and quantities of every kind" "$(echo $kinds)" \
  "$(echo aid-funds=1001/850000 leader-visit=501/501 receipt=501/240000 void=501/310000 \
     commitment=501/10000000 investment=501/888500 park-investment=500/150000 \
     joint-meeting=30501/30501 matchmaking=501/1003 agreement=500/500 training=501/15030 \
     sales-window=500/500 cadre=500/500 task-book=500/500 income-project=500/100000)"

# --- export, then import into a fresh stack ---------------------------------------------------
"$cli" export --since "$head" --follow >"$work/follow.ndjson" &
follow_pid=$!
sleep 0.5
check "a sales window is recorded while export follows" \
  "$cli" record sales-window --pair hb-01 --date 2021-07-01 --id follow-1
eventually "export --follow writes it" "follow-1 $((head + 1))" \
  sh -c "jq -r '\"\\(.id) \\(.seq)\"' '$work/follow.ndjson'"
kill -TERM "$follow_pid"
wait "$follow_pid"; rc=$?
check_eq "export --follow ends cleanly on SIGTERM" "$rc" 0
head=$(head_seq)
"$cli" export >"$work/export.ndjson"
check_eq "export writes every event in seq order" \
  "$(jq -s '[.[].seq] == ([.[].seq] | sort) and length == '"$head" "$work/export.ndjson")" true
totals >"$work/totals-before.json"
kept=$(mktemp -d "${TMPDIR:-/tmp}/shanhai-export-XXXXXX")  # outlives this stack's directory
cp "$work/export.ndjson" "$work/totals-before.json" "$registry" "$kept/"
exported=$kept/export.ndjson
saved_totals=$kept/totals-before.json
stack_down
stack_up no-redis
check "the sample registry loads in the fresh stack" "$cli" registry load "$kept/registry.json"
eventually "the fresh ledger knows hb-01" 0 sh -c "'$cli' totals --pair hb-01 --year 2021 --json \
  | jq .disbursed_fen"
out=$("$cli" import "$exported" 2>&1); rc=$?
echo "$out" | tail -n 1
check_eq "the export imports whole" "$rc" 0
check_eq "the same totals" "$(totals)" "$(cat "$saved_totals")"
check_eq "the same events in the same order" \
  "$("$cli" export | jq -c '[.id, .kind, .pair, .from, .to, .amount_fen, .of]' | md5sum)" \
  "$(jq -c '[.id, .kind, .pair, .from, .to, .amount_fen, .of]' "$exported" | md5sum)"
rm -rf "$kept"
finish
