package gleaptest_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestServerRefusesBodiesOverOneMiB(t *testing.T) {
	t.Parallel()
	const streamed = 2 << 20 // produced while it is sent, never held by the test
	for _, declared := range []bool{true, false} {
		t.Run("Content-Length declared: "+strconv.FormatBool(declared), func(t *testing.T) {
			t.Parallel()
			recorder := &recordingTB{TB: t}
			server := gleaptest.NewServer(recorder)
			req, err := http.NewRequest(http.MethodPost, server.URL+"/messages", io.LimitReader(rand.Reader, streamed))
			require.NoError(t, err)
			req.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}, "Project": {"p"}}
			if declared {
				req.ContentLength = streamed
			} // else the length is unknown and the body goes chunked
			transport := &http.Transport{}
			defer transport.CloseIdleConnections()

			resp, err := (&http.Client{Transport: transport}).Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()

			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
			var body map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.Equal(t, 413.0, body["statusCode"], "a Gleap-style error body")
			assert.Empty(t, server.Messages())
			assert.Zero(t, server.Requests(), "the body never reached the server's API")
			assert.Empty(t, recorder.failures(), "too large is an answer, not a contract violation")
		})
	}
}

func TestWithMaxMessagesKeepsTheNewest(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithMaxMessages(2))
	client := newClient(t, server)

	for _, text := range []string{"first", "second", "third"} {
		_, err := client.PostReply(context.Background(), ticketID, text)
		require.NoError(t, err)
	}

	messages := server.Messages()
	require.Len(t, messages, 2)
	assert.Contains(t, string(messages[0].Comment), `"text":"second"`)
	assert.Contains(t, string(messages[1].Comment), `"text":"third"`)
	assert.Equal(t, 3, server.Requests(), "Requests counts the evicted ones too")
}

func TestWithMaxMessagesNeedsRoomForOne(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	done := make(chan struct{})
	go func() { // NewServer stops its goroutine, as t.Fatal would
		defer close(done)
		gleaptest.NewServer(recorder, gleaptest.WithMaxMessages(0))
	}()
	<-done
	assert.Equal(t, []string{"gleaptest: WithMaxMessages(0): a server must keep at least 1 message"}, recorder.failures())
}
