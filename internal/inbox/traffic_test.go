package inbox_test

import "github.com/gleap-community/gleap-go/internal/apitest"

// The raw requests of these tests, as gleaptest's own tests send them.
var (
	credentials = apitest.Credentials
	send        = apitest.Send
	exchange    = apitest.Exchange
	post        = apitest.Post
	postMany    = apitest.PostMany
)
