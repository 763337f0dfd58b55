// Command gleap posts, lists, changes and deletes the messages of Gleap tickets from a shell, and runs a local stand-in for the Gleap
// API that validates everything against openapi.yaml.
//
//	export GLEAP_API_KEY=... GLEAP_PROJECT=...
//	gleap send --ticket 6752e9a8b7c6d5e4f3a21098 --text "Deployed the fix."
//	gleap list --ticket 6752e9a8b7c6d5e4f3a21098
//	gleap mock --addr 127.0.0.1:4010   # then GLEAP_BASE_URL=http://127.0.0.1:4010/v3 gleap send ...
//
// Run "gleap <command> --help" for each command's flags.
package main

import (
	"context"
	"errors"
	"flag"
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

const usage = `gleap posts messages into Gleap tickets and runs a local, spec-validating Gleap stand-in.

Usage:
  gleap send --ticket ID --text TEXT [--note] [--bot] [--attach NAME=URL ...]
  gleap send --json FILE|-
  gleap send --batch FILE|- [--journal FILE] [--concurrency N] [--rate-limit N/DURATION] [--resend-unknown]
  gleap list [--ticket ID] [--type TYPE[,TYPE]] [--since DATE] [--limit N]
  gleap update MESSAGE_ID --json FILE|-
  gleap delete MESSAGE_ID
  gleap mock [--addr 127.0.0.1:4010] [--rate-limit N/DURATION] [--require-key-env NAME]
             [--fault STATUS[:RETRY_AFTER][xN|@N] ...]
  gleap version                  the module version and commit of this build (also gleap --version)

Environment:
  GLEAP_API_KEY    the project's secret API key (required by send, list, update and delete)
  GLEAP_PROJECT    the project id (required by send, list, update and delete)
  GLEAP_BASE_URL   the API root, default https://api.gleap.io/v3

Run "gleap <command> --help" for the flags of a command.
`

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

// run carries out one command line and returns the exit code.
func run(ctx context.Context, args []string, std stdio, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(std.err, usage)
		return exitUsage
	}
	switch args[0] {
	case "send":
		return send(ctx, args[1:], std, getenv)
	case "list":
		return list(ctx, args[1:], std, getenv)
	case "update":
		return update(ctx, args[1:], std, getenv)
	case "delete":
		return remove(ctx, args[1:], std, getenv)
	case "mock":
		return mock(ctx, args[1:], std, getenv)
	case "version", "-version", "--version":
		return version(args[1:], std)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(std.out, usage)
		return exitOK
	default:
		fmt.Fprintf(std.err, "gleap: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
}

// parseFlags parses args into flags, answering --help with flags.Usage on stdout. It returns the exit
// code to stop with, or -1 to go on.
func parseFlags(flags *flag.FlagSet, args []string, std stdio) int {
	help := flags.Usage
	// flag calls Usage for --help too, before it returns ErrHelp: the pointer to the help is printed
	// below, for a mistyped flag only, which gets its error and the pointer rather than the whole help.
	flags.Usage = func() {}
	flags.SetOutput(std.err)
	err := flags.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		flags.SetOutput(std.out)
		help()
		return exitOK
	case err != nil:
		fmt.Fprintf(std.err, "run \"gleap %s --help\" for the flags\n", flags.Name())
		return exitUsage
	case flags.NArg() > 0:
		fmt.Fprintf(std.err, "gleap %s: unexpected argument %q\n", flags.Name(), flags.Arg(0))
		return exitUsage
	}
	return -1
}

// helpFor returns a flag.FlagSet Usage function printing text, then the flags.
func helpFor(flags *flag.FlagSet, text string) func() {
	return func() {
		fmt.Fprint(flags.Output(), text)
		flags.PrintDefaults()
	}
}
