package contract

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	gleap "github.com/gleap-community/gleap-go"
)

// OpenAPIYAML is the name of our own document, as violations of it are reported.
const OpenAPIYAML = "openapi.yaml"

// Document is one OpenAPI 3.0 document, loaded and checked, that traffic is checked against. It is
// safe for concurrent use.
type Document struct {
	name      string
	published bool // a third-party document: its violations start with its name
	router    routers.Router
	// slots bounds how many requests are checked at once: kin-openapi's validation of a body costs
	// hundreds of times its size in allocations, so a few large bodies at once would otherwise make a
	// server's memory balloon.
	slots chan struct{}
}

// maxConcurrentChecks is the size of Document.slots.
const maxConcurrentChecks = 4

// Ours returns openapi.yaml, the document the client is generated from, checked strictly. It is loaded
// once for the whole process: reading and checking it takes longer than most tests.
func Ours() (*Document, error) {
	return loadOurs()
}

// loadOurs loads openapi.yaml the first time it is called, and returns the same document ever after.
var loadOurs = sync.OnceValues(func() (*Document, error) {
	doc, err := load(OpenAPIYAML, gleap.OpenAPISpec())
	if err != nil {
		return nil, err
	}
	return newDocument(OpenAPIYAML, false, doc)
})

// Published loads spec, a third-party OpenAPI 3.0 document (YAML or JSON) called name, such as Gleap's
// own published one, to check requests against leniently: its examples are not validated, and a
// required project header parameter is checked as a credential (see the package doc). Its violations
// start with name. It fails when name is blank or spec is not a valid document with a server.
func Published(name string, spec []byte) (*Document, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("the document needs a name, to tell its violations from openapi.yaml's")
	}
	lenient := openapi3.DisableExamplesValidation()
	doc, err := load(name, spec, lenient)
	if err != nil {
		return nil, err
	}
	credentialHeaders(doc)
	return newDocument(name, true, doc, lenient)
}

// Name returns the document's name.
func (d *Document) Name() string {
	return d.name
}

// load loads and checks spec, the OpenAPI document called name, with opts. Its first server URL is
// reduced to its path (/v3), so requests are matched on any host and port.
func load(name string, spec []byte, opts ...openapi3.ValidationOption) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", name, err)
	}
	if err := doc.Validate(loader.Context, opts...); err != nil {
		return nil, fmt.Errorf("%s is not valid: %w", name, err)
	}
	if len(doc.Servers) == 0 {
		return nil, fmt.Errorf("%s declares no server", name)
	}
	serverURL, err := url.Parse(doc.Servers[0].URL)
	if err != nil {
		return nil, fmt.Errorf("%s server URL: %w", name, err)
	}
	doc.Servers = openapi3.Servers{{URL: serverURL.Path}}
	return doc, nil
}

// newDocument routes requests to the operations of doc, the loaded document called name, checked with
// opts.
func newDocument(name string, published bool, doc *openapi3.T, opts ...openapi3.ValidationOption) (*Document, error) {
	router, err := legacy.NewRouter(doc, opts...)
	if err != nil {
		return nil, fmt.Errorf("routing %s: %w", name, err)
	}
	return &Document{name: name, published: published, router: router, slots: make(chan struct{}, maxConcurrentChecks)}, nil
}
