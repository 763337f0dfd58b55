package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// parseFlags parses args into flags, answering --help with flags.Usage on stdout. It returns the exit
// code to stop with, or -1 to go on. The flag set is named as the command was typed ("messages send",
// or its shortcut "send"), so that the hint after a mistyped flag names a command that runs.
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

// argument is the one argument besides the flags that a command line names, such as the MESSAGE_ID of
// gleap messages update.
type argument struct {
	name    string // as the usage writes it: MESSAGE_ID
	missing string // what to do when it is missing: "name the message"
}

var (
	messageIDArgument = argument{name: "MESSAGE_ID", missing: "name the message"}
	termArgument      = argument{name: "TERM", missing: "give the text to search for"}
)

// parseFlagsWithArgument parses a command line that names one arg, first or after the flags, as
// parseFlags does. It returns the argument, and the exit code to stop with or -1 to go on.
func parseFlagsWithArgument(flags *flag.FlagSet, args []string, std stdio, arg argument) (string, int) {
	var value string
	// "-" alone is a value: standard input.
	isValue := func(arg string) bool { return arg == "-" || !strings.HasPrefix(arg, "-") }
	if len(args) > 0 && isValue(args[0]) {
		value, args = args[0], args[1:]
	} else if last := len(args) - 1; last >= 0 && isValue(args[last]) && (last == 0 || !takesValue(flags, args[last-1])) {
		value, args = args[last], args[:last]
	}
	if code := parseFlags(flags, args, std); code >= 0 {
		return "", code
	}
	if value == "" {
		fmt.Fprintf(std.err, "gleap %s: %s: gleap %s %s\n", flags.Name(), arg.missing, flags.Name(), arg.name)
		return "", exitUsage
	}
	return value, -1
}

// takesValue reports whether arg is a flag of flags that takes the next argument as its value.
func takesValue(flags *flag.FlagSet, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return false
	}
	f := flags.Lookup(name)
	if f == nil {
		return false
	}
	boolean, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !boolean.IsBoolFlag()
}

// helpFor returns a flag.FlagSet Usage function printing text, then the flags.
func helpFor(flags *flag.FlagSet, text string) func() {
	return func() {
		fmt.Fprint(flags.Output(), text)
		flags.PrintDefaults()
	}
}
