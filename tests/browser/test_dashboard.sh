#!/usr/bin/env bash
# The dashboard in a real browser: headless Chromium (Debian's /usr/bin/chromium) loads the
# page from a running stack's gateway, signs its own requests with the viewer's key, and the
# DOM it builds is read: a pair that met its targets is green, a breached one red, the day
# shown is the clock's, and the alert feed holds the program office's alerts; Wenzhou's 2020
# (the sample events) shows its program-wide rules in a row "全市/全省" and a row per park,
# coloured; then, driven over the DevTools protocol (tests/browser/cdp.py), a click explains a
# cell (a program's or a park's by subject and period), the period a cell shows is the one the
# clock is in, and a new alert reaches the open page live. The screenshots are kept in the
# build directory (tests/browser/dashboard.png, dashboard-wz.png) for people to look at.
source "$(dirname "$0")/../integration/lib.sh"
chromium=${SHANHAI_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "SKIP: $chromium is not installed (make bootstrap)"; exit 77; }
export SHANHAI_CLOCK=2025-01-01
stack_up redis
"$cli" registry load "$root/data/registry.json" >/dev/null
check "the gateway starts" "$root/scripts/stack" start gateway
# hb-01 meets every 2025 target, its task book and Zhuxi's four growths above the province's
# among them; the other Hubei pairs report nothing and breach their three pair rules.
"$cli" record aid-funds --pair hb-01 --amount 5000000 --date 2025-01-01 >/dev/null
"$cli" record leader-visit --pair hb-01 --from hb-zhuxi --date 2025-01-01 >/dev/null
"$cli" record leader-visit --pair hb-01 --from hb-wuhan-donghu --date 2025-01-01 >/dev/null
"$cli" record task-book --pair hb-01 --year 2025 --date 2025-01-01 >/dev/null
for code in gdp budget_revenue urban_income rural_income; do
  for figure in hb-zhuxi:2024:100 hb-zhuxi:2025:110 hb-province:2024:100 hb-province:2025:105; do
    IFS=: read -r region year value <<<"$figure"
    "$cli" record indicator --region "$region" --code $code --year "$year" --value "$value" \
      --date 2025-01-01 >/dev/null
  done
done
eventually "hb-01 met its funds" MET rule_field hb-01 2025 hb-aid-funds status
eventually "hb-01 met its visits" MET rule_field hb-01 2025 hb-leader-visits status
eventually "Zhuxi grew faster than the province" MET rule_field hb-01 2025 hb-growth-rural-income status
"$cli" clock set 2026-01-01 >/dev/null
eventually "hb-02 breached" BREACHED rule_field hb-02 2025 hb-aid-funds status
eventually "the office was told of 63 breaches (21 pairs, 3 rules)" 63 \
  bash -c "'$cli' alerts --person hb-shanchuan-office --json | jq length"

secret=$(jq -r '.[] | select(.key == "viewer") | .secret' "$SHANHAI_DATA_DIR/gateway-apps.json")
url="http://$SHANHAI_GATEWAY_HTTP/#key=viewer&secret=$secret&program=hb-shanchuan&year=2025"
artifacts="$bin/tests/browser"
mkdir -p "$artifacts"
browse() {  # chromium's flags for a clean, offline, throwaway profile, then the action
  local profile; profile=$(mktemp -d "$SHANHAI_DATA_DIR/chromium-XXXXXX")
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --virtual-time-budget=10000 --window-size=1400,1000 "$@" 2>>"$SHANHAI_DATA_DIR/chromium.log"
}
browse --dump-dom "$url" >"$artifacts/dashboard.html"
cell() {  # PAIR RULE: the cell's colour and status
  grep -o "class=\"cell [a-z]*\" data-pair=\"$1\" data-rule=\"$2\" data-status=\"[A-Z_]*\"" \
    "$artifacts/dashboard.html" | sed -E 's/class="cell ([a-z]+)".*data-status="([A-Z_]+)"/\1 \2/'
}
check_eq "the page loaded the board" \
  "$(grep -o 'data-loaded="yes"' "$artifacts/dashboard.html")" 'data-loaded="yes"'
check_eq "a pair that met its funds is green" "$(cell hb-01 hb-aid-funds)" "green MET"
check_eq "a pair that met its visits is green" "$(cell hb-01 hb-leader-visits)" "green MET"
check_eq "a breached pair is red" "$(cell hb-02 hb-aid-funds)" "red BREACHED"
check_eq "every pair of the program has a row" \
  "$(grep -o '<tr data-pair="hb-[0-9]*"' "$artifacts/dashboard.html" | wc -l)" 22
check_eq "the rows are ranked as the scoreboard ranks them" \
  "$(grep -o '<tr data-pair="[^"]*"' "$artifacts/dashboard.html" | cut -d'"' -f2 | paste -sd,)" \
  "$("$cli" scoreboard --program hb-shanchuan --year 2025 --json | jq -r '[.pairs[].pair] | join(",")')"
check_eq "the first row is the met pair, graded 好" \
  "$(grep -o '<tr data-pair="[^"]*" data-grade="[^"]*"' "$artifacts/dashboard.html" | head -n 1)" \
  '<tr data-pair="hb-01" data-grade="好"'
check_eq "the day shown is the clock's" \
  "$(grep -o 'id="as-of">[^<]*' "$artifacts/dashboard.html" | cut -d'>' -f2)" 2026-01-01
check_eq "the alert feed holds the office's newest alerts (the page keeps 50)" \
  "$(grep -o '<li data-id="[0-9]*"' "$artifacts/dashboard.html" | wc -l)" 50
check "the page signed its requests (no refusal logged)" \
  bash -c "! grep -q 'request denied' '$SHANHAI_DATA_DIR/logs/gateway.log'"
browse --hide-scrollbars --screenshot="$artifacts/dashboard.png" "$url" >/dev/null
check "a screenshot is kept in $artifacts" test -s "$artifacts/dashboard.png"

# Wenzhou's last year (the sample events): its program-wide rules and its parks' below the pairs.
grep '"id":"sample-wz-shanhai-' "$root/data/events.ndjson" >"$SHANHAI_DATA_DIR/wz.ndjson"
"$cli" import "$SHANHAI_DATA_DIR/wz.ndjson" >/dev/null
eventually "Wenzhou's sales windows reached the assessment" 26 bash -c "'$cli' status --program \
  wz-shanhai --year 2020 --json | jq '.subjects[] | select(.rule == \"wz-sales-windows\") | .actual'"
wz_url="http://$SHANHAI_GATEWAY_HTTP/#key=viewer&secret=$secret&program=wz-shanhai&year=2020"
browse --dump-dom "$wz_url" >"$artifacts/dashboard-wz.html"
subject_cell() {  # SUBJECT RULE: the cell's colour and status
  grep -o "class=\"cell [a-z]*\" data-subject=\"$1\" data-rule=\"$2\" data-status=\"[A-Z_]*\"" \
    "$artifacts/dashboard-wz.html" | sed -E 's/class="cell ([a-z]+)".*data-status="([A-Z_]+)"/\1 \2/'
}
check_eq "the program's own rules have a row" \
  "$(grep -o '<tr data-subject="wz-shanhai" data-scope="program"><td class="label">[^<]*' \
     "$artifacts/dashboard-wz.html" | sed 's/.*>//')" "全市/全省"
check_eq "every park has a row" \
  "$(grep -o '<tr data-subject="wz-park-[a-z]*" data-scope="park"' "$artifacts/dashboard-wz.html" \
     | wc -l)" 5
check_eq "a program-wide rule met is green" "$(subject_cell wz-shanhai wz-industrial-funds)" \
  "green MET"
check_eq "a program-wide rule missed is red" "$(subject_cell wz-shanhai wz-income-projects)" \
  "red BREACHED"
check_eq "a park that met its plan is green" "$(subject_cell wz-park-yongjia wz-park-gov)" \
  "green MET"
check_eq "a park that missed it is red" "$(subject_cell wz-park-taishun wz-park-invest)" \
  "red BREACHED"
check_eq "a window's cell shows the window" \
  "$(grep -o 'data-subject="wz-shanhai" data-rule="wz-sales-windows" data-status="[A-Z_]*" data-period="[^"]*"' \
     "$artifacts/dashboard-wz.html" | sed 's/.*data-period=//')" '"2018-2020"'
check_eq "Wenzhou's pairs are ranked as its scoreboard ranks them" \
  "$(grep -o '<tr data-pair="[^"]*"' "$artifacts/dashboard-wz.html" | cut -d'"' -f2 | paste -sd,)" \
  "$("$cli" scoreboard --program wz-shanhai --year 2020 --json | jq -r '[.pairs[].pair] | join(",")')"
browse --hide-scrollbars --window-size=1600,1100 --screenshot="$artifacts/dashboard-wz.png" \
  "$wz_url" >/dev/null
check "a screenshot of Wenzhou's is kept" test -s "$artifacts/dashboard-wz.png"

# Driven over the DevTools protocol: a click on a cell explains it, and an alert written while
# the page is open reaches its live feed (hb-02's secretary: three BREACHED, then MET).
cat >"$SHANHAI_DATA_DIR/steps" <<STEPS
wait document.body.dataset.loaded === "yes"
eval window.q = (selector) => document.querySelector(selector)
eval q('td[data-pair="hb-02"][data-rule="hb-aid-funds"]').click()
print q("#detail").hidden ? null : q("#detail dl").innerText
eval q('td[data-pair="hb-01"][data-rule="hb-aid-funds"]').click()
wait q("#entries").children.length === 1
print q("#entries-title").textContent + " " + q("#entries li").textContent
eval q("#person").value = "hb-wufeng-sec"
eval q("#choose").requestSubmit()
wait q("#stream-state").textContent === "（实时）" && q("#alerts").children.length === 3
shell "$cli" record aid-funds --pair hb-02 --amount 5000000 --date 2025-12-31
wait q("#alerts").children.length === 4
print q("#alerts li").textContent
print [shownVerdict(window.quarters, "2024-05-01").period, shownVerdict(window.quarters, "2025-02-01").period, periodsHint(window.quarters), shownVerdict([{ period: "2018-2020" }], "2020-06-01").period]
eval (() => { const asked = window.asked = [], plain = window.fetch; window.fetch = (url, options) => { asked.push(String(url)); return plain.call(window, url, options); }; })()
eval q("#program").value = "wz-shanhai"; q("#year").value = "2020"; q("#choose").requestSubmit()
wait q('td[data-subject="wz-shanhai"][data-rule="wz-sales-windows"]') !== null
eval q('td[data-subject="wz-shanhai"][data-rule="wz-sales-windows"]').click()
wait q("#entries").children.length === 26
print q("#detail dl").innerText.replace(/\s+/g, " ") + " " + q("#entries-title").textContent
print window.asked.filter((url) => url.startsWith("/v1/explain")).map((url) => url.split("?")[1]).join(" ")
eval q('td[data-subject="wz-park-yongjia"][data-rule="wz-park-gov"]').click()
wait q("#entries").children.length > 0
print [...q("#entries").children].map((item) => item.textContent).join(" | ")
STEPS
# Four quarters for the cell's choice of period (the Lishui pack's quarterly meetings).
quarters='[{"period":"2024-Q1","status":"MET"},{"period":"2024-Q2","status":"AT_RISK"},'
quarters+='{"period":"2024-Q3","status":"ON_TRACK"},{"period":"2024-Q4","status":"ON_TRACK"}]'
sed -i "1a eval window.quarters = $quarters" "$SHANHAI_DATA_DIR/steps"
driven=$(timeout 120 python3 "$root/tests/browser/cdp.py" "$chromium" \
  "$(mktemp -d "$SHANHAI_DATA_DIR/chromium-XXXXXX")" "$url" "$SHANHAI_DATA_DIR/steps")
printed() { sed -n "$1p" <<<"$driven" | grep -q "$2"; }  # LINE PATTERN
check "a click on a breached cell shows its numbers and clause" \
  printed 1 '逾期未完成.*应达.*500 万元.*鄂政办函'
check "a click on a met cell lists the ledger entries that counted" \
  printed 2 '共 1 条.*2025-01-01 aid-funds 500 万元'
check "an alert written while the page is open appears in its live feed" \
  printed 3 '^"已达标hb-02 hb-aid-funds 2025'
check_eq "a cell shows the period the clock is in, else the year's last, and how many met" \
  "$(sed -n 4p <<<"$driven")" '["2024-Q2", "2024-Q4", "1/4 期达标", "2018-2020"]'
check "a click on a program-wide cell shows its window and the entries that counted" \
  printed 5 '全市/全省 wz-shanhai.*考核期 2018-2020 状态 逾期未完成.*共 26 条'
check_eq "it asked by subject and period" "$(sed -n 6p <<<"$driven")" \
  '"subject=wz-shanhai&rule=wz-sales-windows&year=2020&period=2018-2020"'
check "a click on a park's cell lists its investments" \
  printed 7 '^"2020-[0-9-]* park-investment [0-9,.]* 万元 · sample-wz-shanhai-'
finish
