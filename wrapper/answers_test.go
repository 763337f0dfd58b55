package wrapper_test

// Success answers the client cannot use: malformed, or larger than it accepts. The message exists, so
// they are never retried, and a huge answer is refused without being read whole.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func TestMalformedSuccessAnswerIsNeverRetried(t *testing.T) {
	t.Parallel()
	server := newServer(t, everyAttempt(offContractAnswer(http.StatusOK, "application/json", `{"_id":`))...)
	client, _ := newFaultClient(t, server.URL, retryUnknownOutcomes())

	err := post(client, context.Background())

	requireRequestError(t, err, 1, false)
	assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
	assert.Len(t, server.Requests(), 1, "the message exists; only its answer is unreadable")
}

// hugeAnswer answers 200 with a 50 MiB JSON message, written from one small buffer so that the server
// itself allocates next to nothing.
func hugeAnswer(declareLength bool) gleaptest.Fault {
	const size = 50 << 20
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	return gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if declareLength {
			w.Header().Set("Content-Length", fmt.Sprint(size+len(`{"comment":""}`)))
		}
		if _, err := io.WriteString(w, `{"comment":"`); err != nil {
			return
		}
		for written := 0; written < size; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading, as it should
			}
		}
		_, _ = io.WriteString(w, `"}`)
	})}
}

// Not parallel: it measures the process's allocations, so nothing else may run beside it.
func TestFiftyMiBAnswerIsRefusedWithBoundedMemory(t *testing.T) {
	for _, declareLength := range []bool{false, true} {
		t.Run(fmt.Sprintf("Content-Length declared: %v", declareLength), func(t *testing.T) {
			server := newServer(t, everyAttempt(hugeAnswer(declareLength))...)
			client, _ := newFaultClient(t, server.URL)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)

			err := post(client, context.Background())

			runtime.ReadMemStats(&after)
			requireRequestError(t, err, 1, false)
			assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
			assert.Contains(t, err.Error(), "4194304")
			allocated := after.TotalAlloc - before.TotalAlloc
			// Reading the answer whole would allocate over 100 MiB; the 4 MiB cap keeps the client far below
			// half the answer's size, race detector included.
			assert.Less(t, allocated, uint64(25<<20), "allocated %d MiB for a 50 MiB answer", allocated>>20)
			assert.Len(t, server.Requests(), 1)
		})
	}
}

func TestResponseCapIsConfigurable(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client, _ := newFaultClient(t, server.URL, wrapper.WithMaxResponseBytes(64))
	err := post(client, context.Background())
	requireRequestError(t, err, 1, false)
	assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
}

func TestASuccessAnswerThatIsNoMessageIsAnError(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`null`, `[]`, `[{"_id":"a"}]`, `"stored"`, `42`, `true`} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			server := newServer(t, everyAttempt(offContractAnswer(http.StatusOK, "application/json", body))...)
			client, _ := newFaultClient(t, server.URL)

			message, err := client.Messages.Reply(context.Background(), ticketID, "hello")

			assert.Nil(t, message)
			requireRequestError(t, err, 1, false)
			assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
			assert.Contains(t, err.Error(), "may exist", "a create answered oddly must not be sent again")
			assert.Len(t, server.Requests(), 1)

			updated, err := client.Messages.Update(context.Background(), "6752f0c1a4b3c2d1e0f98765",
				wrapper.UpdateMessageRequest{IsNote: wrapper.Ptr(true)})
			assert.Nil(t, updated)
			assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)

			found, err := client.Messages.Search(context.Background(), "refund")
			assert.Nil(t, found)
			assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
		})
	}
}

func TestASuccessAnswerThatIsNotJSONSaysSo(t *testing.T) {
	t.Parallel()
	// Each starts as a JSON value of some kind would: the error must not take it for one.
	for _, body := range []string{`not json`, `nul`, `trueish`, `-`, `<html>stored</html>`, `"unterminated`} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			server := newServer(t, everyAttempt(offContractAnswer(http.StatusOK, "application/json", body))...)
			client, _ := newFaultClient(t, server.URL)

			_, err := client.Messages.Reply(context.Background(), ticketID, "hello")

			requireRequestError(t, err, 1, false)
			assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
			assert.Contains(t, err.Error(), "the answer is not JSON")
			assert.NotContains(t, err.Error(), "where an object was expected")
		})
	}
}

func TestAListAnsweredWithSomethingElseThanAPageIsAnError(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`null`, `"page"`, `7`} {
		server := newServer(t, everyAttempt(offContractAnswer(http.StatusOK, "application/json", body))...)
		client, _ := newFaultClient(t, server.URL)
		page, err := client.Messages.ListPage(context.Background(), wrapper.MessageFilter{}, "")
		assert.Nil(t, page, body)
		assert.ErrorIs(t, err, wrapper.ErrInvalidResponse, body)
	}
}

func TestAMessageWithoutAnIDIsStillASuccess(t *testing.T) {
	t.Parallel()
	// Gleap's published document shows such an answer to a create.
	server := newServer(t, offContractAnswer(http.StatusOK, "application/json", `{"comment":{"type":"doc"}}`))
	client, _ := newFaultClient(t, server.URL)
	message, err := client.Messages.Reply(context.Background(), ticketID, "hello")
	require.NoError(t, err)
	assert.Empty(t, message.ID, "the README says ID can be empty")
}
