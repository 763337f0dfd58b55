package contract

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// checkCredentials enforces a document's security schemes: openapi3filter leaves the check to the
// caller. It only tests that the credentials are present and well formed; any key is accepted. It
// checks a published document's required project header too (see credentialHeaders).
func checkCredentials(_ context.Context, input *openapi3filter.AuthenticationInput) error {
	header := input.RequestValidationInput.Request.Header
	scheme := input.SecurityScheme
	switch {
	case scheme.Type == "http" && strings.EqualFold(scheme.Scheme, "bearer"):
		authorization := header.Get("Authorization")
		const prefix = "bearer "
		if len(authorization) <= len(prefix) || !strings.EqualFold(authorization[:len(prefix)], prefix) ||
			strings.TrimSpace(authorization[len(prefix):]) == "" {
			return errors.New(`missing "Authorization: Bearer <key>" header`)
		}
	case scheme.Type == "apiKey" && scheme.In == "header":
		if strings.TrimSpace(header.Get(scheme.Name)) == "" {
			return fmt.Errorf("missing %q header", scheme.Name)
		}
	default:
		return fmt.Errorf("security scheme %s/%s is not supported by gleap-go's contract checks", scheme.Type, scheme.In)
	}
	return nil
}
