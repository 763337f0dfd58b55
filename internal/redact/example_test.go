package redact_test

import (
	"fmt"
	"net/url"

	"github.com/gleap-community/gleap-go/internal/redact"
)

func ExampleSecret_Text() {
	secret := redact.New("a+secret/of-ours")
	fmt.Println(secret.Text("the receiver got a+secret/of-ours, in the URL " + url.QueryEscape("a+secret/of-ours")))
	// Output:
	// the receiver got [REDACTED], in the URL [REDACTED]
}

func ExampleSecret_Cut() {
	secret := redact.New("a-secret-of-ours")
	fmt.Println(secret.Cut("echo: a-secret-of-ours", 40))
	fmt.Println(secret.Cut("echo: a-secret-of-ours", 12)) // the secret is replaced before the cut
	fmt.Println(secret.Cut("echo: a-secret-of-", 12))     // what was read stops inside the secret
	// Output:
	// echo: [REDACTED]
	// echo: [REDAC
	// echo:
}
