#!/usr/bin/env bash
# make demo: the whole round trip, offline. It builds the CLI, starts `gleap mock` (a stand-in for the
# Gleap API that validates every request and answer against openapi.yaml), posts a reply, an internal
# note and a bot message with `gleap messages send`, previews one with --dry-run, lists what the mock stored as
# Gleap lists messages (with curl, when it is installed), and fails if the mock saw anything that
# breaks the contract.
#
# make inbox (scripts/demo.sh --serve): the same, then the mock keeps running with the demo's messages,
# on 127.0.0.1:4010 (or $GLEAP_MOCK_ADDR), until Ctrl-C: open the inbox it prints in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

serve=false
case "${1:-}" in
"") ;;
--serve) serve=true ;;
*)
	echo "usage: scripts/demo.sh [--serve]" >&2
	exit 2
	;;
esac
addr=127.0.0.1:0
if $serve; then addr=${GLEAP_MOCK_ADDR:-127.0.0.1:4010}; fi

source scripts/workdir.sh
# The mock announces its API root, then its inbox, once it listens. A pipe rather than a coprocess: if
# the mock cannot start (the address is taken), reading ends at once and its error is shown.
mkfifo "$work/announcements"
"$work/gleap" mock --addr "$addr" >"$work/announcements" 2>"$work/mock.log" &
server_pid=$!
exec {announcements}<"$work/announcements"
if ! read -r announcement <&"$announcements" || ! read -r inbox_line <&"$announcements"; then
	cat "$work/mock.log" >&2
	exit 1
fi
echo "$announcement"
echo "$inbox_line"

export GLEAP_BASE_URL=${announcement##* }
export GLEAP_API_KEY=demo-secret-api-key-0001 GLEAP_PROJECT=64f1c2d3e4a5b6c7d8e9f999
ticket=6752e9a8b7c6d5e4f3a21098

gleap() {
	printf '\n$ gleap %s\n' "$*"
	"$work/gleap" "$@"
}

gleap messages send --ticket "$ticket" --text "Thanks for the report! A fix is on its way."
gleap messages send --ticket "$ticket" --text "Customer is on the enterprise plan." --note
gleap messages send --ticket "$ticket" --text "Here is your invoice." --bot \
	--attach invoice.pdf=https://files.example.com/invoice.pdf
gleap messages send --ticket "$ticket" --text "Only a preview." --dry-run

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

if ! $serve; then
	exit 0
fi
if command -v curl >/dev/null 2>&1; then
	# One request that breaks the contract on purpose, so that the inbox has a rejection to show.
	printf '\n$ curl -sS -X POST "$GLEAP_BASE_URL/messages" -d '"'"'{"ticket":"%s"}'"'"'   # no credentials: rejected on purpose\n' "$ticket"
	curl -sS -X POST -H "Content-Type: application/json" -d "{\"ticket\":\"$ticket\"}" "$GLEAP_BASE_URL/messages"
	echo
fi
inbox=${inbox_line##* }
printf '\nThe mock keeps running with these messages. Open the inbox in a browser:\n\n    %s\n\n' "$inbox"
echo "Point your own code at GLEAP_BASE_URL=$GLEAP_BASE_URL to see its messages there too. Ctrl-C stops the mock."
trap 'echo; echo "Stopping the mock."; exit 0' INT TERM
wait "$server_pid"
