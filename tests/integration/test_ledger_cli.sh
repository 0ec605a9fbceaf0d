#!/usr/bin/env bash
# What people type into record, ledger, totals, import and export, refused before anything is
# sent (usage: exit 2) or by the ledger (exit 1), each in one printable line naming the reason;
# nothing is recorded.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2021-12-31
stack_up no-redis
check "the sample registry loads" "$cli" registry load "$root/data/registry.json"
eventually "the ledger has the registry" 0 sh -c "'$cli' totals --pair hb-01 --year 2021 --json \
  | jq .disbursed_fen"

# refused DESCRIPTION EXIT TEXT COMMAND...: exits EXIT with one line on stderr holding TEXT and
# nothing on stdout.
refused() {
  local what=$1 expected=$2 text=$3 err status out; shift 3
  err=$(mktemp)
  out=$("$@" 2>"$err"); status=$?
  local said; said=$(cat "$err"); rm -f "$err"
  if [ "$status" -ne "$expected" ]; then fail "$what: exit $status, expected $expected: '$said'"
  elif [ -n "$out" ]; then fail "$what: printed '$out'"
  elif [ "$(printf '%s\n' "$said" | wc -l)" -ne 1 ]; then fail "$what: more than one line"
  elif ! grep -qF -- "$text" <<<"$said"; then fail "$what: said '$said', without '$text'"
  else pass "$what"; fi
}
d=(--pair hb-01 --date 2021-06-01)

refused "a receipt needs --of" 2 "receipt (资金到位) needs --of" \
  "$cli" record receipt "${d[@]}" --amount 1
refused "an indicator has no --pair" 2 "indicator (统计指标) is a region's: give --region" \
  "$cli" record indicator "${d[@]}" --region hb-zhuxi --code c --year 2020 --value 1
refused "--signed is a whole number" 2 "--signed 'many' is not a whole number" \
  "$cli" record matchmaking "${d[@]}" --signed many
refused "--year is a year" 2 "--year '20' is not a year 2000..2099" \
  "$cli" record commitment "${d[@]}" --year 20 --amount 1
refused "the ledger says which field" 1 "INVALID: persons must be 1..1000000, not -1" \
  "$cli" record training "${d[@]}" --persons -1
refused "a number at its default is not said" 1 "INVALID: persons is required for training" \
  "$cli" record training "${d[@]}" --persons 0
refused "a field the kind does not have" 1 "INVALID: year is not a field of joint-meeting" \
  "$cli" record joint-meeting "${d[@]}" --year 2021
refused "a receipt of nothing" 1 "NOT_FOUND: of: event nope is not in the ledger" \
  "$cli" record receipt "${d[@]}" --of nope --amount 1
refused "an unknown region" 1 "NOT_FOUND: region hb-nowhere is not in the registry" \
  "$cli" record indicator --date 2021-06-01 --region hb-nowhere --code c --year 2020 --value 1
refused "totals needs a year" 2 "totals: --pair and --year are required" \
  "$cli" totals --pair hb-01
refused "totals of an unknown pair" 1 "NOT_FOUND: pairing hb-99 is not in the registry" \
  "$cli" totals --pair hb-99 --year 2021
refused "ledger --limit is 1 or more" 2 "ledger: --limit '0' is not a count 1 or more" \
  "$cli" ledger --limit 0
refused "ledger --kind is a kind" 1 "kind \"gift\" is not a known kind" "$cli" ledger --kind gift
refused "ledger --from is a date" 1 "from \"June\" is not a date" "$cli" ledger --from June
refused "import needs one file" 2 "import: name one file" "$cli" import
refused "import --format" 2 "import: --format 'xml' is not ndjson or csv" \
  "$cli" import --format xml x
refused "import of a missing file" 1 "import: cannot open /nonexistent.ndjson" \
  "$cli" import /nonexistent.ndjson
refused "export --since is a seq" 2 "export: --since '-1' is not a seq" "$cli" export --since -1
check_eq "nothing was recorded" "$("$cli" export | wc -l)" 0
finish
