package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestFaultFlagReadsStatusRetryAfterAndRepetition(t *testing.T) {
	t.Parallel()
	cases := []struct {
		spec string
		want faultSpec
	}{
		{"503", faultSpec{fault: gleaptest.Fault{Status: 503}, times: 1}},
		{"429:2s", faultSpec{fault: gleaptest.Fault{Status: 429, RetryAfter: 2 * time.Second}, times: 1}},
		{"503x3", faultSpec{fault: gleaptest.Fault{Status: 503}, times: 3}},
		{"503@4", faultSpec{fault: gleaptest.Fault{Status: 503}, every: 4}},
		{"429:1m30s@10", faultSpec{fault: gleaptest.Fault{Status: 429, RetryAfter: 90 * time.Second}, every: 10}},
		{"500:500msx2", faultSpec{fault: gleaptest.Fault{Status: 500, RetryAfter: 500 * time.Millisecond}, times: 2}},
		{"400", faultSpec{fault: gleaptest.Fault{Status: 400}, times: 1}},
		{"599@1", faultSpec{fault: gleaptest.Fault{Status: 599}, every: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.spec, func(t *testing.T) {
			t.Parallel()
			var faults faultFlag
			require.NoError(t, faults.Set(tc.spec))
			assert.Equal(t, []faultSpec{tc.want}, faults.specs)
			assert.Equal(t, tc.spec, faults.String(), "it prints as it is written")
		})
	}
}

func TestFaultFlagRefusesWhatItCannotServe(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		"", "x", "200", "302", "404", "418", "600", "99", // not a status openapi.yaml documents for every route
		"503:", "503:soon", "429:-1s", "429:0s", // not a positive Retry-After
		"503x", "503x0", "503x-1", "503@", "503@0", "503@x", "503x2@3", // not a count
		" 503", "503 ",
	} {
		var faults faultFlag
		assert.Error(t, faults.Set(bad), "%q", bad)
	}
}

func TestFaultFlagOptionsQueueInOrderAndRecurEveryN(t *testing.T) {
	t.Parallel()
	var faults faultFlag
	for _, spec := range []string{"429:1s", "503@3", "500x2"} {
		require.NoError(t, faults.Set(spec))
	}
	server := gleaptest.NewServer(t, faults.options()...)
	var got []int
	for range 7 {
		status, _ := postToMock(t, server.URL, "Bearer test")
		got = append(got, status)
	}
	// 1 to 3: the queued faults in the order given; 3 and 6 fall on every third as well, the queue first.
	assert.Equal(t, []int{429, 500, 500, 200, 200, 503, 200}, got)
}
