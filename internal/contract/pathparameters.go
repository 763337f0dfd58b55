package contract

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// declarePathParameters declares the parameters of doc's path templates that an operation leaves
// undeclared as required strings, as Gleap's document leaves {userId} of /sessions/by-user-id/{userId}:
// kin-openapi refuses such a document, whose server can only take the segment as it comes.
func declarePathParameters(doc *openapi3.T) {
	for path, item := range doc.Paths.Map() {
		for _, operation := range item.Operations() {
			for _, name := range pathTemplateNames(path) {
				if operation.Parameters.GetByInAndName(openapi3.ParameterInPath, name) == nil &&
					item.Parameters.GetByInAndName(openapi3.ParameterInPath, name) == nil {
					operation.Parameters = append(operation.Parameters, &openapi3.ParameterRef{Value: openapi3.NewPathParameter(name).
						WithSchema(openapi3.NewStringSchema())})
				}
			}
		}
	}
}

// pathTemplateNames returns the names of the parameters of a path template, such as userId of
// /sessions/by-user-id/{userId}.
func pathTemplateNames(path string) []string {
	var names []string
	for _, segment := range strings.Split(path, "/") {
		if name, ok := strings.CutPrefix(segment, "{"); ok {
			names = append(names, strings.TrimSuffix(name, "}"))
		}
	}
	return names
}
