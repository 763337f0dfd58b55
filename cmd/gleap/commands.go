package main

import (
	"context"
	"flag"
	"fmt"
)

// noun is a resource of the Gleap API and the verbs gleap has for it: gleap messages send. Each noun is
// one entry of nouns; the dispatch, the help and the usage come from the entry.
type noun struct {
	name    string // as typed: "messages"
	summary string // what the noun is and what its verbs do, for its help
	verbs   []verb
}

// verb is one thing gleap does with a noun's resource.
type verb struct {
	name    string // as typed: "send"
	summary string // one line, for the noun's help
	// synopsis holds the forms of its command line, each after "gleap NOUN VERB"; after a line break in a
	// form, the form goes on indented under its own first word.
	synopsis []string
	// help says what it does, with examples, between its synopsis and its flags.
	help string
	// shortcut: "gleap VERB" runs it too, as it did before gleap had nouns; scripts use it.
	shortcut bool
	// run carries out the verb: flags is its flag set, named as the verb was typed and with its help as
	// Usage, to which run adds its own flags; args follow the verb.
	run func(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int
}

// nouns are the resources gleap has verbs for. A new one is one more entry.
var nouns = []*noun{&messagesNoun, &ticketsNoun, &contactsNoun, &webhooksNoun}

// helpWords ask for help in place of a command or a verb.
var helpWords = map[string]bool{"help": true, "-h": true, "-help": true, "--help": true}

// findNoun returns the noun called name, or nil.
func findNoun(name string) *noun {
	for _, n := range nouns {
		if n.name == name {
			return n
		}
	}
	return nil
}

// findShortcut returns the verb that "gleap name" is short for, and its noun, or nil.
func findShortcut(name string) (*noun, *verb) {
	for _, n := range nouns {
		if v := n.find(name); v != nil && v.shortcut {
			return n, v
		}
	}
	return nil, nil
}

// find returns the verb of n called name, or nil.
func (n *noun) find(name string) *verb {
	for i := range n.verbs {
		if n.verbs[i].name == name {
			return &n.verbs[i]
		}
	}
	return nil
}

// dispatch runs "gleap NOUN args...": the verb that args name, or the noun's help.
func (n *noun) dispatch(ctx context.Context, args []string, std stdio, getenv func(string) string) int {
	switch {
	case len(args) == 0:
		fmt.Fprint(std.err, n.help())
		return exitUsage
	case helpWords[args[0]]:
		fmt.Fprint(std.out, n.help())
		return exitOK
	}
	v := n.find(args[0])
	if v == nil {
		fmt.Fprintf(std.err, "gleap %s: unknown verb %q\n\n%s", n.name, args[0], n.help())
		return exitUsage
	}
	return n.runVerb(ctx, v, n.name+" "+v.name, args[1:], std, getenv)
}

// runVerb runs v, typed as "gleap typed", with args.
func (n *noun) runVerb(ctx context.Context, v *verb, typed string, args []string, std stdio, getenv func(string) string) int {
	flags := flag.NewFlagSet(typed, flag.ContinueOnError)
	flags.Usage = helpFor(flags, n.verbHelp(v))
	return v.run(ctx, flags, args, std, getenv)
}
