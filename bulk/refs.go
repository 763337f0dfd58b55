package bulk

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"iter"
	"slices"
	"strings"

	"github.com/gleap-community/gleap-go/wrapper"
)

// hasRef reports whether req has a ticket and a messageRef to find its message by on the server.
func hasRef(req wrapper.CreateMessageRequest) bool {
	return req.Ticket != nil && strings.TrimSpace(*req.Ticket) != "" &&
		req.MessageRef != nil && strings.TrimSpace(*req.MessageRef) != ""
}

// digest stands for strings of any length in a fixed 16 bytes: the start of their SHA-256. Two different
// ones share a digest with a chance of 2^-128 a pair: for a billion requests, 10^-21.
type digest [16]byte

// digestOf digests parts, each with its length, so that ("ab", "c") and ("a", "bc") differ.
func digestOf(parts ...string) digest {
	hash := sha256.New()
	for _, part := range parts {
		_, _ = hash.Write(binary.BigEndian.AppendUint64(nil, uint64(len(part))))
		_, _ = io.WriteString(hash, part)
	}
	return digest(hash.Sum(nil))
}

// keyHash is a 64-bit hash of the parts of a key.
func keyHash(parts []string) uint64 {
	h := fnv.New64a()
	for i, part := range parts {
		if i > 0 {
			_, _ = h.Write([]byte{0})
		}
		_, _ = io.WriteString(h, part)
	}
	return h.Sum64()
}

// refKey is the key a request of Send is found by on the server: its ticket and messageRef; nil when it
// has none.
func refKey(req wrapper.CreateMessageRequest) []string {
	if !hasRef(req) {
		return nil
	}
	return []string{*req.Ticket, *req.MessageRef}
}

// RepeatedRefs calls repeated with each request of requests whose ticket and messageRef an earlier
// request has, with the number of that first request, until repeated returns false. With a journal,
// Send refuses such an input (a resumed run could not tell the two apart on the server); RepeatedRefs
// lets a caller name every such request first.
//
// It holds 8 bytes a request, a hash of its pair, and reads requests a second time only when two hashes
// are equal, then holding a digest of each pair whose hash repeats, however long the values.
func RepeatedRefs(requests iter.Seq2[int, wrapper.CreateMessageRequest], repeated func(number, first int, req wrapper.CreateMessageRequest) bool) {
	repeatedKeys(requests, refKey, repeated)
}

// firstRepeated is the check of an input with a journal (operation.repeated): an *InputError for the
// first request of requests whose key an earlier request has, saying problem, a format given the
// number of that earlier request.
func firstRepeated[T any](requests iter.Seq2[int, T], key func(T) []string, problem string) error {
	var err error
	repeatedKeys(requests, key, func(number, first int, _ T) bool {
		err = &InputError{Number: number, Problem: fmt.Sprintf(problem, first)}
		return false
	})
	return err
}

// repeatedKeys calls repeated with each request of requests whose key (nil: it has none) an earlier
// request has, with the number of that first request, until repeated returns false, as RepeatedRefs
// says.
func repeatedKeys[T any](requests iter.Seq2[int, T], key func(T) []string, repeated func(number, first int, req T) bool) {
	// 32 bits would collide some hundred times in a million requests, and so read the input again.
	var hashes []uint64
	for _, req := range requests {
		if parts := key(req); parts != nil {
			hashes = append(hashes, keyHash(parts))
		}
	}
	slices.Sort(hashes)
	suspects := hashes[:0] // in place: each step writes at most one, behind the one it reads
	for i := 1; i < len(hashes); i++ {
		if hashes[i] == hashes[i-1] {
			suspects = append(suspects, hashes[i])
		}
	}
	suspects = slices.Compact(suspects)
	if len(suspects) == 0 {
		return
	}
	firstNumber := make(map[digest]int)
	for number, req := range requests {
		parts := key(req)
		if parts == nil {
			continue
		}
		if _, suspect := slices.BinarySearch(suspects, keyHash(parts)); !suspect {
			continue
		}
		pair := digestOf(parts...)
		first, seen := firstNumber[pair]
		if !seen {
			firstNumber[pair] = number
		} else if !repeated(number, first, req) {
			return
		}
	}
}
