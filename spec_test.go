package gleap_test

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	gleap "github.com/gleap-community/gleap-go"
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(gleap.OpenAPISpec())
	require.NoError(t, err)
	return doc
}

func TestSpecIsValidOpenAPIWithValidExamples(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	// Validate checks every example against its schema too.
	require.NoError(t, doc.Validate(context.Background(), openapi3.EnableExamplesValidation()))
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	require.Len(t, doc.Servers, 1)
	assert.Equal(t, "https://api.gleap.io/v3", doc.Servers[0].URL)
}

func TestEachOperationTakesTheCredentialsOfItsRoutes(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	bearer := doc.Components.SecuritySchemes["bearerAuth"].Value
	assert.Equal(t, "http", bearer.Type)
	assert.Equal(t, "bearer", bearer.Scheme)
	project := doc.Components.SecuritySchemes["projectHeader"].Value
	assert.Equal(t, "apiKey", project.Type)
	assert.Equal(t, "header", project.In)
	assert.Equal(t, "project", project.Name)
	apiToken := doc.Components.SecuritySchemes["apiToken"].Value
	assert.Equal(t, "apiKey", apiToken.Type)
	assert.Equal(t, "header", apiToken.In)
	assert.Equal(t, "Api-Token", apiToken.Name)

	// One requirement naming both schemes: both are needed, neither alone is enough.
	both := openapi3.SecurityRequirements{{"bearerAuth": {}, "projectHeader": {}}}
	admin := openapi3.SecurityRequirements{{"apiToken": {}}}
	admins := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			if strings.HasPrefix(path, "/admin/") {
				admins++
				assert.Equal(t, admin, security, "%s %s takes the key in Api-Token, and nothing else", method, path)
				continue
			}
			assert.Equal(t, both, security, "%s %s", method, path)
		}
	}
	assert.Equal(t, 6, admins, "identify, track, forget, and put, get and delete a company")
}

func TestAdminRoutesAreMarkedAsKnownFromGleapsSDKsNotFromItsDocument(t *testing.T) {
	t.Parallel()
	ours := loadSpec(t)
	published := []*openapi3.T{gleapsOwnSpec(t), gleapsTicketsDocument(t), gleapsSessionsDocument(t)}
	for path, item := range ours.Paths.Map() {
		admin := strings.HasPrefix(path, "/admin/")
		for method, op := range item.Operations() {
			sources, marked := op.Extensions["x-known-from"].([]any)
			if !admin {
				assert.False(t, marked, "%s %s is Gleap's documented API: no x-known-from", method, path)
				continue
			}
			assert.NotEmpty(t, sources, "%s %s names where it is known from", method, path)
			assert.Contains(t, op.Description, "Not in Gleap's document", "%s %s", method, path)
		}
		if !admin {
			continue
		}
		for _, theirs := range published {
			assert.Nil(t, theirs.Paths.Value(path), "%s is in a document of Gleap's after all: read it from there", path)
		}
		// Gleap serves them at the root of its host, beside /v3.
		require.Len(t, item.Servers, 1, path)
		assert.Equal(t, "https://api.gleap.io", item.Servers[0].URL, path)
	}
}

// The request fields of Gleap's reference page for POST /v3/messages, in its order.
var referenceFields = []string{
	"user", "session", "bot", "fallbackUser", "messageRef", "ticket", "data", "translatedData", "type",
	"emailId", "sessionNotificationsUnread", "outbound", "outboundTemplate", "outboundSubject", "status",
	"statusHistory", "comment", "isReply", "kaiChat", "aiData", "attachments", "channel", "sendToChannel",
	"isNote", "rating",
}

func TestCreateMessageRequestHasEveryReferenceFieldDescribed(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	schema := doc.Components.Schemas["CreateMessageRequest"].Value
	properties := allProperties(schema)
	var names []string
	for name, property := range properties {
		names = append(names, name)
		assert.NotEmpty(t, property.Value.Description, "field %q has no description", name)
	}
	assert.Subset(t, names, referenceFields)
	assert.ElementsMatch(t, append(referenceFields, "replyTo", "actions"), names, "the reference page's fields and Gleap's document's two more")
	assert.Empty(t, schema.Required, "the reference page makes every field optional")

	for _, name := range []string{"FallbackUser", "Attachment", "Channel"} {
		assert.Contains(t, doc.Components.Schemas, name, "named component schema")
	}
	assert.Equal(t, "#/components/schemas/Attachment", properties["attachments"].Value.Items.Ref)
}

// allProperties returns the properties of schema and of the schemas it composes with allOf.
func allProperties(schema *openapi3.Schema) openapi3.Schemas {
	properties := openapi3.Schemas{}
	for name, property := range schema.Properties {
		properties[name] = property
	}
	for _, part := range schema.AllOf {
		for name, property := range allProperties(part.Value) {
			properties[name] = property
		}
	}
	return properties
}

func TestSharedFieldsAreDeclaredOnce(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	schemas := doc.Components.Schemas
	for composite, part := range map[string]string{
		"MessageInput": "MessageFields", "Message": "MessageFields",
		"CreateMessageRequest": "MessageInput", "UpdateMessageRequest": "MessageInput",
	} {
		schema := schemas[composite].Value
		require.NotEmpty(t, schema.AllOf, composite)
		assert.Equal(t, "#/components/schemas/"+part, schema.AllOf[0].Ref, "%s composes %s", composite, part)
		if len(schema.AllOf) > 1 {
			shared := allProperties(schemas[part].Value)
			for field, restated := range schema.AllOf[1].Value.Properties {
				if original, ok := shared[field]; ok && !onlyHeldDifferently(restated, original) {
					assert.Fail(t, "a shared field is declared again", "%s declares %q again", composite, field)
				}
			}
		}
	}
}

// onlyHeldDifferently reports whether restated says nothing about a shared field but how Go holds it: it
// is the very schema the original refers to, with x-go extensions only.
func onlyHeldDifferently(restated, original *openapi3.SchemaRef) bool {
	value := restated.Value
	return original.Ref != "" && restated.Ref == "" && len(value.AllOf) == 1 && value.AllOf[0].Ref == original.Ref &&
		value.Type == nil && value.Description == "" && len(value.Properties) == 0 && len(value.Extensions) > 0
}

// gleapsOwnSpec loads Gleap's published document, kept under testdata/ as a third-party fixture.
func gleapsOwnSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("testdata/gleap-published-openapi-messages.yaml")
	require.NoError(t, err)
	return doc
}

func TestEveryFieldOfGleapsOwnDocumentIsInOurs(t *testing.T) {
	t.Parallel()
	ours, theirs := loadSpec(t).Components.Schemas, gleapsOwnSpec(t).Components.Schemas
	for ourName, theirName := range map[string]string{"CreateMessageRequest": "CreateMessageDto", "UpdateMessageRequest": "UpdateMessageDto"} {
		properties := allProperties(ours[ourName].Value)
		for field := range theirs[theirName].Value.Properties {
			assert.Contains(t, properties, field, "%s lacks %s's %q", ourName, theirName, field)
		}
	}
	for ourName, theirName := range map[string]string{"Attachment": "AttachmentDto", "Channel": "ChannelDto"} {
		assert.ElementsMatch(t, theirs[theirName].Value.Required, ours[ourName].Value.Required, "%s requires what Gleap requires", ourName)
	}
}

func TestOperationDocumentsSuccessAndEveryErrorStatus(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	op := doc.Paths.Value("/messages").Post
	require.NotNil(t, op)
	assert.Equal(t, "createMessage", op.OperationID)
	require.True(t, op.RequestBody.Value.Required)
	assert.Equal(t, "#/components/schemas/Message", op.Responses.Status(200).Value.Content.Get("application/json").Schema.Ref)
	for _, status := range []int{400, 401, 403, 404, 429, 500, 502, 503} {
		response := op.Responses.Status(status)
		require.NotNil(t, response, "status %d", status)
		assert.Equal(t, "#/components/schemas/Error", response.Value.Content.Get("application/json").Schema.Ref, "status %d", status)
	}
	assert.Contains(t, op.Responses.Status(429).Value.Headers, "Retry-After")
}

func TestMessageSchemaToleratesUnknownAndAnyValues(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	message := doc.Components.Schemas["Message"].Value
	for _, name := range []string{"_id", "id", "ticket", "comment", "type", "bot", "user", "session", "createdAt", "updatedAt", "index"} {
		assert.Contains(t, allProperties(message), name)
	}
	stored := map[string]any{
		"_id": "6752f0c1a4b3c2d1e0f98765", "ticket": "6752e9a8b7c6d5e4f3a21098", "user": "64f1c2d3e4a5b6c7d8e9f012",
		"session": map[string]any{"_id": "s1", "avatar": "https://cdn.example.com/a.png"}, "reactions": []any{"👍"},
	}
	assert.NoError(t, message.VisitJSON(stored), "fields the server adds later are accepted, on the message and inside it")

	nonNull := []any{map[string]any{"type": "doc"}, []any{"a", 1.0, nil}, "text", 42.0, true}
	for _, name := range []string{"data", "translatedData", "status", "comment", "aiData"} {
		field := allProperties(doc.Components.Schemas["CreateMessageRequest"].Value)[name].Value
		for _, value := range append(nonNull, nil) {
			assert.NoError(t, field.VisitJSON(value), "%s = %#v", name, value)
		}
	}
	history := allProperties(doc.Components.Schemas["CreateMessageRequest"].Value)["statusHistory"].Value
	assert.NoError(t, history.VisitJSON(append(nonNull, nil)))
	errorSchema := doc.Components.Schemas["Error"].Value
	for _, body := range append(nonNull, map[string]any{"message": []any{"ticket must be a string"}}) {
		assert.NoError(t, errorSchema.VisitJSON(body), "error body %#v", body)
	}
	assert.Equal(t, "^[0-9a-fA-F]{24}$", doc.Components.Schemas["ObjectID"].Value.Pattern)
}

// gleapsTicketsDocument loads Gleap's published document of /tickets, kept under testdata/
// as a third-party fixture beside the messages one.
func gleapsTicketsDocument(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("testdata/gleap-published-openapi-tickets.yaml")
	require.NoError(t, err)
	return doc
}

// gleapsSessionsDocument loads Gleap's published document of /sessions (its contacts), kept under
// testdata/ as a third-party fixture beside the others.
func gleapsSessionsDocument(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("testdata/gleap-published-openapi-sessions.yaml")
	require.NoError(t, err)
	return doc
}

// typeOf names the JSON type a schema gives a value, as the two documents spell it: "string", "array of
// string", "" for any value.
func typeOf(schema *openapi3.Schema) string {
	for len(schema.AllOf) == 1 && schema.Type == nil {
		schema = schema.AllOf[0].Value
	}
	if schema.Type == nil {
		if len(schema.AnyOf) > 0 { // Gleap's dueDate: a date-time or any string
			return typeOf(schema.AnyOf[0].Value)
		}
		return ""
	}
	name := schema.Type.Slice()[0]
	if name == "array" {
		return "array of " + typeOf(schema.Items.Value)
	}
	return name
}

func TestEveryTicketFieldWeSendIsOneGleapsDocumentTakes(t *testing.T) {
	t.Parallel()
	assertSendsOnlyWhatGleapsDocumentTakes(t, gleapsTicketsDocument(t), map[string][]string{
		"CreateTicketRequest":  {"CreateTicketDto"},
		"UpdateTicketRequest":  {"UpdateTicketDto"},
		"ComposeTicketRequest": {"CreateTicketWithMessageDto"},
		"SnoozeTicketRequest":  {"/tickets/{ticketId}/snooze"},
		"LinkTicketRequest":    {"/tickets/{ticketId}/link", "/tickets/{ticketId}/unlink"},
	})
}

func TestEveryContactFieldWeSendIsOneGleapsDocumentTakes(t *testing.T) {
	t.Parallel()
	// Gleap's document leaves the body of an update untyped: it is held to the DTO of a new contact.
	assertSendsOnlyWhatGleapsDocumentTakes(t, gleapsSessionsDocument(t), map[string][]string{
		"CreateContactRequest":       {"SessionDto"},
		"UpdateContactRequest":       {"SessionDto"},
		"UnsubscribeContactsRequest": {"/sessions/unsubscribe"},
		"ResubscribeContactRequest":  {"/sessions/{sessionId}/resubscribe"},
	})
	ours := loadSpec(t).Components.Schemas
	theirs := gleapsSessionsDocument(t).Paths.Value("/sessions/unsubscribe").Post.RequestBody.Value.Content.Get("application/json").Schema
	contact := theirs.Value.Properties["sessions"].Value.Items.Value.Properties
	for field, property := range ours["ContactKey"].Value.Properties {
		require.Contains(t, contact, field)
		assert.Equal(t, typeOf(contact[field].Value), typeOf(property.Value), field)
	}
}

// assertSendsOnlyWhatGleapsDocumentTakes holds each request body of ours (a schema's name) to the bodies
// theirDoc, a cut of Gleap's document, gives the same requests (a schema's name, or the path of an
// operation whose body is inline): every field we send is one of theirs, of their type, and we require
// what they require.
func assertSendsOnlyWhatGleapsDocumentTakes(t *testing.T, theirDoc *openapi3.T, bodies map[string][]string) {
	t.Helper()
	ours := loadSpec(t).Components.Schemas
	for ourName, theirNames := range bodies {
		require.Contains(t, ours, ourName)
		properties := allProperties(ours[ourName].Value)
		for _, theirName := range theirNames {
			their := theirDoc.Components.Schemas[theirName]
			if their == nil { // an inline body of an operation
				item := theirDoc.Paths.Value(theirName)
				require.NotNil(t, item, theirName)
				for _, op := range item.Operations() {
					their = op.RequestBody.Value.Content.Get("application/json").Schema
				}
			}
			for field, property := range properties {
				theirField, ok := their.Value.Properties[field]
				if !assert.True(t, ok, "%s sends %q, which %s does not have: a server built from it refuses the body", ourName, field, theirName) {
					continue
				}
				if want := typeOf(theirField.Value); want != "" && field != "formData" {
					assert.Equal(t, want, typeOf(property.Value), "%s.%s has %s's type", ourName, field, theirName)
				}
				assert.NotEmpty(t, property.Value.Description+descriptionOf(property), "%s.%s has no description", ourName, field)
			}
			assert.Subset(t, ours[ourName].Value.Required, their.Value.Required, "%s requires what %s requires", ourName, theirName)
		}
	}
}

// descriptionOf returns the description of the schema a property refers to, for a property that is a
// bare reference.
func descriptionOf(property *openapi3.SchemaRef) string {
	if property.Ref == "" && len(property.Value.AllOf) == 1 {
		return property.Value.AllOf[0].Value.Description
	}
	return property.Value.Description
}

func TestEveryTicketOperationIsOneOfGleapsDocument(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 14, operationsOfGleapsDocument(t, gleapsTicketsDocument(t), "/tickets"),
		"create, list, compose, search, by contact, count, get, update, delete, archive, unarchive, snooze, link, unlink")
}

func TestEveryContactOperationIsOneOfGleapsDocument(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 9, operationsOfGleapsDocument(t, gleapsSessionsDocument(t), "/sessions"),
		"create, list, search, unsubscribe, find by user id, get, update, delete, resubscribe")
}

// operationsOfGleapsDocument checks that each of our operations on a path that starts with prefix is one
// of theirs, a cut of Gleap's document, with a body where Gleap's has one, and says where it comes from.
// It returns how many there are.
func operationsOfGleapsDocument(t *testing.T, theirs *openapi3.T, prefix string) int {
	t.Helper()
	ours := loadSpec(t)
	covered := 0
	for path, item := range ours.Paths.Map() {
		if !strings.HasPrefix(path, prefix) {
			continue
		}
		their := theirs.Paths.Value(path)
		require.NotNil(t, their, "Gleap's document has no %s", path)
		for method, op := range item.Operations() {
			covered++
			theirOp := their.GetOperation(method)
			if !assert.NotNil(t, theirOp, "Gleap's document has no %s %s", method, path) {
				continue
			}
			assert.Equal(t, theirOp.RequestBody != nil, op.RequestBody != nil, "%s %s: a body where Gleap's has one", method, path)
			assert.NotEmpty(t, op.Description, "%s %s says where it comes from", method, path)
		}
	}
	return covered
}

func TestTicketFieldsAreDeclaredOnceAndReadLeniently(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	schemas := doc.Components.Schemas
	for _, composite := range []string{"TicketInput", "Ticket"} {
		schema := schemas[composite].Value
		require.Len(t, schema.AllOf, 2, composite)
		assert.Equal(t, "#/components/schemas/TicketFields", schema.AllOf[0].Ref)
		shared := allProperties(schemas["TicketFields"].Value)
		for field, restated := range schema.AllOf[1].Value.Properties {
			if original, ok := shared[field]; ok && !onlyHeldDifferently(restated, original) {
				assert.Fail(t, "a shared field is declared again", "%s declares %q again", composite, field)
			}
		}
	}
	for _, name := range []string{"TicketType", "TicketStatus"} {
		assert.Empty(t, schemas[name].Value.Enum, "%s is each project's own: never an enum", name)
	}
	assert.ElementsMatch(t, []any{"LOW", "MEDIUM", "HIGH"}, schemas["TicketPriority"].Value.Enum, "what a request may send")

	ticket := schemas["Ticket"].Value
	stored := map[string]any{
		"_id": "6752e9a8b7c6d5e4f3a21098", "bugId": 42.0, "title": "t", "type": "CUSTOM_LANE_TYPE", "status": "WAITING_ON_VENDOR",
		"priority": "URGENT", "processingUser": "64f1c2d3e4a5b6c7d8e9f012", "processingTeam": map[string]any{"_id": "t1", "name": "Billing"},
		"session": map[string]any{"_id": "s1", "email": "c@example.com", "avatar": "a.png"}, "latestComment": map[string]any{"_id": "m1"},
		"snoozedUntil": nil, "dueDate": "next week", "formData": map[string]any{"description": "x"},
	}
	assert.NoError(t, ticket.VisitJSON(stored), "a ticket as any project may have it, with fields we do not model")
	list := schemas["TicketList"].Value
	assert.NoError(t, list.VisitJSON(map[string]any{"tickets": []any{stored}, "count": 1.0, "totalCount": 42.0}))
	matches := schemas["TicketMatches"].Value
	for _, answer := range []any{[]any{stored}, map[string]any{"tickets": []any{}}, map[string]any{"hits": []any{stored}}} {
		assert.NoError(t, matches.VisitJSON(answer), "%v", answer)
	}
	count := schemas["TicketCount"].Value
	assert.NoError(t, count.VisitJSON(7.0))
	assert.NoError(t, count.VisitJSON(map[string]any{"count": 7.0}))
	assert.Error(t, count.VisitJSON("seven"))
}

func TestContactsAreReadLenientlyAndEventsCheckedAsGleapKeepsThem(t *testing.T) {
	t.Parallel()
	schemas := loadSpec(t).Components.Schemas
	stored := map[string]any{
		"_id": "6752e9a8b7c6d5e4f3a2c0de", "userId": "u1", "email": "ada@example.com", "value": 49.9, "tags": []any{"beta"},
		"customData": map[string]any{"seats": 12.0}, "lastActivity": nil, "unsubscribedAt": nil,
		"identityHistory": []any{map[string]any{"at": "2026-11-25T09:30:00.123Z"}}, "sessions": 3.0,
	}
	assert.NoError(t, schemas["Contact"].Value.VisitJSON(stored), "a contact with fields we do not model")
	assert.NoError(t, schemas["ContactList"].Value.VisitJSON([]any{stored, map[string]any{}}))

	event := func(name string, keys int) map[string]any {
		data := map[string]any{}
		for i := range keys {
			data[string(rune('a'+i))] = i
		}
		return map[string]any{"userId": "u1", "name": name, "date": "2026-11-25T09:30:00.123Z", "data": data}
	}
	trackEvent := schemas["TrackEvent"].Value
	assert.NoError(t, trackEvent.VisitJSON(event("invoice-paid", 10)))
	assert.Error(t, trackEvent.VisitJSON(event("invoice-paid", 11)), "Gleap ignores keys past the tenth")
	for _, name := range []string{"invoice.paid", "$invoice", ""} {
		assert.Error(t, trackEvent.VisitJSON(event(name, 0)), "%q is not a name as Gleap keeps it", name)
	}
	identify := schemas["IdentifyRequest"].Value
	assert.NoError(t, identify.VisitJSON(map[string]any{"userId": "u1", "seats": 12.0}), "the caller's own attributes beside the known fields")
	assert.Error(t, identify.VisitJSON(map[string]any{"email": "ada@example.com"}), "identify needs the user id")
}
