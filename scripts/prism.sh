#!/usr/bin/env bash
# make prism: the CLI's messages list, update, delete and faq, and its tickets compose, get, list, update,
# archive, delete and search, against Stoplight Prism serving Gleap's own published OpenAPI document (its
# two cuts in testdata/, one Prism each) with request validation on (--errors): a request that document
# forbids is answered 4xx, and the CLI then exits non-zero. Needs Node.js (npx fetches Prism from the npm
# registry).
set -euo pipefail
cd "$(dirname "$0")/.."

PRISM=@stoplight/prism-cli@5.16.0
source scripts/workdir.sh
# prism DOCUMENT NAME: serves DOCUMENT on a free port, logging to $work/NAME.log; sets $port and $prism_pid.
prism() {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	npx --yes "$PRISM" mock --errors -h 127.0.0.1 -p "$port" "$1" >"$work/$2.log" 2>&1 &
	prism_pid=$!
	for _ in $(seq 1 240); do # Prism is fetched on first use: allow it two minutes
		if grep -q "Prism is listening" "$work/$2.log"; then return; fi
		if ! kill -0 "$prism_pid" 2>/dev/null; then cat "$work/$2.log" >&2; exit 1; fi
		sleep 0.5
	done
	echo "Prism did not start" >&2
	exit 1
}
prism testdata/gleap-published-openapi-messages.yaml messages
server_pid=$prism_pid
messages_port=$port
prism testdata/gleap-published-openapi-tickets.yaml tickets
tickets_pid=$prism_pid
trap 'kill "$tickets_pid" 2>/dev/null || true; cleanup' EXIT

# Prism serves the document's paths without its /v3 base path.
export GLEAP_BASE_URL=http://127.0.0.1:$messages_port GLEAP_API_KEY=prism-check-key GLEAP_PROJECT=64f1c2d3e4a5b6c7d8e9f999
gleap() {
	printf '\n$ gleap %s\n' "$*"
	"$work/gleap" "$@"
}
gleap messages list --ticket 507f1f77bcf86cd799439011 --type COMMENT,NOTE --since 2026-11-01 --limit 5
# Gleap's document types the answer to an update as "any", so Prism answers it with null, which the
# client refuses as no message (an invalid response, exit 1). Prism accepted the request all the same:
# a request the document forbids is answered 4xx, which the CLI reports with its status.
update='{"comment":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Corrected."}]}]},"isNote":true}'
if printf '%s' "$update" | gleap messages update 507f1f77bcf86cd799439015 --json - 2>"$work/update.err"; then
	echo "gleap messages update accepted Prism's null as a message" >&2
	exit 1
fi
cat "$work/update.err"
grep -q "invalid response: the answer is null" "$work/update.err" || { echo "Prism refused the update" >&2; exit 1; }
gleap messages delete 507f1f77bcf86cd799439015
gleap messages faq 507f1f77bcf86cd799439015
echo
echo "Prism accepted every request of messages list, update, delete and faq against Gleap's own document."

# The tickets. Gleap's document leaves every ticket answer untyped, so Prism answers compose, get, update
# and search with null, which the client refuses as no ticket (exit 1, "the answer is null"): Prism
# accepted the request all the same. A request the document forbids is answered 4xx instead, which the
# CLI reports with its status. list has an example answer, and archive and delete read none.
export GLEAP_BASE_URL=http://127.0.0.1:$port
# accepted_with_null VERB ARGS...: the command exits 1 because Prism answered null, not because it refused.
accepted_with_null() {
	if gleap tickets "$@" 2>"$work/tickets.err"; then
		echo "gleap tickets $1 accepted Prism's null as a ticket" >&2
		exit 1
	fi
	cat "$work/tickets.err"
	grep -q "invalid response: the answer is null" "$work/tickets.err" || { echo "Prism refused tickets $1" >&2; exit 1; }
}
ticket=507f1f77bcf86cd799439011
accepted_with_null compose --type INQUIRY --title "Refund for order 4711" --text "I was charged twice." --email customer@example.com --priority MEDIUM
accepted_with_null get "$ticket"
gleap tickets list --status OPEN --type BUG,FEATURE_REQUEST --priority HIGH,MEDIUM --since 2026-11-01 --limit 5
printf '%s' '{"status":"DONE","priority":"HIGH","tags":["billing"],"processingUser":"507f1f77bcf86cd799439012"}' >"$work/change.json"
accepted_with_null update "$ticket" --json "$work/change.json"
gleap tickets archive "$ticket"
gleap tickets delete "$ticket"
accepted_with_null search refund
echo
echo "Prism accepted every request of tickets compose, get, list, update, archive, delete and search against Gleap's own document."
