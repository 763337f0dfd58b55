// Package strictjson decodes JSON that a person wrote, refusing what encoding/json would guess at: a
// member given twice, a member spelled in another case than its field, an unknown member, anything after
// the value. The gleap CLI reads its --json and --batch input with it.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ErrDataAfterValue is the error of input that goes on after its value: a second value, or a
// truncated concatenation, which must not go unnoticed.
var ErrDataAfterValue = errors.New("there is data after the value")

// Decode decodes the one JSON value in data into into, where encoding/json alone would guess: in the
// objects of into's own types (into itself, and its fields' structs at any depth, such as a message's
// channel or its attachments), a member given twice (encoding/json keeps the last) and a member that
// matches a field only in another case (ISNOTE for isNote) are errors naming the member. So is an unknown
// field, and anything but whitespace after the value is ErrDataAfterValue. The free-form values
// (json.RawMessage, such as comment and data) are sent as written, and their names are not checked.
func Decode(data []byte, into any) error {
	tokens := json.NewDecoder(bytes.NewReader(data))
	err := checkMembers(tokens, reflect.TypeOf(into), nil)
	if errors.Is(err, io.EOF) && len(bytes.TrimSpace(data)) > 0 {
		err = io.ErrUnexpectedEOF // the value was cut short
	}
	if err != nil {
		return err
	}
	end := tokens.InputOffset()
	_, err = tokens.Token()
	var syntaxErr *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
	case err == nil, errors.As(err, &syntaxErr):
		return ErrDataAfterValue
	default:
		return err
	}
	decoder := json.NewDecoder(bytes.NewReader(data[:end]))
	decoder.DisallowUnknownFields()
	return decoder.Decode(into)
}

// checkMembers reads the next value of tokens, which is to be decoded into a value of type t, and checks
// the names of the members of its objects that are t's structs. path names the value in errors. A
// free-form value is skipped, and what does not fit t is left for the decoder to refuse.
func checkMembers(tokens *json.Decoder, t reflect.Type, path *jsonPath) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if freeForm(t) {
		return tokens.Decode(&skipped{})
	}
	token, err := tokens.Token()
	if err != nil {
		return err
	}
	switch token {
	case json.Delim('{'):
		return checkObject(tokens, t, path)
	case json.Delim('['):
		var element reflect.Type // nil: not a list, so its elements have nothing to check
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			element = t.Elem()
		}
		for i := 0; tokens.More(); i++ {
			if err := checkMembers(tokens, element, &jsonPath{parent: path, index: i}); err != nil {
				return err
			}
		}
		_, err = tokens.Token() // ]
		return err
	}
	return nil // a string, number, true, false or null: the decoder checks that it fits
}

// checkObject reads the members of an object, after its {, up to its }: one that is to be decoded into
// a struct t must name each field at most once, and in the field's own case.
func checkObject(tokens *json.Decoder, t reflect.Type, path *jsonPath) error {
	var fields []jsonField
	if t.Kind() == reflect.Struct {
		fields = jsonFieldsOf(t)
	}
	given := make([]bool, len(fields))
	for tokens.More() {
		token, err := tokens.Token()
		if err != nil {
			return err
		}
		name, _ := token.(string) // a member name: Token returns nothing else here
		member := &jsonPath{parent: path, name: name, index: -1}
		var memberType reflect.Type // nil: not a field, skipped (the decoder refuses an unknown field)
		if i := slices.IndexFunc(fields, func(f jsonField) bool { return f.name == name }); i >= 0 {
			if given[i] {
				return fmt.Errorf("member %q appears twice: give each member once", member.String())
			}
			given[i], memberType = true, fields[i].typ
		} else if i := slices.IndexFunc(fields, func(f jsonField) bool { return strings.EqualFold(f.name, name) }); i >= 0 {
			spelled := jsonPath{parent: path, name: fields[i].name, index: -1}
			return fmt.Errorf("member %q must be spelled %q: member names are case-sensitive", member.String(), spelled.String())
		}
		if err := checkMembers(tokens, memberType, member); err != nil {
			return err
		}
	}
	_, err := tokens.Token() // }
	return err
}

// jsonPath names a value inside the input, such as attachments[1].url, by the members (name, index -1)
// and the elements of lists (index) that lead to it from the top (nil). It is written out only for an
// error.
type jsonPath struct {
	parent *jsonPath
	name   string
	index  int
}

// String writes the path out, such as attachments[1].url; "" for the top.
func (p *jsonPath) String() string {
	switch {
	case p == nil:
		return ""
	case p.index >= 0:
		return p.parent.String() + "[" + strconv.Itoa(p.index) + "]"
	case p.parent == nil:
		return p.name
	}
	return p.parent.String() + "." + p.name
}

// freeForm reports whether a value of type t is taken as written, with no member names to check: a
// type that decodes itself (json.RawMessage), a map, an interface, []byte (a base64 string), and what is
// not in a field (nil).
func freeForm(t reflect.Type) bool {
	if t == nil || reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return true
	}
	switch t.Kind() {
	case reflect.Map, reflect.Interface:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.Uint8
	}
	return false
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// skipped takes any JSON value and keeps nothing of it.
type skipped struct{}

// UnmarshalJSON takes any value and keeps nothing.
func (*skipped) UnmarshalJSON([]byte) error { return nil }

// jsonField is a field of a struct as encoding/json names it.
type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields caches jsonFieldsOf by struct type: every line of a batch is the same type.
var jsonFields sync.Map

// jsonFieldsOf lists the fields encoding/json decodes into a struct t, by their JSON names, with the
// fields of an embedded struct promoted as encoding/json promotes them.
func jsonFieldsOf(t reflect.Type) []jsonField {
	if cached, ok := jsonFields.Load(t); ok {
		return cached.([]jsonField)
	}
	var fields []jsonField
	for i := range t.NumField() {
		field := t.Field(i)
		tag := field.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		embedded := field.Type
		if embedded.Kind() == reflect.Pointer {
			embedded = embedded.Elem()
		}
		switch {
		case tag == "-":
			continue
		case field.Anonymous && name == "" && embedded.Kind() == reflect.Struct:
			fields = append(fields, jsonFieldsOf(embedded)...)
			continue
		case !field.IsExported():
			continue
		case name == "":
			name = field.Name
		}
		fields = append(fields, jsonField{name: name, typ: field.Type})
	}
	jsonFields.Store(t, fields)
	return fields
}
