package strictjson

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/wrapper"
)

func TestDecodeRefusesWhatEncodingJSONWouldGuess(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, input, wantErr string
	}{
		{"a member twice", `{"ticket":"t","isNote":true,"isNote":false}`, `member "isNote" appears twice`},
		{"a member twice, the same value", `{"ticket":"t","ticket":"t"}`, `member "ticket" appears twice`},
		{"a member in another case", `{"ticket":"t","ISNOTE":true}`, `member "ISNOTE" must be spelled "isNote"`},
		{"a member twice, once in another case", `{"ticket":"t","isNote":true,"isnote":false}`, `member "isnote" must be spelled "isNote"`},
		{"twice in the channel", `{"ticket":"t","channel":{"id":"c1","id":"c2"}}`, `member "channel.id" appears twice`},
		{"another case in the fallback user", `{"ticket":"t","fallbackUser":{"Email":"a@example.com"}}`, `member "fallbackUser.Email" must be spelled "fallbackUser.email"`},
		{"twice in an attachment", `{"ticket":"t","attachments":[{"name":"a","url":"https://x.example/a"},{"name":"b","url":"https://x.example/b","url":"https://x.example/c"}]}`, `member "attachments[1].url" appears twice`},
		{"another case in an action", `{"ticket":"t","actions":[{"TYPE":"button"}]}`, `member "actions[0].TYPE" must be spelled "actions[0].type"`},
		{"still: an unknown member", `{"ticket":"t","colour":"red"}`, `json: unknown field "colour"`},
		{"still: not an object", `[]`, "json: cannot unmarshal array"},
		{"still: a wrong type inside", `{"ticket":"t","channel":"email"}`, "json: cannot unmarshal string"},
		{"still: cut short", `{"ticket":"t","channel":{"id":"c"`, "unexpected EOF"},
		{"still: data after it", `{"ticket":"t"} {}`, ErrDataAfterValue.Error()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var req wrapper.CreateMessageRequest
			err := Decode([]byte(tc.input), &req)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)

			var change wrapper.UpdateMessageRequest
			err = Decode([]byte(tc.input), &change)
			require.Error(t, err, "a change of a message is read as strictly")
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestDecodeKeepsFreeFormJSONAsWritten(t *testing.T) {
	t.Parallel()
	// comment, data and the other free-form members are sent as they are written: their names are
	// the caller's, in any case, and nothing of them is chosen by the decoder.
	input := ` {"ticket":"t","channel":null,"data":{"orderId":1,"OrderID":2,"nested":{"A":[{"a":1}]}},` +
		`"comment":{"type":"doc","content":[]},"statusHistory":[{"S":1},"x",null]} ` + "\n"
	var req wrapper.CreateMessageRequest

	require.NoError(t, Decode([]byte(input), &req))

	assert.Equal(t, "t", *req.Ticket)
	assert.Nil(t, req.Channel)
	assert.JSONEq(t, `{"orderId":1,"OrderID":2,"nested":{"A":[{"a":1}]}}`, string(req.Data))
	assert.Len(t, req.StatusHistory, 3)
}

func TestDecodeChecksTheFieldsOfAnEmbeddedStruct(t *testing.T) {
	t.Parallel()
	// No type of the API embeds another today; one generated from an allOf could.
	type Inner struct {
		Note *bool `json:"isNote"`
	}
	type outer struct {
		Inner
		Ticket string `json:"ticket"`
		Skip   string `json:"-"`
	}
	var into outer

	require.NoError(t, Decode([]byte(`{"ticket":"t","isNote":true}`), &into))
	assert.True(t, *into.Note)
	assert.ErrorContains(t, Decode([]byte(`{"isNote":true,"isNote":false}`), &into), `member "isNote" appears twice`)
	assert.ErrorContains(t, Decode([]byte(`{"IsNote":true}`), &into), `member "IsNote" must be spelled "isNote"`)
	assert.ErrorContains(t, Decode([]byte(`{"Skip":"x"}`), &into), `json: unknown field "Skip"`)
}
