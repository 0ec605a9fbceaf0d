#!/usr/bin/env bash
# What `shanhai status` and `shanhai explain` print for people, through the real binary against
# a real stack: a row per rule and period, the county a rule judges in a SUBJECT column, a
# growth as a percent, the program's own and its parks' rules after the pairs; explain of a
# park, of the program over its window, of a county's rule asked by its pair, each entry with
# the part it counted for when the rule adds up more than one.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2022-04-01
stack_up no-redis
check "the sample registry loads" "$cli" registry load "$root/data/registry.json"
record() { "$cli" record "$@" >/dev/null || fail "record $*"; }
# Wenzhou, 2020: two of the four fields' agreements, one sales window, a park's investment.
record agreement --pair wz-01 --field science --date 2020-04-01 --id cli-a1
record agreement --pair wz-01 --field health --date 2020-05-01 --id cli-a2
record sales-window --pair wz-01 --date 2020-05-01 --id cli-w1
record park-investment --pair wz-01 --park wz-park-yongjia --category gov --amount 880000 \
  --date 2020-06-30 --id cli-p1
# Hubei, 2021: Zhuxi's GDP grew 8.5%, the province's 6%.
record indicator --region hb-zhuxi --code gdp --year 2020 --value 100 --date 2021-03-15 --id cli-i1
record indicator --region hb-zhuxi --code gdp --year 2021 --value 108.5 --date 2022-03-15 --id cli-i2
record indicator --region hb-province --code gdp --year 2020 --value 1000 --date 2021-03-15 --id cli-i3
record indicator --region hb-province --code gdp --year 2021 --value 1060 --date 2022-03-15 --id cli-i4
eventually "the last figure reached the assessment" MET rule_field hb-01 2021 hb-growth-gdp status

# row COMMAND... -- RULE [SUBJECT]: the fields of the table's first row of RULE (and SUBJECT).
row() {
  local args=() rule subject
  while [ "$1" != -- ]; do args+=("$1"); shift; done
  rule=$2 subject=${3:-}
  "$cli" "${args[@]}" | awk -v rule="$rule" -v subject="$subject" \
    '$1 == rule && (subject == "" || $2 == subject) { $1 = ""; print substr($0, 2); exit }' \
    | cut -d' ' -f1-7
}
check_eq "a pair's own rule: no subject of its own" \
  "$(row status --pair hb-01 --year 2021 -- hb-aid-funds)" "- 2021 BREACHED 0.00 5,000,000.00 5,000,000.00 yuan"
check_eq "its county's rule names the county, a growth reads as a percent" \
  "$(row status --pair hb-01 --year 2021 -- hb-growth-gdp)" "hb-zhuxi 2021 MET 8.50% 6.00% 6.00% %"
check "the table has a PERIOD and a SUBJECT column" \
  bash -c "'$cli' status --pair hb-01 --year 2021 | grep -q '^RULE  *SUBJECT  *PERIOD  *STATUS'"
check "a table with only the pair's rules has no SUBJECT column" \
  bash -c "'$cli' status --pair wz-01 --year 2020 | grep -q '^RULE  *PERIOD  *STATUS'"
check_eq "a program's status ends with its own and its parks' rules" \
  "$("$cli" status --program wz-shanhai --year 2020 | grep -c '^program wz-shanhai and its parks, year 2020')" 1
check_eq "the program's window" \
  "$(row status --program wz-shanhai --year 2020 -- wz-sales-windows)" \
  "wz-shanhai 2018-2020 BREACHED 1 30 30 count"
check_eq "a park's plan" \
  "$(row status --program wz-shanhai --year 2020 -- wz-park-gov wz-park-yongjia)" \
  "wz-park-yongjia 2020 BREACHED 880,000.00 88,000,000.00 88,000,000.00 yuan"
check_eq "a share reads as a percent" \
  "$(row status --program wz-shanhai --year 2020 -- wz-eight-industries-count | cut -d' ' -f1-5)" \
  "wz-shanhai 2020 NO_DATA 0.00% 65.00%"
check_eq "--json has them under subjects" \
  "$("$cli" status --program wz-shanhai --year 2020 --json \
     | jq -r '[.subjects[] | select(.scope == "park")] | length')" 10

explained() { "$cli" explain "$@"; }
check_eq "explain of a pair's each rule: whose, which period" \
  "$(explained --pair wz-01 --rule wz-field-agreements --year 2020 | head -n 1)" \
  "pair wz-01, wz-shanhai, rule wz-field-agreements, period 2020, as of 2022-04-01: BREACHED (red)"
check_eq "each entry says which value it counted for" \
  "$(explained --pair wz-01 --rule wz-field-agreements --year 2020 | grep -o '1 for [a-z]*$' \
     | paste -sd,)" "1 for science,1 for health"
check_eq "explain of a park names its pair" \
  "$(explained --subject wz-park-yongjia --rule wz-park-gov --year 2020 | head -n 1)" \
  "park wz-park-yongjia (pair wz-01), wz-shanhai, rule wz-park-gov, period 2020, as of 2022-04-01: BREACHED (red)"
check "a rule of one part shows no part" \
  bash -c "'$cli' explain --subject wz-park-yongjia --rule wz-park-gov --year 2020 \
           | grep -q 'cli-p1  *880,000.00 yuan$'"
check_eq "explain of the program over its window" \
  "$(explained --subject wz-shanhai --rule wz-sales-windows --year 2020 --period 2018-2020 \
     | head -n 1)" \
  "program wz-shanhai, rule wz-sales-windows, period 2018-2020, as of 2022-04-01: BREACHED (red)"
check_eq "explain of a county's rule asked by its pair" \
  "$(explained --pair hb-01 --rule hb-growth-gdp --year 2021 | sed -n '1p;3p')" \
  "region hb-zhuxi (pair hb-01), hb-shanchuan, rule hb-growth-gdp, period 2021, as of 2022-04-01: MET (green)
  actual 8.50% of 6.00% by 2021-12-31; expected by today 6.00%"
check_eq "a growth's entries: the figures, the year before's as its base" \
  "$(explained --pair hb-01 --rule hb-growth-gdp --year 2021 | grep -o 'cli-i[0-9] .*' \
     | tr -s ' ' | paste -sd,)" "cli-i1 100.00 for base,cli-i2 108.50 for actual"
check_eq "the same asked by the county" \
  "$(explained --subject hb-zhuxi --rule hb-growth-gdp --year 2021 --json | jq -c '[.scope, .subject, .status]')" \
  '["region","hb-zhuxi","MET"]'
finish
