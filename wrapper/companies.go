package wrapper

import (
	"bytes"
	"context"
	"net/http"

	"github.com/gleap-community/gleap-go/api"
)

// CompaniesService holds the calls of companies, over Gleap's admin routes (known from Gleap's Node
// admin SDK, not from its reference): put, get and delete a company by your own id for it. Contacts
// belong to a company by its id (CreateContactRequest.CompanyID, IdentifyRequest.CompanyID). Reach it as
// client.Companies.
type CompaniesService struct {
	engine *engine
}

// Put creates the company companyID, your own id for it, which cannot change, or changes the one there
// is (PUT /admin/companies/{companyId}), and returns it as it is now. Only the fields of req that are set
// are sent, and only they change; Gleap keeps them over what its client SDKs and Identify send for the
// company. The call is idempotent and retried like an update.
func (c *CompaniesService) Put(ctx context.Context, companyID string, req CompanyRequest, opts ...Option) (*Company, error) {
	return call[Company](ctx, c.engine, opts, func() (endpoint, error) {
		if err := checkID("companyID", companyID); err != nil {
			return endpoint{}, err
		}
		encoded, err := encodeCompany(req)
		return newAdminEndpoint("put company", http.MethodPut, "/admin/companies/{companyId}", func(server string) (*http.Request, error) {
			return api.NewPutCompanyRequestWithBody(server, companyID, jsonContent, bytes.NewReader(encoded))
		}), err
	})
}

// Get returns the company companyID (GET /admin/companies/{companyId}). A company Gleap does not have
// fails with a *RequestError whose *APIError has StatusCode 404.
func (c *CompaniesService) Get(ctx context.Context, companyID string, opts ...Option) (*Company, error) {
	return call[Company](ctx, c.engine, opts, func() (endpoint, error) {
		return newAdminEndpoint("get company", http.MethodGet, "/admin/companies/{companyId}", func(server string) (*http.Request, error) {
			return api.NewGetCompanyRequest(server, companyID)
		}), checkID("companyID", companyID)
	})
}

// Delete deletes the company companyID (DELETE /admin/companies/{companyId}); its contacts and their
// conversations stay. It is retried like an update; a 404 to a retry after an attempt whose outcome was
// unknown means that attempt deleted it, and Delete returns nil.
func (c *CompaniesService) Delete(ctx context.Context, companyID string, opts ...Option) error {
	return goneAfterUnknownOutcome(c.engine.do(ctx, opts, func() (endpoint, error) {
		return newAdminEndpoint("delete company", http.MethodDelete, "/admin/companies/{companyId}", func(server string) (*http.Request, error) {
			return api.NewDeleteCompanyRequest(server, companyID)
		}), checkID("companyID", companyID)
	}, nil))
}

// encodeCompany encodes req as it is sent and checks it: besides what every body is checked for (see
// checkBody), CustomData is a JSON object, an SLA is not negative, and every string is valid UTF-8.
func encodeCompany(req CompanyRequest) ([]byte, error) {
	encoded, err := encodeJSON(req)
	if err != nil {
		return nil, invalidJSONField(req)
	}
	if invalid := checkBody(encoded); invalid != nil {
		return nil, invalid
	}
	if req.SLA != nil && *req.SLA < 0 {
		return nil, &ValidationError{Field: "sla", Problem: "must not be negative: it is a response time in seconds"}
	}
	if invalid := checkObjects(namedObject{"customData", req.CustomData}); invalid != nil {
		return nil, invalid
	}
	if invalid := findInvalidUTF8(req, encoded); invalid != nil {
		return nil, invalid
	}
	return encoded, nil
}
