package gleaptest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// Code holding a revoked key: the server requires the current one and answers any other with 401, as
// Gleap would.
func ExampleWithRequiredKey() {
	server, err := gleaptest.Start(gleaptest.WithRequiredKey("gl_sk_current"))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()

	for _, key := range []string{"gl_sk_revoked", "gl_sk_current"} {
		client, err := wrapper.New(key, "test-project", wrapper.WithBaseURL(server.URL))
		if err != nil {
			log.Fatal(err)
		}
		_, err = client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello")
		var apiErr *wrapper.APIError
		switch {
		case err == nil:
			fmt.Println("stored")
		case errors.As(err, &apiErr):
			fmt.Println(apiErr.StatusCode, apiErr.Message)
		default:
			log.Fatal(err)
		}
	}
	// Output:
	// 401 the API key is not the one this server requires (gleaptest.WithRequiredKey, gleap mock --require-key)
	// stored
}
