package engine

// resource is a number of identical units that requests hold one at a time
// each, at most max at once, with a first-in, first-out queue of ids
// waiting for one: a worker's pool of threads, its upstream connections,
// its event loop (one unit).
type resource struct {
	max  int  // most units at once; 0 for no limit
	n    int  // units held (for a pool that keeps its idle units: made)
	wait fifo // ids waiting for a unit
	// order, if set, picks which waiter a released unit goes to, in place
	// of the one that has waited longest: a loop whose ready tasks do not
	// run first in, first out (gevent's hub, libev.go).
	order waitOrder
}

// waitOrder is the order in which a resource's waiters get its unit.
type waitOrder interface {
	// took is told that id took a free unit without waiting.
	took(id int32)
	// next puts the waiter that gets a released unit at the head of w,
	// which is not empty.
	next(w *fifo)
	// idle is told that the unit was released with nobody waiting.
	idle()
}

// full reports whether every unit is taken.
func (rs *resource) full() bool { return rs.max > 0 && rs.n >= rs.max }

// take gives id a unit and reports true, or queues id and reports false.
func (rs *resource) take(id int32) bool {
	if rs.full() {
		rs.wait.push(id)
		return false
	}
	rs.n++
	if rs.order != nil {
		rs.order.took(id)
	}
	return true
}

// release gives a unit back: it passes to the id that has waited longest
// (or the one order picks), returned with true, or is freed.
func (rs *resource) release() (next int32, ok bool) {
	if rs.wait.len() > 0 {
		if rs.order != nil {
			rs.order.next(&rs.wait)
		}
		return rs.wait.pop(), true
	}
	rs.n--
	if rs.order != nil {
		rs.order.idle()
	}
	return -1, false
}

// reset frees every unit and empties the queue, keeping its memory.
func (rs *resource) reset(max int) {
	rs.max, rs.n = max, 0
	rs.wait.clear()
}
