package ref_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/internal/ref"
)

type agent struct {
	ID     *string `json:"_id,omitempty"`
	AlsoID *string `json:"id,omitempty"`
	Email  string  `json:"email,omitempty"`
}

func TestAReferenceReadsAnIDOrAnObject(t *testing.T) {
	t.Parallel()
	id, other := "64f1c2d3e4a5b6c7d8e9f012", "64f1c2d3e4a5b6c7d8e9f999"
	cases := []struct {
		name       string
		json       string
		wantID     string
		wantObject *agent
	}{
		{"a bare id", `"` + id + `"`, id, nil},
		{"an object", `{"_id":"` + id + `","email":"a@example.com"}`, id, &agent{ID: &id, Email: "a@example.com"}},
		{"an object without an id", `{"email":"a@example.com"}`, "", &agent{Email: "a@example.com"}},
		{"an object with only id", `{"id":"` + id + `","email":"a@example.com"}`, id, &agent{AlsoID: &id, Email: "a@example.com"}},
		{"an object with both, _id first", `{"_id":"` + id + `","id":"` + other + `"}`, id, &agent{ID: &id, AlsoID: &other}},
		{"an object with both, id first", `{"id":"` + other + `","_id":"` + id + `"}`, id, &agent{ID: &id, AlsoID: &other}},
		{"an object with an empty _id and an id", `{"_id":"","id":"` + id + `"}`, id, &agent{ID: new(string), AlsoID: &id}},
		{"null", `null`, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got struct {
				User ref.IDOr[agent] `json:"user"`
			}
			require.NoError(t, json.Unmarshal([]byte(`{"user":`+tc.json+`}`), &got))
			assert.Equal(t, tc.wantID, got.User.ID)
			assert.Equal(t, tc.wantObject, got.User.Object)

			again, err := json.Marshal(got.User)
			require.NoError(t, err)
			assert.JSONEq(t, tc.json, string(again), "written back as it was read")
		})
	}
}

func TestAReferenceTakesNoIDThatIsNoString(t *testing.T) {
	t.Parallel()
	var got ref.IDOr[struct{ Email string }]
	require.NoError(t, json.Unmarshal([]byte(`{"id":7,"email":"a@example.com"}`), &got))
	assert.Empty(t, got.ID)
	assert.Equal(t, "a@example.com", got.Object.Email)
}

func TestAReferenceThatIsNeitherIsAnErrorThatQuotesNothing(t *testing.T) {
	t.Parallel()
	for _, value := range []string{`42`, `true`, `["gl_sk_secret"]`, `{"_id":7}`} {
		var got ref.IDOr[agent]
		err := json.Unmarshal([]byte(value), &got)
		require.Error(t, err, value)
		assert.NotContains(t, err.Error(), "gl_sk_secret")
	}
}
