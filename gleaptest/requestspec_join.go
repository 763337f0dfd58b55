package gleaptest

import (
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// joinDocuments joins the parts of one OpenAPI document that were cut apart: the paths and the
// components of each of more are added to spec's (a name spec has already keeps spec's). It returns spec
// itself when there is nothing to join.
func joinDocuments(spec []byte, more [][]byte) ([]byte, error) {
	if len(more) == 0 {
		return spec, nil
	}
	load := func(part []byte, which int) (*openapi3.T, error) {
		doc, err := openapi3.NewLoader().LoadFromData(part)
		if err != nil {
			return nil, fmt.Errorf("loading part %d of the document: %w", which, err)
		}
		if doc.Components == nil {
			doc.Components = &openapi3.Components{}
		}
		return doc, nil
	}
	joined, err := load(spec, 1)
	if err != nil {
		return nil, err
	}
	for i, part := range more {
		doc, err := load(part, i+2)
		if err != nil {
			return nil, err
		}
		for path, item := range doc.Paths.Map() {
			if joined.Paths.Value(path) == nil {
				joined.Paths.Set(path, item)
			}
		}
		addMissing(&joined.Components.Schemas, doc.Components.Schemas)
		addMissing(&joined.Components.Parameters, doc.Components.Parameters)
		addMissing(&joined.Components.RequestBodies, doc.Components.RequestBodies)
		addMissing(&joined.Components.Responses, doc.Components.Responses)
		addMissing(&joined.Components.SecuritySchemes, doc.Components.SecuritySchemes)
	}
	return json.Marshal(joined)
}

// addMissing adds to *into the entries of from whose names it does not have.
func addMissing[M ~map[string]V, V any](into *M, from M) {
	if *into == nil {
		*into = make(M, len(from))
	}
	for name, value := range from {
		if _, ok := (*into)[name]; !ok {
			(*into)[name] = value
		}
	}
}
