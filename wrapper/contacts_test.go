package wrapper_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// timeAt is the time the RFC 3339 text says.
func timeAt(text string) time.Time {
	at, err := time.Parse(time.RFC3339, text)
	if err != nil {
		panic(err)
	}
	return at
}

// carriedOutThenDropped is a fault that carries the request out, sent again as it came to root (the
// server's host root), and then drops the connection without an answer: the call's outcome is unknown
// to the client, though the server acted on it.
func carriedOutThenDropped(root string) gleaptest.Fault {
	return gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		carriedOut, err := http.NewRequest(r.Method, root+r.URL.RequestURI(), r.Body)
		if err == nil {
			carriedOut.Header = r.Header.Clone()
			if resp, err := http.DefaultClient.Do(carriedOut); err == nil {
				resp.Body.Close()
			}
		}
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
	})}
}

// statuses returns the status of every request server recorded, in order; 0 for one it did not answer.
func statuses(server *gleaptest.Server) []int {
	var all []int
	for _, request := range server.Requests() {
		all = append(all, request.Status)
	}
	return all
}

// adminRoot is where gleaptest serves Gleap's admin routes: beside its API root.
func adminRoot(server *gleaptest.Server) string {
	return strings.TrimSuffix(server.URL, "/v3")
}

func TestContactCallsSendExactlyTheirRequest(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()
	contacts := client.Contacts
	var ada *wrapper.Contact

	cases := []sentCall{
		{"create", func() error {
			var err error
			ada, err = contacts.Create(ctx, wrapper.CreateContactRequest{UserID: wrapper.Ptr("u-ada"), Email: wrapper.Ptr("ada@example.com"),
				Value: wrapper.Ptr(49.9), Tags: &[]string{"beta"}, CustomData: json.RawMessage(`{"seats": 12}`)})
			return err
		}, http.MethodPost, "/v3/sessions", `{"userId":"u-ada","email":"ada@example.com","value":49.9,"tags":["beta"],"customData":{"seats":12}}`, nil},
		{"get", func() error {
			got, err := contacts.Get(ctx, ada.ID)
			if err == nil {
				assert.Equal(t, *ada, *got)
			}
			return err
		}, http.MethodGet, "/v3/sessions/{id}", "", nil},
		{"find by user id", func() error {
			found, err := contacts.FindByUserID(ctx, "u-ada")
			if err == nil {
				assert.Equal(t, ada.ID, found.ID)
			}
			return err
		}, http.MethodGet, "/v3/sessions/by-user-id/u-ada", "", nil},
		{"update", func() error {
			updated, err := contacts.Update(ctx, ada.ID, wrapper.UpdateContactRequest{Plan: wrapper.Ptr("Pro"), Tags: &[]string{}})
			if err == nil {
				assert.Equal(t, "Pro", *updated.Plan)
				assert.Empty(t, updated.Tags, "an empty list is sent, and removes every tag")
				assert.Equal(t, "ada@example.com", updated.Email, "only the fields set change")
			}
			return err
		}, http.MethodPut, "/v3/sessions/{id}", `{"plan":"Pro","tags":[]}`, nil},
		{"search", func() error {
			found, err := contacts.Search(ctx, "ada")
			if err == nil {
				require.Len(t, found, 1)
				assert.Equal(t, ada.ID, found[0].ID)
			}
			return err
		}, http.MethodGet, "/v3/sessions/search", "", map[string]string{"searchTerm": "ada"}},
		{"list a page", func() error {
			page, err := contacts.ListPage(ctx, wrapper.ContactFilter{Sort: "-createdAt", PageSize: 5}, 0)
			if err == nil {
				assert.Len(t, page, 1)
			}
			return err
		}, http.MethodGet, "/v3/sessions", "", map[string]string{"sort": "-createdAt", "limit": "5", "skip": ""}},
		{"unsubscribe", func() error {
			return contacts.Unsubscribe(ctx, "asked by mail", []wrapper.ContactQuery{{UserID: "u-ada"}, {Email: "grace@example.com"}})
		}, http.MethodPost, "/v3/sessions/unsubscribe", `{"reason":"asked by mail","sessions":[{"userId":"u-ada"},{"email":"grace@example.com"}]}`, nil},
		{"resubscribe", func() error { return contacts.Resubscribe(ctx, ada.ID) }, http.MethodPut, "/v3/sessions/{id}/resubscribe", `{}`, nil},
		{"identify", func() error {
			req := wrapper.IdentifyRequest{UserID: "u-ada", Name: wrapper.Ptr("Ada"), CompanyID: wrapper.Ptr("acme")}
			req.Set("seats", 14)
			return contacts.Identify(ctx, req)
		}, http.MethodPost, "/admin/identify", `{"userId":"u-ada","name":"Ada","companyId":"acme","seats":14}`, nil},
		{"track", func() error {
			return contacts.Track(ctx, []wrapper.Event{{UserID: "u-ada", Name: "invoice.paid", Date: timeAt("2026-11-25T09:30:00Z"), Data: map[string]any{"amount": 49.9}}})
		}, http.MethodPost, "/admin/track", `{"events":[{"userId":"u-ada","name":"invoice-paid","date":"2026-11-25T09:30:00Z","data":{"amount":49.9}}]}`, nil},
		{"put company", func() error {
			company, err := client.Companies.Put(ctx, "acme", wrapper.CompanyRequest{Name: wrapper.Ptr("ACME"), SLA: wrapper.Ptr(3600.0)})
			if err == nil {
				assert.Equal(t, "acme", company.CompanyID)
			}
			return err
		}, http.MethodPut, "/admin/companies/acme", `{"name":"ACME","sla":3600}`, nil},
		{"get company", func() error {
			company, err := client.Companies.Get(ctx, "acme")
			if err == nil {
				assert.Equal(t, "ACME", *company.Name)
			}
			return err
		}, http.MethodGet, "/admin/companies/acme", "", nil},
		{"delete company", func() error { return client.Companies.Delete(ctx, "acme") }, http.MethodDelete, "/admin/companies/acme", "", nil},
		{"forget", func() error { return contacts.Forget(ctx, "u-ada") }, http.MethodDelete, "/admin/contacts/u-ada", "", nil},
	}
	for _, tc := range cases { // in order: each step sees what the ones before it did
		require.NoError(t, tc.call(), tc.name)
		assertSent(t, lastRequest(t, server), tc.name, tc.method, strings.ReplaceAll(tc.path, "{id}", ada.ID), tc.wantBody, tc.query)
	}
	assert.Empty(t, server.Contacts(), "forgotten")

	created, err := contacts.Create(ctx, wrapper.CreateContactRequest{UserID: wrapper.Ptr("u-grace")})
	require.NoError(t, err)
	require.NoError(t, contacts.Delete(ctx, created.ID))
	assert.Equal(t, "/v3/sessions/"+created.ID, lastRequest(t, server).Path)
	assert.Empty(t, server.Contacts(), "deleted")
}

func TestTheKeyGoesInApiTokenToTheAdminRoutesAndInAuthorizationToTheOthers(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []gleaptest.Request
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(func(r gleaptest.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r)
	}))
	client := newClient(t, server, wrapper.WithRateLimit(0, 0))
	ctx := context.Background()
	contact, err := client.Contacts.Create(ctx, wrapper.CreateContactRequest{UserID: wrapper.Ptr("u1")})
	require.NoError(t, err)
	require.NoError(t, client.Contacts.Identify(ctx, wrapper.IdentifyRequest{UserID: "u1"}))
	require.NoError(t, client.Contacts.Track(ctx, []wrapper.Event{{UserID: "u1", Name: "a"}}))
	_, err = client.Companies.Put(ctx, "acme", wrapper.CompanyRequest{Name: wrapper.Ptr("ACME")})
	require.NoError(t, err)
	_, err = client.Companies.Get(ctx, "acme")
	require.NoError(t, err)
	require.NoError(t, client.Companies.Delete(ctx, "acme"))
	_, err = client.Contacts.Get(ctx, contact.ID)
	require.NoError(t, err)
	_, err = client.Messages.Reply(ctx, ticketID, "hello")
	require.NoError(t, err)
	require.NoError(t, client.Contacts.Forget(ctx, "u1"))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 9)
	admin := 0
	for _, r := range seen {
		assert.NoError(t, r.Violation, "gleaptest refuses a credential a route does not take")
		if strings.HasPrefix(r.Path, "/admin/") {
			admin++
			assert.Equal(t, testKey, r.Header.Get("Api-Token"), r.Path)
			assert.Empty(t, r.Header.Values("Authorization"), r.Path)
			assert.Empty(t, r.Header.Values("Project"), r.Path, "the key names the project")
			continue
		}
		assert.Empty(t, r.Header.Values("Api-Token"), r.Path)
		assert.Equal(t, "Bearer "+testKey, r.Header.Get("Authorization"), r.Path)
		assert.Equal(t, testProject, r.Header.Get("Project"), r.Path)
	}
	assert.Equal(t, 6, admin)

	_, err = wrapper.New(testKey, testProject, wrapper.WithHeader("api-token", "other"))
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid, "the client sets Api-Token itself")
	assert.Equal(t, "header api-token", invalid.Field)
}

func TestTheAdminRoutesAreBesideTheBaseURLOnItsHost(t *testing.T) {
	t.Parallel()
	paths := make(chan string, 2)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths <- r.URL.Path
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(proxy.Close)
	for base, want := range map[string]string{
		proxy.URL + "/gleap/v3": "/gleap/admin/identify",
		proxy.URL + "/v3/":      "/admin/identify",
		proxy.URL:               "/admin/identify",
	} {
		client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(base), wrapper.WithRateLimit(0, 0))
		require.NoError(t, err)
		require.NoError(t, client.Contacts.Identify(context.Background(), wrapper.IdentifyRequest{UserID: "u1"}))
		assert.Equal(t, want, <-paths, base)
	}
}

func TestContactCallsRejectBadInputBeforeSending(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()
	contacts := client.Contacts
	create := func(req wrapper.CreateContactRequest) func() error {
		return func() error { _, err := contacts.Create(ctx, req); return err }
	}
	identify := func(change func(*wrapper.IdentifyRequest)) func() error {
		return func() error {
			req := wrapper.IdentifyRequest{UserID: "u1"}
			change(&req)
			return contacts.Identify(ctx, req)
		}
	}
	track := func(events ...wrapper.Event) func() error {
		return func() error { return contacts.Track(ctx, events) }
	}
	tooMuchData := map[string]any{}
	for _, key := range strings.Split("abcdefghijk", "") {
		tooMuchData[key] = 1
	}
	cases := []struct {
		name      string
		call      func() error
		wantField string
	}{
		{"create without a field", create(wrapper.CreateContactRequest{}), "request"},
		{"blank user id", create(wrapper.CreateContactRequest{UserID: wrapper.Ptr(" ")}), "userId"},
		{"not an e-mail address", create(wrapper.CreateContactRequest{Email: wrapper.Ptr("Ada <ada@example.com>")}), "email"},
		{"negative SLA", create(wrapper.CreateContactRequest{SLA: wrapper.Ptr(-1.0)}), "sla"},
		{"blank tag", create(wrapper.CreateContactRequest{Tags: &[]string{"a", " "}}), "tags[1]"},
		{"custom data not an object", create(wrapper.CreateContactRequest{CustomData: json.RawMessage(`[1]`)}), "customData"},
		{"custom data not JSON", create(wrapper.CreateContactRequest{CustomData: json.RawMessage(`{`)}), "customData"},
		{"name not UTF-8", create(wrapper.CreateContactRequest{Name: wrapper.Ptr("Ad\xffa")}), "name"},
		{"get a blank id", func() error { _, err := contacts.Get(ctx, ""); return err }, "contactID"},
		{"get ..", func() error { _, err := contacts.Get(ctx, ".."); return err }, "contactID"},
		{"find a blank user id", func() error { _, err := contacts.FindByUserID(ctx, " "); return err }, "userID"},
		{"update with nothing", func() error { _, err := contacts.Update(ctx, "c1", wrapper.UpdateContactRequest{}); return err }, "request"},
		{"delete a blank id", func() error { return contacts.Delete(ctx, "") }, "contactID"},
		{"search for nothing", func() error { _, err := contacts.Search(ctx, " "); return err }, "term"},
		{"a page too large", func() error { _, err := contacts.ListPage(ctx, wrapper.ContactFilter{PageSize: 1001}, 0); return err }, "PageSize"},
		{"a negative skip", func() error { _, err := contacts.ListPage(ctx, wrapper.ContactFilter{}, -1); return err }, "skip"},
		{"a blank sort", func() error { _, err := contacts.ListPage(ctx, wrapper.ContactFilter{Sort: " "}, 0); return err }, "Sort"},
		{"unsubscribe nobody", func() error { return contacts.Unsubscribe(ctx, "", nil) }, "contacts"},
		{"unsubscribe by phone", func() error { return contacts.Unsubscribe(ctx, "", []wrapper.ContactQuery{{Phone: "+43"}}) }, "contacts[0].Phone"},
		{"unsubscribe an empty name", func() error { return contacts.Unsubscribe(ctx, "", []wrapper.ContactQuery{{UserID: "u1"}, {}}) }, "contacts[1]"},
		{"unsubscribe a bad address", func() error {
			return contacts.Unsubscribe(ctx, "", []wrapper.ContactQuery{{Email: "nope"}})
		}, "contacts[0].Email"},
		{"unsubscribe for a blank reason", func() error { return contacts.Unsubscribe(ctx, " ", []wrapper.ContactQuery{{UserID: "u1"}}) }, "reason"},
		{"resubscribe a blank id", func() error { return contacts.Resubscribe(ctx, "") }, "contactID"},
		{"identify nobody", identify(func(r *wrapper.IdentifyRequest) { r.UserID = "" }), "userId"},
		{"identify a bad address", identify(func(r *wrapper.IdentifyRequest) { r.Email = wrapper.Ptr("@") }), "email"},
		{"an attribute named like a field", identify(func(r *wrapper.IdentifyRequest) { r.Set("email", "x@example.com") }), `AdditionalProperties["email"]`},
		{"an attribute without a name", identify(func(r *wrapper.IdentifyRequest) { r.Set("", 1) }), `AdditionalProperties[""]`},
		{"an attribute not encodable", identify(func(r *wrapper.IdentifyRequest) { r.Set("f", func() {}) }), `AdditionalProperties["f"]`},
		{"an attribute not UTF-8", identify(func(r *wrapper.IdentifyRequest) { r.Set("s", "\xff") }), `AdditionalProperties["s"]`},
		{"a name not UTF-8", identify(func(r *wrapper.IdentifyRequest) { r.Name = wrapper.Ptr("\xff") }), "name"},
		{"track nothing", track(), "events"},
		{"track too many", track(make([]wrapper.Event, wrapper.MaxEventsPerRequest+1)...), "events"},
		{"an event of nobody", track(wrapper.Event{Name: "a"}), "events[0].userId"},
		{"an event without a name", track(wrapper.Event{UserID: "u1"}, wrapper.Event{UserID: "u1", Name: " "}), "events[0].name"},
		{"eleven metadata keys", track(wrapper.Event{UserID: "u1", Name: "a", Data: tooMuchData}), "events[0].data"},
		{"metadata not encodable", track(wrapper.Event{UserID: "u1", Name: "a", Data: map[string]any{"c": make(chan int)}}), `events[0].data["c"]`},
		{"an event too large", track(wrapper.Event{UserID: "u1", Name: "a", Data: map[string]any{"c": strings.Repeat("x", wrapper.MaxRequestBytes)}}), "request"},
		{"forget nobody", func() error { return contacts.Forget(ctx, "") }, "userID"},
		{"upsert nobody", func() error { _, _, err := contacts.Upsert(ctx, " ", wrapper.UpdateContactRequest{}); return err }, "userID"},
		{"upsert by a step in the path", func() error { _, _, err := contacts.Upsert(ctx, "..", wrapper.UpdateContactRequest{}); return err }, "userID"},
		{"find by a user id too long for a URL", func() error { _, err := contacts.FindByUserID(ctx, strings.Repeat("u", 1025)); return err }, "userID"},
		{"upsert another user id", func() error {
			_, _, err := contacts.Upsert(ctx, "u1", wrapper.UpdateContactRequest{UserID: wrapper.Ptr("u2")})
			return err
		}, "userId"},
		{"upsert a bad contact", func() error {
			_, _, err := contacts.Upsert(ctx, "u1", wrapper.UpdateContactRequest{Tags: &[]string{""}})
			return err
		}, "tags[0]"},
		{"put a company without a field", func() error { _, err := client.Companies.Put(ctx, "acme", wrapper.CompanyRequest{}); return err }, "request"},
		{"put a company with a blank id", func() error {
			_, err := client.Companies.Put(ctx, " ", wrapper.CompanyRequest{Name: wrapper.Ptr("A")})
			return err
		}, "companyID"},
		{"a company's negative SLA", func() error {
			_, err := client.Companies.Put(ctx, "acme", wrapper.CompanyRequest{SLA: wrapper.Ptr(-1.0)})
			return err
		}, "sla"},
		{"a company's custom data not an object", func() error {
			_, err := client.Companies.Put(ctx, "acme", wrapper.CompanyRequest{CustomData: json.RawMessage(`"gold"`)})
			return err
		}, "customData"},
		{"get a company with a blank id", func() error { _, err := client.Companies.Get(ctx, ""); return err }, "companyID"},
		{"delete a company with a blank id", func() error { return client.Companies.Delete(ctx, "") }, "companyID"},
	}
	for _, tc := range cases {
		err := tc.call()
		var invalid *wrapper.ValidationError
		if assert.ErrorAs(t, err, &invalid, tc.name) {
			assert.Equal(t, tc.wantField, invalid.Field, tc.name)
		}
	}
	assert.Empty(t, server.Requests(), "nothing was sent")
	assert.NoError(t, wrapper.CheckContact(wrapper.CreateContactRequest{Email: wrapper.Ptr("")}), `"" clears an address`)
}

func TestContactCallsFailAsEveryCallFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("a POST is not sent again after its outcome is unknown", func(t *testing.T) {
		t.Parallel()
		server := newServer(t, everyAttempt(gleaptest.Fault{Status: http.StatusBadGateway})...)
		client := newClient(t, server, wrapper.WithRateLimit(0, 0))
		_, err := client.Contacts.Create(ctx, wrapper.CreateContactRequest{UserID: wrapper.Ptr("u1")})
		requireRequestError(t, err, 1, true)
		err = client.Contacts.Track(ctx, []wrapper.Event{{UserID: "u1", Name: "a"}})
		requireRequestError(t, err, 1, true)
		assert.Len(t, server.Requests(), 2)
	})
	t.Run("an idempotent call is retried", func(t *testing.T) {
		t.Parallel()
		server := newServer(t, gleaptest.Fault{Status: http.StatusServiceUnavailable}, gleaptest.Fault{Status: http.StatusServiceUnavailable})
		client := newClient(t, server, wrapper.WithRateLimit(0, 0), wrapper.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
		require.NoError(t, client.Contacts.Identify(ctx, wrapper.IdentifyRequest{UserID: "u1"}))
		assert.Len(t, server.Requests(), 3)
		assert.Len(t, server.Contacts(), 1)
	})
	t.Run("a forget whose retry finds nothing after an unknown outcome is done", func(t *testing.T) {
		t.Parallel()
		server := newServer(t)
		client := newClient(t, server, wrapper.WithRateLimit(0, 0), wrapper.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
		require.NoError(t, client.Contacts.Identify(ctx, wrapper.IdentifyRequest{UserID: "u1"}))
		server.QueueFaults(carriedOutThenDropped(adminRoot(server)))
		require.NoError(t, client.Contacts.Forget(ctx, "u1"), "the retry's 404 means the lost attempt forgot it")
		assert.Empty(t, server.Contacts())
		assert.Equal(t, []int{0, http.StatusOK, http.StatusNotFound}, statuses(server)[1:], "dropped, carried out, the retry")
	})
	t.Run("a 404 is an error the caller can tell apart", func(t *testing.T) {
		t.Parallel()
		server := newServer(t)
		client := newClient(t, server, wrapper.WithRateLimit(0, 0))
		_, err := client.Contacts.FindByUserID(ctx, "nobody")
		requireAPIError(t, err, http.StatusNotFound)
		_, err = client.Companies.Get(ctx, "nobody")
		requireAPIError(t, err, http.StatusNotFound)
	})
	t.Run("an answer that is not a contact", func(t *testing.T) {
		t.Parallel()
		server := newServer(t, gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"_id":"c1"}`))
		})})
		client := newClient(t, server, wrapper.WithRateLimit(0, 0))
		_, err := client.Contacts.Search(ctx, "ada")
		requireRequestError(t, err, 1, false)
		assert.ErrorIs(t, err, wrapper.ErrInvalidResponse, "a search answers with an array")
	})
}
