package wrapper

// Ptr returns a pointer to v. The optional fields of the api types are pointers, so that a field left
// nil is not sent; Ptr fills them inline: api.CreateMessageRequest{Ticket: wrapper.Ptr(ticketID)}.
func Ptr[T any](v T) *T {
	return &v
}
