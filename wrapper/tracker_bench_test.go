package wrapper_test

// Performance of a Tracker: how many events a second it sustains at Gleap's rate limit, and what an event
// costs while it waits in the buffer. docs/PERFORMANCE.md records a run of
//
//	go test -run '^$' -bench 'Tracker' -benchtime 20000x ./wrapper

import (
	"context"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// benchEvent is an event as a backend tracks it: a user id, a name and two metadata keys.
func benchEvent() wrapper.Event {
	return wrapper.Event{UserID: "user-4711", Name: "invoice-paid", Data: map[string]any{"amount": 49.9, "currency": "EUR"}}
}

// BenchmarkTrackerAtTheRateLimit tracks b.N events through a client paced to Gleap's limit, 1000
// requests a minute, in batches of DefaultTrackerBatchSize, and reports the events a second it sustains
// (events/s) and how many requests carried them. The server does not check the traffic, so that its own
// cost is not measured.
func BenchmarkTrackerAtTheRateLimit(b *testing.B) {
	var requests atomic.Int64
	server, err := gleaptest.Start(gleaptest.WithoutContractChecks(), gleaptest.WithMaxMessages(1),
		gleaptest.WithRequestLog(func(gleaptest.Request) { requests.Add(1) }))
	require.NoError(b, err)
	b.Cleanup(server.Close)
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	require.NoError(b, err)
	tracker, err := client.Contacts.NewTracker(wrapper.TrackerOptions{OnError: func(err *wrapper.TrackError) { b.Error(err) }})
	require.NoError(b, err)
	ctx := context.Background()
	event := benchEvent()

	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if err := tracker.Track(ctx, event); err != nil {
			b.Fatal(err)
		}
	}
	if err := tracker.Close(ctx); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(requests.Load()), "requests")
}

// BenchmarkTrackerMemoryPerBufferedEvent fills a tracker whose server never answers with b.N events,
// and reports the live heap each buffered event holds (B/event): its slot in the buffer, its copy of the
// metadata and its date. The first batch is in flight, held by the server, and counts too.
func BenchmarkTrackerMemoryPerBufferedEvent(b *testing.B) {
	stalled := gleaptest.Fault{Handler: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })}
	server, err := gleaptest.Start(gleaptest.WithoutContractChecks(), gleaptest.WithFaultEvery(1, stalled))
	require.NoError(b, err)
	b.Cleanup(server.Close)
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(0, 0), wrapper.WithTimeout(0))
	require.NoError(b, err)
	ctx := context.Background()
	event := benchEvent()

	before := liveHeap()
	tracker, err := client.Contacts.NewTracker(wrapper.TrackerOptions{BufferSize: b.N, OnError: func(*wrapper.TrackError) {}})
	require.NoError(b, err)
	b.ResetTimer()
	for range b.N {
		if err := tracker.Track(ctx, event); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	held := liveHeap() - before
	b.ReportMetric(float64(held)/float64(b.N), "B/event")
	closing, cancel := context.WithCancel(ctx)
	cancel() // the server never answers: hand everything to OnError
	_ = tracker.Close(closing)
}

// liveHeap returns the bytes of the heap that are still reachable, after a collection.
func liveHeap() int64 {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return int64(stats.HeapAlloc)
}
