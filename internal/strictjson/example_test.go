package strictjson_test

import (
	"fmt"

	"github.com/gleap-community/gleap-go/internal/strictjson"
)

func ExampleDecode() {
	var note struct {
		Ticket string `json:"ticket"`
		IsNote bool   `json:"isNote"`
	}
	// encoding/json would keep the last isNote and send a reply; Decode says why it will not guess.
	fmt.Println(strictjson.Decode([]byte(`{"ticket":"6752e9a8","isNote":true,"isNote":false}`), &note))
	fmt.Println(strictjson.Decode([]byte(`{"ticket":"6752e9a8","ISNOTE":true}`), &note))
	fmt.Println(strictjson.Decode([]byte(`{"ticket":"6752e9a8","isNote":true}`), &note), note.IsNote)
	// Output:
	// member "isNote" appears twice: give each member once
	// member "ISNOTE" must be spelled "isNote": member names are case-sensitive
	// <nil> true
}
