package main

import (
	"fmt"
	"runtime/debug"
)

// version prints which gleap this is: gleap version, gleap --version.
func version(args []string, std stdio) int {
	if len(args) > 0 {
		fmt.Fprintf(std.err, "gleap version: unexpected argument %q\n", args[0])
		return exitUsage
	}
	fmt.Fprintln(std.out, versionLine(debug.ReadBuildInfo()))
	return exitOK
}

// versionLine describes a build of gleap from what the Go toolchain recorded in it (info, when ok): the
// module's version and the commit it was built from, as in
// "gleap v0.1.0 (commit 290e84b…, 2026-11-25T09:30:00Z; go1.26.8)". A build from a source tree has the
// version "(devel)" unless the toolchain derived one from the commit; go install …@version records no
// commit, which the line says rather than leave out.
func versionLine(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "gleap (version unknown: the binary records no build information)"
	}
	moduleVersion := info.Main.Version
	if moduleVersion == "" {
		moduleVersion = "(devel)"
	}
	vcs := map[string]string{}
	for _, setting := range info.Settings {
		vcs[setting.Key] = setting.Value
	}
	commit := "commit not recorded"
	if revision := vcs["vcs.revision"]; revision != "" {
		commit = "commit " + revision
		if vcs["vcs.modified"] == "true" {
			commit += " with local changes"
		}
		if at := vcs["vcs.time"]; at != "" {
			commit += ", " + at
		}
	}
	return fmt.Sprintf("gleap %s (%s; %s)", moduleVersion, commit, info.GoVersion)
}
