package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// maxFaultRepeats bounds the N of STATUSxN: each repeat is a fault queued in memory.
const maxFaultRepeats = 10_000

// faultFlag collects the values of --fault, given once per fault: answers scripted from a shell, served
// by gleaptest's faults. The syntax is STATUS[:RETRY_AFTER][xN|@N]:
//
//	503         the next request is answered 503
//	429:2s      the next request is answered 429 with Retry-After: 2
//	503x3       the next 3 requests are answered 503
//	503@4       every 4th request is answered 503, for as long as the mock runs
type faultFlag struct {
	specs []faultSpec
}

// faultSpec is one value of --fault.
type faultSpec struct {
	fault gleaptest.Fault
	times int // how many of the next requests get it, in the order the faults were given; 0 with every
	every int // every nth request gets it (gleaptest.WithFaultEvery); 0 with times
}

// String gives the values as they are written on the command line, separated by spaces.
func (f *faultFlag) String() string {
	written := make([]string, len(f.specs))
	for i, spec := range f.specs {
		written[i] = spec.String()
	}
	return strings.Join(written, " ")
}

// Set reads one more value.
func (f *faultFlag) Set(value string) error {
	spec, err := parseFaultSpec(value)
	if err != nil {
		return err
	}
	f.specs = append(f.specs, spec)
	return nil
}

// options returns the gleaptest options that script the faults: the ones given once or xN queued in the
// order given, the ones given @N recurring.
func (f *faultFlag) options() []gleaptest.Option {
	var queued []gleaptest.Fault
	var options []gleaptest.Option
	for _, spec := range f.specs {
		if spec.every > 0 {
			options = append(options, gleaptest.WithFaultEvery(spec.every, spec.fault))
			continue
		}
		for range spec.times {
			queued = append(queued, spec.fault)
		}
	}
	return append(options, gleaptest.WithFaults(queued...))
}

// String gives s as it is written on the command line.
func (s faultSpec) String() string {
	written := strconv.Itoa(s.fault.Status)
	if s.fault.RetryAfter > 0 {
		written += ":" + s.fault.RetryAfter.String()
	}
	switch {
	case s.every > 0:
		written += "@" + strconv.Itoa(s.every)
	case s.times > 1:
		written += "x" + strconv.Itoa(s.times)
	}
	return written
}

// parseFaultSpec reads STATUS[:RETRY_AFTER][xN|@N].
func parseFaultSpec(value string) (faultSpec, error) {
	const syntax = "want STATUS[:RETRY_AFTER][xN|@N], such as 503, 429:2s, 503x2 or 503@3"
	spec := faultSpec{times: 1}
	rest := value
	if i := strings.LastIndexAny(rest, "x@"); i >= 0 {
		count, err := strconv.Atoi(rest[i+1:])
		if err != nil || count < 1 || count > maxFaultRepeats && rest[i] == 'x' {
			return spec, fmt.Errorf("%s: after %q, a count from 1 (at most %d after x)", syntax, rest[i], maxFaultRepeats)
		}
		if rest[i] == 'x' {
			spec.times = count
		} else {
			spec.times, spec.every = 0, count
		}
		rest = rest[:i]
	}
	statusText, retryText, withRetryAfter := strings.Cut(rest, ":")
	status, err := strconv.Atoi(statusText)
	if err != nil || len(statusText) != 3 || !documentedForEveryRoute(status) {
		return spec, fmt.Errorf("%s: the status must be one openapi.yaml documents for every route: 400, 401, 403, 429 or 500 to 599", syntax)
	}
	spec.fault.Status = status
	if withRetryAfter {
		retryAfter, err := time.ParseDuration(retryText)
		if err != nil || retryAfter <= 0 {
			return spec, fmt.Errorf("%s: %q is not a positive duration for Retry-After", syntax, retryText)
		}
		spec.fault.RetryAfter = retryAfter
	}
	return spec, nil
}

// documentedForEveryRoute reports whether openapi.yaml documents status as an answer of every route,
// so that a fault with it never breaks the contract.
func documentedForEveryRoute(status int) bool {
	switch status {
	case 400, 401, 403, 429:
		return true
	}
	return status >= 500 && status <= 599
}
