#!/usr/bin/env bash
# Policy versions: a candidate pack is diffed against the live verdicts before it is put in
# force (run from scratch over the ledger, in the CLI's own process); a version once run is
# kept and a past verdict recomputed under it; a changed pack rebuilds the aggregates quietly;
# a pack that no longer loads leaves its last good version in force; a version whose text
# changed is refused; and --rebuild ends in the same statuses, alerting nobody again.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2025-01-01
stack_policy_dir=$(mktemp -d "${TMPDIR:-/tmp}/shanhai-it-policies-XXXXXX")
cp "$root"/policies/*.json "$stack_policy_dir/"
stack_up redis
trap 'stack_down; rm -rf "$stack_policy_dir" "$work"' EXIT
work=$(mktemp -d "${TMPDIR:-/tmp}/shanhai-it-work-XXXXXX")

check "the sample registry loads" "$cli" registry load "$root/data/registry.json"
check "the sample events are recorded" "$cli" import "$root/data/events.ndjson"
aid() { "$cli" status --pair "$1" --year 2024 --json | jq -r '.rules[] | select(.rule == "hb-aid-funds") | .status'; }
eventually "hb-04 is BREACHED on aid funds under version 2" BREACHED aid hb-04
eventually "hb-06 is BREACHED too" BREACHED aid hb-06
eventually "hb-01 is MET" MET aid hb-01

# What the assessment runs is what the file says.
check_eq "policy show prints the pack in force" "$("$cli" policy show --program hb-shanchuan | md5sum)" \
  "$(md5sum <"$stack_policy_dir/hb-shanchuan.json")"

# A candidate lowering the aid funds target to 3,000,000 yuan: only hb-04 (3,200,000) turns
# (the diff waits for the live assessment to have applied the whole ledger).
jq '.version = 3 | .rules[0].target = 300000000' "$stack_policy_dir/hb-shanchuan.json" >"$work/hb-shanchuan.json"
diff_json=$("$cli" policy diff "$work/hb-shanchuan.json" --year 2024 --json)
check_eq "the diff names the one verdict that would change" \
  "$(jq -c '[.changes[] | [.rule, .subject, .period, .now, .candidate]]' <<<"$diff_json")" \
  '[["hb-aid-funds","hb-04","2024","BREACHED","MET"]]'
check_eq "the diff names the versions" "$(jq -c '[.version, .candidate_version]' <<<"$diff_json")" "[2,3]"
check "the diff's text says it too" bash -c "'$cli' policy diff '$work/hb-shanchuan.json' --year 2024 | grep -q '1 of .* verdicts would change'"
check_eq "the pack in force against itself changes nothing" \
  "$("$cli" policy diff "$stack_policy_dir/hb-shanchuan.json" --year 2024 --json | jq '.changes | length')" 0
check_eq "a diff changes nothing live" "$(aid hb-04)" BREACHED

# A bad candidate: one line naming the file, the rule and the field.
jq '.rules[1].metric = "average"' "$work/hb-shanchuan.json" >"$work/bad.json"
out=$("$cli" policy diff "$work/bad.json" --year 2024 2>&1); rc=$?
check_eq "a bad candidate fails" "$rc" 1
check_eq "its error is one line naming the file, the rule and the field" "$(wc -l <<<"$out")" 1
check "it names them" grep -q "bad.json: rule 2 \"hb-leader-visits\": metric \"average\" is not a known metric" <<<"$out"
out=$("$cli" policy diff "$work/missing.json" --year 2024 2>&1); rc=$?
check_eq "a missing file fails with one line" "$rc:$(wc -l <<<"$out")" "1:1"
check_eq "diff without --year is a usage error" "$("$cli" policy diff "$work/hb-shanchuan.json" >/dev/null 2>&1; echo $?)" 2
check_eq "status under version 0 is a usage error" \
  "$("$cli" policy status --program hb-shanchuan --year 2024 --version 0 >/dev/null 2>&1; echo $?)" 2

# Put in force: the assessment recounts the ledger under version 3, quietly.
office=$(office_of hb-04)
alerts_before=$("$cli" alerts --person "$office" --json | jq length)
cp "$work/hb-shanchuan.json" "$stack_policy_dir/hb-shanchuan.json"
check "the assessment restarts under version 3" "$root/scripts/stack" restart assessment
eventually "hb-04 is MET on aid funds under version 3" MET aid hb-04
check_eq "hb-06 stays BREACHED" "$(aid hb-06)" BREACHED
check_eq "the verdict names version 3" \
  "$("$cli" status --pair hb-04 --year 2024 --json | jq -r '.rules[] | select(.rule == "hb-aid-funds") | .version')" 3
sleep 1
check_eq "the recount alerted nobody again" "$("$cli" alerts --person "$office" --json | jq length)" "$alerts_before"

# A past verdict, under the version then in force.
past() { "$cli" policy status --program hb-shanchuan --year 2024 --version "$1" --json \
  | jq -r '.pairs[] | select(.pair == "hb-04") | .rules[] | select(.rule == "hb-aid-funds") | .status'; }
check_eq "under version 2, hb-04 was BREACHED" "$(past 2)" BREACHED
check_eq "under version 3, hb-04 is MET" "$(past 3)" MET
check_eq "status --as-of-version says the same" \
  "$("$cli" status --program hb-shanchuan --year 2024 --as-of-version 2 --json | jq -S -c .)" \
  "$("$cli" policy status --program hb-shanchuan --year 2024 --version 2 --json | jq -S -c .)"
check_eq "--as-of-version with --pair is a usage error" \
  "$("$cli" status --pair hb-04 --year 2024 --as-of-version 2 >/dev/null 2>&1; echo $?)" 2
out=$("$cli" policy status --program hb-shanchuan --year 2024 --version 7 2>&1); rc=$?
check "a version never run is NOT_FOUND" grep -q "NOT_FOUND: program hb-shanchuan has no policy version 7" <<<"$out"
check_eq "policy show of version 2 is the old text" "$("$cli" policy show --program hb-shanchuan --version 2 | jq .rules[0].target)" 500000000

# The same version with other content is refused at start: its verdicts could not be explained.
jq '.rules[1].target = 3' "$work/hb-shanchuan.json" >"$stack_policy_dir/hb-shanchuan.json"
"$root/scripts/stack" restart assessment >/dev/null 2>&1
check "a changed version 3 stops the assessment with one line" \
  grep -q "policy pack hb-shanchuan: version 3 is not the version 3 this assessment has run" "$SHANHAI_DATA_DIR/logs/assessment.log"

# A pack that does not load: the last good version stands in.
printf '{"program": "hb-shanchuan", "version": 4, "rules": [' >"$stack_policy_dir/hb-shanchuan.json"
check "the assessment starts with a broken pack" "$root/scripts/stack" start assessment
eventually "version 3 stands in" 3 bash -c "'$cli' status --pair hb-04 --year 2024 --json | jq -r '.rules[0].version'"
check "the refusal is logged with the file" grep -q "policy pack refused: its last good version stands in.*program=hb-shanchuan version=3" "$SHANHAI_DATA_DIR/logs/assessment.log"
cp "$work/hb-shanchuan.json" "$stack_policy_dir/hb-shanchuan.json"
"$root/scripts/stack" restart assessment >/dev/null

# --rebuild: everything recounted from the ledger's Replay, to the same statuses, alerting nobody.
statuses() {
  local program year
  for program in hb-shanchuan:2024 wz-shanhai:2020 zj-shanhai:2022 fj-shanhai:2023 ls-jingning:2024; do
    "$cli" status --program "${program%:*}" --year "${program#*:}" --json | jq -S -c 'del(.as_of)'
  done
}
eventually "the assessment is back" MET aid hb-04
before=$(statuses | md5sum)
alerts_before=$("$cli" alerts --person "$office" --json | jq length)
check "the assessment rebuilds" "$root/scripts/stack" rebuild assessment
eventually "the rebuild ends in the same statuses" "$before" bash -c "$(declare -f statuses); cli='$cli' statuses | md5sum"
check_eq "the rebuild alerted nobody again" "$("$cli" alerts --person "$office" --json | jq length)" "$alerts_before"
check "the rebuild is logged" grep -q "assessment reset: rebuilding from the ledger" "$SHANHAI_DATA_DIR/logs/assessment.log"

finish
