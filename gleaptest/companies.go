package gleaptest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// maxCompanyBytes bounds what the stored companies hold together.
const maxCompanyBytes = 16 << 20

// companies behaves like Gleap's admin routes of companies: PUT creates a company or changes the fields
// it sets, GET reads it, DELETE removes it (its contacts stay). It keeps at most max companies and
// maxCompanyBytes of them; each one past either evicts the company created first.
type companies struct {
	now func() time.Time
	max int

	mu      sync.Mutex
	byID    map[string]*storedCompany
	bytes   int
	lastSeq uint64
}

// storedCompany is one stored company, its fields as the server answers with them.
type storedCompany struct {
	seq    uint64
	fields map[string]json.RawMessage
	answer []byte
}

func newCompanies(now func() time.Time, maxCompanies int) *companies {
	return &companies{now: now, max: maxCompanies, byID: make(map[string]*storedCompany)}
}

// put creates company id with the fields body sets, or sets them on the company there is, and answers
// with the company as it is now.
func (c *companies) put(id string, body []byte) answer {
	fields, err := requestFields(body, &api.CompanyRequest{})
	if err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not a company: "+err.Error())
	}
	now := jsonText(c.now().UTC().Round(0).Format(time.RFC3339Nano))
	c.mu.Lock()
	defer c.mu.Unlock()
	company := c.byID[id]
	if company == nil {
		c.lastSeq++
		company = &storedCompany{seq: c.lastSeq, fields: map[string]json.RawMessage{"companyId": jsonText(id), "createdAt": now}}
		c.byID[id] = company
	}
	c.bytes -= len(company.answer)
	maps.Copy(company.fields, fields)
	company.fields["updatedAt"] = now
	company.answer = jsonText(company.fields)
	c.bytes += len(company.answer)
	for len(c.byID) > c.max || c.bytes > maxCompanyBytes {
		oldest := slices.MinFunc(slices.Collect(maps.Values(c.byID)), func(a, b *storedCompany) int { return cmp.Compare(a.seq, b.seq) })
		if oldest == company {
			break // a company alone is at most a body
		}
		c.remove(oldest)
	}
	return jsonAnswer(http.StatusOK, company.answer)
}

// remove forgets company. The caller holds c.mu.
func (c *companies) remove(company *storedCompany) {
	delete(c.byID, stringField(company.fields, "companyId"))
	c.bytes -= len(company.answer)
}

// companyNotFound is the answer to a call on a company the server does not have.
func companyNotFound(id string) answer {
	return errorAnswer(http.StatusNotFound, fmt.Sprintf("Company %q not found.", id))
}

// get answers with company id, or 404.
func (c *companies) get(id string) answer {
	c.mu.Lock()
	defer c.mu.Unlock()
	company := c.byID[id]
	if company == nil {
		return companyNotFound(id)
	}
	return jsonAnswer(http.StatusOK, company.answer)
}

// delete removes company id, answering 200, or 404.
func (c *companies) delete(id string) answer {
	c.mu.Lock()
	defer c.mu.Unlock()
	company := c.byID[id]
	if company == nil {
		return companyNotFound(id)
	}
	c.remove(company)
	return encodedAnswer(map[string]bool{"success": true})
}

// clear forgets every company.
func (c *companies) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.byID)
	c.bytes = 0
}

// Companies returns the companies the server stores now, in the order they were created, as the server
// answers with them.
func (s *Server) Companies() []api.Company {
	s.companies.mu.Lock()
	defer s.companies.mu.Unlock()
	stored := slices.SortedFunc(maps.Values(s.companies.byID), func(a, b *storedCompany) int { return cmp.Compare(a.seq, b.seq) })
	list := make([]api.Company, len(stored))
	for i, company := range stored {
		if err := json.Unmarshal(company.answer, &list[i]); err != nil {
			panic(fmt.Sprintf("gleaptest: stored company %d does not decode into api.Company: %v", i, err))
		}
	}
	return list
}
