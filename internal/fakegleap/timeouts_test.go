package fakegleap_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/gleap-community/gleap-go/internal/fakegleap"
)

func TestDefaultTimeoutsBoundEveryPhaseOfAConnection(t *testing.T) {
	t.Parallel()
	var srv http.Server
	fakegleap.DefaultTimeouts().Apply(&srv)

	assert.Equal(t, 10*time.Second, srv.ReadHeaderTimeout)
	assert.Equal(t, 30*time.Second, srv.ReadTimeout)
	assert.Equal(t, 45*time.Second, srv.WriteTimeout)
	assert.Equal(t, time.Minute, srv.IdleTimeout)
	// The write timeout runs from the end of the headers, the read timeout from their start: a body that
	// arrives just in time must still leave time to answer it.
	assert.Greater(t, srv.WriteTimeout, srv.ReadTimeout)
}
