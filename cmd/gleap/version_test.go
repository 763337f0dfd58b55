package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionNamesTheModuleVersionAndTheCommit(t *testing.T) {
	t.Parallel()
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "-compiler", Value: "gc"}, {Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "290e84b1c0ffee0123456789abcdef0123456789"},
			{Key: "vcs.time", Value: "2026-11-25T09:30:00Z"}, {Key: "vcs.modified", Value: modified}}
	}
	build := func(version string, settings []debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/gleap-community/gleap-go", Version: version}, Settings: settings}
	}
	cases := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"a release, go install …@v0.1.0: no VCS information", build("v0.1.0", nil),
			"gleap v0.1.0 (commit not recorded; go1.26.8)"},
		{"a checkout with a commit", build("v0.0.0-20261125093000-290e84b1c0ff", vcs("false")),
			"gleap v0.0.0-20261125093000-290e84b1c0ff (commit 290e84b1c0ffee0123456789abcdef0123456789, 2026-11-25T09:30:00Z; go1.26.8)"},
		{"a checkout with changes", build("(devel)", vcs("true")),
			"gleap (devel) (commit 290e84b1c0ffee0123456789abcdef0123456789 with local changes, 2026-11-25T09:30:00Z; go1.26.8)"},
		{"no version at all", build("", nil),
			"gleap (devel) (commit not recorded; go1.26.8)"},
		{"no build information", nil,
			"gleap (version unknown: the binary records no build information)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, versionLine(tc.info, tc.info != nil))
		})
	}
}

func TestVersionCommandAndFlag(t *testing.T) {
	t.Parallel()
	want := versionLine(debug.ReadBuildInfo()) + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		r := gleap(t, "", "", nil, args...)
		require.Equal(t, exitOK, r.code, "%v: %s", args, r.stderr)
		assert.Equal(t, want, r.stdout, args)
		assert.Empty(t, r.stderr, args)
	}
	r := gleap(t, "", "", nil, "version", "extra")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "gleap version: unexpected argument \"extra\"\n", r.stderr)
}
