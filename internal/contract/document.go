package contract

import (
	"errors"
	"fmt"
	"slices"
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
	// roots are the paths of the document's server URLs, such as /v3 (see serversIntoPaths): a request
	// outside them, such as one to Gleap's admin routes beside /v3, is not the document's to check.
	roots []string
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
	doc, roots, err := load(OpenAPIYAML, gleap.OpenAPISpec(), nil)
	if err != nil {
		return nil, err
	}
	return newDocument(OpenAPIYAML, false, doc, roots)
})

// Published loads spec, a third-party OpenAPI 3.0 document (YAML or JSON) called name, such as Gleap's
// own published one, to check requests against leniently: its examples are not validated, a required
// project header parameter is checked as a credential (see the package doc), and a path parameter it
// leaves undeclared, as Gleap's document of sessions leaves {userId}, is taken as a string
// (declarePathParameters). Its violations start with name. It fails when name is blank or spec is not a valid document with a server.
func Published(name string, spec []byte) (*Document, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("the document needs a name, to tell its violations from openapi.yaml's")
	}
	lenient := openapi3.DisableExamplesValidation()
	doc, roots, err := load(name, spec, declarePathParameters, lenient)
	if err != nil {
		return nil, err
	}
	credentialHeaders(doc)
	return newDocument(name, true, doc, roots, lenient)
}

// Name returns the document's name.
func (d *Document) Name() string {
	return d.name
}

// load loads and checks spec, the OpenAPI document called name, with opts, after mend (unless nil) has
// mended what a lenient reading of it forgives. Its servers are reduced to their paths and put in front
// of the paths they serve, so requests are matched on any host and port; it returns those paths too
// (serversIntoPaths).
func load(name string, spec []byte, mend func(*openapi3.T), opts ...openapi3.ValidationOption) (*openapi3.T, []string, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, nil, fmt.Errorf("loading %s: %w", name, err)
	}
	if mend != nil {
		mend(doc)
	}
	if err := doc.Validate(loader.Context, opts...); err != nil {
		return nil, nil, fmt.Errorf("%s is not valid: %w", name, err)
	}
	roots, err := serversIntoPaths(name, doc)
	if err != nil {
		return nil, nil, err
	}
	return doc, roots, nil
}

// covers reports whether a request to path is d's to check: one under the path of one of its servers.
func (d *Document) covers(path string) bool {
	return slices.ContainsFunc(d.roots, func(root string) bool { return under(path, root) })
}

// newDocument routes requests to the operations of doc, the loaded document called name whose servers'
// paths are roots, checked with opts.
func newDocument(name string, published bool, doc *openapi3.T, roots []string, opts ...openapi3.ValidationOption) (*Document, error) {
	router, err := legacy.NewRouter(doc, opts...)
	if err != nil {
		return nil, fmt.Errorf("routing %s: %w", name, err)
	}
	return &Document{name: name, published: published, router: router, roots: roots, slots: make(chan struct{}, maxConcurrentChecks)}, nil
}
