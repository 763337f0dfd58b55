package wrapper_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func TestUpsertCreatesAContactOnceAndUpdatesItAfter(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()

	created, isNew, err := client.Contacts.Upsert(ctx, "u1", wrapper.UpdateContactRequest{Email: wrapper.Ptr("ada@example.com")})
	require.NoError(t, err)
	assert.True(t, isNew)
	assert.Equal(t, "u1", created.UserID)
	updated, isNew, err := client.Contacts.Upsert(ctx, "u1", wrapper.UpdateContactRequest{UserID: wrapper.Ptr("u1"), Plan: wrapper.Ptr("Pro")})
	require.NoError(t, err)
	assert.False(t, isNew)
	assert.Equal(t, created.ID, updated.ID)
	assert.Equal(t, "ada@example.com", updated.Email, "an upsert changes only the fields it sets")
	assert.Equal(t, "Pro", *updated.Plan)
	assert.Len(t, server.Contacts(), 1)

	var calls []string
	for _, request := range server.Requests() {
		calls = append(calls, request.Method+" "+strings.Replace(request.Path, created.ID, "{id}", 1))
	}
	assert.Equal(t, []string{
		"GET /v3/sessions/by-user-id/u1", "POST /v3/sessions",
		"GET /v3/sessions/by-user-id/u1", "PUT /v3/sessions/{id}",
	}, calls)
	assert.JSONEq(t, `{"userId":"u1","email":"ada@example.com"}`, string(server.Requests()[1].Body))
}

// createdMeanwhile is a fault for an upsert's first look-up: another writer creates the contact of
// userID with body, and the look-up is answered as it would have been an instant before, 404.
func createdMeanwhile(server *gleaptest.Server, body string) gleaptest.Fault {
	return gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other, err := http.NewRequest(http.MethodPost, server.URL+"/sessions", strings.NewReader(body))
		if err == nil {
			other.Header = r.Header.Clone()
			other.Header.Set("Content-Type", "application/json")
			if resp, err := http.DefaultClient.Do(other); err == nil {
				resp.Body.Close()
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"statusCode":404,"error":"Not Found","message":"no such contact"}`))
	})}
}

func TestAnUpsertThatLosesTheRaceToCreateUpdatesTheWinnersContact(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	server.QueueFaults(createdMeanwhile(server, `{"userId":"u1","name":"Ada"}`))

	contact, isNew, err := client.Contacts.Upsert(context.Background(), "u1", wrapper.UpdateContactRequest{Plan: wrapper.Ptr("Pro")})
	require.NoError(t, err)
	assert.False(t, isNew, "the other writer created it")
	contacts := server.Contacts()
	require.Len(t, contacts, 1, "gleaptest refused the second contact with the user id (409)")
	assert.Equal(t, contacts[0].ID, contact.ID)
	assert.Equal(t, "Ada", contact.Name, "the winner's fields")
	assert.Equal(t, "Pro", *contact.Plan, "and the loser's")
	assert.Equal(t, []int{0, http.StatusOK, http.StatusConflict, http.StatusOK, http.StatusOK}, statuses(server),
		"the look-up (answered by hand), the other writer's create, the refused create, the look-up, the update")
}

func TestConcurrentUpsertsOfOneUserIDMakeOneContactWithEveryField(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()
	const writers = 8
	var wg sync.WaitGroup
	created := make(chan bool, writers)
	for i := range writers {
		wg.Go(func() {
			req := wrapper.UpdateContactRequest{CompanyID: wrapper.Ptr(fmt.Sprintf("company-%d", i))}
			switch i {
			case 0:
				req.Name = wrapper.Ptr("Ada")
			case 1:
				req.Lang = wrapper.Ptr("en")
			}
			_, isNew, err := client.Contacts.Upsert(ctx, "u1", req)
			assert.NoError(t, err)
			created <- isNew
		})
	}
	wg.Wait()
	close(created)
	news := 0
	for isNew := range created {
		if isNew {
			news++
		}
	}
	assert.Equal(t, 1, news, "one upsert created it; the others found it, at first or after their create was refused")
	contacts := server.Contacts()
	require.Len(t, contacts, 1)
	assert.Equal(t, "Ada", contacts[0].Name)
	assert.Equal(t, "en", *contacts[0].Lang, "each upsert's own fields land")
	assert.Contains(t, *contacts[0].CompanyID, "company-", "a field all set holds the last write")
}

func TestAnUpsertWhoseCreateHasAnUnknownOutcomeLooksBeforeItLeaps(t *testing.T) {
	t.Parallel()
	t.Run("the create took effect: the contact is updated, not made twice", func(t *testing.T) {
		t.Parallel()
		server, client := resourceServer(t)
		server.QueueFaults(gleaptest.Fault{}, carriedOutThenDropped(adminRoot(server)))
		contact, isNew, err := client.Contacts.Upsert(context.Background(), "u1", wrapper.UpdateContactRequest{Name: wrapper.Ptr("Ada")})
		require.NoError(t, err)
		assert.True(t, isNew)
		assert.Equal(t, "Ada", contact.Name)
		assert.Len(t, server.Contacts(), 1)
	})
	t.Run("the create did not take effect: the error says so, and nothing is sent again", func(t *testing.T) {
		t.Parallel()
		server, client := resourceServer(t)
		server.QueueFaults(gleaptest.Fault{}, gleaptest.Fault{Status: http.StatusBadGateway})
		_, _, err := client.Contacts.Upsert(context.Background(), "u1", wrapper.UpdateContactRequest{Name: wrapper.Ptr("Ada")})
		requireRequestError(t, err, 1, true)
		assert.Empty(t, server.Contacts())
		posts := 0
		for _, request := range server.Requests() {
			if request.Method == http.MethodPost {
				posts++
			}
		}
		assert.Equal(t, 1, posts)
		_, isNew, err := client.Contacts.Upsert(context.Background(), "u1", wrapper.UpdateContactRequest{Name: wrapper.Ptr("Ada")})
		require.NoError(t, err, "calling it again is safe")
		assert.True(t, isNew)
	})
	t.Run("any other failure of the look-up is the upsert's", func(t *testing.T) {
		t.Parallel()
		server, client := resourceServer(t)
		server.QueueFaults(gleaptest.Fault{Status: http.StatusForbidden})
		_, _, err := client.Contacts.Upsert(context.Background(), "u1", wrapper.UpdateContactRequest{Name: wrapper.Ptr("Ada")})
		requireAPIError(t, err, http.StatusForbidden)
		assert.Len(t, server.Requests(), 1)
	})
}
