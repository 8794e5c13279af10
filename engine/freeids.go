package engine

// freeIDs holds the ids of freed slots of a slice that only grows (request
// slots, RQ jobs): a new one takes a freed id, the most recently freed
// first, so a long run stops allocating once it has held its most at once.
type freeIDs []int32

// take returns a freed id, or n, the id of a new slot that the caller
// appends (fresh), when none is free; n is how many slots there are.
func (f *freeIDs) take(n int) (id int32, fresh bool) {
	if k := len(*f); k > 0 {
		id = (*f)[k-1]
		*f = (*f)[:k-1]
		return id, false
	}
	return int32(n), true
}

// put frees id for a later take.
func (f *freeIDs) put(id int32) { *f = append(*f, id) }
