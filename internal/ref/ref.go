// Package ref holds the Go type of a reference Gleap sends either as a bare id or as the whole object
// (the author of a message, its contact). openapi.yaml names it with x-go-type, so that the generated
// types read such a field without a union method call; package wrapper gives it its public names.
package ref

import (
	"bytes"
	"encoding/json"
	"errors"
)

// errNotAReference is the error of a value that is neither an id nor an object.
var errNotAReference = errors.New("a reference must be an id (a string) or an object")

// IDOr is a reference to a T that Gleap sends as a bare id ("64f1...") or as the whole object
// ({"_id": "64f1...", ...}, or {"id": "64f1...", ...}). Its zero value is a reference that was not sent.
type IDOr[T any] struct {
	// ID is the id: the bare id as sent, or the object's "_id", else its "id" when that is a string (""
	// when the object has neither).
	ID string
	// Object is the whole object when Gleap embedded it, nil when it sent a bare id.
	Object *T
}

// UnmarshalJSON reads a bare id, an object or null (which leaves r as it is).
func (r *IDOr[T]) UnmarshalJSON(data []byte) error {
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.Equal(trimmed, []byte("null")):
		return nil
	case len(trimmed) > 0 && trimmed[0] == '"':
		return json.Unmarshal(trimmed, &r.ID)
	case len(trimmed) > 0 && trimmed[0] == '{':
		var ids struct {
			DocumentID string `json:"_id"`
			ID         any    `json:"id"`
		}
		object := new(T)
		if err := json.Unmarshal(trimmed, object); err != nil {
			return err
		}
		if err := json.Unmarshal(trimmed, &ids); err != nil {
			return err
		}
		r.ID, r.Object = ids.DocumentID, object
		// Some answers name the object by "id" alone; one that is no string is no id of ours.
		if id, isText := ids.ID.(string); r.ID == "" && isText {
			r.ID = id
		}
		return nil
	}
	// The value is not quoted: it is the server's, and may hold anything.
	return errNotAReference
}

// MarshalJSON writes the object when there is one, else the bare id, else null.
func (r IDOr[T]) MarshalJSON() ([]byte, error) {
	switch {
	case r.Object != nil:
		return json.Marshal(r.Object)
	case r.ID != "":
		return json.Marshal(r.ID)
	}
	return []byte("null"), nil
}
