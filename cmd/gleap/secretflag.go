package main

import (
	"errors"
	"flag"
	"fmt"
)

// secretFlag returns the secret of the flag pair --NAME and --NAME-env (the name of an environment
// variable that holds it), and whether either was given: value is --NAME's, envName --NAME-env's. An
// empty secret is an error, most likely an unset variable: going on without one would be a surprise.
// The errors never show a secret. --NAME-env exists because a command line is no place for a secret:
// other users of the machine can read it (ps, /proc/PID/cmdline).
func secretFlag(flags *flag.FlagSet, name, value, envName string, getenv func(string) string) (string, bool, error) {
	fromEnv, fromFlag := isSet(flags, name+"-env"), isSet(flags, name)
	switch {
	case fromEnv && fromFlag:
		return "", false, fmt.Errorf("give --%s-env or --%s, not both", name, name)
	case fromEnv && envName == "":
		return "", false, fmt.Errorf("--%s-env is empty", name)
	case fromEnv:
		if value = getenv(envName); value == "" {
			return "", false, fmt.Errorf("--%s-env: the environment variable %s is empty or not set", name, envName)
		}
		return value, true, nil
	case fromFlag && value == "":
		return "", false, errors.New("--" + name + " is empty")
	}
	return value, fromFlag, nil
}

// isSet reports whether the flag name was given on the command line.
func isSet(flags *flag.FlagSet, name string) bool {
	set := false
	flags.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
