package contract

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// serversIntoPaths puts the path of each operation's server in front of its path and leaves one server,
// the root, so that requests are matched by their whole path on any host and port: openapi.yaml's routes
// are under /v3 (its server https://api.gleap.io/v3), except Gleap's admin routes, whose own server is
// the root of the host. kin-openapi's router reads only the document's servers, not a path's own. It
// returns the paths of the servers it put in front, each once: the document's first, then the paths'.
func serversIntoPaths(name string, doc *openapi3.T) ([]string, error) {
	if len(doc.Servers) == 0 {
		return nil, fmt.Errorf("%s declares no server", name)
	}
	root, err := serverPath(doc.Servers[0])
	if err != nil {
		return nil, fmt.Errorf("%s server URL: %w", name, err)
	}
	roots := []string{root}
	paths := openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		prefix := root
		if len(item.Servers) > 0 {
			if prefix, err = serverPath(item.Servers[0]); err != nil {
				return nil, fmt.Errorf("%s server URL of %s: %w", name, path, err)
			}
			item.Servers = nil
			if !slices.Contains(roots, prefix) {
				roots = append(roots, prefix)
			}
		}
		paths.Set(prefix+path, item)
	}
	// One server at the root: kin-openapi matches its routes against the path as it is escaped in the
	// request (an id "../x" sent as ..%2Fx stays one segment) only behind a server.
	doc.Paths, doc.Servers = paths, openapi3.Servers{{URL: "/"}}
	return roots, nil
}

// serverPath returns the path of server's URL, without a trailing slash: "/v3", or "" for a host's root.
func serverPath(server *openapi3.Server) (string, error) {
	parsed, err := url.Parse(server.URL)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(parsed.Path, "/"), nil
}

// under reports whether path is root or below it: /v3/messages is under /v3, and every path under "",
// the root of a host.
func under(path, root string) bool {
	return path == root || strings.HasPrefix(path, root+"/")
}
