package wrapper_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gleap-community/gleap-go/wrapper"
)

// The vectors were computed apart from this code, when the test was written, with OpenSSL 3.0:
//
//	printf '%s' 'USER_ID' | openssl dgst -sha256 -hmac 'SECRET'
//
// The two with the key "key" are also the HMAC-SHA256 examples on Wikipedia's HMAC page.
func TestUserHashIsTheHexHMACSHA256OfTheUserID(t *testing.T) {
	t.Parallel()
	cases := []struct {
		secret, userID, want string
	}{
		{"identity-secret-from-project-settings", "user-4711", "0ceb2c173326ed253ce3a90650a2ec98684f7c58d483f949f8c5737c04f3e344"},
		{"key", "", "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0"},
		{"key", "The quick brown fox jumps over the lazy dog", "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, wrapper.UserHash(tc.secret, tc.userID), "secret %q, user id %q", tc.secret, tc.userID)
	}
	assert.NotEqual(t, wrapper.UserHash("secret", "user-1"), wrapper.UserHash("secret", "user-2"))
	assert.NotEqual(t, wrapper.UserHash("secret-1", "user-1"), wrapper.UserHash("secret-2", "user-1"))
}
