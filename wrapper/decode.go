package wrapper

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/gleap-community/gleap-go/api"
)

// methodlessMessage has api.Message's fields and tags but not its generated UnmarshalJSON, which first
// decodes the whole answer into a map[string]json.RawMessage and then decodes each field again.
type methodlessMessage api.Message

// messageFields maps the JSON name of each field of api.Message to its position, read from the
// generated struct tags so that it follows the spec.
var messageFields = func() map[string]int {
	fields := make(map[string]int)
	for i, field := range reflect.VisibleFields(reflect.TypeFor[api.Message]()) {
		if name := jsonName(field); name != "" && name != "-" {
			fields[name] = i
		}
	}
	return fields
}()

// decodeMessage decodes a success answer into exactly what api.Message's generated UnmarshalJSON
// produces, in about half the time and a third of the allocations: encoding/json fills the known fields
// in one pass, and a scan of the top-level keys collects the others into AdditionalProperties. Answers
// whose keys cannot be matched one to one that way (a key given twice, an escaped or non-ASCII key, a
// key that differs from a known one only in case) and answers it cannot decode go through the generated
// decoder, which has the last word.
func decodeMessage(body []byte) (*api.Message, error) {
	message := new(api.Message)
	if json.Unmarshal(body, (*methodlessMessage)(message)) == nil {
		if additional, ok := additionalMessageFields(body); ok {
			message.AdditionalProperties = additional
			return message, nil
		}
	}
	// The slow path also decides the errors: a key that encoding/json matched to a known field by case
	// may fail there but be an additional property here.
	*message = api.Message{}
	if err := json.Unmarshal(body, message); err != nil {
		return nil, err
	}
	return message, nil
}

// additionalMessageFields returns the top-level fields of body that api.Message does not declare,
// decoded as the generated code decodes them, or false when the fast path cannot be sure to match it.
// body must be valid JSON.
func additionalMessageFields(body []byte) (map[string]any, bool) {
	var additional map[string]any
	var seen [64]bool
	ok := eachTopLevelField(body, func(key, value []byte) bool {
		if bytes.IndexByte(key, '\\') >= 0 || !asciiFrom(string(key), ' ') {
			return false
		}
		if i, known := messageFields[string(key)]; known {
			if i >= len(seen) || seen[i] {
				return false
			}
			seen[i] = true
			return true
		}
		for name := range messageFields {
			if strings.EqualFold(name, string(key)) {
				return false // encoding/json matched it to a known field, the generated code did not
			}
		}
		var decoded any
		if json.Unmarshal(value, &decoded) != nil {
			return false
		}
		if additional == nil {
			additional = make(map[string]any)
		}
		additional[string(key)] = decoded
		return true
	})
	return additional, ok
}

// eachTopLevelField calls visit with the raw key (without quotes) and raw value of every member of the
// JSON object data, in order, until visit returns false. data must be valid JSON; when it is not an
// object (null, say) there is nothing to visit. It reports whether every visit returned true.
func eachTopLevelField(data []byte, visit func(key, value []byte) bool) bool {
	i := skipSpace(data, 0)
	if i == len(data) || data[i] != '{' {
		return true
	}
	i++
	for {
		i = skipSpace(data, i)
		switch data[i] {
		case '}':
			return true
		case ',':
			i = skipSpace(data, i+1)
		}
		keyEnd := skipString(data, i)
		key := data[i+1 : keyEnd-1]
		i = skipSpace(data, skipSpace(data, keyEnd)+1) // past the colon
		valueEnd := skipValue(data, i)
		if !visit(key, data[i:valueEnd]) {
			return false
		}
		i = valueEnd
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string that starts with the quote at data[i].
func skipString(data []byte, i int) int {
	for i++; ; i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}

// skipValue returns the index just past the value that starts at data[i].
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch data[i] {
			case '"':
				i = skipString(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	// A number, true, false or null: it ends where the object or array goes on, or at a space.
	for i < len(data) && data[i] != ',' && data[i] != '}' && data[i] != ']' && skipSpace(data, i) == i {
		i++
	}
	return i
}
