#!/usr/bin/env bash
# `shanhai health`: every service answers <service>.Health through the skeleton; the command
# shows them all and fails when one is down.
source "$(dirname "$0")/lib.sh"

export SHANHAI_CLOCK=2024-06-01
stack_up redis

check "the sample registry loads" "$cli" registry load "$root/data/registry.json"
health_field() { "$cli" health --json | jq -r "$1"; }
eventually "every service has the registry's version 1" "1 1 1 1" \
  health_field '[.services[].registry_version] | map(tostring) | join(" ")'
eventually "all four are up" "registry:up ledger:up assessment:up notification:up" \
  health_field '[.services[] | "\(.service):\(.state)"] | join(" ")'
check "health exits 0" "$cli" health
check_eq "the report says healthy" "$(health_field .healthy)" true
check_eq "each says shanhai's version" \
  "$(health_field '[.services[].version] | unique | join(" ")')" 0.1.0
streams_of_each='[.services[] | "\(.service)=\([.streams[].publisher] | join("+"))"] | join(" ")'
check_eq "the streams of each" "$(health_field "$streams_of_each")" \
  "registry= ledger=registry assessment=registry+ledger notification=registry+assessment"
check_eq "every stream caught up, with no lag" \
  "$(health_field '[.services[].streams[] | "\(.caught_up):\(.lag)"] | unique | join(" ")')" \
  "true:0"
check_eq "the registry's outbox head" "$(health_field '.services[0].published_seq > 0')" true
# The cache connects on first use: a status read uses it.
"$cli" status --pair hb-01 --year 2024 >/dev/null
check_eq "the assessment's cache is up once used" "$(health_field '.services[2].cache')" up
check_eq "the ledger has no cache" "$(health_field '.services[1].cache')" off
check_eq "the notification counts its deliveries" \
  "$(health_field '.services[3].metrics | has("deliveries_pending") and has("deliveries_dead")')" \
  true
check "uptime grows" test "$(health_field '.services[1].uptime_ms')" -gt 0
out=$("$cli" health)
check_eq "a table: a header and one line per service" "$(echo "$out" | wc -l)" 5

"$root/scripts/stack" stop assessment
out=$("$cli" health --json)
check "health fails when a service is down" test $? -eq 1
check_eq "saying which" \
  "$(jq -r '[.services[] | select(.state != "up") | .service] | join(" ")' <<<"$out")" assessment
check "and why" grep -q "UNAVAILABLE" <<<"$(jq -r '.services[2].error' <<<"$out")"
check_eq "healthy is false" "$(jq .healthy <<<"$out")" false
out=$("$cli" health)
check "the table says down too" grep -q "^assessment    down" <<<"$out"
"$root/scripts/stack" start assessment
eventually "back up" "up" health_field '.services[2].state'
out=$("$cli" health extra 2>&1)
check_eq "an operand is a usage error" "$?" 2
finish
