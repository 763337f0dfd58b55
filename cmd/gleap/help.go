package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// usageIntro and usageTools frame the forms of every noun's verbs in the usage: what gleap is, and the
// commands of gleap itself, which belong to no noun.
const (
	usageIntro = `gleap works with Gleap tickets, their messages and contacts, and runs a local, spec-validating Gleap
stand-in.

Usage:
`
	usageTools = `  gleap mock [--addr 127.0.0.1:4010] [--rate-limit N/DURATION] [--require-key-env NAME]
             [--fault STATUS[:RETRY_AFTER][xN|@N] ...] [--webhook URL --webhook-secret-env NAME]
  gleap version                  the module version and commit of this build (also gleap --version)
`
	usageEnvironment = `
Environment:
  GLEAP_API_KEY    the project's secret API key (required by every command but mock, webhooks and version)
  GLEAP_PROJECT    the project id (required by every command but mock, webhooks and version)
  GLEAP_BASE_URL   the API root, default https://api.gleap.io/v3

Run "gleap NOUN --help" for the verbs of a noun, such as "gleap messages --help", and
"gleap NOUN VERB --help" or "gleap mock --help" for the flags of a command.
`
)

// usage is gleap's help: the forms of every verb of every noun, the commands of gleap itself, and the
// shortcuts.
func usage() string {
	var b strings.Builder
	b.WriteString(usageIntro)
	for _, n := range nouns {
		for i := range n.verbs {
			n.writeSynopsis(&b, &n.verbs[i])
		}
	}
	b.WriteString(usageTools)
	b.WriteString("\nShortcuts, as before gleap had nouns (scripts may keep using them):\n")
	table := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	for _, n := range nouns {
		for _, v := range n.verbs {
			if v.shortcut {
				fmt.Fprintf(table, "  gleap %s\tis gleap %s %s\n", v.name, n.name, v.name)
			}
		}
	}
	table.Flush()
	b.WriteString(usageEnvironment)
	return b.String()
}

// help lists the noun's verbs, with their shortcuts.
func (n *noun) help() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage:\n  gleap %s VERB [ARGUMENT] [FLAGS]\n\n%s\n\nVerbs:\n", n.name, n.summary)
	table := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	for _, v := range n.verbs {
		if v.shortcut { // a last cell of its own, so that the lines without one end without padding
			fmt.Fprintf(table, "  %s\t%s\t(shortcut: gleap %s)\n", v.name, v.summary, v.name)
		} else {
			fmt.Fprintf(table, "  %s\t%s\n", v.name, v.summary)
		}
	}
	table.Flush()
	fmt.Fprintf(&b, "\nRun \"gleap %s VERB --help\" for the flags of a verb.\n", n.name)
	return b.String()
}

// verbHelp is the help of "gleap NOUN VERB --help", and of its shortcut: the noun-verb form first, then
// the shortcut.
func (n *noun) verbHelp(v *verb) string {
	var b strings.Builder
	b.WriteString("Usage:\n")
	n.writeSynopsis(&b, v)
	if v.shortcut {
		fmt.Fprintf(&b, "\nShortcut: gleap %s runs gleap %s %s, with the same flags.\n", v.name, n.name, v.name)
	}
	b.WriteString("\n" + v.help)
	return b.String()
}

// writeSynopsis writes the forms of v's command line, each on an indented line; the lines a form goes
// on with are indented further, under its first flag.
func (n *noun) writeSynopsis(b *strings.Builder, v *verb) {
	command := fmt.Sprintf("gleap %s %s ", n.name, v.name)
	for _, form := range v.synopsis {
		first, rest, _ := strings.Cut(form, "\n")
		fmt.Fprintf(b, "  %s%s\n", command, first)
		for line := range strings.Lines(rest) {
			fmt.Fprintf(b, "  %s%s\n", strings.Repeat(" ", len(command)), strings.TrimSuffix(line, "\n"))
		}
	}
}
