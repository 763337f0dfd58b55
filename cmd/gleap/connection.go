package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/gleap-community/gleap-go/wrapper"
)

// connection holds the flags every command that calls Gleap has: the credentials, the API root and the
// retries. The environment fills in what the flags leave out.
type connection struct {
	apiKey, project, baseURL *string
	maxRetries               *int
	insecureHTTP             *bool
}

func addConnectionFlags(flags *flag.FlagSet) *connection {
	return &connection{
		maxRetries: flags.Int("max-retries", wrapper.DefaultRetryPolicy().MaxRetries, "how often to retry a request that the retry policy allows to retry"),
		apiKey:     flags.String("api-key", "", "the API key (default $GLEAP_API_KEY; prefer the variable, flags show in ps)"),
		project:    flags.String("project", "", "the project id (default $GLEAP_PROJECT)"),
		baseURL:    flags.String("base-url", "", "the API root (default $GLEAP_BASE_URL, else "+wrapper.DefaultBaseURL+")"),
		insecureHTTP: flags.Bool("insecure-http", false,
			"allow a plain http:// API root on a host other than loopback: the API key then travels unencrypted, so only inside a trusted network"),
	}
}

// names are the names of the connection's inputs as the user gave them: the flag when it is set, else
// the environment variable.
func (c *connection) names() inputNames {
	source := func(flagValue, flagName, variable string) string {
		if flagValue != "" {
			return flagName
		}
		return variable
	}
	return inputNames{
		"apiKey":                 source(*c.apiKey, "--api-key", "GLEAP_API_KEY"),
		"projectID":              source(*c.project, "--project", "GLEAP_PROJECT"),
		"baseURL":                source(*c.baseURL, "--base-url", "GLEAP_BASE_URL"),
		"RetryPolicy.MaxRetries": "--max-retries",
		"rateLimit":              "--rate-limit",
	}
}

// settings are the connection's values once the environment has filled them in; baseURL has no
// trailing slash.
type settings struct {
	apiKey, project, baseURL string
}

// resolve fills in the connection from the environment and makes its client, with extra options after
// the connection's own. Every error means nothing was sent: the caller exits with exitUsage.
func (c *connection) resolve(getenv func(string) string, extra ...wrapper.Option) (*wrapper.Client, settings, error) {
	resolved := settings{
		apiKey:  firstSet(*c.apiKey, getenv("GLEAP_API_KEY")),
		project: firstSet(*c.project, getenv("GLEAP_PROJECT")),
		baseURL: strings.TrimSuffix(firstSet(*c.baseURL, getenv("GLEAP_BASE_URL"), wrapper.DefaultBaseURL), "/"),
	}
	switch {
	case resolved.apiKey == "":
		return nil, resolved, errors.New("gleap: no API key: set GLEAP_API_KEY (or pass --api-key)")
	case resolved.project == "":
		return nil, resolved, errors.New("gleap: no project: set GLEAP_PROJECT (or pass --project)")
	}
	opts := []wrapper.Option{wrapper.WithBaseURL(resolved.baseURL), wrapper.WithMaxRetries(*c.maxRetries),
		wrapper.WithUserAgent("gleap-cli/" + wrapper.Version)}
	if *c.insecureHTTP {
		opts = append(opts, wrapper.WithInsecureHTTP())
	}
	client, err := wrapper.New(resolved.apiKey, resolved.project, append(opts, extra...)...)
	return client, resolved, c.names().inCLITerms(err)
}

func firstSet(values ...string) string {
	for _, value := range values {
		if value != "" {
			return value
		}
	}
	return ""
}
