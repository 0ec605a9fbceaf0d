# What the channels' suites share: the robots' stand-in (robot_receiver.py), started and
# stopped by pid, and a registry whose channels point at it. Source after lib.sh.
receiver_dir=$(mktemp -d "${TMPDIR:-/tmp}/shanhai-robots-XXXXXX")
receiver_pid=
ding_secret=SECtest0123456789
hook_secret=hook-secret

# receiver_start [PORT]: starts the stand-in (on PORT, or a free one) and waits for its port.
receiver_start() {
  rm -f "$receiver_dir/port"
  python3 "$root/tests/integration/robot_receiver.py" "$receiver_dir" "$ding_secret" \
    "$hook_secret" "${1:-0}" &
  receiver_pid=$!
  local deadline=$((SECONDS + 10))
  until [ -s "$receiver_dir/port" ]; do
    [ $SECONDS -ge $deadline ] && { echo "the robots' stand-in did not start"; exit 1; }
    sleep 0.1
  done
  receiver_port=$(cat "$receiver_dir/port")
}
receiver_stop() {
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null && wait "$receiver_pid" 2>/dev/null
  receiver_pid=
}
channels_down() {
  receiver_stop
  [ -n "${SHANHAI_KEEP_DATA:-}" ] && echo "kept $receiver_dir" || rm -rf "$receiver_dir"
  stack_down
}

# The sample registry with channels: DingTalk for the Hubei program, WeCom for hb-01's liaison
# officer, a webhook for 竹溪县's party secretary, who has a mobile.
channels_registry() {
  local base="http://127.0.0.1:$receiver_port"
  jq --arg base "$base" --arg ding "$ding_secret" --arg hook "$hook_secret" '
    (.people[] | select(.id == "hb-zhuxi-sec") | .mobile) = "13800000001"
    | .channels = [
        {id: "ding-hb", type: "dingtalk", url: ($base + "/dingtalk/hb?access_token=t"),
         secret: $ding, programs: ["hb-shanchuan"]},
        {id: "wecom-hb01", type: "wecom", url: ($base + "/wecom/hb01?key=k"),
         people: ["hb-01-liaison"]},
        {id: "hook-zhuxi", type: "webhook", url: ($base + "/webhook/zhuxi"),
         secret: $hook, people: ["hb-zhuxi-sec"]}]' "$root/data/registry.json"
}

# The requests the stand-in logged for a path, as JSON lines.
requests() { grep -F "\"path\": \"$1\"" "$receiver_dir/requests.log" 2>/dev/null; }
deliveries_count() { "$cli" deliveries "$@" --json | jq length; }
