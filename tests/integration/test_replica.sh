#!/usr/bin/env bash
# Every service validates, evaluates and routes from its own replica of the registry, and Redis
# holds read-side answers only, under keys of its own deployment:
# - Redis paused while a new registry is loaded, then resumed: the ledger refuses what the new
#   registry forbids (the old answer cached in Redis cannot be served);
# - the registry stopped: the ledger keeps validating, and a ledger started while it is down
#   serves from the replica it stored;
# - two stacks on one redis-server: each validates and judges against its own registry.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2024-06-01
# Hubei's first pack (aid funds and visits): what this suite counts, rule by rule, must not
# move when the shipped packs gain rules.
stack_policy_dir=$root/tests/fixtures/hubei-v1
stack_up redis

check "the sample registry loads" "$cli" registry load "$root/data/registry.json"
eventually "the assessment judges hb-01" 2024-06-01 status_as_of hb-01 2024
# The version a service's replica has, from its log.
replica_version() {
  grep -o 'msg="registry replica swapped" version=[0-9]*' "$SHANHAI_DATA_DIR/logs/$1.log" \
    | tail -n 1 | sed 's/.*version=//'
}
for service in ledger assessment notification; do
  eventually "the $service has the registry's version 1" 1 replica_version "$service"
done
check "an event inside hb-01's period is recorded" \
  "$cli" record aid-funds --pair hb-01 --amount 10 --date 2024-05-01 --id in-period

# The new registry ends hb-01 on 2024-03-31.
shortened=$SHANHAI_DATA_DIR/shortened.json
jq '(.pairings[] | select(.id == "hb-01") | .end) = "2024-03-31"' "$root/data/registry.json" \
  >"$shortened"
redis_pid=$(cat "$SHANHAI_DATA_DIR/run/redis.pid")
kill -STOP "$redis_pid"
check "a new registry loads while Redis is paused" "$cli" registry load "$shortened"
kill -CONT "$redis_pid"
for service in ledger assessment notification; do
  eventually "the $service has the registry's version 2" 2 replica_version "$service"
done
out=$("$cli" record aid-funds --pair hb-01 --amount 10 --date 2024-05-01 --id after-end 2>&1)
check "an event after hb-01's new end is refused" test $? -ne 0
check_eq "in one line" "$(echo "$out" | wc -l)" 1
check "naming the pairing's days" grep -q "hb-01" <<<"$out"
check "a retry of an event recorded before the change is still a duplicate" \
  "$cli" record aid-funds --pair hb-01 --amount 10 --date 2024-05-01 --id in-period

check_eq "a new event carries the version it was validated against" \
  "$("$cli" record aid-funds --pair hb-02 --amount 10 --date 2024-05-01 --id v2 --json \
     | jq .registry_version)" 2

# The registry stopped: validation goes on from the replica, even across a ledger restart.
"$root/scripts/stack" stop registry
check "recorded with the registry down" \
  "$cli" record aid-funds --pair hb-02 --amount 10 --date 2024-05-02 --id registry-down-1
"$root/scripts/stack" restart ledger
check "recorded by a ledger started while the registry is down" \
  "$cli" record aid-funds --pair hb-02 --amount 10 --date 2024-05-03 --id registry-down-2
out=$("$cli" record aid-funds --pair hb-01 --amount 10 --date 2024-05-01 --id down-after-end 2>&1)
check "still refused from the stored replica" test $? -ne 0
eventually "the assessment counts them without the registry" 3000 \
  rule_field hb-02 2024 hb-aid-funds actual
"$root/scripts/stack" start registry

# A second stack on the same redis-server, with its own registry where hb-01 runs the whole
# year: each stack answers from its own data; the cache keys name two deployments.
b_dir=$(mktemp -d "${TMPDIR:-/tmp}/shanhai-it-b-XXXXXX")
stack_b() {
  (
    export SHANHAI_DATA_DIR=$b_dir
    for name in REGISTRY LEDGER ASSESSMENT NOTIFICATION; do
      export "SHANHAI_${name}_RPC=$(eval echo "\$B_${name}_RPC")"
      export "SHANHAI_${name}_PUB=$(eval echo "\$B_${name}_PUB")"
    done
    "$@"
  )
}
for name in REGISTRY LEDGER ASSESSMENT NOTIFICATION; do
  export "B_${name}_RPC=tcp://127.0.0.1:$(free_port)" "B_${name}_PUB=tcp://127.0.0.1:$(free_port)"
done
stop_b() { stack_b "$root/scripts/stack" stop registry ledger assessment notification >/dev/null 2>&1; rm -rf "$b_dir"; stack_down; }
trap stop_b EXIT
check "stack B starts on the same redis-server" \
  stack_b "$root/scripts/stack" start registry ledger assessment notification
check "stack B loads the sample registry" stack_b "$cli" registry load "$root/data/registry.json"
eventually "stack B judges hb-01" 2024-06-01 stack_b status_as_of hb-01 2024
check "stack B records on hb-01 after A's end for it" \
  stack_b "$cli" record aid-funds --pair hb-01 --amount 20 --date 2024-05-01 --id b-after-end
out=$("$cli" record aid-funds --pair hb-01 --amount 10 --date 2024-05-01 --id a-after-end 2>&1)
check "stack A still refuses it" test $? -ne 0
eventually "B's hb-01 counts B's events" 2000 stack_b rule_field hb-01 2024 hb-aid-funds actual
eventually "A's hb-01 counts A's event" 1000 rule_field hb-01 2024 hb-aid-funds actual
# Ask again: the answers now come from the cache, each from its own deployment's keys.
check_eq "A's answer again" "$(rule_field hb-01 2024 hb-aid-funds actual)" 1000
check_eq "B's answer again" "$(stack_b rule_field hb-01 2024 hb-aid-funds actual)" 2000
redis_port=${SHANHAI_REDIS##*:}
deployments=$(redis-cli -p "$redis_port" --scan --pattern 'shanhai:*:assessment:status:*' \
  | cut -d: -f2 | sort -u | wc -l)
check_eq "the cached answers name two deployments" "$deployments" 2

finish
