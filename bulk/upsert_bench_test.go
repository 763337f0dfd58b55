package bulk_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// BenchmarkUpsertAtGleapsRateLimit imports b.N new contacts through a client at its default pacing,
// Gleap's 1000 requests a minute, into a gleaptest server that enforces that very limit, and reports the
// pace reached and the 429s (two requests a contact: the lookup of the user id, then the create). Its
// figures need a run of some minutes:
//
//	go test -run '^$' -bench UpsertAtGleapsRateLimit -benchtime 2000x -timeout 30m ./bulk
func BenchmarkUpsertAtGleapsRateLimit(b *testing.B) {
	server := gleaptest.NewServer(b, gleaptest.WithRateLimit(wrapper.DefaultRateLimitRequests, wrapper.DefaultRateLimitPeriod))
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL))
	if err != nil {
		b.Fatal(err)
	}
	contacts := people(b.N)
	b.ResetTimer()
	summary, err := bulk.Upsert(context.Background(), client, slices.All(contacts), bulk.WithConcurrency(8))
	b.StopTimer()
	if err != nil || summary.Sent != b.N {
		b.Fatalf("%+v, %v", summary, err)
	}
	tooMany := countOf(server.Requests(), answered429)
	minutes := b.Elapsed().Minutes()
	b.ReportMetric(float64(b.N)/minutes, "contacts/min")
	b.ReportMetric(float64(len(server.Requests()))/minutes/wrapper.DefaultRateLimitRequests, "of-limit")
	b.ReportMetric(float64(tooMany), "429s")
	b.ReportMetric(0, "ns/op")
}
