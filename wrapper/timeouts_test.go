package wrapper_test

// Each attempt's time limit: WithTimeout, the caller's deadline and the 30-second default, against a
// server that never answers.

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// neverAnswers holds the answer back until the client gives up and closes the connection.
var neverAnswers = gleaptest.Fault{Delay: time.Hour}

func TestSlowServerPastTheTimeout(t *testing.T) {
	t.Parallel()
	t.Run("WithTimeout", func(t *testing.T) {
		t.Parallel()
		server := newServer(t, neverAnswers)
		client, _ := newFaultClient(t, server.URL, wrapper.WithTimeout(50*time.Millisecond))
		err := post(client, context.Background())
		requireRequestError(t, err, 1, true)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Len(t, server.Requests(), 1)
	})
	t.Run("the caller's deadline", func(t *testing.T) {
		t.Parallel()
		server := newServer(t, neverAnswers)
		client, _ := newFaultClient(t, server.URL)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err := post(client, ctx)
		requireRequestError(t, err, 1, true)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Len(t, server.Requests(), 1)
	})
}

func TestEachAttemptGetsATimeout(t *testing.T) {
	t.Parallel()
	callerDeadline := time.Now().Add(time.Hour)
	cases := []struct {
		name        string
		opts        []wrapper.Option
		ctxDeadline time.Time
		want        func(deadline time.Time, ok bool)
	}{
		{"30 seconds by default", nil, time.Time{}, func(deadline time.Time, ok bool) {
			require.True(t, ok)
			assert.WithinDuration(t, time.Now().Add(30*time.Second), deadline, 5*time.Second)
		}},
		{"the caller's deadline replaces the default", nil, callerDeadline, func(deadline time.Time, ok bool) {
			require.True(t, ok)
			assert.Equal(t, callerDeadline, deadline)
		}},
		{"WithTimeout applies within the caller's deadline", []wrapper.Option{wrapper.WithTimeout(time.Minute)}, callerDeadline, func(deadline time.Time, ok bool) {
			require.True(t, ok)
			assert.WithinDuration(t, time.Now().Add(time.Minute), deadline, 5*time.Second)
		}},
		{"WithTimeout(0) leaves no limit", []wrapper.Option{wrapper.WithTimeout(0)}, time.Time{}, func(_ time.Time, ok bool) {
			assert.False(t, ok)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var deadline time.Time
			var hasDeadline bool
			transport := roundTripperFunc(func(req *http.Request) (*http.Response, error) {
				deadline, hasDeadline = req.Context().Deadline()
				return nil, errors.New("stop here")
			})
			opts := append([]wrapper.Option{wrapper.WithHTTPClient(&http.Client{Transport: transport})}, tc.opts...)
			client, _ := newFaultClient(t, wrapper.DefaultBaseURL, opts...)
			ctx := context.Background()
			if !tc.ctxDeadline.IsZero() {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, tc.ctxDeadline)
				defer cancel()
			}
			_ = post(client, ctx)
			tc.want(deadline, hasDeadline)
		})
	}
}
