package wrapper

import (
	"context"
	"time"
)

// fitsDeadline reports whether ctx leaves time for a pause of d: waiting past the caller's deadline only
// to fail then would hide the real cause.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}

// hasDeadline reports whether ctx has a deadline.
func hasDeadline(ctx context.Context) bool {
	_, ok := ctx.Deadline()
	return ok
}
