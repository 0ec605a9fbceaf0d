#!/usr/bin/env bash
# The HTTP gateway against a real stack: signatures, authorization, idempotency, the GETs'
# JSON against the CLI's --json (a pair's, a county's, a park's and a program's verdicts and
# explanations, in a period), the live stream and its resume, and its limits under
# oversized bodies and a thousand idle connections.
source "$(dirname "$0")/lib.sh"
export SHANHAI_CLOCK=2025-01-01
stack_up redis
# An apps file of the operator's: an administrator, a viewer, and a county's own system.
export SHANHAI_GATEWAY_APPS=$SHANHAI_DATA_DIR/apps.json
cat >"$SHANHAI_GATEWAY_APPS" <<'JSON'
[{"key": "admin", "secret": "admin-secret-0123456789", "write": "*", "read": "*"},
 {"key": "viewer", "secret": "viewer-secret-0123456789", "write": [], "read": "*"},
 {"key": "bus-zhuxi", "secret": "zhuxi-secret-0123456789", "write": ["hb-zhuxi"], "read": "own"},
 {"key": "bus-yongjia", "secret": "yongjia-secret-0123456789", "write": ["zj-yongjia"],
  "read": "own"}]
JSON
"$cli" registry load "$root/data/registry.json" >/dev/null
export SHANHAI_GATEWAY_METRICS=127.0.0.1:$(free_port)  # the operators' own listener
check "the gateway starts" "$root/scripts/stack" start gateway
call() { python3 "$root/tests/integration/gateway_call.py" "$@"; }
status_of() { call "$@" | head -n 1; }
body_of() { call "$@" | tail -n 1; }
event() {  # ID AMOUNT_FEN [PAIR]
  printf '{"id":"%s","kind":"aid-funds","pair":"%s","amount_fen":%s,"date":"2025-01-01"}' \
    "$1" "${3:-hb-01}" "$2"
}

# Signatures: only the good one passes, and nothing is recorded by the others.
check_eq "a wrong secret is 401" "$(status_of POST /v1/events "$(event s1 100)" \
  --secret not-the-admin-secret-at-all)" 401
check_eq "a timestamp 301 s ahead is 401" "$(status_of POST /v1/events "$(event s2 100)" \
  --skew-ms 301000)" 401
check_eq "a timestamp 301 s behind is 401" "$(status_of POST /v1/events "$(event s2 100)" \
  --skew-ms -301000)" 401
check_eq "a timestamp 299 s behind passes" "$(status_of GET /v1/pairs --skew-ms -299000)" 200
for header in Key Timestamp Nonce Signature; do
  check_eq "without X-Shanhai-$header: 401" "$(status_of POST /v1/events "$(event s3 100)" \
    --omit "$header")" 401
done
check_eq "a body altered after signing is 401" "$(status_of POST /v1/events "$(event s4 100)" \
  --alter-body "$(event s4 999)")" 401
check_eq "an unknown key is 401" "$(status_of GET /v1/pairs --app nobody \
  --secret some-secret-0123456789)" 401
check_eq "a first nonce passes" "$(status_of POST /v1/events "$(event s5 100)" --nonce n-1)" 200
check_eq "the same nonce again is 401" "$(status_of POST /v1/events "$(event s6 100)" \
  --nonce n-1)" 401
for id in s1 s2 s3 s4 s6; do
  check_eq "refused event $id was not recorded" \
    "$(body_of POST /v1/events "$(event $id 100)" | jq -r .data.duplicate)" false
done
check "a denial is logged with the key, never the secret" \
  bash -c "grep -q 'request denied.*key=\"admin\"' '$SHANHAI_DATA_DIR/logs/gateway.log' &&
           ! grep -q 'admin-secret' '$SHANHAI_DATA_DIR/logs/gateway.log'"

# Authorization: a county's system records only for its pairs, and reads only them.
check_eq "writing for a pair of other counties is 403" \
  "$(status_of POST /v1/events "$(event z1 100 hb-02)" --app bus-zhuxi)" 403
check_eq "the forbidden event was not recorded" \
  "$(body_of POST /v1/events "$(event z1 100 hb-02)" | jq -r .data.duplicate)" false
check_eq "writing for its own pair passes" \
  "$(status_of POST /v1/events "$(event z2 100 hb-01)" --app bus-zhuxi)" 200
check_eq "a viewer writes nothing" "$(status_of POST /v1/events "$(event v1 100)" --app viewer)" 403
check_eq "reading another pair's status is 403" \
  "$(status_of GET '/v1/status?pair=hb-02&year=2025' --app bus-zhuxi)" 403
check_eq "it reads its county's leaders' alerts" \
  "$(status_of GET '/v1/alerts?person=hb-zhuxi-sec' --app bus-zhuxi)" 200
check_eq "not another county's" \
  "$(status_of GET '/v1/alerts?person=hb-wufeng-sec' --app bus-zhuxi)" 403
check_eq "nor their live stream" \
  "$(status_of GET '/v1/alerts/stream?person=hb-wufeng-sec' --app bus-zhuxi)" 403
check_eq "its pairs are its own" "$(body_of GET /v1/pairs --app bus-zhuxi | jq -c '[.data[].id]')" \
  '["hb-01"]'

# The same event twice: recorded once, and the second reply says so.
check_eq "a first post records" "$(body_of POST /v1/events "$(event d1 250000000)" \
  | jq -r .data.duplicate)" false
check_eq "the same post again is a duplicate" "$(body_of POST /v1/events "$(event d1 250000000)" \
  | jq -c '[.code, .data.duplicate, .data.amount_fen]')" '["OK",true,250000000]'
check_eq "the same id with another amount is 409" \
  "$(status_of POST /v1/events "$(event d1 1)")" 409
check_eq "malformed JSON is 400" "$(status_of POST /v1/events '{"id":')" 400
check_eq "an unknown field is 400, named" \
  "$(body_of POST /v1/events '{"id":"u1","kind":"aid-funds","pair":"hb-01","amont_fen":1}' \
     | jq -r .message)" '"amont_fen" is not a field of an event'
check_eq "a wrong type is 400, named" \
  "$(body_of POST /v1/events '{"id":"u2","kind":"aid-funds","pair":"hb-01","amount_fen":"1"}' \
     | jq -r .message)" '"amount_fen" must be a whole number'
check_eq "an unknown query parameter is 400" "$(status_of GET '/v1/pairs?programme=x')" 400
check_eq "an unknown program is 404" "$(status_of GET '/v1/pairs?program=nope')" 404
check_eq "an unknown path is 404" "$(status_of GET /v1/nothing)" 404
check_eq "an unknown person's alerts are 404" "$(status_of GET '/v1/alerts?person=nobody')" 404
check_eq "and their stream" "$(status_of GET '/v1/alerts/stream?person=nobody')" 404
check_eq "a Last-Event-ID that is no id is 400" \
  "$(status_of GET '/v1/alerts/stream?person=hb-zhuxi-sec' --header Last-Event-ID:x1)" 400

# Every GET's JSON equals the CLI's --json for the same question.
"$cli" clock set 2025-07-01 >/dev/null
eventually "the clock reached the assessment" 2025-07-01 status_as_of hb-01 2025
same() {  # DESCRIPTION GATEWAY_PATH CLI_ARGS...
  local what=$1 path=$2; shift 2
  check_eq "$what" "$(body_of GET "$path" | jq -c .data)" "$("$cli" "$@" --json | jq -c .)"
}
same "GET /v1/pairs equals pairs --json" /v1/pairs pairs
same "GET /v1/pairs?program= equals pairs --program" '/v1/pairs?program=hb-shanchuan' \
  pairs --program hb-shanchuan
same "GET /v1/pairs?region=&date= equals pairs --region --date" \
  '/v1/pairs?region=zj-wenling&date=2020-06-01' pairs --region zj-wenling --date 2020-06-01
same "GET /v1/status equals status --json" '/v1/status?pair=hb-01&year=2025' \
  status --pair hb-01 --year 2025
same "GET /v1/status?program= equals status --program" '/v1/status?program=hb-shanchuan&year=2025' \
  status --program hb-shanchuan --year 2025
same "GET /v1/scoreboard equals scoreboard --json" '/v1/scoreboard?program=hb-shanchuan&year=2025' \
  scoreboard --program hb-shanchuan --year 2025
same "GET /v1/explain equals explain --json" '/v1/explain?pair=hb-01&rule=hb-aid-funds&year=2025' \
  explain --pair hb-01 --rule hb-aid-funds --year 2025
# The rules of other subjects than pairs: Wenzhou's program-wide and park rules of 2020 (a
# window 2018-2020 among them), and a county's rule asked by its pair.
"$cli" record sales-window --pair wz-01 --date 2020-05-01 --id gw-window-1 >/dev/null
"$cli" record park-investment --pair wz-01 --park wz-park-yongjia --category gov \
  --amount 1000000 --date 2020-06-01 --id gw-park-1 >/dev/null
eventually "the window's sale reached the assessment" 1 bash -c "'$cli' explain --subject \
  wz-shanhai --rule wz-sales-windows --year 2020 --json | jq .actual"
same "GET /v1/status?program= with its subjects equals status --program" \
  '/v1/status?program=wz-shanhai&year=2020' status --program wz-shanhai --year 2020
check_eq "a program's status has its own rules and its parks'" \
  "$(body_of GET '/v1/status?program=wz-shanhai&year=2020' \
     | jq -c '[.data.subjects[] | select(.rule == "wz-sales-windows" or
                                          (.rule == "wz-park-gov" and .subject == "wz-park-yongjia"))
               | [.scope, .subject, .period]]')" \
  '[["park","wz-park-yongjia","2020"],["program","wz-shanhai","2018-2020"]]'
same "GET /v1/explain?subject=&period= equals explain --subject --period" \
  '/v1/explain?subject=wz-shanhai&rule=wz-sales-windows&year=2020&period=2018-2020' \
  explain --subject wz-shanhai --rule wz-sales-windows --year 2020 --period 2018-2020
same "a park's explanation: the same" \
  '/v1/explain?subject=wz-park-yongjia&rule=wz-park-gov&year=2020' \
  explain --subject wz-park-yongjia --rule wz-park-gov --year 2020
same "a county's rule asked by its pair: the same" \
  '/v1/explain?pair=hb-01&rule=hb-growth-gdp&year=2025' \
  explain --pair hb-01 --rule hb-growth-gdp --year 2025
check_eq "an explanation says whose, which period and what each entry counted for" \
  "$(body_of GET '/v1/explain?subject=wz-shanhai&rule=wz-sales-windows&year=2020&period=2018-2020' \
     | jq -c '[.data.scope, .data.subject, .data.period, .data.entries[0].part]')" \
  '["program","wz-shanhai","2018-2020","actual"]'
check_eq "a pair and a subject at once is 400" "$(body_of GET \
  '/v1/explain?pair=wz-01&subject=wz-shanhai&rule=wz-sales-windows&year=2020' | jq -r .message)" \
  'ask for a "pair" or a "subject", not both'
check_eq "neither is 400" "$(body_of GET '/v1/explain?rule=wz-sales-windows&year=2020' \
  | jq -r .message)" 'query parameter "pair" or "subject" is required'
check_eq "a period of 15 bytes is the assessment's to refuse" "$(status_of GET \
  '/v1/explain?subject=wz-shanhai&rule=wz-sales-windows&year=2020&period=2018-2020-Q1-Q2')" 404
check_eq "a period of 16 bytes is 400, named" "$(body_of GET \
  '/v1/explain?subject=wz-shanhai&rule=wz-sales-windows&year=2020&period=2018-2020-Q1-Q23' \
  | jq -r .message)" 'period "2018-2020-Q1-Q23" is 16 bytes, more than 15'
check_eq "an empty period is 400" "$(status_of GET \
  '/v1/explain?subject=wz-shanhai&rule=wz-sales-windows&year=2020&period=')" 400
check_eq "a period with a newline is 400, escaped" "$(body_of GET \
  '/v1/explain?subject=wz-shanhai&rule=wz-sales-windows&year=2020&period=20%0A20' \
  | jq -r .message)" 'period "20\x0a20" contains a control character (\x0a) at byte 2'
check_eq "a subject that is no id is 400" "$(status_of GET \
  '/v1/explain?subject=wz%20shanhai&rule=wz-sales-windows&year=2020')" 400
check_eq "a period the rule does not have is 404" "$(body_of GET \
  '/v1/explain?subject=wz-shanhai&rule=wz-sales-windows&year=2020&period=2020-Q2' \
  | jq -r .message)" 'assessment.Explain: rule wz-sales-windows has no period 2020-Q2 for wz-shanhai'
check_eq "an unknown parameter of explain is 400, named" "$(body_of GET \
  '/v1/explain?subject=wz-shanhai&rule=wz-sales-windows&year=2020&periode=2020' | jq -r .message)" \
  'unknown query parameter "periode"'
check_eq "a county's system explains its county's rule" \
  "$(status_of GET '/v1/explain?subject=hb-zhuxi&rule=hb-growth-gdp&year=2025' --app bus-zhuxi)" 200
check_eq "not another county's" \
  "$(status_of GET '/v1/explain?subject=hb-wufeng&rule=hb-growth-gdp&year=2025' --app bus-zhuxi)" 403
check_eq "nor the program's own rules" "$(status_of GET \
  '/v1/explain?subject=wz-shanhai&rule=wz-sales-windows&year=2020' --app bus-yongjia)" 403
check_eq "but its pair's park" "$(status_of GET \
  '/v1/explain?subject=wz-park-yongjia&rule=wz-park-gov&year=2020' --app bus-yongjia)" 200
check_eq "not another pair's park" "$(status_of GET \
  '/v1/explain?subject=wz-park-cangnan&rule=wz-park-gov&year=2020' --app bus-yongjia)" 403
check_eq "a subject the registry does not have is 404" "$(status_of GET \
  '/v1/explain?subject=nowhere&rule=wz-park-gov&year=2020' --app bus-yongjia)" 404
check_eq "in the program's status it sees its pair and its park only" \
  "$(body_of GET '/v1/status?program=wz-shanhai&year=2020' --app bus-yongjia \
     | jq -c '[[.data.pairs[].pair], [.data.subjects[].subject] | unique]')" \
  '[["wz-01"],["wz-park-yongjia"]]'
check_eq "a pair and a program at once is 400" \
  "$(status_of GET '/v1/status?pair=hb-01&program=hb-shanchuan&year=2025')" 400
check_eq "a county's own system sees only its pair on the scoreboard" \
  "$(body_of GET '/v1/scoreboard?program=hb-shanchuan&year=2025' --app bus-zhuxi \
     | jq -c '[.data.pairs[].pair]')" '["hb-01"]'
check_eq "and in the program's status" \
  "$(body_of GET '/v1/status?program=hb-shanchuan&year=2025' --app bus-zhuxi \
     | jq -c '[.data.pairs[].pair]')" '["hb-01"]'
check_eq "and no other pair's explanation" \
  "$(status_of GET '/v1/explain?pair=hb-02&rule=hb-aid-funds&year=2025' --app bus-zhuxi)" 403
# Batches, all or nothing; the ledger as pages, equal to `shanhai ledger --json`.
head_before=$("$cli" ledger --json | wc -l)
check_eq "a batch with one bad event is 400, naming it" \
  "$(body_of POST /v1/events/batch "[$(event b1 100),$(event b2 -5)]" | jq -r .message)" \
  "ledger.RecordBatch: event 1 (b2): amount_fen must be 1..10000000000000 for aid-funds, not -5; nothing of the batch was recorded"
check_eq "and records nothing" "$("$cli" ledger --json | wc -l)" "$head_before"
check_eq "a batch for a pair the application does not hold is 403, recording nothing" \
  "$(status_of POST /v1/events/batch "[$(event b1 100),$(event b3 100 hb-02)]" --app bus-zhuxi)" \
  403
check_eq "a good batch records every event, in order" \
  "$(body_of POST /v1/events/batch "[$(event b1 100),$(event b4 200)]" | jq -c '[.data[] | [.id, .duplicate]]')" \
  '[["b1",false],["b4",false]]'
check_eq "the same batch again is recorded once" \
  "$(body_of POST /v1/events/batch "[$(event b1 100),$(event b4 200)]" | jq -c '[.data[].duplicate]')" \
  '[true,true]'
check_eq "GET /v1/events equals ledger --json" \
  "$(body_of GET '/v1/events?pair=hb-01' | jq -c .data)" "$("$cli" ledger --pair hb-01 --json | jq -s -c .)"
first_page=$(body_of GET '/v1/events?limit=2')
check_eq "a full page says next: the last seq of the page" \
  "$(jq -c '[(.data | length), .next == .data[-1].seq]' <<<"$first_page")" '[2,true]'
check_eq "the next page starts after it" \
  "$(body_of GET "/v1/events?limit=1&after=$(jq .next <<<"$first_page")" | jq '.data[0].seq')" \
  "$(("$(jq .next <<<"$first_page")" + 1))"
check_eq "a county's own system reads only its pairs' events" \
  "$(body_of GET '/v1/events' --app bus-zhuxi | jq -r '[.data[].pair] | unique | join(",")')" \
  "hb-01"
check_eq "an unknown rule's explanation is 404" \
  "$(status_of GET '/v1/explain?pair=hb-01&rule=nope&year=2025')" 404
eventually "hb-zhuxi-sec was alerted of its visits" AT_RISK \
  bash -c "'$cli' alerts --person hb-zhuxi-sec --json \
           | jq -r '[.[] | select(.rule == \"hb-leader-visits\")][-1].status'"
same "GET /v1/alerts equals alerts --json" '/v1/alerts?person=hb-zhuxi-sec' \
  alerts --person hb-zhuxi-sec
check_eq "a full page of alerts says next" \
  "$(body_of GET '/v1/alerts?person=hb-zhuxi-sec&limit=1' | jq -c '[(.data | length), .next]')" \
  "[1,$("$cli" alerts --person hb-zhuxi-sec --json | jq '.[0].id')]"

# The live stream: each alert once, and a resume after a reconnect loses nothing.
stream() { python3 "$root/tests/integration/gateway_stream.py" "$@"; }
person=hb-zhuxi-head
before=$("$cli" alerts --person $person --json | jq '.[-1].id')
stream $person 1 20 >"$SHANHAI_DATA_DIR/stream1" &
stream_pid=$!
for _ in $(seq 50); do grep -q open "$SHANHAI_DATA_DIR/stream1" && break; sleep 0.1; done
check_eq "a live alert arrives" "$(body_of POST /v1/events "$(event live-1 400000000)" \
  | jq -r .code)" OK
wait $stream_pid
first=$(sed -n 2p "$SHANHAI_DATA_DIR/stream1")
check "the stream delivered the new alert" test -n "$first" -a "${first:-0}" -gt "$before"
# While no one listens: the pair meets its funds, and both leader visits come.
visit() {  # ID FROM
  printf '{"id":"%s","kind":"leader-visit","pair":"hb-01","from":"%s","date":"2025-07-01"}' \
    "$1" "$2"
}
body_of POST /v1/events "$(visit live-2 hb-zhuxi)" >/dev/null
body_of POST /v1/events "$(visit live-3 hb-wuhan-donghu)" >/dev/null
eventually "more alerts were written meanwhile" 2 \
  bash -c "'$cli' alerts --person $person --json | jq '[.[] | select(.id > $first)] | length'"
expected=$("$cli" alerts --person $person --json | jq -r ".[] | select(.id > $first) | .id")
stream $person 2 20 --last-event-id "$first" | tail -n +2 >"$SHANHAI_DATA_DIR/stream2"
check_eq "the resume delivers what was missed, once, in order" \
  "$(cat "$SHANHAI_DATA_DIR/stream2")" "$expected"

# Limits: an oversized body, a thousand idle connections; the gateway keeps serving.
big=$(python3 -c 'print("{\"memo\":\"" + "x" * 70000 + "\"}")')
check_eq "an oversized body is 400" "$(status_of POST /v1/events "$big")" 400
long=$(printf 'x%.0s' $(seq 1100))
check_eq "a URL over 1 KiB is 400" "$(status_of GET "/v1/pairs?program=$long")" 400
python3 - "$SHANHAI_GATEWAY_HTTP" "$SHANHAI_DATA_DIR/idle" <<'PY' &
import socket, sys, time
host, _, port = sys.argv[1].rpartition(":")
sockets = []
for _ in range(1000):
    s = socket.create_connection((host, int(port)))
    s.sendall(b"GET /v1/pairs HTTP/1.1\r\nHost: x\r\n")  # a slow client: never ends its headers
    sockets.append(s)
open(sys.argv[2], "w").write("%d\n" % len(sockets))
time.sleep(8)
PY
idle_pid=$!
for _ in $(seq 100); do [ -s "$SHANHAI_DATA_DIR/idle" ] && break; sleep 0.1; done
check_eq "a thousand slow connections are held open" "$(cat "$SHANHAI_DATA_DIR/idle")" 1000
check_eq "and a signed request is still served" \
  "$(status_of GET '/v1/status?pair=hb-01&year=2025')" 200
check_eq "and the dashboard too" "$(curl -s -o /dev/null -w '%{http_code}' \
  "http://$SHANHAI_GATEWAY_HTTP/")" 200
wait $idle_pid
check_eq "health needs no signature" "$(curl -s "http://$SHANHAI_GATEWAY_HTTP/v1/health" \
  | jq -r '.data[0].service')" gateway
check "metrics are Prometheus text" bash -c "curl -s 'http://$SHANHAI_GATEWAY_HTTP/metrics' \
  | grep -q '^shanhai_gateway_replies_total{class=\"4xx\"} [1-9]'"

# A query as browsers encode it is read decoded; a broken escape is refused.
same "a %-encoded query is decoded" '/v1/pairs?program=hb%2Dshanchuan' pairs --program hb-shanchuan
check_eq "a broken %-escape is 400" "$(status_of GET '/v1/pairs?program=hb%2')" 400

# The replay guard outlives the gateway (Redis remembers) and Redis (memory remembers).
"$root/scripts/stack" restart gateway >/dev/null 2>&1
check_eq "after a restart, a nonce used before is still refused" \
  "$(status_of GET /v1/pairs --nonce n-1)" 401
"$root/scripts/stack" stop redis >/dev/null 2>&1
check_eq "with Redis down, a new nonce passes" "$(status_of GET /v1/pairs --nonce n-2)" 200
check_eq "and its replay is refused from memory" "$(status_of GET /v1/pairs --nonce n-2)" 401
check_eq "the operators' listener serves metrics" "$(curl -s -o /dev/null -w '%{http_code}' \
  "http://$SHANHAI_GATEWAY_METRICS/metrics")" 200
check_eq "and nothing else" "$(curl -s -o /dev/null -w '%{http_code}' \
  "http://$SHANHAI_GATEWAY_METRICS/v1/pairs")" 404
finish
