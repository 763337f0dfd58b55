package gleaptest_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestSnapshotHoldsWhatTheServerStoresAndGot(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithClock(ticking(start)))
	inTicket := post(t, server, `{"ticket":"ticket-a","comment":"in a ticket"}`)
	inNone := post(t, server, `{"comment":"in no ticket"}`)
	status, _ := send(t, http.MethodPut, server.URL+"/messages/"+inNone, credentials(), `{"comment":"changed"}`)
	require.Equal(t, http.StatusOK, status)

	snapshot := server.Snapshot()
	require.Len(t, snapshot.Messages, 2)
	first, second := snapshot.Messages[0], snapshot.Messages[1]
	assert.Equal(t, inTicket, first.ID)
	require.NotNil(t, first.Ticket)
	assert.Equal(t, "ticket-a", *first.Ticket)
	assert.Equal(t, start, first.CreatedAt)
	assert.Equal(t, first.CreatedAt, first.UpdatedAt)
	assert.Equal(t, inNone, second.ID)
	assert.Nil(t, second.Ticket, "a message without a ticket")
	assert.True(t, second.UpdatedAt.After(second.CreatedAt), "changed after it was created")
	assert.JSONEq(t, `{"_id":"`+inNone+`","id":"`+inNone+`","comment":"changed","index":0,`+
		`"createdAt":"`+second.CreatedAt.Format(time.RFC3339Nano)+`","updatedAt":"`+second.UpdatedAt.Format(time.RFC3339Nano)+`"}`,
		string(second.JSON), "as the server answers with it")

	require.Len(t, snapshot.Requests, 3)
	assert.Equal(t, server.Requests(), snapshot.Requests)
	for i, req := range snapshot.Requests {
		assert.Equal(t, uint64(i+1), req.Number, "counted from 1")
		assert.False(t, req.Received.IsZero())
	}
	assert.Equal(t, server.Version(), snapshot.Version)
}

func TestSnapshotIsACopySafeToChange(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	post(t, server, `{"ticket":"ticket-a","comment":"one"}`)
	post(t, server, `{"ticket":"ticket-a","comment":"two"}`)

	snapshot := server.Snapshot()
	*snapshot.Messages[0].Ticket = "changed"
	copy(snapshot.Messages[1].JSON, "garbage")
	copy(snapshot.Requests[0].Body, "garbage")
	snapshot.Requests[0].Header.Set("Project", "changed")

	again := server.Snapshot()
	for _, message := range again.Messages {
		assert.Equal(t, "ticket-a", *message.Ticket, "the store's ticket, shared by its messages, is untouched")
	}
	assert.Len(t, listArray(t, server, "ticket=ticket-a"), 2)
	assert.JSONEq(t, `"two"`, string(server.Messages()[1].Comment))
	assert.Contains(t, string(again.Requests[0].Body), `"one"`)
	assert.Equal(t, "p", again.Requests[0].Header.Get("Project"))
}

func TestChangedFiresAtTheNextChangeOrAtOnce(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	version := server.Version()
	changed := server.Changed(version)
	assert.False(t, fired(changed), "nothing has changed")
	post(t, server, `{"ticket":"ticket-a","comment":"one"}`)
	assert.True(t, fired(changed), "a request changes the server")
	assert.Greater(t, server.Version(), version)
	assert.True(t, fired(server.Changed(version)), "a version already past fires at once")

	version = server.Version()
	changed = server.Changed(version)
	assert.False(t, fired(changed))
	server.Clear()
	assert.True(t, fired(changed), "so does Clear")
	assert.Greater(t, server.Version(), version, "and the version goes on")
}

func TestChangedHoldsOneChannelForAnyNumberOfWaiters(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	version := server.Version()
	first := server.Changed(version)
	for range 100_000 { // waiters that never read: they cost nothing, and hold nothing up
		require.Equal(t, first, server.Changed(version), "every waiter shares the one channel")
	}
	for range 20 {
		post(t, server, `{"ticket":"ticket-a","comment":"posted while nobody reads"}`)
	}
	<-first
	assert.Len(t, server.Messages(), 20)
}

func TestAViewThatFollowsChangedMissesNoChange(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	const posts = 40
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	seen := make(chan int, 1)
	go func() { // a view: show the snapshot, wait for the next change, again until every message is in
		for {
			snapshot := server.Snapshot()
			if len(snapshot.Messages) == posts {
				seen <- len(snapshot.Messages)
				return
			}
			select {
			case <-server.Changed(snapshot.Version):
			case <-ctx.Done():
				seen <- len(snapshot.Messages)
				return
			}
		}
	}()
	var posting sync.WaitGroup
	for range posts {
		posting.Go(func() { post(t, server, `{"ticket":"ticket-a","comment":"concurrent"}`) })
	}
	posting.Wait()
	assert.Equal(t, posts, <-seen, "the view saw the last change")
}

func TestClearForgetsMessagesAndRecordsButNotIDs(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	first := post(t, server, `{"ticket":"ticket-a","comment":"one"}`)
	server.Clear()
	assert.Empty(t, server.Messages())
	assert.Empty(t, server.Requests())

	second := post(t, server, `{"ticket":"ticket-a","comment":"two"}`)
	assert.NotEqual(t, first, second, "an id is never handed out twice")
	messages := server.Messages()
	require.Len(t, messages, 1)
	assert.Equal(t, 0, messages[0].Index, "the ticket starts over")
	requests := server.Requests()
	require.Len(t, requests, 1)
	assert.Equal(t, uint64(2), requests[0].Number, "nor a request's number")
}

func TestWithHandlerServesPagesBesideTheAPI(t *testing.T) {
	t.Parallel()
	var order []string
	page := func(path, text string) func(*gleaptest.Server, http.Handler) http.Handler {
		return func(_ *gleaptest.Server, api http.Handler) http.Handler {
			order = append(order, path)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == path {
					_, _ = io.WriteString(w, text)
					return
				}
				api.ServeHTTP(w, r)
			})
		}
	}
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithHandler(page("/one", "first")), gleaptest.WithHandler(page("/two", "second")))
	root := strings.TrimSuffix(server.URL, "/v3")

	assert.Equal(t, []string{"/one", "/two"}, order, "each mount wraps what the ones before made")
	for path, want := range map[string]string{"/one": "first", "/two": "second"} {
		status, _, body := exchange(t, http.MethodGet, root+path, http.Header{}, "")
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, want, string(body))
	}
	assert.Empty(t, server.Requests(), "the pages' requests are not the API's")

	post(t, server, `{"ticket":"ticket-a","comment":"through both pages"}`)
	status, _ := send(t, http.MethodGet, root+"/three", http.Header{}, "")
	assert.Equal(t, http.StatusNotFound, status, "any other path is the API's, and is refused as Gleap would")
	assert.Len(t, server.Requests(), 2)
	assert.Len(t, recorder.failures(), 1, "and checked against openapi.yaml")
}

func TestCloseEndsTheContextOfAPageThatLasts(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	stream := func(_ *gleaptest.Server, api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/stream" {
				api.ServeHTTP(w, r)
				return
			}
			close(entered)
			<-r.Context().Done() // a stream that lasts as long as its page, or the server
			_, _ = io.WriteString(w, "ended: "+r.Context().Err().Error())
		})
	}
	server, err := gleaptest.Start(gleaptest.WithHandler(stream))
	require.NoError(t, err)
	answered := make(chan string, 1)
	go func() {
		_, _, body := exchange(t, http.MethodGet, strings.TrimSuffix(server.URL, "/v3")+"/stream", http.Header{}, "")
		answered <- string(body)
	}()
	<-entered

	server.Close()
	// Had Close not ended the context, it would have cut the connection after its 5 seconds of grace,
	// and the page could not have answered.
	assert.Equal(t, "ended: context canceled", <-answered)
}

func TestChangedForALaterVersionWaitsUntilVersionIsPastIt(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	version := server.Version()
	next, later := server.Changed(version), server.Changed(version+2)

	post(t, server, `{"ticket":"ticket-a","comment":"one"}`) // arrives (version+1) and is answered (version+2)

	assert.True(t, fired(next))
	assert.False(t, fired(later), "Version %d is not past %d", server.Version(), version+2)
	assert.Equal(t, later, server.Changed(version+2), "every waiter for one version shares one channel")
	post(t, server, `{"ticket":"ticket-a","comment":"two"}`) // its arrival takes Version past version+2
	assert.True(t, fired(later))
	assert.Greater(t, server.Version(), version+2)
}

func TestCloseWakesWhoeverWaitsOnChanged(t *testing.T) {
	t.Parallel()
	server, err := gleaptest.Start()
	require.NoError(t, err)
	next, ahead := server.Changed(server.Version()), server.Changed(server.Version()+100)
	assert.False(t, fired(server.Done()), "not closed yet")

	server.Close()

	assert.True(t, fired(next), "a follower waiting only on Changed ends")
	assert.True(t, fired(ahead))
	assert.True(t, fired(server.Changed(server.Version())), "and Changed is closed at once after Close")
	assert.True(t, fired(server.Done()), "Done tells a follower that the server is closed")
}

// fired reports whether c is closed, without waiting.
func fired(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
