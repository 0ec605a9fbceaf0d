#!/usr/bin/env bash
# The sample events that `make run` imports (data/events.ndjson) are valid against the sample
# registry on the sample day, import whole, and say what the demo shows: hb-02's 2024 with a
# pending disbursement, a void and a reversal; Wenzhou's park investments of 2019.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2025-01-01
stack_up no-redis
check "the sample registry loads" "$cli" registry load "$root/data/registry.json"
eventually "the ledger has the registry" 0 sh -c "'$cli' totals --pair hb-01 --year 2024 --json \
  | jq .disbursed_fen"
rows=$(grep -c . "$root/data/events.ndjson")
out=$("$cli" import "$root/data/events.ndjson" 2>&1); rc=$?
echo "$out" | tail -n 1
check_eq "every sample event is recorded" "$rc" 0
check "none rejected" grep -q "$rows rows: $rows recorded, 0 already recorded, 0 rejected" <<<"$out"
out=$("$cli" import "$root/data/events.ndjson" 2>&1)
check "a second make run records nothing twice" \
  grep -q "$rows rows: 0 recorded, $rows already recorded, 0 rejected" <<<"$out"
money() { "$cli" totals --pair "$1" --year "$2" --json \
  | jq -c '[.committed_fen, .disbursed_fen, .received_fen, .pending_fen, .voided_fen]'; }
check_eq "hb-02 in 2024: committed, disbursed, received, pending, voided" "$(money hb-02 2024)" \
  "[500000000,550000000,425000000,75000000,50000000]"
check_eq "hb-01's reversed entry counts nowhere" "$(money hb-01 2024)" \
  "[500000000,500000000,425000000,75000000,0]"
check_eq "wz-01's park investments of 2019" "$("$cli" totals --pair wz-01 --year 2019 --json \
  | jq '.kinds[] | select(.kind == "park-investment") | .count')" 3
# Annex 1, wz-01 (永嘉-瓯海) in 2019: gov 8,000 万元 planned, 8,800 completed; invest 15,000 both.
check_eq "wz-01's park against annex 1's plan of 2019" "$("$cli" totals --pair wz-01 --year 2019 \
  --json | jq -c '[.parks[] | [.park, .category, .completed_fen, .planned_completion_fen,
  .planned_projects]]')" \
  '[["wz-park-yongjia","gov",8800000000,8000000000,10],["wz-park-yongjia","invest",15000000000,15000000000,4]]'
check_eq "a pair without a park lists none" \
  "$("$cli" totals --pair hb-01 --year 2024 --json | jq -c .parks)" "[]"
check_eq "a plan filed in 2024 counts in 2025, the year it is for" "$("$cli" totals --pair hb-02 \
  --year 2025 --json | jq '.kinds[] | select(.kind == "plan-filed") | .count')" 1
check_eq "the indicators of every program" "$("$cli" ledger --kind indicator --json | wc -l)" 55
finish
