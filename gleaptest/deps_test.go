package gleaptest_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gleaptest goes into every test binary of its users: the inbox of gleap mock, and the template
// packages it renders with, stay out of it (the README promises it).
func TestGleaptestCarriesNoTemplates(t *testing.T) {
	t.Parallel()
	list := exec.Command("go", "list", "-deps", ".") // go test puts its own go first in PATH
	deps, err := list.Output()
	require.NoError(t, err)
	packages := strings.Fields(string(deps))
	require.Contains(t, packages, "github.com/gleap-community/gleap-go/gleaptest")
	for _, unwanted := range []string{"html/template", "text/template", "github.com/gleap-community/gleap-go/internal/inbox"} {
		assert.False(t, slices.Contains(packages, unwanted), "gleaptest depends on %s", unwanted)
	}
}
