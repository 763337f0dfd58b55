package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/wrapper"
)

// rateFlag is a --rate-limit value: N requests per DURATION, as in "1000/1m" or "100/1s"; "0" is no limit.
type rateFlag struct {
	requests int
	period   time.Duration
}

// gleapsRate is Gleap's documented limit, the default of --rate-limit.
var gleapsRate = rateFlag{requests: wrapper.DefaultRateLimitRequests, period: wrapper.DefaultRateLimitPeriod}

// String gives the value as it is written on the command line.
func (r *rateFlag) String() string {
	if r.requests == 0 {
		return "0"
	}
	switch {
	case r.period%time.Minute == 0:
		return fmt.Sprintf("%d/%dm", r.requests, r.period/time.Minute)
	case r.period%time.Second == 0:
		return fmt.Sprintf("%d/%ds", r.requests, r.period/time.Second)
	}
	return fmt.Sprintf("%d/%s", r.requests, r.period)
}

// Set reads N/DURATION, or 0.
func (r *rateFlag) Set(value string) error {
	if value == "0" {
		*r = rateFlag{}
		return nil
	}
	count, per, ok := strings.Cut(value, "/")
	requests, err := strconv.Atoi(count)
	if !ok || err != nil || requests < 0 {
		return fmt.Errorf("want N/DURATION such as 1000/1m or 100/1s, or 0 for no limit")
	}
	period, err := time.ParseDuration(per)
	if err != nil || period <= 0 {
		return fmt.Errorf("want N/DURATION such as 1000/1m or 100/1s: %q is not a positive duration", per)
	}
	*r = rateFlag{requests: requests, period: period}
	return nil
}

// option is the client's pace under this limit.
func (r rateFlag) option() wrapper.Option {
	return wrapper.WithRateLimit(r.requests, r.period)
}
