#!/usr/bin/env bash
# The local webhook receiver of `make run`: shows the sample nights' alerts arriving, signed.
#
#   scripts/demo_receiver.sh start     start scripts/webhook_receiver.py on a free loopback port
#   scripts/demo_receiver.sh env       print the variables samples/alerts.yml reads
#   scripts/demo_receiver.sh report    print what it received, then stop it
#
# It stops by itself after two minutes in any case. The secret is the Standard Webhooks
# specification's example secret: a demonstration value, never one to deploy.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.tally/demo-receiver"
secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
python="$(command -v /usr/bin/python3 || command -v python3)"

stop() {
  if [ -f "$dir/pid" ]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; rm -f "$dir/pid"; fi
}

case "${1:-}" in
  start)
    stop
    rm -rf "$dir" && mkdir -p "$dir"
    nohup "$python" "$root/scripts/webhook_receiver.py" --port-file "$dir/port" --log "$dir/deliveries.jsonl" \
      --secret "$secret" --lifetime 120 >/dev/null 2>"$dir/stderr" &
    echo $! > "$dir/pid"
    for _ in $(seq 100); do [ -s "$dir/port" ] && exit 0; sleep 0.1; done
    echo "demo receiver did not start: $(cat "$dir/stderr")" >&2; exit 69 ;;
  env)
    printf 'TALLY_DEMO_WEBHOOK_URL=http://127.0.0.1:%s/ok TALLY_DEMO_WEBHOOK_SECRET=%s\n' "$(cat "$dir/port")" "$secret" ;;
  report)
    "$python" - "$dir/deliveries.jsonl" <<'PY'
import json, sys
try:
    lines = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
except FileNotFoundError:
    lines = []
print("Webhook receiver (scripts/webhook_receiver.py on loopback): %d alert(s)" % len(lines))
for entry in lines:
    body = json.loads(entry["body"])
    data = body.get("data", {})
    fired = "; ".join(f["detail"] for f in data.get("fired", []))
    print("  %s %s signature %s: %s" % (
        entry["webhook_id"], body.get("type"), "verified" if entry["signature_ok"] else "INVALID", fired))
PY
    stop ;;
  *) echo "usage: $0 start|env|report" >&2; exit 64 ;;
esac
