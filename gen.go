// Package gleap holds the contract of gleap-go: the hand-written OpenAPI document of the Gleap REST API
// that the generated client in package api is made from.
//
// Applications use package wrapper (github.com/gleap-community/gleap-go/wrapper); the raw generated
// client lives in package api.
package gleap

import _ "embed"

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config api/oapi-codegen.yaml openapi.yaml

//go:embed openapi.yaml
var openAPISpec []byte

// OpenAPISpec returns a copy of openapi.yaml, the OpenAPI 3.0 document the client is generated from and
// tested against. Validating servers (such as the project's test server) load it at run time.
func OpenAPISpec() []byte {
	return append([]byte(nil), openAPISpec...)
}
