package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestSearchPrintsTheHitsOfTheServer(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	for _, text := range []string{"Your refund is on its way.", "The parcel ships Monday.", "REFUND approved"} {
		r := gleap(t, server.URL, "", nil, "messages", "send", "--ticket", ticketID, "--text", text)
		require.Equal(t, exitOK, r.code, r.stderr)
	}
	stored := server.Messages()
	require.Len(t, stored, 3)

	cases := []struct {
		term string
		want []string // the ids of the hits, in the server's order
	}{
		{"refund", []string{stored[0].ID, stored[2].ID}},
		{"parcel ships", []string{stored[1].ID}},
		{"invoice", []string{}},
	}
	for _, tc := range cases {
		r := gleap(t, server.URL, "", nil, "messages", "search", tc.term)

		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Empty(t, r.stderr)
		var hits []struct{ ID string }
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &hits), "the hits are one JSON value: %s", r.stdout)
		ids := []string{}
		for _, hit := range hits {
			ids = append(ids, hit.ID)
		}
		assert.Equal(t, tc.want, ids, tc.term)
	}
	last := server.Requests()[len(server.Requests())-1]
	assert.Equal(t, "/v3/messages/search", last.Path)
	assert.Equal(t, "invoice", last.Query.Get("searchTerm"))

	flagsFirst := gleap(t, server.URL, "", nil, "messages", "search", "--max-retries", "0", "parcel")
	require.Equal(t, exitOK, flagsFirst.code, flagsFirst.stderr)
	assert.Contains(t, flagsFirst.stdout, stored[1].ID, "the term may follow the flags")
}

func TestSearchNeverPrintsTheKeyAServerEchoesInAHit(t *testing.T) {
	t.Parallel()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"hits":[{"id":"6752f0c1a4b3c2d1e0f98761","note":"Invalid key %s"}]}`, key)
	})
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Handler: echo}))

	r := gleap(t, server.URL, "", nil, "messages", "search", "key") // gleap fails t if the key is printed

	require.Equal(t, exitOK, r.code, r.stderr)
	var hits []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &hits))
	require.Len(t, hits, 1)
	assert.Equal(t, "Invalid key [REDACTED]", hits[0]["note"])
}

func TestSearchErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		faults   []gleaptest.Fault
		args     []string
		wantCode int
		wantErr  string
		requests int
	}{
		{"no term", nil, nil, exitUsage, "gleap messages search: give the text to search for: gleap messages search TERM", 0},
		{"a blank term", nil, []string{" "}, exitUsage, "gleap: invalid TERM: must not be blank", 0},
		{"two terms", nil, []string{"refund", "policy"}, exitUsage, `gleap messages search: unexpected argument "policy"`, 0},
		{"401 from the server", []gleaptest.Fault{{Status: 401}}, []string{"refund"}, exitFailure, "401 Unauthorized", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t, gleaptest.WithFaults(tc.faults...))
			r := gleap(t, server.URL, "", nil, append([]string{"messages", "search"}, tc.args...)...)
			assert.Equal(t, tc.wantCode, r.code)
			assert.Empty(t, r.stdout)
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
			assert.Contains(t, r.stderr, tc.wantErr)
			assert.Len(t, server.Requests(), tc.requests)
		})
	}
}
