#!/usr/bin/env bash
# The dashboard in a real browser: headless Chromium (Debian's /usr/bin/chromium) loads the
# page from a running stack's gateway, signs its own requests with the viewer's key, and the
# DOM it builds is read: a pair that met its targets is green, a breached one red, the day
# shown is the clock's, and the alert feed holds the program office's alerts; then, driven over
# the DevTools protocol (tests/browser/cdp.py), a click explains a cell and a new alert reaches
# the open page live. The screenshot is kept in the build directory
# (tests/browser/dashboard.png) for people to look at.
source "$(dirname "$0")/../integration/lib.sh"
chromium=${SHANHAI_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "SKIP: $chromium is not installed (make bootstrap)"; exit 77; }
export SHANHAI_CLOCK=2025-01-01
stack_up redis
"$cli" registry load "$root/data/registry.json" >/dev/null
check "the gateway starts" "$root/scripts/stack" start gateway
# hb-01 meets both of its 2025 targets; the other Hubei pairs report nothing and breach.
"$cli" record aid-funds --pair hb-01 --amount 5000000 --date 2025-01-01 >/dev/null
"$cli" record leader-visit --pair hb-01 --from hb-zhuxi --date 2025-01-01 >/dev/null
"$cli" record leader-visit --pair hb-01 --from hb-wuhan-donghu --date 2025-01-01 >/dev/null
eventually "hb-01 met its funds" MET rule_field hb-01 2025 hb-aid-funds status
eventually "hb-01 met its visits" MET rule_field hb-01 2025 hb-leader-visits status
"$cli" clock set 2026-01-01 >/dev/null
eventually "hb-02 breached" BREACHED rule_field hb-02 2025 hb-aid-funds status
eventually "the office was told of 42 breaches" 42 \
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
check_eq "the alert feed holds the office's alerts" \
  "$(grep -o '<li data-id="[0-9]*"' "$artifacts/dashboard.html" | wc -l)" 42
check "the page signed its requests (no refusal logged)" \
  bash -c "! grep -q 'request denied' '$SHANHAI_DATA_DIR/logs/gateway.log'"
browse --hide-scrollbars --screenshot="$artifacts/dashboard.png" "$url" >/dev/null
check "a screenshot is kept in $artifacts" test -s "$artifacts/dashboard.png"

# Driven over the DevTools protocol: a click on a cell explains it, and an alert written while
# the page is open reaches its live feed (hb-02's secretary: two BREACHED, then MET).
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
wait q("#stream-state").textContent === "（实时）" && q("#alerts").children.length === 2
shell "$cli" record aid-funds --pair hb-02 --amount 5000000 --date 2025-12-31
wait q("#alerts").children.length === 3
print q("#alerts li").textContent
STEPS
driven=$(timeout 120 python3 "$root/tests/browser/cdp.py" "$chromium" \
  "$(mktemp -d "$SHANHAI_DATA_DIR/chromium-XXXXXX")" "$url" "$SHANHAI_DATA_DIR/steps")
printed() { sed -n "$1p" <<<"$driven" | grep -q "$2"; }  # LINE PATTERN
check "a click on a breached cell shows its numbers and clause" \
  printed 1 '逾期未完成.*应达.*500 万元.*鄂政办函'
check "a click on a met cell lists the ledger entries that counted" \
  printed 2 '共 1 条.*2025-01-01 aid-funds 500 万元'
check "an alert written while the page is open appears in its live feed" \
  printed 3 '^"已达标hb-02 hb-aid-funds 2025'
finish
