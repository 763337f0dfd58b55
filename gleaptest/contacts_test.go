package gleaptest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// sessionsSpec returns the cut of Gleap's published document that holds /sessions, its contacts.
func sessionsSpec(t *testing.T) []byte {
	t.Helper()
	spec, err := os.ReadFile("../testdata/gleap-published-openapi-sessions.yaml")
	require.NoError(t, err)
	return spec
}

// adminCredentials returns the headers of a JSON request to Gleap's admin routes.
func adminCredentials() http.Header {
	return http.Header{"Content-Type": {"application/json"}, "Api-Token": {"k"}}
}

// unpaced returns a client for server that does not pace itself, for tests of what the server keeps.
func unpaced(t *testing.T, server *gleaptest.Server) *wrapper.Client {
	t.Helper()
	return newClient(t, server, wrapper.WithRateLimit(0, 0))
}

// userIDs returns the user ids of contacts, in order.
func userIDs(contacts []wrapper.Contact) []string {
	ids := []string{}
	for _, contact := range contacts {
		ids = append(ids, contact.UserID)
	}
	return ids
}

func TestContactsAreKeptAsGleapKeepsThem(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithRequestsCheckedAgainst("Gleap's sessions document", sessionsSpec(t)))
	client, ctx := unpaced(t, server), context.Background()

	ada, err := client.Contacts.Create(ctx, wrapper.CreateContactRequest{
		UserID: wrapper.Ptr("u-ada"), Email: wrapper.Ptr("ada@example.com"), Name: wrapper.Ptr("Ada"),
		Plan: wrapper.Ptr("Pro"), Tags: &[]string{"beta"}, CustomData: json.RawMessage(`{"seats":12}`),
	})
	require.NoError(t, err)
	assert.Len(t, ada.ID, 24)
	assert.Equal(t, "u-ada", ada.UserID)
	assert.JSONEq(t, `{"seats":12}`, string(ada.CustomData))
	grace, err := client.Contacts.Create(ctx, wrapper.CreateContactRequest{UserID: wrapper.Ptr("u-grace"), Name: wrapper.Ptr("Grace Hopper")})
	require.NoError(t, err)
	_, err = client.Contacts.Create(ctx, wrapper.CreateContactRequest{UserID: wrapper.Ptr("u-ada")})
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode, "one user id, one contact")

	found, err := client.Contacts.FindByUserID(ctx, "u-ada")
	require.NoError(t, err)
	assert.Equal(t, ada.ID, found.ID)
	updated, err := client.Contacts.Update(ctx, ada.ID, wrapper.UpdateContactRequest{Plan: wrapper.Ptr("Enterprise"), Value: wrapper.Ptr(499.0)})
	require.NoError(t, err)
	assert.Equal(t, "Enterprise", *updated.Plan)
	assert.Equal(t, 499.0, *updated.Value)
	assert.Equal(t, "ada@example.com", updated.Email, "a field the update did not set stays")
	assert.Equal(t, []string{"beta"}, updated.Tags)
	_, err = client.Contacts.Update(ctx, grace.ID, wrapper.UpdateContactRequest{UserID: wrapper.Ptr("u-ada")})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode, "a change may not take another contact's user id")

	page, err := client.Contacts.ListPage(ctx, wrapper.ContactFilter{PageSize: 1}, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"u-grace"}, userIDs(page))
	page, err = client.Contacts.ListPage(ctx, wrapper.ContactFilter{Sort: "-createdAt"}, 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"u-grace", "u-ada"}, userIDs(page))
	hits, err := client.Contacts.Search(ctx, "HOPPER")
	require.NoError(t, err)
	assert.Equal(t, []string{"u-grace"}, userIDs(hits), "by name, ignoring case")
	hits, err = client.Contacts.Search(ctx, "ada@")
	require.NoError(t, err)
	assert.Equal(t, []string{"u-ada"}, userIDs(hits), "by e-mail")

	require.NoError(t, client.Contacts.Delete(ctx, grace.ID))
	_, err = client.Contacts.Get(ctx, grace.ID)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, []string{"u-ada"}, userIDs(server.Contacts()))
	assert.Empty(t, recorder.failures(), "every request met openapi.yaml and Gleap's document")
}

func TestContactRequestsAreCheckedAgainstGleapsDocument(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithRequestsCheckedAgainst("Gleap's sessions document", sessionsSpec(t)))
	status, answer := send(t, http.MethodPost, server.URL+"/sessions", credentials(), `{"userId":"u1","favouriteColour":"green"}`)
	assert.Equal(t, http.StatusBadRequest, status, "SessionDto takes no field it does not list")
	assert.Contains(t, answer["message"], "Gleap's sessions document: request POST /v3/sessions")
	status, _ = send(t, http.MethodGet, server.URL+"/sessions/by-user-id/u1", credentials(), "")
	assert.Equal(t, http.StatusNotFound, status, "its path parameter, which the document leaves undeclared, is taken")
	status, _ = send(t, http.MethodPost, strings.TrimSuffix(server.URL, "/v3")+"/admin/identify", adminCredentials(), `{"userId":"u1"}`)
	assert.Equal(t, http.StatusOK, status, "the admin routes, beside /v3, are not the document's to check")
	require.Len(t, recorder.failures(), 1)
}

func TestIDsWithSlashesAndOtherOddCharactersReachTheirContactAndCompany(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client, ctx := unpaced(t, server), context.Background()
	for _, id := range []string{"team/7", "a/b/c", "a%2Fb", "50%", "a?b", "a#b", "a b", "ü-1"} {
		_, created, err := client.Contacts.Upsert(ctx, id, wrapper.UpdateContactRequest{Name: wrapper.Ptr("First")})
		require.NoError(t, err, id)
		require.True(t, created, id)
		contact, created, err := client.Contacts.Upsert(ctx, id, wrapper.UpdateContactRequest{Name: wrapper.Ptr("Second")})
		require.NoError(t, err, id)
		assert.False(t, created, "%s: the second upsert finds the contact", id)
		assert.Equal(t, "Second", contact.Name, id)
		resubscribed := client.Contacts.Resubscribe(ctx, contact.ID)
		require.NoError(t, resubscribed, id)

		_, err = client.Companies.Put(ctx, id, wrapper.CompanyRequest{Name: wrapper.Ptr("Acme")})
		require.NoError(t, err, id)
		company, err := client.Companies.Get(ctx, id)
		require.NoError(t, err, id)
		assert.Equal(t, "Acme", *company.Name, id)
		require.NoError(t, client.Companies.Delete(ctx, id), id)

		require.NoError(t, client.Contacts.Forget(ctx, id), id)
		_, err = client.Contacts.FindByUserID(ctx, id)
		var apiErr *wrapper.APIError
		require.ErrorAs(t, err, &apiErr, id)
		assert.Equal(t, http.StatusNotFound, apiErr.StatusCode, "%s: forgotten", id)
	}
	assert.Empty(t, server.Contacts())
}

func TestIdentifyCreatesOrChangesAContactByUserID(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client, ctx := unpaced(t, server), context.Background()

	first := wrapper.IdentifyRequest{UserID: "u1", Email: wrapper.Ptr("ada@example.com"), Plan: wrapper.Ptr("Pro")}
	first.Set("seats", 12)
	require.NoError(t, client.Contacts.Identify(ctx, first))
	second := wrapper.IdentifyRequest{UserID: "u1", Name: wrapper.Ptr("Ada"), Plan: wrapper.Ptr("Enterprise")}
	second.Set("region", "eu")
	require.NoError(t, client.Contacts.Identify(ctx, second))

	contacts := server.Contacts()
	require.Len(t, contacts, 1, "identify changes the contact it created")
	ada := contacts[0]
	assert.Equal(t, "u1", ada.UserID)
	assert.Equal(t, "ada@example.com", ada.Email, "a field the second call did not set stays")
	assert.Equal(t, "Ada", ada.Name)
	assert.Equal(t, "Enterprise", *ada.Plan)
	assert.JSONEq(t, `{"seats":12,"region":"eu"}`, string(ada.CustomData), "the attributes beside the fields")
}

func TestTrackedEventsAreKeptPerContact(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client, ctx := unpaced(t, server), context.Background()
	require.NoError(t, client.Contacts.Identify(ctx, wrapper.IdentifyRequest{UserID: "u1"}))

	require.NoError(t, client.Contacts.Track(ctx, []wrapper.Event{
		{UserID: "u1", Name: "signed-up"}, {UserID: "u2", Name: "invoice.paid", Data: map[string]any{"amount": 49.9}},
		{UserID: "u1", Name: "invited"},
	}))
	assert.Equal(t, []string{"u1", "u2"}, userIDs(server.Contacts()), "an event of a user id the server does not know makes its contact")
	names := func(userID string) []string {
		var names []string
		for _, event := range server.Events(userID) {
			names = append(names, event.Name)
		}
		return names
	}
	assert.Equal(t, []string{"signed-up", "invited"}, names("u1"))
	assert.Equal(t, []string{"invoice-paid"}, names("u2"))
	assert.Equal(t, map[string]any{"amount": 49.9}, server.Events("u2")[0].Data)
	assert.Empty(t, server.Events("u3"))

	many := make([]wrapper.Event, wrapper.MaxEventsPerRequest)
	for i := range many {
		many[i] = wrapper.Event{UserID: "u1", Name: fmt.Sprintf("event-%d", i)}
	}
	require.NoError(t, client.Contacts.Track(ctx, many))
	require.NoError(t, client.Contacts.Track(ctx, many[:5]))
	kept := names("u1")
	assert.Len(t, kept, 1000, "a contact's newest 1000 events")
	assert.Equal(t, "event-5", kept[0])
	assert.Equal(t, "event-4", kept[len(kept)-1])
}

func TestForgetRemovesTheContactAndWhatHangsOffIt(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client, ctx := unpaced(t, server), context.Background()
	require.NoError(t, client.Contacts.Identify(ctx, wrapper.IdentifyRequest{UserID: "u1", Email: wrapper.Ptr("ada@example.com")}))
	require.NoError(t, client.Contacts.Identify(ctx, wrapper.IdentifyRequest{UserID: "u2", Email: wrapper.Ptr("grace@example.com")}))
	require.NoError(t, client.Contacts.Track(ctx, []wrapper.Event{{UserID: "u1", Name: "a"}, {UserID: "u2", Name: "b"}}))
	ada, err := client.Contacts.FindByUserID(ctx, "u1")
	require.NoError(t, err)
	byAddress, err := client.Tickets.Compose(ctx, wrapper.ComposeTicketRequest{Type: "INQUIRY", Title: "refund", Message: wrapper.Ptr("Hi"), Email: wrapper.Ptr("ADA@example.com")})
	require.NoError(t, err)
	byID, err := client.Tickets.Compose(ctx, wrapper.ComposeTicketRequest{Type: "BUG", Title: "crash", Session: wrapper.Ptr(ada.ID)})
	require.NoError(t, err)
	other, err := client.Tickets.Compose(ctx, wrapper.ComposeTicketRequest{Type: "BUG", Title: "theirs", Message: wrapper.Ptr("Hello"), Email: wrapper.Ptr("grace@example.com")})
	require.NoError(t, err)
	_, err = client.Messages.Create(ctx, wrapper.CreateMessageRequest{Ticket: wrapper.Ptr(other.ID), Session: wrapper.Ptr(ada.ID), Comment: wrapper.PlainTextDoc("by Ada")})
	require.NoError(t, err)
	require.Len(t, server.Messages(), 3)

	require.NoError(t, client.Contacts.Forget(ctx, "u1"))
	assert.Equal(t, []string{"u2"}, userIDs(server.Contacts()))
	assert.Empty(t, server.Events("u1"))
	assert.Len(t, server.Events("u2"), 1)
	var titles []string
	for _, ticket := range server.Tickets() {
		titles = append(titles, ticket.Title)
	}
	assert.Equal(t, []string{"theirs"}, titles, "the tickets of its id and of its address are gone")
	messages := server.Messages()
	require.Len(t, messages, 1, "with their messages, and the message it posted elsewhere")
	assert.Equal(t, other.ID, *messages[0].Ticket)
	assert.NotEqual(t, byAddress.ID, byID.ID)

	err = client.Contacts.Forget(ctx, "u1")
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
}

func TestUnsubscribeAndResubscribe(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithRequestsCheckedAgainst("Gleap's sessions document", sessionsSpec(t)))
	client, ctx := unpaced(t, server), context.Background()
	ada, err := client.Contacts.Create(ctx, wrapper.CreateContactRequest{UserID: wrapper.Ptr("u1")})
	require.NoError(t, err)
	_, err = client.Contacts.Create(ctx, wrapper.CreateContactRequest{Email: wrapper.Ptr("grace@example.com")})
	require.NoError(t, err)
	_, err = client.Contacts.Create(ctx, wrapper.CreateContactRequest{UserID: wrapper.Ptr("u3")})
	require.NoError(t, err)

	require.NoError(t, client.Contacts.Unsubscribe(ctx, "asked by mail", []wrapper.ContactQuery{{UserID: "u1"}, {Email: "GRACE@example.com"}, {UserID: "nobody"}}))
	unsubscribed := map[string]bool{}
	for _, contact := range server.Contacts() {
		unsubscribed[contact.UserID+contact.Email] = contact.Unsubscribed != nil && *contact.Unsubscribed
		if contact.Unsubscribed != nil && *contact.Unsubscribed {
			assert.Equal(t, "asked by mail", *contact.UnsubscribeReason)
			assert.NotNil(t, contact.UnsubscribedAt)
		}
	}
	assert.Equal(t, map[string]bool{"u1": true, "grace@example.com": true, "u3": false}, unsubscribed)

	require.NoError(t, client.Contacts.Resubscribe(ctx, ada.ID))
	again, err := client.Contacts.Get(ctx, ada.ID)
	require.NoError(t, err)
	assert.False(t, *again.Unsubscribed)
	assert.Nil(t, again.UnsubscribeReason)
	assert.Empty(t, recorder.failures())
}

func TestCompaniesArePutReadAndDeleted(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client, ctx := unpaced(t, server), context.Background()
	acme, err := client.Companies.Put(ctx, "acme", wrapper.CompanyRequest{Name: wrapper.Ptr("ACME"), Plan: wrapper.Ptr("Growth"), Value: wrapper.Ptr(4990.0)})
	require.NoError(t, err)
	assert.Equal(t, "acme", acme.CompanyID)
	changed, err := client.Companies.Put(ctx, "acme", wrapper.CompanyRequest{SLA: wrapper.Ptr(3600.0), Address: &wrapper.CompanyAddress{City: wrapper.Ptr("Graz")}})
	require.NoError(t, err)
	assert.Equal(t, "ACME", *changed.Name, "a field the second put did not set stays")
	assert.Equal(t, 3600.0, *changed.SLA)
	assert.Equal(t, acme.CreatedAt, changed.CreatedAt)
	got, err := client.Companies.Get(ctx, "acme")
	require.NoError(t, err)
	assert.Equal(t, changed, got)
	require.Len(t, server.Companies(), 1)

	require.NoError(t, client.Companies.Delete(ctx, "acme"))
	_, err = client.Companies.Get(ctx, "acme")
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Empty(t, server.Companies())
}

func TestAdminRoutesTakeTheKeyInApiTokenAndNoOtherRouteDoes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		method string
		path   string
		header http.Header
		status int
		reason string
	}{
		{"the admin route with its token", http.MethodPost, "/admin/identify", adminCredentials(), http.StatusOK, ""},
		{"the admin route with the bearer key instead", http.MethodPost, "/admin/identify", credentials(), http.StatusUnauthorized,
			`missing "Api-Token" header`},
		{"the admin route with no credentials", http.MethodPost, "/admin/identify", http.Header{"Content-Type": {"application/json"}},
			http.StatusUnauthorized, `missing "Api-Token" header`},
		{"the admin route with the bearer key besides", http.MethodPost, "/admin/identify",
			http.Header{"Content-Type": {"application/json"}, "Api-Token": {"k"}, "Authorization": {"Bearer k"}}, http.StatusBadRequest,
			`the request sends the Authorization header (security scheme bearerAuth), a credential POST /admin/identify does not take`},
		{"a documented route with the token besides", http.MethodPost, "/v3/sessions",
			http.Header{"Content-Type": {"application/json"}, "Api-Token": {"k"}, "Authorization": {"Bearer k"}, "Project": {"p"}},
			http.StatusBadRequest, `the request sends the Api-Token header (security scheme apiToken), a credential POST /v3/sessions does not take`},
		{"the admin route under the API root", http.MethodPost, "/v3/admin/identify", adminCredentials(), http.StatusNotFound, "no matching operation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			recorder := &recordingTB{TB: t}
			server := gleaptest.NewServer(recorder)
			root := strings.TrimSuffix(server.URL, "/v3")
			status, answer := send(t, tc.method, root+tc.path, tc.header, `{"userId":"u1"}`)
			assert.Equal(t, tc.status, status, "%v", answer)
			if tc.reason != "" {
				assert.Contains(t, answer["message"], tc.reason)
				assert.Len(t, recorder.failures(), 1)
			}
		})
	}
}

func TestARequiredKeyIsTakenFromApiTokenAndAdminCallsAreCountedPerKey(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithRequiredKey("k"), gleaptest.WithRateLimit(1, 1<<40))
	root := strings.TrimSuffix(server.URL, "/v3")
	identify := func(key string) int {
		header := adminCredentials()
		header.Set("Api-Token", key)
		status, _ := send(t, http.MethodPost, root+"/admin/identify", header, `{"userId":"u1"}`)
		return status
	}
	assert.Equal(t, http.StatusUnauthorized, identify("another"))
	assert.Equal(t, http.StatusOK, identify("k"))
	assert.Equal(t, http.StatusTooManyRequests, identify("k"), "the key's one request of the period is spent")
	status, _ := send(t, http.MethodPost, server.URL+"/sessions", http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}, "Project": {"p"}}, `{}`)
	assert.Equal(t, http.StatusOK, status, "the project's calls are counted apart")
}

func TestContactsAreBoundedAsMessagesAre(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithMaxMessages(2))
	client, ctx := unpaced(t, server), context.Background()
	for _, userID := range []string{"u1", "u2", "u3"} {
		require.NoError(t, client.Contacts.Identify(ctx, wrapper.IdentifyRequest{UserID: userID}))
	}
	assert.Equal(t, []string{"u2", "u3"}, userIDs(server.Contacts()), "the contact created first goes first")
	for _, companyID := range []string{"a", "b", "c"} {
		_, err := client.Companies.Put(ctx, companyID, wrapper.CompanyRequest{Name: wrapper.Ptr(companyID)})
		require.NoError(t, err)
	}
	assert.Len(t, server.Companies(), 2)

	server.Clear()
	assert.Empty(t, server.Contacts())
	assert.Empty(t, server.Companies())
}
