# Sourced by the other scripts: a scratch directory $work with the gleap CLI built into $work/gleap. On
# exit the directory is removed and the process whose pid is in $server_pid (a mock, Prism) is stopped.
work=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/gleap" ./cmd/gleap
