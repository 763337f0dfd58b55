package gleaptest

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// serversIntoPaths puts the path of each operation's server in front of its path and leaves one server,
// the root, so that requests are matched by their whole path on any host and port: openapi.yaml's routes are under
// /v3 (its server https://api.gleap.io/v3), except Gleap's admin routes, whose own server is the root of
// the host. kin-openapi's router reads only the document's servers, not a path's own.
func serversIntoPaths(name string, doc *openapi3.T) error {
	if len(doc.Servers) == 0 {
		return fmt.Errorf("%s declares no server", name)
	}
	root, err := serverPath(doc.Servers[0])
	if err != nil {
		return fmt.Errorf("%s server URL: %w", name, err)
	}
	paths := openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		prefix := root
		if len(item.Servers) > 0 {
			if prefix, err = serverPath(item.Servers[0]); err != nil {
				return fmt.Errorf("%s server URL of %s: %w", name, path, err)
			}
			item.Servers = nil
		}
		paths.Set(prefix+path, item)
	}
	// One server at the root: kin-openapi matches its routes against the path as it is escaped in the
	// request (an id "../x" sent as ..%2Fx stays one segment) only behind a server.
	doc.Paths, doc.Servers = paths, openapi3.Servers{{URL: "/"}}
	return nil
}

// serverPath returns the path of server's URL, without a trailing slash: "/v3", or "" for a host's root.
func serverPath(server *openapi3.Server) (string, error) {
	parsed, err := url.Parse(server.URL)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(parsed.Path, "/"), nil
}
