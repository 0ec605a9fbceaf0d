#!/usr/bin/env bash
# What people type into `shanhai`, through the real binary against a real stack: an option
# given twice, an empty --id, ids and memos with a newline, an ESC or bytes that are no UTF-8.
# Each is refused in exactly one printable line that names the real reason, and nothing is
# recorded (the ledger's head, read with the probe, stays where it was); a Chinese memo is
# recorded as it is.
#
# The last two checks (pairs --program nope, alerts --person nobody: NOT_FOUND) need the
# registry and notification servers to answer NOT_FOUND for what they do not know; until those
# changes are merged they fail here.
#
# The stack reads a policy directory of the shipped packs and kinds.json with one activity
# more: it is recorded and listed like a built-in kind, and a kind nobody declared is refused
# as unknown.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2021-03-01
stack_policy_dir=$(mktemp -d "${TMPDIR:-/tmp}/shanhai-it-policies-XXXXXX")
cp "$root"/policies/*.json "$stack_policy_dir"/
# The shipped activities (packs may count them) and this suite's own.
shipped='{"activities": []}'
[ -f "$root/policies/kinds.json" ] && shipped=$(cat "$root/policies/kinds.json")
jq '.activities += [{"name": "field-survey", "title": "实地调研", "title_en": "field survey"}]' \
  <<<"$shipped" >"$stack_policy_dir/kinds.json"
stack_up redis
trap 'rm -rf "$stack_policy_dir"; stack_down' EXIT
check "the sample registry loads" "$cli" registry load "$root/data/registry.json"

# Runs COMMAND with stdout and stderr kept apart, into $out, $err and $status.
run() {
  local err_file; err_file=$(mktemp)
  out=$("$@" 2>"$err_file"); status=$?
  err=$(cat "$err_file"); rm -f "$err_file"
}

# one_printable_line TEXT: exactly one line of valid UTF-8, without control characters.
one_printable_line() {
  [ -n "$1" ] && [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] \
    && ! printf '%s' "$1" | LC_ALL=C grep -q '[[:cntrl:]]' \
    && printf '%s' "$1" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1
}

# refused DESCRIPTION EXIT TEXT COMMAND...: COMMAND exits with EXIT, prints nothing on stdout
# and one printable line on stderr that contains TEXT (a fixed string).
refused() {
  local what=$1 expected_status=$2 text=$3; shift 3
  run "$@"
  if [ "$status" -ne "$expected_status" ]; then
    fail "$what: exit $status, expected $expected_status; said '$err'"
  elif [ -n "$out" ]; then
    fail "$what: printed '$out' on stdout"
  elif ! one_printable_line "$err"; then
    fail "$what: not one printable line: $(printf '%s' "$err" | od -c | head -5)"
  elif ! grep -qF -- "$text" <<<"$err"; then
    fail "$what: said '$err', without '$text'"
  else
    pass "$what"
  fi
}

head_seq() { "$probe" head "$SHANHAI_LEDGER_RPC" ledger.Replay; }
funds=(record aid-funds --pair hb-01 --amount 10 --date 2021-02-01)
check_eq "the ledger starts empty" "$(head_seq)" 0

# An empty --id: refused, not replaced by a made-up id (a retry would then record twice).
refused "an empty --id is refused" 2 'id "" is empty' "$cli" "${funds[@]}" --id ""
refused "an empty --id=" 2 'id "" is empty' "$cli" "${funds[@]}" --id=
check_eq "an empty --id recorded nothing" "$(head_seq)" 0

# Any option of any subcommand given twice, flags included.
refused "record --pair twice" 2 "record: --pair is given twice" \
  "$cli" record aid-funds --pair hb-01 --pair hb-02 --amount 10 --date 2021-02-01
refused "record --pair twice, spelt two ways" 2 "record: --pair is given twice" \
  "$cli" record aid-funds --pai hb-01 --pair=hb-01 --amount 10 --date 2021-02-01
refused "record --json twice" 2 "record: --json is given twice" "$cli" "${funds[@]}" --json --json
refused "record --amount twice" 2 "record: --amount is given twice" "$cli" "${funds[@]}" --amount 20
refused "record --id twice" 2 "record: --id is given twice" "$cli" "${funds[@]}" --id a --id a
refused "pairs --json twice" 2 "pairs: --json is given twice" "$cli" pairs --json --json
refused "pairs --program twice" 2 "pairs: --program is given twice" \
  "$cli" pairs --program hb-shanchuan --program fj-shanhai
refused "people --pair twice" 2 "people: --pair is given twice" \
  "$cli" people --pair hb-01 --pair hb-01
refused "status --year twice" 2 "status: --year is given twice" \
  "$cli" status --pair hb-01 --year 2021 --year 2022
refused "alerts --person twice" 2 "alerts: --person is given twice" \
  "$cli" alerts --person p1 --person p2
refused "alerts --follow twice" 2 "alerts: --follow is given twice" \
  "$cli" alerts --person p1 --follow --follow
refused "clock --json twice" 2 "clock: --json is given twice" "$cli" clock --json --json
refused "explain --subject twice" 2 "explain: --subject is given twice" \
  "$cli" explain --subject hb-zhuxi --subject hb-zhuxi --rule hb-growth-gdp --year 2021
refused "explain --period twice" 2 "explain: --period is given twice" \
  "$cli" explain --pair hb-01 --rule hb-aid-funds --year 2021 --period 2021 --period 2021
refused "an unknown option is named" 2 "registry: unknown or incomplete option '--force'" \
  "$cli" registry --force load "$root/data/registry.json"
check_eq "repeated options recorded nothing" "$(head_seq)" 0

# Ids the CLI checks before it sends: the reason and the byte, the id repeated escaped.
refused "an id with a newline" 2 \
  'record: id "a\x0ab" has a character outside A-Z a-z 0-9 . _ : - at byte 1' \
  "$cli" "${funds[@]}" --id $'a\nb'
refused "an id with an ESC" 2 \
  'record: id "ev\x1b[2J" has a character outside A-Z a-z 0-9 . _ : - at byte 2' \
  "$cli" "${funds[@]}" --id $'ev\e[2J'
refused "an id that is no UTF-8" 2 \
  'record: id "ev\xff" has a character outside A-Z a-z 0-9 . _ : - at byte 2' \
  "$cli" "${funds[@]}" --id $'ev\xff'
refused "an id with a space" 2 'id "has space" has a character outside' \
  "$cli" "${funds[@]}" --id "has space"
long_id=$(printf 'i%.0s' {1..64})
refused "an id one byte too long" 2 "is 64 bytes, more than 63" "$cli" "${funds[@]}" --id "$long_id"

# Memos: the real reason, not "at most 1023 bytes".
refused "a memo with an ESC" 2 "record: memo contains a control character (\\x1b) at byte 8" \
  "$cli" "${funds[@]}" --memo $'12 bytes\e[0m'
refused "a memo that is no UTF-8" 2 "record: memo is not valid UTF-8 at byte 4" \
  "$cli" "${funds[@]}" --memo $'bad \xff byte'
refused "a memo with a bell" 2 "record: memo contains a control character (\\x07) at byte 1" \
  "$cli" "${funds[@]}" --memo $'a\a'
long_memo=$(printf 'm%.0s' {1..1030})
refused "a memo too long" 2 "record: memo is 1030 bytes, more than 1023" \
  "$cli" "${funds[@]}" --memo "$long_memo"
check_eq "bad ids and memos recorded nothing" "$(head_seq)" 0

# explain asks of a pair or of a subject, never both or neither; a period is short text. Each
# refused before anything is asked of the service (exit 2); a period of 15 bytes is asked.
explain=(explain --rule hb-aid-funds --year 2021)
refused "explain of a pair and a subject at once" 2 "explain: give --pair or --subject, not both" \
  "$cli" "${explain[@]}" --pair hb-01 --subject hb-zhuxi
refused "explain of neither" 2 "explain: one of --pair or --subject is required" \
  "$cli" "${explain[@]}"
refused "the usage names both ways" 2 "(usage: shanhai explain (--pair ID | --subject S) --rule R" \
  "$cli" "${explain[@]}"
refused "a period of 16 bytes" 2 'explain: --period "2021-Q1-and-more" is 16 bytes, more than 15' \
  "$cli" "${explain[@]}" --pair hb-01 --period 2021-Q1-and-more
refused "a period of 15 bytes is the service's to refuse" 1 \
  "assessment.Explain: NOT_FOUND: rule hb-aid-funds has no period 2021-Q1-and-mor for hb-01" \
  "$cli" "${explain[@]}" --pair hb-01 --period 2021-Q1-and-mor
refused "a period with an ESC" 2 \
  'explain: --period "2021\x1b[2J" contains a control character (\x1b) at byte 4' \
  "$cli" "${explain[@]}" --pair hb-01 --period $'2021\e[2J'
refused "a period that is no UTF-8" 2 'explain: --period "2021\xff" is not valid UTF-8 at byte 4' \
  "$cli" "${explain[@]}" --pair hb-01 --period $'2021\xff'
refused "an empty period" 2 "explain: --period is empty" "$cli" "${explain[@]}" --pair hb-01 --period ""
refused "an empty subject" 2 "explain: --subject is empty" "$cli" "${explain[@]}" --subject ""
refused "a program's rule asked by a pair: the service says to ask by its subject" 1 \
  "rule wz-sales-windows judges a program, not a pair: ask with its subject" \
  "$cli" explain --pair wz-01 --rule wz-sales-windows --year 2020

# The kinds and what each needs come from the vocabulary.
refused "an unknown kind lists the kinds" 2 "unknown kind 'leader-vist' (aid-funds, leader-visit, receipt, " \
  "$cli" record leader-vist --pair hb-01 --date 2021-02-01
refused "a visit needs --from" 2 "leader-visit (高层互访) needs --from REGION" \
  "$cli" record leader-visit --pair hb-01 --date 2021-02-01
refused "funds need --amount" 2 "aid-funds (援建资金) needs --amount YUAN" \
  "$cli" record aid-funds --pair hb-01 --date 2021-02-01
refused "the usage lists the kinds" 2 "shanhai record aid-funds|leader-visit|receipt|" \
  "$cli" record --pair hb-01

# What only the ledger checks: its reason, escaped by the ledger, through the CLI.
refused "a pairing with a newline: the ledger's reason" 1 \
  'ledger.Record: INVALID: pairing "hb\x0a01" has a character outside A-Z a-z 0-9 . _ : - at byte 2' \
  "$cli" record aid-funds --pair $'hb\n01' --amount 10 --date 2021-02-01
refused "a from with a terminal title sequence" 1 'from "\x1b]0;pwned\x07" has a character' \
  "$cli" record aid-funds --pair hb-01 --amount 10 --date 2021-02-01 --from $'\e]0;pwned\a'
refused "a visit with an amount: the ledger names the field" 1 \
  "amount_fen must be 0 for leader-visit (it has no amount), not 1000" \
  "$cli" record leader-visit --pair hb-01 --date 2021-02-01 --from x --amount 10
# A service's raw text with a newline in it: the CLI escapes it.
refused "a service's error with a newline stays one line" 1 'x\x0ay' \
  "$cli" pairs --program $'x\ny'

# The ledger's own message, without the CLI: a raw event with an ESC in its memo.
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
field() {  # field NUMBER TEXT: a protobuf string field (TEXT under 128 bytes)
  printf '%02x%02x%s' $(($1 << 3 | 2)) "$(printf '%s' "$2" | wc -c)" "$(hex "$2")"
}
body="$(field 1 raw-1)$(field 2 aid-funds)$(field 3 hb-01)300a$(field 7 2021-02-01)"
body+="$(field 8 $'12 bytes\e[0m')"
reply=$("$probe" call "$SHANHAI_LEDGER_RPC" ledger.Record "$body")
check_eq "the ledger's own reply names the control character, escaped" "$reply" \
  'INVALID memo contains a control character (\x1b) at byte 8'
body="$(field 1 $'raw\n2')$(field 2 aid-funds)$(field 3 hb-01)300a$(field 7 2021-02-01)"
reply=$("$probe" call "$SHANHAI_LEDGER_RPC" ledger.Record "$body")
check_eq "the ledger repeats a bad id escaped" "$reply" \
  'INVALID id "raw\x0a2" has a character outside A-Z a-z 0-9 . _ : - at byte 3'
check_eq "refused events recorded nothing" "$(head_seq)" 0

# The same event as the empty --id, with a real id: recorded now, as the first event.
run "$cli" "${funds[@]}" --id it-input-1 --json
check_eq "the event refused for its empty id records with a real one" \
  "$status $(jq -r '"\(.seq) \(.id) \(.duplicate)"' <<<"$out")" "0 1 it-input-1 false"
run "$cli" "${funds[@]}" --id it-input-1 --json
check_eq "and its retry is recorded once" "$(jq -r .duplicate <<<"$out") $(head_seq)" "true 1"

# Text for people: Chinese is kept as it is, and so is a memo of two lines.
memo='援建资金第一笔：竹溪县 · 武汉东湖'
run "$cli" "${funds[@]}" --id it-input-zh --memo "$memo" --json
check_eq "a Chinese memo is recorded" "$status" 0
check_eq "and comes back as it was" "$(jq -r .memo <<<"$out")" "$memo"
run "$cli" "${funds[@]}" --id it-input-lines --memo $'first line\nsecond line' --json
check_eq "a memo of two lines is recorded (memos are multiline text)" \
  "$status $(jq -c .memo <<<"$out")" '0 "first line\nsecond line"'
check_eq "three events on the ledger" "$(head_seq)" 3

# An activity the policy directory declares: recorded between the pair and listed as any kind.
run "$cli" record field-survey --pair hb-01 --date 2021-02-01 --id it-kinds-1 --json
check_eq "a declared activity is recorded" \
  "$status $(jq -r '"\(.id) \(.kind) \(.pair)"' <<<"$out")" "0 it-kinds-1 field-survey hb-01"
check_eq "and listed by its kind" \
  "$("$cli" ledger --kind field-survey --json | jq -r '"\(.seq) \(.id)"')" "4 it-kinds-1"
check_eq "and in the table, between the pair as a whole" \
  "$("$cli" ledger --kind field-survey | awk 'NR > 1 {print $1, $2, $3, $4, $5, $6, $NF}')" \
  "4 2021-02-01 field-survey hb-01 - - it-kinds-1"
refused "an activity nobody declared is an unknown kind" 2 \
  "record: unknown kind 'field-report' (aid-funds, leader-visit, receipt, " \
  "$cli" record field-report --pair hb-01 --date 2021-02-01
check "and the kinds it lists end with the declared ones" \
  grep -qF ", reversal, $(jq -r '[.activities[].name] | join(", ")' \
    "$stack_policy_dir/kinds.json")) (usage: " <<<"$err"
refused "the ledger refuses it too" 1 'kind "field-report" is not a known kind' \
  "$cli" ledger --kind field-report
check_eq "four events on the ledger" "$(head_seq)" 4

# A kinds file that declares a built-in kind stops a service and the CLI at start, in one line.
bad_policies="$SHANHAI_DATA_DIR/bad-policies"
mkdir -p "$bad_policies"
echo '{"activities": [{"name": "joint-meeting", "title": "联席会议", "title_en": "joint meeting"}]}' \
  >"$bad_policies/kinds.json"
bad_kind="$bad_policies/kinds.json: activity 1: name \"joint-meeting\" is already a kind (built in)"
refused "a bad kinds file stops the CLI" 1 "$bad_kind" \
  env SHANHAI_POLICY_DIR="$bad_policies" "$cli" ledger
refused "and a service, before it binds" 1 "shanhai-ledger: $bad_kind" \
  env SHANHAI_POLICY_DIR="$bad_policies" timeout 20 "$bin/services/ledger/shanhai-ledger"

# What the registry and the notification service do not know: NOT_FOUND, one line, exit 1.
# These two need the servers' NOT_FOUND answers (the lead's registry and notification
# changes); before those are merged pairs lists nothing and alerts says "no alerts".
refused "pairs of an unknown program: NOT_FOUND" 1 "shanhai: registry.ListPairings: NOT_FOUND: " \
  "$cli" pairs --program nope
check "and the line names the program" grep -qF nope <<<"$err"
refused "alerts of an unknown person: NOT_FOUND" 1 "shanhai: notification.Alerts: NOT_FOUND: " \
  "$cli" alerts --person nobody
check "and the line names the person" grep -qF nobody <<<"$err"

finish
