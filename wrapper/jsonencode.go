package wrapper

import (
	"bytes"
	"encoding/json"
)

// encodeJSON encodes value as encoding/json does, but leaves <, > and & as they are: the body is JSON,
// not HTML, and the caller's text should arrive as written. json.Marshal is tried first, as it costs
// fewer allocations; only an output holding a \u00XX escape is encoded again without HTML escaping.
func encodeJSON(value any) ([]byte, error) {
	encoded, err := json.Marshal(value)
	if err != nil || !bytes.Contains(encoded, []byte(`\u00`)) {
		return encoded, err
	}
	var out bytes.Buffer
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(value); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}
