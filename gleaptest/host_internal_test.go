package gleaptest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTrustedHostAcceptsTheNameTheServerWasBoundTo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		addr string // as given to WithAddr
		host string // as a request names it
		want bool
	}{
		{"mock.internal:4010", "mock.internal:4010", true},
		{"mock.internal:4010", "MOCK.internal.", true},
		{"mock.internal:4010", "other.internal:4010", false},
		{"127.0.0.1:0", "mock.internal:4010", false},
		{":4010", "mock.internal:4010", false},
		{"127.0.0.1:0", "127.0.0.1:4010", true},
		{"127.0.0.1:0", "[::1]:4010", true},
		{"127.0.0.1:0", "app.localhost", true},
		{"127.0.0.1:0", "", true}, // HTTP/1.0 sends none: no web page can
	}
	for _, tc := range cases {
		t.Run(tc.addr+" "+tc.host, func(t *testing.T) {
			t.Parallel()
			server, _, err := configure([]Option{WithAddr(tc.addr)})
			if assert.NoError(t, err) {
				assert.Equal(t, tc.want, server.trustedHost(tc.host))
			}
		})
	}
}
