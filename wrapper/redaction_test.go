package wrapper_test

// The second round of attacks on the key: a server that spells it with JSON escapes, splits it across the
// error body's cut, hides it in answers the caller reads raw, or makes the transport's own errors quote it.

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// answeringWith starts gleaptest with every request answered by handler, and a client for it that
// makes one attempt per call.
func answeringWith(t *testing.T, apiKey string, handler http.HandlerFunc) *wrapper.Client {
	t.Helper()
	server := gleaptest.NewServer(t)
	faults := make([]gleaptest.Fault, 3)
	for i := range faults {
		faults[i].Handler = handler
	}
	server.QueueFaults(faults...)
	client, err := wrapper.New(apiKey, testProject, wrapper.WithBaseURL(server.URL), wrapper.WithMaxRetries(0))
	require.NoError(t, err)
	return client
}

// rawAnswer answers with the bytes answer makes of the request's Authorization header, written straight
// to the connection.
func rawAnswer(answer func(authorization string) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = io.WriteString(conn, answer(r.Header.Get("Authorization")))
	}
}

// assertNowhere checks that no error in err's chain, however it is printed, holds any of secrets.
func assertNowhere(t *testing.T, err error, secrets ...string) {
	t.Helper()
	require.Error(t, err)
	chain := []error{err}
	for len(chain) > 0 {
		next := chain[0]
		chain = chain[1:]
		for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			for _, secret := range secrets {
				assert.NotContains(t, fmt.Sprintf(format, next), secret, "format %s of %T", format, next)
			}
		}
		switch wrapped := next.(type) {
		case interface{ Unwrap() error }:
			if inner := wrapped.Unwrap(); inner != nil {
				chain = append(chain, inner)
			}
		case interface{ Unwrap() []error }:
			chain = append(chain, wrapped.Unwrap()...)
		}
	}
}

func TestTheKeySpelledWithJSONEscapesIsRedacted(t *testing.T) {
	t.Parallel()
	client := answeringWith(t, testKey, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"message":"Invalid API key \u%04x%s"}`, testKey[0], testKey[1:])
	})
	_, err := client.Messages.Reply(context.Background(), ticketID, "hello")
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Invalid API key [REDACTED]", apiErr.Message)
	var body struct{ Message string }
	require.NoError(t, json.Unmarshal(apiErr.Body, &body))
	assert.Equal(t, "Invalid API key [REDACTED]", body.Message, "the body no longer decodes to the key")
	assertNowhere(t, err, testKey)
}

func TestAKeyAcrossTheErrorBodyCutIsRedacted(t *testing.T) {
	t.Parallel()
	const kept = 4 << 10
	for cut := 1; cut < len(testKey); cut += 5 {
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			t.Parallel()
			client := answeringWith(t, testKey, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, strings.Repeat("x", kept-cut)+testKey+" and more")
			})
			_, err := client.Messages.Reply(context.Background(), ticketID, "hello")
			var apiErr *wrapper.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.LessOrEqual(t, len(apiErr.Body), kept)
			for n := 4; n <= len(testKey); n++ {
				assert.NotContains(t, string(apiErr.Body), testKey[:n], "%d bytes of the key", n)
			}
		})
	}
}

func TestTransportErrorsQuotingTheKeyAreRedactedAllTheWayDown(t *testing.T) {
	t.Parallel()
	quotedKey := `gl_sk_a"b<c>&d\e` // every character a JSON or Go quoting escapes
	client := answeringWith(t, quotedKey, rawAnswer(func(authorization string) string {
		return "HTTP/1.1 200 OK\r\n" + authorization + "\r\nContent-Length: 2\r\n\r\n{}"
	}))
	_, err := client.Messages.Reply(context.Background(), ticketID, "hello")
	assertNowhere(t, err, quotedKey, `a\"b<c>&d\\e`, `a\"b\u003cc\u003e\u0026d\\e`)
	assert.Contains(t, err.Error(), "[REDACTED]", "the error still says what went wrong")
	var netErr net.Error
	if errors.As(err, &netErr) {
		assert.NotContains(t, netErr.Error(), quotedKey, "errors.As does not reach the unredacted original")
	}
}

func TestTheRawAnswerIsRedacted(t *testing.T) {
	t.Parallel()
	client := answeringWith(t, testKey, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"_id":"6752e9a8b7c6d5e4f3a21099","note":"%s"}`, r.Header.Get("Authorization"))
	})
	var raw wrapper.Response
	_, err := client.Messages.Reply(context.Background(), ticketID, "hello", wrapper.WithResponseInto(&raw))
	require.NoError(t, err)
	assert.Equal(t, "Bearer [REDACTED]", raw.Header.Get("X-Echo"))
	assert.JSONEq(t, `{"_id":"6752e9a8b7c6d5e4f3a21099","note":"Bearer [REDACTED]"}`, string(raw.Body))
}

func TestPlainHTTPThroughTheCallersProxyIsRefused(t *testing.T) {
	t.Parallel()
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { proxied.Add(1) }))
	t.Cleanup(proxy.Close)
	viaProxy := &http.Client{Transport: &http.Transport{Proxy: func(*http.Request) (*url.URL, error) { return url.Parse(proxy.URL) }}}

	_, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL("http://127.0.0.1:4010/v3"), wrapper.WithHTTPClient(viaProxy))
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "httpClient", invalid.Field)

	_, err = wrapper.New(testKey, testProject, wrapper.WithBaseURL("https://api.gleap.io/v3"), wrapper.WithHTTPClient(viaProxy))
	assert.NoError(t, err, "over https the proxy sees only ciphertext")
	assert.Zero(t, proxied.Load())
}

// detachedTransport runs each request on a context of its own, so the client sees none of its progress.
type detachedTransport struct{ inner http.RoundTripper }

func (d detachedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := d.inner.RoundTrip(req.Clone(ctx))
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	return resp, err
}

func TestABadTLSRecordAfterTheRequestIsNotTakenForNeverSent(t *testing.T) {
	t.Parallel()
	certSource := httptest.NewUnstartedServer(http.NotFoundHandler())
	certSource.StartTLS()
	certificates, roots := certSource.TLS.Certificates, certSource.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	certSource.Close()
	listener, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: certificates})
	require.NoError(t, err)
	t.Cleanup(func() { _ = listener.Close() })
	var requests atomic.Int32
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				requests.Add(1)
				// Plain bytes where a TLS record belongs: crypto/tls reports a RecordHeaderError.
				_, _ = conn.(*tls.Conn).NetConn().Write([]byte("garbage\r\n\r\n"))
			}()
		}
	}()
	httpClient := &http.Client{Transport: detachedTransport{&http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}}
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL("https://"+listener.Addr().String()+"/v3"),
		wrapper.WithHTTPClient(httpClient), wrapper.WithSleep(func(context.Context, time.Duration) error { return nil }))
	require.NoError(t, err)

	_, err = client.Messages.Reply(context.Background(), ticketID, "hello")

	assert.ErrorIs(t, err, wrapper.ErrOutcomeUnknown)
	assert.Equal(t, int32(1), requests.Load(), "the request reached the server once and is not sent again")
}

func TestTheKeySpelledWithEscapesInALongErrorBodyIsWithheld(t *testing.T) {
	t.Parallel()
	client := answeringWith(t, testKey, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		// The escaped key comes first; the body goes on far past the 4 KiB an error keeps.
		fmt.Fprintf(w, `{"message":"Invalid API key \u%04x%s","padding":"%s"}`, testKey[0], testKey[1:], strings.Repeat("x", 64<<10))
	})
	_, err := client.Messages.Reply(context.Background(), ticketID, "hello")
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.NotContains(t, string(apiErr.Body), testKey[1:], "not even spelled with a JSON escape")
	assertNowhere(t, err, testKey, testKey[1:])
}

// escapeEvery spells text with a JSON \u escape for every character.
func escapeEvery(text string) string {
	var b strings.Builder
	for _, r := range text {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// unescapeEvery decodes every \u escape of text, wherever it stands, as JSON reads one (an escaped
// backslash before a u is not an escape): what a reader of a logged body could do by hand.
var unicodeEscape = regexp.MustCompile(`\\\\|\\u([0-9a-fA-F]{4})`)

func unescapeEvery(text string) string {
	return unicodeEscape.ReplaceAllStringFunc(text, func(escape string) string {
		if escape == `\\` {
			return `\`
		}
		code, _ := strconv.ParseUint(escape[2:], 16, 32)
		return string(rune(code))
	})
}

// assertNoPieceOfTheKey checks that text, however it is unescaped, holds no 8 bytes of key in a row.
func assertNoPieceOfTheKey(t *testing.T, text, key string) {
	t.Helper()
	for _, form := range []string{text, unescapeEvery(text)} {
		for i := 0; i+8 <= len(key); i++ {
			assert.NotContains(t, form, key[i:i+8])
		}
	}
}

func TestTheKeySpelledWithEscapesIsRedactedWhereverItStands(t *testing.T) {
	t.Parallel()
	const key = "gl_sk_4f9a2c7e1b8d3f6a0c5e9b2d7f1a4c8e"
	escaped := escapeEvery(key)
	acrossTheCut := `{"message":"bad","pad":"` + strings.Repeat("p", 4096-190-len(`{"message":"bad","pad":"`)-len(`","k":"`)) + `","k":"` + escaped + `"}`
	for name, answer := range map[string]struct {
		status int
		body   string
	}{
		"an error body, across the 4 KiB cut":     {http.StatusBadRequest, acrossTheCut},
		"an error body that is JSON after a word": {http.StatusBadRequest, `Error: {"apiKey":"` + escaped + `"}`},
		"an error body with a duplicate member":   {http.StatusBadRequest, `{"message":"` + escaped + `","message":"bad"}`},
		"a success body with a duplicate member":  {http.StatusOK, `{"_id":"6752e9a8b7c6d5e4f3a21099","note":"` + escaped + `","note":"x"}`},
		"a success body with a stray quote":       {http.StatusOK, `{"_id":"6752e9a8b7c6d5e4f3a21099","note":"a\"b ` + escaped + `"}`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			client := answeringWith(t, key, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(answer.status)
				_, _ = io.WriteString(w, answer.body)
			})
			var raw wrapper.Response
			_, err := client.Messages.Reply(context.Background(), ticketID, "hello", wrapper.WithResponseInto(&raw))
			assertNoPieceOfTheKey(t, string(raw.Body), key)
			var apiErr *wrapper.APIError
			if errors.As(err, &apiErr) {
				assertNoPieceOfTheKey(t, string(apiErr.Body), key)
				assertNoPieceOfTheKey(t, apiErr.Message, key)
			}
		})
	}
}

func TestAHeaderNamedAfterTheKeyIsRedacted(t *testing.T) {
	t.Parallel()
	const key = "Gl-Secret-Key"
	client := answeringWith(t, key, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(key, "x")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"_id":"6752e9a8b7c6d5e4f3a21099"}`)
	})
	var raw wrapper.Response
	_, err := client.Messages.Reply(context.Background(), ticketID, "hello", wrapper.WithResponseInto(&raw))
	require.NoError(t, err)
	for name := range raw.Header {
		assert.NotContains(t, strings.ToLower(name), strings.ToLower(key))
	}
	assert.Equal(t, []string{"x"}, raw.Header["[REDACTED]"], "the header stays, under a name without the key")
}

// FuzzRedactedBodiesNeverSpellTheKey feeds arbitrary bodies to the redaction every answer goes through:
// whatever arrives, what comes out holds the key neither as text nor once every JSON escape in it is
// decoded.
func FuzzRedactedBodiesNeverSpellTheKey(f *testing.F) {
	const key = "gl_sk_a\"b<c>&d\\e+/="
	escaped := escapeEvery(key)
	for _, body := range []string{
		`{"message":"` + escaped + `"}`, `{"m":"` + escaped + `","m":"x"}`, `Error: {"k":"` + escaped + `"}`,
		`{"m":"a\"b ` + escaped[:30] + `"}`, `["` + escaped + `"`, `\ud83d\ude00` + escaped, `{"` + escaped + `":1}`,
		`{"k":"gl_sk_a\"b<c>&d\\e+/="}`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out := string(wrapper.RedactBody(key, body))
		assert.NotContains(t, out, key)
		assert.NotContains(t, unescapeEvery(out), key)
	})
}

func TestAKeyOfTheShortestLengthIsTakenOutOfOddAnswersAndNothingElse(t *testing.T) {
	t.Parallel()
	apiKey := "k7f3a9c1"
	require.Len(t, apiKey, wrapper.MinAPIKeyLength)
	// A key as short as "k" would be taken out of "tickets" and "shareToken" too: New refuses it.
	_, err := wrapper.New("k", testProject)
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "apiKey", invalid.Field)

	// The key where the server puts it, in answers that fail some of these calls: each error is free of it.
	failures := 0
	for _, body := range []string{
		`{"id":"x","updatedAt":"` + apiKey + `"}`,
		`{"id":"x","processingUser":{"_id":"` + apiKey + `","x":1},"tags":"` + apiKey + `"}`,
		`{"tickets":[{"id":"x","createdAt":"` + apiKey + `"}]}`,
		`[{"id":"x","bugId":"` + apiKey + `"}]`,
	} {
		client := answeringWith(t, apiKey, func(w http.ResponseWriter, r *http.Request) {
			writeAnswer(w, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, body)
		})
		_, getErr := client.Tickets.Get(context.Background(), ticketID)
		_, searchErr := client.Tickets.Search(context.Background(), "refund")
		errs := []error{getErr, searchErr}
		for _, err := range client.Tickets.Watch(context.Background(), wrapper.WatchCursor{}, 0) {
			errs = append(errs, err)
		}
		for _, err := range errs {
			if err != nil {
				failures++
				assertNowhere(t, err, apiKey)
			}
		}
	}
	assert.GreaterOrEqual(t, failures, 8, "most of these answers fail most calls")

	// And out of nothing else: the rest of the answer reads as sent.
	const ticket = `{"id":"x","shareToken":"tickets-k7f3a9c","title":"k7f3a9c1 tickets"}`
	client := answeringWith(t, apiKey, func(w http.ResponseWriter, r *http.Request) {
		writeAnswer(w, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, ticket)
	})
	var raw wrapper.Response
	got, err := client.Tickets.Get(context.Background(), ticketID, wrapper.WithResponseInto(&raw))
	require.NoError(t, err)
	assert.Equal(t, "tickets-k7f3a9c", got.ShareToken)
	assert.Equal(t, `{"id":"x","shareToken":"tickets-k7f3a9c","title":"[REDACTED] tickets"}`, string(raw.Body))
}
