package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/apitest"
	"github.com/gleap-community/gleap-go/webhook"
)

// listening is a gleap webhooks listen running for a test.
type listening struct {
	url   string        // where it receives
	lines chan string   // what it prints on stdout, line by line
	stop  func() string // ends it and returns what it wrote on stderr
}

// startListen runs gleap webhooks listen with args on a free port, with mockWebhookSecret in
// GLEAP_WEBHOOK_SECRET.
func startListen(t *testing.T, args ...string) listening {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutReader, stdoutWriter := io.Pipe()
	stderrReader, stderrWriter := io.Pipe()
	exited := make(chan int, 1)
	getenv := func(name string) string { return map[string]string{"GLEAP_WEBHOOK_SECRET": mockWebhookSecret}[name] }
	go func() {
		args := append([]string{"webhooks", "listen", "--addr", "127.0.0.1:0"}, args...)
		exited <- run(ctx, args, stdio{strings.NewReader(""), stdoutWriter, stderrWriter}, getenv)
		stdoutWriter.Close()
		stderrWriter.Close()
	}()
	l := listening{lines: make(chan string, 100)}
	go func() {
		defer close(l.lines)
		lines := bufio.NewScanner(stdoutReader)
		for lines.Scan() {
			l.lines <- lines.Text()
		}
	}()
	stderr := bufio.NewReader(stderrReader)
	announcement, err := stderr.ReadString('\n')
	require.NoError(t, err)
	const prefix = "gleap webhooks listen: receiving webhooks on "
	require.True(t, strings.HasPrefix(announcement, prefix), announcement)
	l.url = strings.TrimSpace(strings.TrimPrefix(announcement, prefix))
	var logs strings.Builder
	logged := make(chan struct{})
	go func() {
		defer close(logged)
		_, _ = io.Copy(&logs, stderr)
	}()
	l.stop = sync.OnceValue(func() string {
		cancel()
		assert.Equal(t, exitOK, <-exited)
		<-logged
		return logs.String()
	})
	t.Cleanup(func() { l.stop() })
	return l
}

// deliver posts w to the listener and returns the status of the answer.
func (l listening) deliver(t *testing.T, w gleaptest.Webhook) int {
	t.Helper()
	answer, err := w.Post(context.Background(), http.DefaultClient, l.url+"gleap")
	require.NoError(t, err)
	require.NoError(t, answer.Body.Close())
	return answer.StatusCode
}

// sampleWebhook is a delivery of a sample of eventType with mockWebhookSecret.
func sampleWebhook(t *testing.T, eventType string) gleaptest.Webhook {
	t.Helper()
	event, err := gleaptest.SampleEvent(eventType, time.Now())
	require.NoError(t, err)
	return gleaptest.Webhook{Event: event, Secret: mockWebhookSecret}
}

func TestListenPrintsEachVerifiedEventOnce(t *testing.T) {
	t.Parallel()
	l := startListen(t, "--secret-env", "GLEAP_WEBHOOK_SECRET")
	created := sampleWebhook(t, webhook.TicketCreated)
	require.Equal(t, http.StatusOK, l.deliver(t, created))
	require.Equal(t, http.StatusOK, l.deliver(t, created), "a repeat")
	wrong := created
	wrong.Secret = "not-the-secret-of-the-listener"
	require.Equal(t, http.StatusUnauthorized, l.deliver(t, wrong))
	inQuery := sampleWebhook(t, webhook.MessageCreated)
	inQuery.SecretParameter = webhook.SecretQueryParameter
	require.Equal(t, http.StatusOK, l.deliver(t, inQuery))

	stderr := l.stop()
	var printed []string
	for line := range l.lines {
		printed = append(printed, line)
	}
	require.Len(t, printed, 2, "the ticket once, and the message")
	assert.JSONEq(t, string(created.Event.Body), printed[0])
	assert.JSONEq(t, string(inQuery.Event.Body), printed[1])
	assert.NotContains(t, stderr, mockWebhookSecret)
	assert.NotContains(t, stderr, url.QueryEscape(mockWebhookSecret))
	assert.Contains(t, stderr, `outcome=duplicate`)
	assert.Contains(t, stderr, `status=401 outcome="secret wrong"`)
}

func TestListenForwardsAndLetsTheSenderRetryAFailedForward(t *testing.T) {
	t.Parallel()
	target, forwarded := apitest.EventReceiver(t, mockWebhookSecret)
	var down atomic.Bool
	down.Store(true)
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		proxied, err := http.NewRequest(http.MethodPost, target, r.Body)
		if !assert.NoError(t, err) {
			return
		}
		proxied.Header = r.Header
		answer, err := http.DefaultClient.Do(proxied)
		if assert.NoError(t, err) {
			w.WriteHeader(answer.StatusCode)
			_ = answer.Body.Close()
		}
	}))
	defer flaky.Close()
	l := startListen(t, "--secret-env", "GLEAP_WEBHOOK_SECRET", "--forward", flaky.URL+"/gleap?token=kept")

	updated := sampleWebhook(t, webhook.TicketUpdated)
	assert.Equal(t, http.StatusInternalServerError, l.deliver(t, updated), "the forward failed: try again")
	down.Store(false)
	assert.Equal(t, http.StatusOK, l.deliver(t, updated), "the sender's retry")
	event := <-forwarded
	assert.JSONEq(t, string(updated.Event.Body), string(event.Body))

	stderr := l.stop()
	var printed []string
	for line := range l.lines {
		printed = append(printed, line)
	}
	require.Len(t, printed, 1, "printed once it was forwarded")
	assert.Equal(t, printed[0], string(event.Body), "forwarded byte for byte as received")
	assert.Contains(t, stderr, "gleap webhooks listen: forwarding ticket.updated: the receiver answered 503")
	assert.NotContains(t, stderr, "token=kept", "the URL of --forward")
	assert.NotContains(t, stderr, mockWebhookSecret)
}

func TestListenRefusesBadFlags(t *testing.T) {
	t.Parallel()
	busy := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(busy.Close) // not defer: the subtests run after this function returns
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no secret", nil, exitUsage, "gleap webhooks listen: give the secret: --secret-env NAME (or --secret)"},
		{"a short secret", []string{"--secret", "short"}, exitUsage, "gleap webhooks listen: webhook: the secret is 5 bytes long, want at least 16"},
		{"a secret a URL cannot carry", []string{"--secret", "abcdefgh+ijklmnop"}, exitUsage,
			"gleap webhooks listen: webhook: the secret holds one of # % & + ;, which a URL's query does not carry as they are"},
		{"an unset variable", []string{"--secret-env", "UNSET"}, exitUsage,
			"gleap webhooks listen: --secret-env: the environment variable UNSET is empty or not set"},
		{"a busy address", []string{"--secret", mockWebhookSecret, "--addr", strings.TrimPrefix(busy.URL, "http://")}, exitFailure,
			"gleap webhooks listen: listen tcp"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := gleap(t, "", "", nil, append([]string{"webhooks", "listen", "--addr", "127.0.0.1:0"}, tc.args...)...)
			assert.Equal(t, tc.code, r.code)
			assert.Contains(t, r.stderr, tc.want)
			assert.NotContains(t, r.stderr, mockWebhookSecret)
			assert.NotContains(t, r.stderr, "abcdefgh+ijklmnop")
		})
	}
}

func TestTriggerSendsARealisticEvent(t *testing.T) {
	t.Parallel()
	receiver, events := apitest.EventReceiver(t, mockWebhookSecret)
	env := map[string]string{"GLEAP_WEBHOOK_SECRET": mockWebhookSecret}
	for _, eventType := range []string{webhook.TicketCreated, webhook.TicketUpdated, webhook.MessageCreated} {
		r := gleap(t, "", "", env, "webhooks", "trigger", eventType, "--to", receiver, "--secret-env", "GLEAP_WEBHOOK_SECRET")
		require.Equal(t, exitOK, r.code, r.stderr)
		event := <-events
		assert.Equal(t, eventType, event.Type)
		assert.Equal(t, gleaptest.SampleProjectID, event.ProjectID)
		id := ""
		if event.Ticket != nil {
			id = event.Ticket.ID
		} else if assert.NotNil(t, event.Message) {
			id = event.Message.ID
		}
		assert.Equal(t, eventType+" "+id+": 200 handled\n", r.stdout)
	}
	r := gleap(t, "", "", env, "webhooks", "trigger", "ticket.created", "--to", receiver, "--secret-env", "GLEAP_WEBHOOK_SECRET", "--secret-in-query")
	assert.Equal(t, exitOK, r.code, r.stderr)
	<-events
}

func TestTriggerFailsAsItShould(t *testing.T) {
	t.Parallel()
	receiver, events := apitest.EventReceiver(t, mockWebhookSecret)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(map[string]any{"got": r.Header.Get(webhook.SecretHeader)})
	}))
	t.Cleanup(echo.Close) // not defer: the subtests run after this function returns
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"a wrong secret", []string{"ticket.created", "--to", receiver, "--secret", "not-the-receivers-secret"}, exitFailure,
			": 401 the webhook secret is wrong\n", ""},
		{"no secret", []string{"ticket.created", "--to", receiver}, exitFailure, ": 401 the webhook secret is missing\n", ""},
		{"a receiver that echoes the secret", []string{"ticket.created", "--to", echo.URL, "--secret", mockWebhookSecret}, exitFailure,
			`: 403 {"got":"[REDACTED]"}` + "\n", ""},
		{"an unknown event", []string{"ticket.exploded", "--to", receiver}, exitUsage, "",
			`gleap webhooks trigger: no sample of event "ticket.exploded": there are ticket.created, ticket.updated and message.created`},
		{"no event", []string{"--to", receiver}, exitUsage, "", "name the event, such as ticket.created"},
		{"no receiver", []string{"ticket.created"}, exitUsage, "", "gleap webhooks trigger: give the receiver's URL: --to URL"},
		{"an unreachable receiver", []string{"ticket.created", "--to", gone.URL + "/?secret=" + mockWebhookSecret, "--secret", mockWebhookSecret},
			exitFailure, "", "gleap webhooks trigger: posting the webhook: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := gleap(t, "", "", nil, append([]string{"webhooks", "trigger"}, tc.args...)...)
			assert.Equal(t, tc.code, r.code, r.stderr)
			if tc.stdout == "" {
				assert.Empty(t, r.stdout)
			} else {
				assert.True(t, strings.HasSuffix(r.stdout, tc.stdout), r.stdout)
			}
			assert.Contains(t, r.stderr, tc.stderr)
			assert.NotContains(t, r.stdout+r.stderr, mockWebhookSecret)
			assert.NotContains(t, r.stderr, gone.URL)
		})
	}
	assert.Empty(t, events, "no event passed the receiver's checks")
}

// A receiver may echo the secret in any spelling, and anywhere in its answer: trigger prints none of it,
// not even a piece at the point where it cuts a long answer short.
func TestTriggerNeverPrintsTheSecretAReceiverEchoes(t *testing.T) {
	t.Parallel()
	const secret = "echo<secret>&of+the/trigger"
	const piece = "echo<s" // what a cut inside the secret would leave
	cases := map[string]func(w io.Writer){
		"as JSON escapes it": func(w io.Writer) { _ = json.NewEncoder(w).Encode(map[string]string{"got": secret}) },
		"query-escaped":      func(w io.Writer) { _, _ = io.WriteString(w, "/gleap?secret="+url.QueryEscape(secret)) },
		"path-escaped":       func(w io.Writer) { _, _ = io.WriteString(w, "/gleap/"+url.PathEscape(secret)) },
		"Go-quoted":          func(w io.Writer) { _, _ = fmt.Fprintf(w, "got %q", secret) },
		"across the cut": func(w io.Writer) {
			_, _ = io.WriteString(w, strings.Repeat("x", maxShownAnswerBytes-len(piece))+secret+" and more")
		},
		"across the cut, JSON-escaped": func(w io.Writer) {
			_, _ = io.WriteString(w, strings.Repeat("x", maxShownAnswerBytes-12)+`"echo\u003csecret\u003e\u0026of+the/trigger"`)
		},
	}
	for name, echo := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			echoing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusForbidden)
				echo(w)
			}))
			defer echoing.Close()
			r := gleap(t, "", "", map[string]string{"ECHO_SECRET": secret},
				"webhooks", "trigger", "ticket.created", "--to", echoing.URL, "--secret-env", "ECHO_SECRET")
			assert.Equal(t, exitFailure, r.code, r.stderr)
			assert.Contains(t, r.stdout, ": 403 ")
			for _, form := range []string{piece, `echo\u003cs`, "echo%3Cs", `echo\u003`} {
				assert.NotContains(t, r.stdout+r.stderr, form)
			}
		})
	}
}

// The webhooks go to the receiver and nowhere else: not through a proxy that HTTP_PROXY names.
func TestWebhooksGoThroughNoProxy(t *testing.T) {
	t.Parallel()
	transport, ok := webhookClient().Transport.(*http.Transport)
	require.True(t, ok)
	assert.Nil(t, transport.Proxy)
	assert.Equal(t, http.ErrUseLastResponse, webhookClient().CheckRedirect(nil, nil), "no redirect is followed")
}
