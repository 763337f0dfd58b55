// Command gleap works with Gleap tickets, their messages and contacts from a shell, as nouns and verbs
// (gleap messages send, gleap tickets watch, gleap contacts find), and runs a local stand-in for the
// Gleap API that validates everything against openapi.yaml.
//
//	export GLEAP_API_KEY=... GLEAP_PROJECT=...
//	gleap messages send --ticket 6752e9a8b7c6d5e4f3a21098 --text "Deployed the fix."
//	gleap messages list --ticket 6752e9a8b7c6d5e4f3a21098
//	gleap messages search refund
//	gleap mock --addr 127.0.0.1:4010   # then GLEAP_BASE_URL=http://127.0.0.1:4010/v3 gleap messages send ...
//
// The verbs of gleap messages are send, list, update, delete, search and faq; those of gleap tickets are
// compose, get, list, update, archive, delete, search and watch; those of gleap contacts are get, find,
// list, search, update, delete, forget, identify and track. The commands gleap had before its nouns
// remain as shortcuts: gleap send, gleap list, gleap update and gleap delete run gleap messages send,
// list, update and delete, with the same flags, output and exit codes; gleap identify and gleap track
// are short for gleap contacts identify and track.
//
// Run "gleap messages --help" for the verbs, and "gleap messages VERB --help" or "gleap mock --help" for
// a command's flags.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the call failed: an API error, the network, the mock's listener
	exitUsage   = 2 // the command line or the configuration is wrong; nothing was sent
)

// stdio is where a command reads and writes.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// fail writes err, one line, on stderr and returns code, the exit code.
func (std stdio) fail(code int, err error) int {
	fmt.Fprintln(std.err, err)
	return code
}

func main() {
	ctx, stop := interruptible()
	code := run(ctx, os.Args[1:], stdio{os.Stdin, os.Stdout, os.Stderr}, os.Getenv)
	stop()
	os.Exit(code)
}

// interruptible returns a context that the first Ctrl-C (or SIGTERM) cancels, so that the command winds
// down; after it, signals are handled as by default again, so a second Ctrl-C stops the process at once.
func interruptible() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

// run carries out one command line and returns the exit code: a command of gleap itself, a noun and
// its verb, or the shortcut of a verb.
func run(ctx context.Context, args []string, std stdio, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(std.err, usage())
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch {
	case name == "mock":
		return mock(ctx, rest, std, getenv)
	case name == "version" || name == "-version" || name == "--version":
		return version(rest, std)
	case helpWords[name]:
		fmt.Fprint(std.out, usage())
		return exitOK
	}
	if n := findNoun(name); n != nil {
		return n.dispatch(ctx, rest, std, getenv)
	}
	if n, v := findShortcut(name); v != nil {
		return n.runVerb(ctx, v, v.name, rest, std, getenv)
	}
	fmt.Fprintf(std.err, "gleap: unknown command %q\n\n%s", name, usage())
	return exitUsage
}
