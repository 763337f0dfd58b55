package gleaptest

import (
	"errors"
	"maps"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// requestSpec is a second OpenAPI document that requests are checked against (WithRequestsCheckedAgainst).
type requestSpec struct {
	name      string
	validator *validator
	// root is the path of the document's server URL, such as /v3: the requests outside it, such as those
	// to Gleap's admin routes beside /v3, are not the document's to check.
	root string
}

// covers reports whether a request to path is the document's to check: one below its server URL.
func (r requestSpec) covers(path string) bool {
	return path == r.root || strings.HasPrefix(path, r.root+"/")
}

// projectHeader is the header that names the Gleap project of a request.
const projectHeader = "project"

// projectScheme is the name under which credentialHeaders declares the project header a security
// scheme: not one a document would choose for itself, and one that sorts after the usual names of
// bearer schemes (bearerAuth, jwt), so that, as with openapi.yaml, a request without any credentials is
// told about the Authorization header first.
const projectScheme = "projectHeader-gleaptest"

// newRequestSpec loads spec, the document called name. A third-party document is checked leniently:
// its examples are not validated (machine-made documents often give a number as a string), and a path
// parameter it does not declare is taken as a string (declarePathParameters).
func newRequestSpec(name string, spec []byte) (requestSpec, error) {
	if strings.TrimSpace(name) == "" {
		return requestSpec{}, errors.New("the document needs a name, to tell its violations from openapi.yaml's")
	}
	lenient := openapi3.DisableExamplesValidation()
	var root string
	doc, err := loadDocument(name, spec, func(doc *openapi3.T) {
		declarePathParameters(doc)
		if len(doc.Servers) > 0 {
			root, _ = serverPath(doc.Servers[0]) // loadDocument refuses a URL that does not parse
		}
	}, lenient)
	if err != nil {
		return requestSpec{}, err
	}
	credentialHeaders(doc)
	v, err := newDocumentValidator(name, doc, lenient)
	if err != nil {
		return requestSpec{}, err
	}
	return requestSpec{name: name, validator: v, root: root}, nil
}

// credentialHeaders makes doc's required project header parameters security requirements, as
// openapi.yaml declares the header: a request without it is then refused with 401 and the reason
// checkCredentials gives, as openapi.yaml has it refused, rather than with 400 for a missing parameter.
// Gleap's published document declares the header a parameter of every operation.
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

// specViolation is a request's violation of a document of WithRequestsCheckedAgainst: its message
// starts with the document's name.
type specViolation struct {
	spec string
	err  error
}

func (v *specViolation) Error() string {
	return v.spec + ": " + v.err.Error()
}

func (v *specViolation) Unwrap() error {
	return v.err
}

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
