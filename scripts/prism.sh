#!/usr/bin/env bash
# make prism: the CLI's list, update, delete and faq against Stoplight Prism serving Gleap's own published
# OpenAPI document (testdata/) with request validation on (--errors): a request that document forbids is
# answered 4xx, and the CLI then exits non-zero. Needs Node.js (npx fetches Prism from the npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."

PRISM=@stoplight/prism-cli@5.16.0
source scripts/workdir.sh
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
npx --yes "$PRISM" mock --errors -h 127.0.0.1 -p "$port" testdata/gleap-published-openapi-messages.yaml >"$work/prism.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 240); do # Prism is fetched on first use: allow it two minutes
	if grep -q "Prism is listening" "$work/prism.log"; then break; fi
	if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/prism.log" >&2; exit 1; fi
	sleep 0.5
done
grep -q "Prism is listening" "$work/prism.log" || { echo "Prism did not start" >&2; exit 1; }

# Prism serves the document's paths without its /v3 base path.
export GLEAP_BASE_URL=http://127.0.0.1:$port GLEAP_API_KEY=prism-check-key GLEAP_PROJECT=64f1c2d3e4a5b6c7d8e9f999
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
echo "Prism accepted every request of list, update, delete and faq against Gleap's own document."
