package gleaptest

import "runtime"

// liveHeap returns the bytes the heap holds once its garbage is collected. Tests that call it measure the
// whole process, and so must not run in parallel with others.
func liveHeap() int {
	runtime.GC()
	runtime.GC() // a second cycle frees what sync.Pools let go of in the first
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return int(stats.HeapAlloc)
}
