package engine

import "time"

// A call on a green hub (gevent, eventlet) that goes round the hub's loop
// before it is sent. The app's HTTP client does things that the patched
// standard library turns into a wait on the hub, though nothing is slow:
//
//   - requests: urllib3's HTTPConnectionPool._get_conn checks the pooled
//     connection with is_connection_dropped, a wait_for_read with timeout
//     0 (urllib3/util/connection.py, util/wait.py). On gevent that is
//     gevent.select.poll, whose poll(0) starts a watcher per fd and waits
//     on an Event with a 0 s Timeout (gevent/select.py poll); on eventlet
//     it is eventlet.green.select.select, which schedules a 0 s timer and
//     switches to the hub. Either way the greenlet runs again only when
//     the timer fires, after the hub has run what was ready before it and
//     polled again.
//   - urllib.request on gevent: a new connection every call, whose
//     getaddrinfo, even of an IP address, gevent's default resolver hands
//     to the hub's threadpool (gevent/resolver/thread.py:63,
//     self.pool.apply); the answer comes back through the loop.
//   - httpx: httpcore checks a pooled connection with is_socket_readable,
//     a select.poll(0) as urllib3's (httpcore/_utils.py).
//
// Traced on the real gunicorn -k gevent and -k eventlet workers with
// greenlet.settrace (rows gevent, eventlet and gevent-urllib, one run
// each, on a loaded machine, load average 5-6): every requests call
// switched to the hub in that poll or select and waited there 9.3 ms
// (gevent) and 18.8 ms (eventlet) on average, about as long as a wait for
// the client's next request (16 ms); every urllib call in the resolver's
// pool.apply, 11.4 ms. Waits that need no trip were short: a sleep(0)
// (a callback, 0.5 ms on average) and urllib's connect on loopback (0.7
// ms), so the engine charges none for them. Nor does it charge what was
// seen on gevent besides: urllib3's pool is a queue.LifoQueue whose mutex,
// a gevent lock after monkey-patching, is held across those sleep(0)s
// (Condition.notify calls _is_owned, whose failed acquire(False) sleeps:
// gevent/thread.py LockType.acquire), so other greenlets wait for it,
// 14 ms on average for 84% of the returns and 46% of the takes.
//
// The engine makes each trip a turn of the loop of its own: the greenlet
// gives the loop up and queues behind every task ready before it, then
// runs the CPU of its call from the check to the send (trip.cpu, which
// comes out of the call's resume) and sends it. On gevent the real wait is
// longer: the poll's Timeout is a libev timer of priority -1
// (gevent/timeout.py), which ev_invoke_pending runs after every socket
// watcher the next poll reports. Modelled that way too, row gevent fell as
// far below the real figures as it is above them now, and a full hub with
// 1000 clients and 1 s calls idled a sixth of the time between cohorts,
// which no real run checks; so the trip queues behind the tasks ready as
// it yields (calibrate/rows.go, row gevent).

// hubTrip sends r, about to make its next call, round its worker's loop
// once more if its client's call still has a trip to make, and reports
// whether it did (r then waits for its turn). A call that cannot yield
// (blocking), gathered calls and sleeps make none.
func (s *Sim) hubTrip(r *request) bool {
	if r.trips >= s.cost.trips || !s.tripsApply(r) {
		r.trips = 0
		return false
	}
	r.trips++
	s.yieldLoop(r)
	r.wakes = 1
	return s.runCPU(r, true, s.cost.tripCPU, stepCalls)
}

// tripsApply reports whether r's calls make their client's trips: calls
// that yield the hub one at a time (not blocking, not gathered), not
// sleeps.
func (s *Sim) tripsApply(r *request) bool {
	return s.cost.trips > 0 && s.unit.handlerLoop && !r.blocking && !r.parallel && !s.sleep
}

// tripsCPU is the CPU of coming back from r's call that its trips ran
// before the call went out (resumeCPU charges the rest).
func (s *Sim) tripsCPU(r *request) time.Duration {
	if !s.tripsApply(r) {
		return 0
	}
	return time.Duration(s.cost.trips) * s.cost.tripCPU
}

// trip is what a call with one HTTP client makes on a green hub: n trips
// round the hub's loop before it is sent, and cpu, the CPU of the call
// that runs in the turn after each (part of costs.resume, which resumeCPU
// charges less this).
type trip struct {
	n   uint8
	cpu time.Duration
}

// withTrips returns k with the trips of lane c's calls, from its model's
// table (spec.trips, indexed by Client); sleeps make none.
func withTrips(c *Config, k costs) costs {
	if t := c.spec().trips; t != nil && c.Wait != WaitSleep && int(c.client()) < len(t) {
		k.trips, k.tripCPU = t[c.client()].n, t[c.client()].cpu
	}
	return k
}
