package contract

import (
	"maps"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// projectHeader is the header that names the Gleap project of a request.
const projectHeader = "project"

// projectScheme is the name under which credentialHeaders declares the project header a security
// scheme: not one a document would choose for itself, and one that sorts after the usual names of
// bearer schemes (bearerAuth, jwt), so that, as with openapi.yaml, a request without any credentials is
// told about the Authorization header first.
const projectScheme = "projectHeader-gleaptest"

// credentialHeaders makes doc's required project header parameters security requirements, as
// openapi.yaml declares the header: a request without it is then refused with 401 and the reason
// checkCredentials gives, as openapi.yaml has it refused, rather than with 400 for a missing parameter.
// Gleap's published documents declare the header a parameter of every operation.
func credentialHeaders(doc *openapi3.T) {
	scheme := &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: projectHeader}}
	declared := false
	for _, item := range doc.Paths.Map() {
		everyOperation := dropProjectHeader(&item.Parameters)
		for _, operation := range item.Operations() {
			if !dropProjectHeader(&operation.Parameters) && !everyOperation {
				continue
			}
			inherited := doc.Security
			if operation.Security != nil {
				inherited = *operation.Security
			}
			requirements := openapi3.SecurityRequirements{}
			for _, requirement := range inherited {
				requirement = maps.Clone(requirement)
				requirement[projectScheme] = []string{}
				requirements = append(requirements, requirement)
			}
			if len(requirements) == 0 { // an operation open to all still needs the project
				requirements = append(requirements, openapi3.SecurityRequirement{projectScheme: {}})
			}
			operation.Security = &requirements
			declared = true
		}
	}
	if !declared {
		return
	}
	if doc.Components == nil {
		doc.Components = &openapi3.Components{}
	}
	if doc.Components.SecuritySchemes == nil {
		doc.Components.SecuritySchemes = openapi3.SecuritySchemes{}
	}
	doc.Components.SecuritySchemes[projectScheme] = scheme
}

// dropProjectHeader removes the required project header from parameters, and tells whether it was there.
func dropProjectHeader(parameters *openapi3.Parameters) bool {
	found := false
	kept := (*parameters)[:0:0]
	for _, parameter := range *parameters {
		if p := parameter.Value; p != nil && p.In == openapi3.ParameterInHeader && p.Required &&
			strings.EqualFold(p.Name, projectHeader) {
			found = true
			continue
		}
		kept = append(kept, parameter)
	}
	*parameters = kept
	return found
}
