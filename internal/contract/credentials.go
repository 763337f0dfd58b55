package contract

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
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

// strayCredential returns why a request on route that carries header breaks the contract by sending a
// credential its operation does not take: the header of a security scheme of the document (such as
// Api-Token, which only Gleap's admin routes take, or Authorization, which they do not) that none of the
// operation's security requirements names. A key must go only where it is asked for.
func strayCredential(route *routers.Route, header http.Header) error {
	security := route.Spec.Security
	if route.Operation.Security != nil {
		security = *route.Operation.Security
	}
	if route.Spec.Components == nil {
		return nil
	}
	for name, scheme := range route.Spec.Components.SecuritySchemes {
		headerName := credentialHeader(scheme.Value)
		if headerName == "" || header.Get(headerName) == "" {
			continue
		}
		taken := slices.ContainsFunc(security, func(requirement openapi3.SecurityRequirement) bool {
			_, ok := requirement[name]
			return ok
		})
		if !taken {
			return fmt.Errorf("the request sends the %s header (security scheme %s), a credential %s %s does not take",
				headerName, name, route.Method, route.Path)
		}
	}
	return nil
}

// credentialHeader names the header a security scheme puts its credential in, or "" for a scheme
// that uses none.
func credentialHeader(scheme *openapi3.SecurityScheme) string {
	switch {
	case scheme.Type == "http" && strings.EqualFold(scheme.Scheme, "bearer"):
		return "Authorization"
	case scheme.Type == "apiKey" && scheme.In == "header":
		return scheme.Name
	}
	return ""
}
