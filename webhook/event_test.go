package webhook_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/webhook"
)

func TestParseDecodesTheDataTheEventNames(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		body          string
		ticket        string // the id of the decoded ticket, "" for none
		message       string // the id of the decoded message, "" for none
		data, project string
	}{
		{name: "a ticket", body: ticketCreated, ticket: "6752e9a8b7c6d5e4f3a21098", project: "p1",
			data: `{"_id":"6752e9a8b7c6d5e4f3a21098","id":"6752e9a8b7c6d5e4f3a21098","bugId":42,"title":"Invoices do not load",` +
				`"type":"BUG","status":"OPEN","priority":"HIGH","tags":["billing"],"createdAt":"2026-11-02T09:30:00.000Z",` +
				`"updatedAt":"2026-11-02T09:30:00.000Z"}`},
		{name: "a ticket with fields Gleap added and a priority of its own", ticket: "t1",
			body: `{"event":"ticket.updated","data":{"id":"t1","priority":"URGENT","slaBreached":true}}`,
			data: `{"id":"t1","priority":"URGENT","slaBreached":true}`},
		{name: "a ticket whose assignee is an object", ticket: "t2",
			body: `{"event":"ticket.updated","data":{"id":"t2","processingUser":{"_id":"u1","email":"ann@example.com"}}}`,
			data: `{"id":"t2","processingUser":{"_id":"u1","email":"ann@example.com"}}`},
		{name: "a message", message: "m1",
			body: `{"event":"message.created","projectId":"p1","data":{"id":"m1","ticket":"t1","type":"COMMENT"}}`,
			data: `{"id":"m1","ticket":"t1","type":"COMMENT"}`, project: "p1"},
		{name: "a ticket event whose data is no ticket", body: `{"event":"ticket.created","data":{"bugId":"forty-two"}}`,
			data: `{"bugId":"forty-two"}`},
		{name: "a ticket event whose data is a string", body: `{"event":"ticket.created","data":"t1"}`, data: `"t1"`},
		{name: "an event of another kind", body: `{"event":"survey.submitted","data":{"id":"s1"}}`, data: `{"id":"s1"}`},
		{name: "without data", body: `{"event":"ticket.created"}`},
		{name: "with null data and project", body: `{"event":"ticket.created","projectId":null,"data":null}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			event, err := webhook.Parse([]byte(tc.body))
			require.NoError(t, err)
			assert.Equal(t, tc.body, string(event.Body), "the body, byte for byte")
			assert.Equal(t, tc.project, event.ProjectID)
			if tc.data == "" {
				assert.Nil(t, event.Data)
			} else {
				assert.JSONEq(t, tc.data, string(event.Data))
			}
			if tc.ticket == "" {
				assert.Nil(t, event.Ticket)
			} else if assert.NotNil(t, event.Ticket) {
				assert.Equal(t, tc.ticket, event.Ticket.ID)
			}
			if tc.message == "" {
				assert.Nil(t, event.Message)
			} else if assert.NotNil(t, event.Message) {
				assert.Equal(t, tc.message, event.Message.ID)
			}
		})
	}
}

func TestAnEventEncodesAsItsEnvelope(t *testing.T) {
	t.Parallel()
	event, err := webhook.Parse([]byte(ticketCreated))
	require.NoError(t, err)
	encoded, err := json.Marshal(event)
	require.NoError(t, err)
	assert.JSONEq(t, ticketCreated, string(encoded))
}
