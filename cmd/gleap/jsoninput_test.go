package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestSendRefusesAnAmbiguousMessageBeforeSendingAnything(t *testing.T) {
	t.Parallel()
	// The customer would see a reply where the last isNote wins, and a note where ISNOTE is isNote.
	twice := `{"ticket":"` + ticketID + `","comment":{"type":"doc"},"isNote":true,"isNote":false}`
	miscased := `{"ticket":"` + ticketID + `","comment":{"type":"doc"},"ISNOTE":true}`
	nested := `{"ticket":"` + ticketID + `","comment":{"type":"doc"},"channel":{"id":"c1","id":"c2"}}`

	t.Run("--json", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t)
		for input, want := range map[string]string{
			twice:    `gleap: --json: not a message: member "isNote" appears twice`,
			miscased: `gleap: --json: not a message: member "ISNOTE" must be spelled "isNote"`,
			nested:   `gleap: --json: not a message: member "channel.id" appears twice`,
		} {
			r := gleap(t, server.URL, input, nil, "send", "--json", "-")
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, want)
			assert.Empty(t, r.stdout)
		}
		assert.Empty(t, server.Requests())
	})
	t.Run("--batch", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t)
		input := strings.Join([]string{batchLine(1, "ref-1"), twice, miscased, nested}, "\n")

		r := gleap(t, server.URL, "", nil, "send", "--batch", writeInput(t, t.TempDir(), input), "--rate-limit", "0")

		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "gleap send: --batch: 3 bad lines (2, 3, 4); nothing was sent\n")
		assert.Contains(t, r.stderr, `  line 2: not a message: member "isNote" appears twice`)
		assert.Contains(t, r.stderr, `  line 3: not a message: member "ISNOTE" must be spelled "isNote"`)
		assert.Contains(t, r.stderr, `  line 4: not a message: member "channel.id" appears twice`)
		assert.Empty(t, r.stdout)
		assert.Empty(t, server.Requests())
	})
}
