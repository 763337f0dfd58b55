package wrapper_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/wrapper"
)

const helloDoc = `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hello"}]}]}`

// postFunc is one of the Post helpers.
type postFunc func(m *wrapper.MessagesService, ctx context.Context, ticketID, text string, opts ...wrapper.PostOption) (*wrapper.Message, error)

func TestPostHelpersSendExactlyTheirMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		post postFunc
		opts []wrapper.PostOption
		want string
	}{
		{"reply", (*wrapper.MessagesService).Reply, nil,
			`{"ticket":"` + ticketID + `","type":"COMMENT","comment":` + helloDoc + `}`},
		{"note", (*wrapper.MessagesService).Note, nil,
			`{"ticket":"` + ticketID + `","type":"COMMENT","isNote":true,"comment":` + helloDoc + `}`},
		{"bot message", (*wrapper.MessagesService).BotMessage, nil,
			`{"ticket":"` + ticketID + `","type":"COMMENT","bot":true,"comment":` + helloDoc + `}`},
		{"reply by an agent with files", (*wrapper.MessagesService).Reply,
			[]wrapper.PostOption{
				wrapper.AsUser("64f1c2d3e4a5b6c7d8e9f012"),
				wrapper.Attach("receipt.pdf", "https://cdn.example.com/r.pdf", "application/pdf"),
				wrapper.Attach("notes.txt", "https://cdn.example.com/n.txt", ""),
			},
			`{"ticket":"` + ticketID + `","type":"COMMENT","user":"64f1c2d3e4a5b6c7d8e9f012","comment":` + helloDoc + `,
			  "attachments":[{"name":"receipt.pdf","url":"https://cdn.example.com/r.pdf","type":"application/pdf"},
			                 {"name":"notes.txt","url":"https://cdn.example.com/n.txt"}]}`},
		{"note as the bot", (*wrapper.MessagesService).Note, []wrapper.PostOption{wrapper.AsBot()},
			`{"ticket":"` + ticketID + `","type":"COMMENT","isNote":true,"bot":true,"comment":` + helloDoc + `}`},
		{"call options among message options", (*wrapper.MessagesService).BotMessage,
			[]wrapper.PostOption{wrapper.WithTimeout(time.Minute), wrapper.AsNote(), wrapper.WithMaxRetries(0)},
			`{"ticket":"` + ticketID + `","type":"COMMENT","isNote":true,"bot":true,"comment":` + helloDoc + `}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t)
			message, err := tc.post(newClient(t, server).Messages, context.Background(), ticketID, "Hello", tc.opts...)
			require.NoError(t, err)
			requests := server.Requests()
			require.Len(t, requests, 1)
			assert.JSONEq(t, tc.want, string(requests[0].Body))
			require.Len(t, server.Messages(), 1)

			var sent api.CreateMessageRequest
			require.NoError(t, json.Unmarshal(requests[0].Body, &sent))
			assert.Equal(t, sent.IsNote, message.IsNote, "the stored message says what was sent")
			assert.Equal(t, sent.Bot, message.Bot)
			assert.Equal(t, ticketID, *message.Ticket)
			assert.JSONEq(t, helloDoc, string(message.Comment))
		})
	}
}

func TestPostHelpersRejectBadInputBeforeSending(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		ticketID  string
		text      string
		opts      []wrapper.PostOption
		wantField string
	}{
		{"empty ticket", "", "hello", nil, "ticketID"},
		{"blank ticket", " \t", "hello", nil, "ticketID"},
		{"empty text", ticketID, "", nil, "text"},
		{"blank text", ticketID, " \n\n ", nil, "text"},
		{"invalid UTF-8", ticketID, "bad \xff byte", nil, "text"},
		{"text over MaxTextBytes", ticketID, strings.Repeat("a", wrapper.MaxTextBytes+1), nil, "text"},
		{"attachment without a name", ticketID, "see file", []wrapper.PostOption{wrapper.Attach("", "https://x.example/a", "")}, "attachments[0].name"},
		{"attachment with a relative URL", ticketID, "see file", []wrapper.PostOption{wrapper.Attach("a.pdf", "files/a.pdf", "")}, "attachments[0].url"},
		{"second attachment with an empty URL", ticketID, "", []wrapper.PostOption{
			wrapper.Attach("a.pdf", "https://x.example/a.pdf", ""), wrapper.Attach("b.pdf", "", ""),
		}, "attachments[1].url"},
		{"attachment built without a URL", ticketID, "see file", []wrapper.PostOption{wrapper.MessageOption(func(req *wrapper.CreateMessageRequest) {
			req.Attachments = append(req.Attachments, wrapper.Attachment{Name: "a.pdf"})
		})}, "attachments[0].url"},
		{"an option that clears the ticket", ticketID, "hello", []wrapper.PostOption{wrapper.MessageOption(func(req *wrapper.CreateMessageRequest) { req.Ticket = nil })}, "ticketID"},
	}
	server := newServer(t)
	client := newClient(t, server)
	helpers := map[string]postFunc{
		"Reply": (*wrapper.MessagesService).Reply, "Note": (*wrapper.MessagesService).Note, "BotMessage": (*wrapper.MessagesService).BotMessage,
	}
	for _, tc := range cases {
		for name, post := range helpers {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				message, err := post(client.Messages, context.Background(), tc.ticketID, tc.text, tc.opts...)
				assert.Nil(t, message)
				var invalid *wrapper.ValidationError
				require.ErrorAs(t, err, &invalid)
				assert.Equal(t, tc.wantField, invalid.Field)
				assert.Equal(t, "gleap: invalid "+tc.wantField+": "+invalid.Problem, err.Error())
			})
		}
	}
	assert.Empty(t, server.Requests(), "nothing is sent for bad input")
}

func TestFileWithoutTextIsAllowed(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "",
		wrapper.Attach("screenshot.png", "https://cdn.example.com/s.png", "image/png"))
	require.NoError(t, err)
	stored := server.Messages()
	require.Len(t, stored, 1)
	assert.Len(t, stored[0].Attachments, 1)
}

func TestTextMessageBuildsWithoutSending(t *testing.T) {
	t.Parallel()
	req, err := wrapper.TextMessage(ticketID, "Hello", wrapper.AsNote())
	require.NoError(t, err)
	body, err := json.Marshal(req)
	require.NoError(t, err)
	assert.JSONEq(t, `{"ticket":"`+ticketID+`","type":"COMMENT","isNote":true,"comment":`+helloDoc+`}`, string(body))
}

func TestPtr(t *testing.T) {
	t.Parallel()
	first, second := wrapper.Ptr("x"), wrapper.Ptr("x")
	assert.Equal(t, "x", *first)
	assert.NotSame(t, first, second, "each call makes a new variable")
	assert.False(t, *wrapper.Ptr(false))
}

func TestTextMessageAcceptsExactlyMaxTextBytes(t *testing.T) {
	t.Parallel()
	_, err := wrapper.TextMessage(ticketID, strings.Repeat("a", wrapper.MaxTextBytes))
	assert.NoError(t, err)
}
