// Command demo shows gleap-go end to end without a Gleap account or the network: it starts a stand-in
// for the Gleap API on loopback that validates every request and answer against openapi.yaml, sends a
// reply, an internal note and a bot message through the wrapper, and prints each request and response.
//
// Run it with `make demo` (or `go run ./examples/demo`). It exits non-zero if anything breaks the contract.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"

	"github.com/gleap-community/gleap-go/internal/fakegleap"
	"github.com/gleap-community/gleap-go/wrapper"
)

const ticketID = "6752e9a8b7c6d5e4f3a21098"

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	validator, err := fakegleap.NewValidator()
	if err != nil {
		return err
	}
	var (
		mu         sync.Mutex
		violations []error
	)
	srv := httptest.NewServer(validator.Wrap(fakegleap.NewServer(nil), func(err error) {
		mu.Lock()
		defer mu.Unlock()
		violations = append(violations, err)
	}))
	defer srv.Close()
	fmt.Fprintf(out, "Fake Gleap API (validating against openapi.yaml) on %s/v3\n", srv.URL)

	client, err := wrapper.New("demo-secret-api-key", "64f1c2d3e4a5b6c7d8e9f999",
		wrapper.WithBaseURL(srv.URL+"/v3"),
		wrapper.WithUserAgent("gleap-go-demo"),
		wrapper.WithHTTPClient(&http.Client{Transport: printingTransport{out: out}}),
	)
	if err != nil {
		return err
	}

	ctx := context.Background()
	steps := []struct {
		title string
		send  func() error
	}{
		{"a reply the contact sees", func() error {
			_, err := client.PostReply(ctx, ticketID, "Hi Ada,\nthanks for the report. We're on it!")
			return err
		}},
		{"an internal note only the team sees", func() error {
			_, err := client.PostNote(ctx, ticketID, "Customer is on the Pro plan; escalate if it happens again.",
				wrapper.WithAuthor("64f1c2d3e4a5b6c7d8e9f012"))
			return err
		}},
		{"a bot message with a file", func() error {
			_, err := client.PostBotMessage(ctx, ticketID, "Here is the troubleshooting guide 📎",
				wrapper.WithAttachment("guide.pdf", "https://cdn.example.com/files/guide.pdf", "application/pdf"))
			return err
		}},
	}
	for i, step := range steps {
		fmt.Fprintf(out, "\n=== %d. %s\n", i+1, step.title)
		if err := step.send(); err != nil {
			return err
		}
	}

	mu.Lock()
	defer mu.Unlock()
	if len(violations) > 0 {
		return fmt.Errorf("%d contract violations, the first: %w", len(violations), violations[0])
	}
	fmt.Fprintf(out, "\nAll %d requests and responses matched openapi.yaml.\n", len(steps))
	return nil
}

// printingTransport prints each request and response that passes through it. It shows the
// Authorization header masked: a key never belongs in output.
type printingTransport struct {
	out io.Writer
}

// RoundTrip prints the request, sends it with the default transport, and prints the response.
func (p printingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readAndRestore(&req.Body)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(p.out, "--> %s %s\n", req.Method, req.URL.Path)
	for _, name := range []string{"Authorization", "Project", "Content-Type", "User-Agent"} {
		value := req.Header.Get(name)
		if name == "Authorization" && value != "" {
			value = "Bearer ****"
		}
		fmt.Fprintf(p.out, "    %s: %s\n", name, value)
	}
	printJSON(p.out, body)

	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err = readAndRestore(&resp.Body)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(p.out, "<-- %s\n", resp.Status)
	printJSON(p.out, body)
	return resp, nil
}

// readAndRestore reads a body and puts an unread copy back in its place.
func readAndRestore(body *io.ReadCloser) ([]byte, error) {
	if *body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(*body)
	_ = (*body).Close()
	*body = io.NopCloser(bytes.NewReader(data))
	return data, err
}

func printJSON(out io.Writer, body []byte) {
	var indented bytes.Buffer
	if json.Indent(&indented, body, "    ", "  ") != nil {
		indented.Reset()
		indented.Write(body)
	}
	fmt.Fprintf(out, "    %s\n", indented.String())
}
