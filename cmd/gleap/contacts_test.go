package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// identified identifies a contact through the CLI, from the JSON object body, and fails the test when
// the command does.
func identified(t *testing.T, server *gleaptest.Server, body string) {
	t.Helper()
	r := gleap(t, server.URL, body, nil, "identify", "--json", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
}

func TestContactCommandsIdentifyFindGetUpdateAndDelete(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	identified(t, server, `{"userId":"u-ada","email":"ada@example.com","plan":"Pro","seats":12}`)
	contacts := server.Contacts()
	require.Len(t, contacts, 1)
	assert.JSONEq(t, `{"seats":12}`, string(contacts[0].CustomData), "an attribute beside the fields")
	assert.Equal(t, "/admin/identify", server.Requests()[0].Path)

	r := gleap(t, server.URL, "", nil, "contacts", "find", "--user-id", "u-ada")
	require.Equal(t, exitOK, r.code, r.stderr)
	var found map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &found))
	id := found["_id"].(string)
	assert.Equal(t, "ada@example.com", found["email"])

	r = gleap(t, server.URL, "", nil, "contacts", "get", id)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"plan": "Pro"`, "indented, as the server sent it")

	r = gleap(t, server.URL, `{"plan":"Enterprise","tags":["vip"]}`, nil, "contacts", "update", id, "--json", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
	var updated map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &updated))
	assert.Equal(t, "Enterprise", updated["plan"])
	assert.Equal(t, "ada@example.com", updated["email"], "only the fields set change")

	r = gleap(t, server.URL, "", nil, "contacts", "delete", id)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.Empty(t, server.Contacts())

	r = gleap(t, server.URL, "", nil, "contacts", "find", "--user-id", "u-ada")
	assert.Equal(t, exitFailure, r.code, "a contact that is gone")
	assert.Contains(t, r.stderr, "404")
	for _, request := range server.Requests() {
		assert.NoError(t, request.Violation, "%s %s", request.Method, request.Path)
	}
}

func TestContactListAndSearchPrintJSONLines(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	for _, userID := range []string{"ada", "grace", "linus"} {
		identified(t, server, `{"userId":"`+userID+`","email":"`+userID+`@example.com"}`)
	}

	r := gleap(t, server.URL, "", nil, "contacts", "list")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"ada", "grace", "linus"}, stringsOf(jsonLines(t, r.stdout), "userId"))
	r = gleap(t, server.URL, "", nil, "contacts", "list", "--limit", "2")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"ada", "grace"}, stringsOf(jsonLines(t, r.stdout), "userId"))
	assert.Equal(t, "2", server.Requests()[len(server.Requests())-1].Query.Get("limit"), "a page of no more than it prints")

	r = gleap(t, server.URL, "", nil, "contacts", "search", "GRACE@")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"grace"}, stringsOf(jsonLines(t, r.stdout), "userId"))
}

func TestTrackRecordsAnEventAsGleapKeepsIt(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	r := gleap(t, server.URL, "", nil, "track", "invoice.paid", "--user", "u-ada", "--data", `{"amount": 49.9, "currency": "EUR"}`)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	r = gleap(t, server.URL, "", nil, "contacts", "track", "--user", "u-ada", "signed-up")
	require.Equal(t, exitOK, r.code, r.stderr)

	events := server.Events("u-ada")
	require.Len(t, events, 2)
	assert.Equal(t, "invoice-paid", events[0].Name, "periods become hyphens, as Gleap keeps them")
	assert.Equal(t, map[string]any{"amount": 49.9, "currency": "EUR"}, events[0].Data)
	assert.WithinDuration(t, time.Now(), events[0].Date, time.Minute, "it happened now")
	assert.Equal(t, "signed-up", events[1].Name)
	request := server.Requests()[0]
	assert.Equal(t, "/admin/track", request.Path)
	assert.Equal(t, testKey, request.Header.Get("Api-Token"))
	assert.Empty(t, request.Header.Get("Authorization"), "the key goes only where the route takes it")
}

func TestForgetErasesTheContactAndItsEvents(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	identified(t, server, `{"userId":"u-ada"}`)
	identified(t, server, `{"userId":"u-grace"}`)
	require.Equal(t, exitOK, gleap(t, server.URL, "", nil, "track", "signed-up", "--user", "u-ada").code)

	r := gleap(t, server.URL, "", nil, "contacts", "forget", "--user-id", "u-ada")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.Len(t, server.Contacts(), 1)
	assert.Empty(t, server.Events("u-ada"))
}

func TestContactCommandsRefuseBadInputAndSendNothing(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	eleven := `{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"i":1,"j":1,"k":1}`
	cases := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"contacts", "get"}, "", "name the contact"},
		{[]string{"contacts", "get", ".."}, "", "invalid CONTACT_ID"},
		{[]string{"contacts", "find"}, "", "invalid --user-id"},
		{[]string{"contacts", "find", "--user-id", " "}, "", "invalid --user-id"},
		{[]string{"contacts", "find", "--user-id", "u1", "extra"}, "", "unexpected argument"},
		{[]string{"contacts", "list", "--limit", "-1"}, "", "--limit"},
		{[]string{"contacts", "search", " "}, "", "invalid TERM"},
		{[]string{"contacts", "update", "c1"}, "", "--json is required"},
		{[]string{"contacts", "update", "c1", "--json", "-"}, `{"plan":"a","plan":"b"}`, "--json"},
		{[]string{"contacts", "update", "c1", "--json", "-"}, `{"favouriteColour":"green"}`, "--json"},
		{[]string{"contacts", "update", "c1", "--json", "-"}, `{"email":"not an address"}`, "invalid email"},
		{[]string{"contacts", "update", "c1", "--json", "-"}, `{}`, "invalid request"},
		{[]string{"contacts", "delete", ""}, "", "name the contact"},
		{[]string{"contacts", "forget"}, "", "invalid --user-id"},
		{[]string{"identify"}, "", "--json is required"},
		{[]string{"identify", "--json", "-"}, `{"email":"ada@example.com"}`, "invalid userId"},
		{[]string{"identify", "--json", "-"}, `[1]`, "--json"},
		{[]string{"track", "--user", "u1"}, "", "name the event"},
		{[]string{"track", "signed-up"}, "", "gleap: invalid --user: must not be blank"},
		{[]string{"track", "signed-up", "--user", "u1", "--data", "[1]"}, "", "--data is not a JSON object"},
		{[]string{"track", "signed-up", "--user", "u1", "--data", eleven}, "", "gleap: invalid --data: has 11 keys"},
		{[]string{"track", " ", "--user", "u1"}, "", "gleap: invalid EVENT: must not be blank"},
	}
	for _, tc := range cases {
		r := gleap(t, server.URL, tc.stdin, nil, tc.args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.want, tc.args)
	}
	assert.Empty(t, server.Requests(), "nothing is sent")
}

func TestContactCommandsRetryWhatIsSafeAndReportFailures(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	server.QueueFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable})
	r := gleap(t, server.URL, `{"userId":"u1"}`, nil, "identify", "--json", "-")
	assert.Equal(t, exitOK, r.code, "identifying again sets the same: it is retried after a 503: %s", r.stderr)

	server.QueueFaults(gleaptest.Fault{Status: http.StatusBadGateway})
	before := len(server.Requests())
	r = gleap(t, server.URL, "", nil, "track", "signed-up", "--user", "u1")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "outcome unknown")
	assert.Len(t, server.Requests(), before+1, "an event is not sent twice")
}

func TestContactCommandsHaveHelpWithAnExample(t *testing.T) {
	t.Parallel()
	examples := map[string]string{
		"get": "gleap contacts get 6752", "find": "gleap contacts find --user-id", "list": "gleap contacts list --limit",
		"search": "gleap contacts search", "update": "gleap contacts update 6752", "delete": "gleap contacts delete 6752",
		"forget": "gleap contacts forget --user-id", "identify": "gleap identify --json -", "track": "gleap track invoice-paid",
		"import": "gleap contacts import users.jsonl --journal users.journal",
	}
	for verb, example := range examples {
		for _, command := range [][]string{{"contacts", verb}, {verb}} {
			if len(command) == 1 && !slices.Contains([]string{"identify", "track"}, verb) {
				continue
			}
			r := gleap(t, "", "", nil, append(command, "--help")...)
			assert.Equal(t, exitOK, r.code, command)
			assert.Contains(t, r.stdout, example, command)
			assert.Contains(t, r.stdout, "-api-key", "%s has the connection flags", command)
			assert.Empty(t, r.stderr)
		}
	}
	r := gleap(t, "", "", nil, "contacts", "import")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "gleap contacts import: name the JSON Lines file to import (- for standard input): gleap contacts import FILE\n", r.stderr)
}

func TestMockKeepsContactsForTheContactCommands(t *testing.T) {
	t.Parallel()
	baseURL, _ := startMock(t)
	identified := gleap(t, baseURL, `{"userId":"u-ada","email":"ada@example.com"}`, nil, "identify", "--json", "-")
	require.Equal(t, exitOK, identified.code, identified.stderr)
	r := gleap(t, baseURL, "", nil, "track", "signed-up", "--user", "u-ada")
	require.Equal(t, exitOK, r.code, r.stderr)
	r = gleap(t, baseURL, "", nil, "contacts", "find", "--user-id", "u-ada")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"email": "ada@example.com"`, "the mock serves the admin routes beside its API root")
}
