package wrapper

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// UserHash returns the hash Gleap's identity verification checks a contact's user id by: the HMAC-SHA256
// of userID keyed with secret, the project's identity verification secret (not its API key), in lower-case
// hex. Compute it on your server and hand it to your app with the user id, for Gleap's client SDKs to send
// with their identify call: Gleap then knows that the user id came from you, not from someone who typed
// another user's id into the app. Keep the secret on your server.
func UserHash(secret, userID string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(userID)) // a hash.Hash never fails to write
	return hex.EncodeToString(mac.Sum(nil))
}
