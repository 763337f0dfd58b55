package gleaptest

import (
	"net/http"

	"github.com/gleap-community/gleap-go/internal/hostcheck"
)

// foreignHostMessage is the answer to an API request at another name.
const foreignHostMessage = "gleaptest answers only at an IP address, localhost or the name it was bound to, " +
	"such as http://127.0.0.1:4010/v3: a request that names another host may come from a web page rebinding its name to this machine"

// trustedHost reports whether host, a request's Host header, names this server in a way a web site cannot
// borrow by DNS rebinding: an IP address, localhost, or the host of WithAddr (see hostcheck.Trusted).
func (s *Server) trustedHost(host string) bool {
	return hostcheck.Trusted(host, s.boundHost)
}

// refuseForeignHost answers a request to the API whose Host is not trusted with 403, as Gleap answers
// a request it does not allow, and records it: whoever wonders why their request was refused finds it.
func (s *Server) refuseForeignHost(w http.ResponseWriter, r *http.Request) {
	s.finish(w, s.records.add(r, nil), errorAnswer(http.StatusForbidden, foreignHostMessage), nil)
}
