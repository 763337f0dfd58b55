package webhook

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"sync"
	"time"
)

// deliveryKey tells deliveries of the same event apart from others: a digest of the project, the
// event's type and its data in canonical form. Two updates of one ticket within the same millisecond
// share its id and updatedAt, but not its data: only a true repeat has the same key. A digest keeps
// what the cache holds per delivery small, whatever the sender put in the data.
type deliveryKey [sha256.Size]byte

// keyOf returns the key of event.
func keyOf(event *Event) deliveryKey {
	hash := sha256.New()
	field := func(value []byte) { // each field with its length, so that no two keys run together the same
		_ = binary.Write(hash, binary.BigEndian, uint64(len(value)))
		hash.Write(value)
	}
	field([]byte(event.ProjectID))
	field([]byte(event.Type))
	field(canonicalJSON(event.Data))
	var key deliveryKey
	hash.Sum(key[:0])
	return key
}

// canonicalJSON returns data, a JSON value, in one form whatever its layout: without spaces, the keys
// of each object sorted, every string escaped alike and every number as it was written. Data that does
// not decode is returned as it is.
func canonicalJSON(data []byte) []byte {
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber() // a number keeps its digits: 1e400 or 0.10000000000000001 are not rounded to another
	var value any
	if decoder.Decode(&value) != nil {
		return data
	}
	canonical, err := json.Marshal(value) // encoding/json sorts the keys of a map
	if err != nil {
		return data
	}
	return canonical
}

// deliveries remembers which deliveries were handled, for a time to live and at most max of them, and
// which are being handled now, at most maxInFlight of them. A delivery is remembered only once its
// callback succeeded: one whose callback failed is forgotten, so that the sender's next try runs it again.
type deliveries struct {
	ttl         time.Duration
	max         int
	maxInFlight int
	now         func() time.Time

	mu       sync.Mutex
	handled  map[deliveryKey]time.Time     // when each remembered delivery is forgotten
	order    []remembered                  // the remembered deliveries, oldest first; may hold stale entries
	inFlight map[deliveryKey]chan struct{} // one per callback that has not returned, closed when it returns
}

// remembered is one entry of deliveries.order.
type remembered struct {
	key     deliveryKey
	expires time.Time
}

func newDeliveries(ttl time.Duration, max, maxInFlight int, now func() time.Time) *deliveries {
	return &deliveries{ttl: ttl, max: max, maxInFlight: maxInFlight, now: now,
		handled: make(map[deliveryKey]time.Time), inFlight: make(map[deliveryKey]chan struct{})}
}

// claimResult is what claim found for a delivery.
type claimResult int

const (
	claimed       claimResult = iota // nobody handled it or is handling it: the caller runs it, then calls finish
	handledBefore                    // a delivery of the same event was handled
	beingHandled                     // a delivery of the same event is being handled: wait, then claim again
	overloaded                       // maxInFlight callbacks have not returned: the caller runs none
)

// claim tells what to do with the delivery key. When it is being handled, the channel returned is closed
// once its callback returns.
func (d *deliveries) claim(key deliveryKey) (claimResult, <-chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire()
	if _, ok := d.handled[key]; ok {
		return handledBefore, nil
	}
	if done, ok := d.inFlight[key]; ok {
		return beingHandled, done
	}
	if len(d.inFlight) >= d.maxInFlight {
		return overloaded, nil
	}
	d.inFlight[key] = make(chan struct{})
	return claimed, nil
}

// finish ends the claim on key: the delivery is remembered when handled, forgotten when its callback
// failed, and whoever waits for it claims again.
func (d *deliveries) finish(key deliveryKey, handled bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	close(d.inFlight[key])
	delete(d.inFlight, key)
	if !handled {
		return
	}
	expires := d.now().Add(d.ttl)
	d.handled[key] = expires
	d.order = append(d.order, remembered{key: key, expires: expires})
	for len(d.handled) > d.max {
		d.forgetOldest()
	}
}

// expire forgets the deliveries whose time to live is over. The caller holds d.mu.
func (d *deliveries) expire() {
	now := d.now()
	for len(d.order) > 0 && !now.Before(d.order[0].expires) {
		d.forgetOldest()
	}
}

// forgetOldest forgets the oldest remembered delivery. An entry of order whose delivery was remembered
// again later is stale: it goes without forgetting the newer one. The caller holds d.mu.
func (d *deliveries) forgetOldest() {
	oldest := d.order[0]
	d.order[0] = remembered{}
	d.order = d.order[1:]
	if d.handled[oldest.key].Equal(oldest.expires) {
		delete(d.handled, oldest.key)
	}
}
