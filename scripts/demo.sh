#!/usr/bin/env bash
# make demo: the whole round trip, offline. It builds the CLI, starts `gleap mock` (a stand-in for the
# Gleap API that validates every request and answer against openapi.yaml), posts a reply, an internal
# note and a bot message with `gleap send`, previews one with --dry-run, lists what the mock stored as
# Gleap lists messages (with curl, when it is installed), and fails if the mock saw anything that
# breaks the contract.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
mock_pid=
cleanup() {
	if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/gleap" ./cmd/gleap
coproc MOCK { exec "$work/gleap" mock --addr 127.0.0.1:0 2>"$work/mock.log"; }
mock_pid=$MOCK_PID
read -r announcement <&"${MOCK[0]}" # printed once the mock is listening
echo "$announcement"

export GLEAP_BASE_URL=${announcement##* }
export GLEAP_API_KEY=demo-secret-api-key-0001 GLEAP_PROJECT=64f1c2d3e4a5b6c7d8e9f999
ticket=6752e9a8b7c6d5e4f3a21098

gleap() {
	printf '\n$ gleap %s\n' "$*"
	"$work/gleap" "$@"
}

gleap send --ticket "$ticket" --text "Thanks for the report! A fix is on its way."
gleap send --ticket "$ticket" --text "Customer is on the enterprise plan." --note
gleap send --ticket "$ticket" --text "Here is your invoice." --bot \
	--attach invoice.pdf=https://files.example.com/invoice.pdf
gleap send --ticket "$ticket" --text "Only a preview." --dry-run

if command -v curl >/dev/null 2>&1; then
	# The key stays out of the transcript: the command is shown with the variable's name.
	printf '\n$ curl -fsS -H "Authorization: Bearer $GLEAP_API_KEY" -H "project: $GLEAP_PROJECT" "$GLEAP_BASE_URL/messages?ticket=%s&paginated=true&limit=2"\n' "$ticket"
	curl -fsS -H "Authorization: Bearer $GLEAP_API_KEY" -H "project: $GLEAP_PROJECT" \
		"$GLEAP_BASE_URL/messages?ticket=$ticket&paginated=true&limit=2"
	echo
fi

printf '\nWhat the mock saw:\n'
cat "$work/mock.log"
if grep -q "contract violation" "$work/mock.log"; then
	echo "demo failed: the traffic breaks openapi.yaml" >&2
	exit 1
fi
echo "Every request and answer matched openapi.yaml."
