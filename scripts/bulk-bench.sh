#!/usr/bin/env bash
# make bench-bulk: gleap send --batch against gleap mock enforcing a scaled rate limit (100 per second, so
# that it runs in seconds), measuring what docs/PERFORMANCE.md reports for bulk sending: the rate reached
# against the limit, the share of requests answered 429, duplicates and losses, two processes sharing
# one project's budget, a kill -9 followed by a resume, and peak memory for a million lines (the
# longest part: about 15 minutes on 2 cores, most of it the mock validating every request).
set -euo pipefail
cd "$(dirname "$0")/.."

LIMIT=${LIMIT:-100}      # requests per second, on the mock and on the client
LINES=${LINES:-1000}     # lines of the single-process run
MEMORY_LINES=${MEMORY_LINES:-1000000} # lines of the peak-memory runs, sent as fast as the mock answers
source scripts/workdir.sh
export GLEAP_API_KEY=bulk-bench-key-0001 GLEAP_PROJECT=64f1c2d3e4a5b6c7d8e9f999

# start_mock starts a fresh mock enforcing LIMIT per second (0: no limit) and sets GLEAP_BASE_URL.
start_mock() {
	local mock_limit=$LIMIT/1s
	if [ "$LIMIT" = 0 ]; then mock_limit=0; fi
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
	coproc MOCK { exec "$work/gleap" mock --addr 127.0.0.1:0 --rate-limit "$mock_limit" --max-messages 1000000 2>"$work/mock.log"; }
	server_pid=$MOCK_PID
	read -r announcement <&"${MOCK[0]}"
	export GLEAP_BASE_URL=${announcement##* }
	: >"$work/mock.log"
}

# lines N PREFIX writes N notes, each with its own messageRef PREFIX-i, spread over 10 tickets.
lines() {
	python3 - "$1" "$2" <<'PY'
import json, sys
n, prefix = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    print(json.dumps({"ticket": "6752e9a8b7c6d5e4f3a2%04x" % (i % 10), "type": "COMMENT", "isNote": True,
                      "messageRef": f"{prefix}-{i}",
                      "comment": {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": f"Incident update {i}"}]}]}}))
PY
}

# census PREFIX N: how many of the N messageRefs PREFIX-i the mock stores, lost and duplicated.
census() {
	for t in $(seq 0 9); do "$work/gleap" list --ticket "$(printf '6752e9a8b7c6d5e4f3a2%04x' "$t")"; done | python3 -c '
import json, sys, collections
prefix, n = sys.argv[1], int(sys.argv[2])
seen = collections.Counter(json.loads(l).get("messageRef") for l in sys.stdin if l.strip())
want = [f"{prefix}-{i}" for i in range(n)]
lost = sum(1 for r in want if seen[r] == 0)
dup = sum(seen[r] - 1 for r in want if seen[r] > 1)
print(f"stored {sum(seen[r] for r in want)} of {n}: {lost} lost, {dup} duplicates")' "$1" "$2"
}

# throttled: the share of the mock's API requests it answered 429.
throttled() {
	python3 -c '
import sys
lines = [l for l in open(sys.argv[1]) if l.startswith("gleap mock: POST ")]
limited = sum(1 for l in lines if l.split()[-1] == "429")
print(f"{limited} of {len(lines)} requests answered 429 ({100 * limited / max(len(lines), 1):.2f} %)")' "$work/mock.log"
}

now() { python3 -c 'import time; print(time.monotonic())'; }
rate() { python3 -c "import sys; n, t0, t1, limit = map(float, sys.argv[1:]); r = n / (t1 - t0); print(f'{int(n)} lines in {t1 - t0:.2f} s: {r:.1f}/s = {r / limit:.3f} of the limit')" "$@"; }

echo "== one process, $LINES lines, limit $LIMIT/s on both sides"
start_mock
lines "$LINES" one >"$work/one.jsonl"
t0=$(now)
"$work/gleap" send --batch "$work/one.jsonl" --rate-limit "$LIMIT/1s" --concurrency 8 >/dev/null
t1=$(now)
rate "$LINES" "$t0" "$t1" "$LIMIT"
throttled
census one "$LINES"

echo "== two processes sharing the project's $LIMIT/s, half each"
start_mock
half=$((LINES / 2))
lines "$half" a >"$work/a.jsonl"
lines "$half" b >"$work/b.jsonl"
t0=$(now)
"$work/gleap" send --batch "$work/a.jsonl" --rate-limit "$((LIMIT / 2))/1s" --concurrency 4 >/dev/null &
a=$!
"$work/gleap" send --batch "$work/b.jsonl" --rate-limit "$((LIMIT / 2))/1s" --concurrency 4 >/dev/null
wait "$a"
t1=$(now)
rate "$((2 * half))" "$t0" "$t1" "$LIMIT"
throttled
census a "$half"
census b "$half"

echo "== kill -9 during a run, then the same command again with its journal"
start_mock
lines "$LINES" crash >"$work/crash.jsonl"
"$work/gleap" send --batch "$work/crash.jsonl" --journal "$work/journal" --rate-limit "$LIMIT/1s" --concurrency 8 >/dev/null 2>&1 &
victim=$!
sleep "$(python3 -c "print($LINES / $LIMIT * 0.3)")" # about a third into the run; it lands wherever the run is
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
echo "killed after $(grep -c '^gleap mock: POST /v3/messages 200' "$work/mock.log") messages were stored"
"$work/gleap" send --batch "$work/crash.jsonl" --journal "$work/journal" --rate-limit "$LIMIT/1s" --concurrency 8 >"$work/resume.out"
python3 -c '
import json, sys, collections
print("resume:", dict(collections.Counter(json.loads(l)["status"] for l in open(sys.argv[1]))))' "$work/resume.out"
census crash "$LINES"

echo "== peak memory for $MEMORY_LINES lines against a mock with no limit"
LIMIT=0
start_mock
lines "$MEMORY_LINES" memory >"$work/memory.jsonl"
peak() { # peak LABEL COMMAND...: runs COMMAND and prints its wall time and peak resident memory
	local label=$1
	shift
	/usr/bin/time -f "$label: %e s, peak RSS %M KiB" "$@" >/dev/null
}
peak "checked only (--dry-run)" "$work/gleap" send --batch "$work/memory.jsonl" --dry-run
peak "sent, no journal" "$work/gleap" send --batch "$work/memory.jsonl" --rate-limit 0 --concurrency 8
start_mock
peak "sent, with --journal" "$work/gleap" send --batch "$work/memory.jsonl" --journal "$work/memory.journal" --rate-limit 0 --concurrency 8
