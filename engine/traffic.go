package engine

import (
	"math"
	"math/rand/v2"
	"time"
)

// traffic sends requests: closed-loop clients, open-loop Poisson arrivals,
// or a burst at the start.
type traffic struct {
	clients  []client
	active   int      // closed loop: clients 0 to active-1 send; the rest stop (a change of clients)
	rateGen  uint32   // open loop: bumped by a change of rate, to cancel the arrival that was due
	arrivals rand.PCG // open loop: the times between arrivals
	src      rand.PCG // reseeded for each request's own draws
	netSrc   rand.PCG // reseeded for each closed-loop request's network time (rtt)
	lateSrc  rand.PCG // reseeded for each upstream call's lateness (io-late)
	seq      int64    // requests sent so far
	burstN   int
	seedMix  uint64 // mix of the run's seed, which never changes (a key read once), for the reseeds
}

// client is one closed-loop client and its connection to the server.
type client struct {
	sent int64 // requests this client has sent
	conn conn
	// busy, for a client beyond traffic.active, says that it still has a
	// request in flight or its next one due (it stops after that).
	busy bool
	// net is the network and client time (rtt) of the request it sends
	// next, drawn as the previous one ended: the request reaches the
	// server net after the client sent it.
	net time.Duration
	// spent is the part of its turn-around that its CPU has already
	// taken (client-cpu, clientcpu.go): the send comes that much sooner.
	spent time.Duration
}

// conn is a client's kept-alive connection to one worker.
type conn struct {
	open    bool
	proc    int32
	procGen uint32
	gen     uint32 // bumped when the connection is used or closed, to cancel its timer
	// answered is when the server wrote the last response on it (for
	// spec.cycleGap).
	answered time.Duration
}

func (t *traffic) start(s *Sim) {
	c := &s.cfg
	t.seedMix = mix(c.Seed)
	switch {
	case c.Clients > 0:
		t.clients = make([]client, c.Clients)
		t.active = c.Clients
		for i := range t.clients {
			t.sendAfter(s, int32(i), 0)
		}
	case c.Rate > 0:
		t.arrivals.Seed(t.seedMix, mix(streamArrivals))
		s.after(t.interArrival(c.Rate), evArrive, -1, 0)
	case c.Burst > 0:
		t.burstN = c.Burst
		s.after(0, evArrive, -2, 0)
	}
}

func (t *traffic) interArrival(rate float64) time.Duration {
	u := uniform(&t.arrivals)
	return time.Duration(-detLog(1-u) / rate * float64(time.Second))
}

// arrive handles evArrive: client a sends its next request (a >= 0), an
// open-loop arrival of rate generation gen comes (a == -1), or the burst is
// sent (a == -2).
func (t *traffic) arrive(s *Sim, a int32, gen uint32) {
	switch {
	case a >= 0:
		cl := &t.clients[a]
		if int(a) >= t.active {
			cl.busy = false // it has left: it sends nothing more
			s.leaveHold(a)
			return
		}
		cl.sent++
		r := t.send(s, uint64(a)+1, uint64(cl.sent))
		t.sentAgo(s, r, cl.net)
		r.client = a
		if cn := &cl.conn; cn.open && s.procs[cn.proc].alive && s.procs[cn.proc].gen == cn.procGen {
			s.reuseConn(r, cn)
			return
		}
		cl.conn.open = false
		s.connect(r)
	case a == -1:
		if gen != t.rateGen {
			return // the rate changed since this arrival was drawn
		}
		r := t.send(s, 0, uint64(t.seq+1))
		t.sentAgo(s, r, t.openNet(s))
		s.after(t.interArrival(s.cfg.Rate), evArrive, -1, gen)
		t.openCPU(s)
		s.connect(r)
	default:
		for i := 0; i < t.burstN && !s.ended; i++ {
			r := t.send(s, 0, uint64(i+1))
			t.sentAgo(s, r, t.openNet(s))
			t.openCPU(s)
			s.connect(r)
		}
	}
}

// send makes a request and draws its work. The draws come from a source
// seeded by (seed, who, n), so a client's n-th request has the same work in
// every lane of a comparison, whatever happened before it.
func (t *traffic) send(s *Sim, who, n uint64) *request {
	c := &s.cfg
	t.seq++
	r := s.newRequest()
	r.seq = t.seq
	r.draws = who<<40 ^ n
	t.src.Seed(t.seedMix, mix(r.draws))
	hit := uniform(&t.src) < c.Cache
	if !hit && c.Slow > 0 {
		r.slow = uniform(&t.src) < c.Slow
	}
	if !hit {
		for i := 0; i < c.Calls; i++ {
			r.lat = append(r.lat, t.latency(c))
		}
	}
	// What the request does is fixed as it is sent: a live change of these
	// keys applies to the requests sent after it.
	r.cpu, r.blocking, r.parallel = c.CPU, c.Blocking, s.parallel
	r.job, r.jobCPU = false, 0
	if s.enqueues() {
		// The handler enqueues the work as an RQ job; a cache hit needs none.
		r.cpu, r.jobCPU, r.blocking, r.parallel = 0, c.CPU, false, false
		if !hit {
			r.job, r.cpu = true, jobEnqueueCPU
		}
	}
	s.m.arrive(s)
	return r
}

// sentAgo dates r, which reaches the server now, from its client's send,
// net ago, and starts the client's timeout from then.
func (t *traffic) sentAgo(s *Sim, r *request, net time.Duration) {
	net = min(net, s.now) // a live change of rtt cannot date a send before the run
	r.sent = s.now - net
	if c := s.cfg.ClientTimeout; c > 0 {
		s.after(max(0, c-net), evClientGiveUp, r.id, r.gen)
	}
}

// latency draws one upstream call's latency as a multiple of io, the mean:
// the call takes io as it is when the call starts (callLatency), so that a
// live change of io applies to the calls that start after it.
func (t *traffic) latency(c *Config) float64 {
	switch c.IODist {
	case DistExp:
		return -detLog(1 - uniform(&t.src))
	case DistLognormal:
		// Marsaglia's polar method for a standard normal z.
		for {
			u := 2*uniform(&t.src) - 1
			v := 2*uniform(&t.src) - 1
			q := u*u + v*v
			if q > 0 && q < 1 {
				z := u * math.Sqrt(-2*detLog(q)/q)
				const sigma = lognormalSigma
				return detExp(float64(sigma*z) - sigma*sigma/2)
			}
		}
	}
	return 1
}

// late draws how much later than its latency the answer to call i of the
// request keyed draws (request.draws) comes: exponential, of mean io-late,
// from a source seeded by (seed, draws, i), so every lane of a comparison
// draws the same and no other draw moves.
func (t *traffic) late(s *Sim, draws uint64, i int) time.Duration {
	if s.cfg.IOLate == 0 {
		return 0
	}
	t.lateSrc.Seed(t.seedMix^streamLate, mix(draws^uint64(i+1)<<56))
	return t.expDraw(&t.lateSrc, s.cfg.IOLate)
}

// callLatency is the latency of a call drawn as multiple f of the mean, if
// it starts now. (The product is the one the draw made before io could
// change live, so runs without changes keep their bytes.)
func (s *Sim) callLatency(f float64) time.Duration {
	return time.Duration(f * float64(s.cfg.IO))
}

// done tells the client of r that its request has ended (answered or
// failed): it spends its CPU on the answer and the next request (with
// client-cpu, clientcpu.go), thinks, then sends its next one.
func (t *traffic) done(s *Sim, r *request) {
	if r.client < 0 || s.ended {
		return
	}
	if s.cfg.ClientCPU > 0 && int(r.client) < t.active {
		cl := &t.clients[r.client]
		d := s.clientCost(!cl.conn.open)
		if cn := &cl.conn; cn.open && s.procs[cn.proc].heldFor == r.client+1 {
			// The worker's loop is held for this request (holdLoop): the
			// model has it already in the socket, so its CPU is spent.
			s.clientWork(-1, d)
		} else {
			s.clientWork(r.client, d)
			return
		}
	}
	t.next(s, r.client, 0)
}

// next makes client a think and send its next request, unless it has left
// or the run has ended; spent is the time since the answer that its CPU
// took (client-cpu), which its turn-around (rtt) covers.
func (t *traffic) next(s *Sim, a int32, spent time.Duration) {
	if s.ended {
		return
	}
	if int(a) >= t.active {
		s.clientGone(a) // it has left
		return
	}
	t.clients[a].spent = spent
	t.sendAfter(s, a, s.cfg.Think)
}

// sendAfter makes client a send its next request wait from now: the request
// reaches the server that much later again, the network and client time
// (netTime), which a request on a new connection pays twice (TCP's
// handshake first). A kept-alive connection that the server would close
// while the request is on its way is closed first, so the request then
// comes on a new connection (without the handshake's time: with rtt far
// below every server's keep-alive timeout, the case is rare).
func (t *traffic) sendAfter(s *Sim, a int32, wait time.Duration) {
	cl := &t.clients[a]
	cl.net = 0
	spent := cl.spent
	cl.spent = 0
	if rtt := s.cfg.RTT; rtt > 0 {
		cn := &cl.conn
		if cl.sent == 0 {
			// Clients that start together send together: their handshakes
			// and first requests cross the network as one burst, a round
			// trip each, which the server's accept sees at one instant.
			cl.net = 2 * rtt
			s.after(wait+cl.net, evArrive, a, 0)
			return
		}
		cl.net = t.netTime(s, a, cl.sent+1, !cn.open)
		if cn.open && s.procs[cn.proc].heldFor == a+1 {
			// The worker's loop is held for this request (holdLoop): the
			// model has it already in the socket, sent net ago.
			s.after(wait, evArrive, a, 0)
			return
		}
		if ka := s.cost.keepalive; cn.open && ka > wait && ka <= wait+max(cl.net, spent) {
			s.after(max(0, ka-spent), evKeepaliveEnd, a, cn.gen) // from the answer, spent ago
		}
	}
	if d := wait + max(0, cl.net-spent); d > 0 {
		s.after(d, evArrive, a, 0)
	} else {
		s.q.pushDue(event{at: s.now, kind: evArrive, a: a}) // the common case of think=0 and no rtt
	}
}

// netTime draws the network and client time of client a's n-th request:
// exponential, of mean rtt, from a source seeded by (seed, a, n) so that
// every lane of a comparison draws the same; twice on a new connection.
func (t *traffic) netTime(s *Sim, a int32, n int64, newConn bool) time.Duration {
	t.netSrc.Seed(t.seedMix^streamNet, mix(uint64(a+1)<<40^uint64(n)))
	d := t.expDraw(&t.netSrc, s.cfg.RTT)
	if newConn {
		d += t.expDraw(&t.netSrc, s.cfg.RTT)
	}
	return d
}

// openNet draws an open-loop request's network time (a new connection: the
// handshake, then the request) from the request's own source, after its
// work.
func (t *traffic) openNet(s *Sim) time.Duration {
	if s.cfg.RTT == 0 {
		return 0
	}
	return t.expDraw(&t.src, s.cfg.RTT) + t.expDraw(&t.src, s.cfg.RTT)
}

// openCPU charges the clients' CPU for an open-loop request (a new
// connection), which its send does not wait for (clientcpu.go).
func (t *traffic) openCPU(s *Sim) {
	if s.cfg.ClientCPU > 0 {
		s.clientWork(-1, s.clientCost(true))
	}
}

// expDraw draws an exponential duration of the given mean from p.
func (t *traffic) expDraw(p *rand.PCG, mean time.Duration) time.Duration {
	return time.Duration(-detLog(1-uniform(p)) * float64(mean))
}

// uniform draws a float64 in [0, 1) from p: the value rand.New(p).Float64()
// gives, without the call through rand.Source that the engine's hottest
// path would pay for each draw.
func uniform(p *rand.PCG) float64 { return float64(p.Uint64()<<11>>11) / (1 << 53) }

// mix is SplitMix64's finaliser: it spreads nearby seeds (1, 2, 3...) over
// the whole space before they seed a PCG.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// leaveHold drops the hold of client a, which has left, and ends the run if
// that was the last of its traffic (trafficOver).
func (s *Sim) leaveHold(a int32) {
	s.dropHold(a)
	if s.trafficOver() {
		s.ended = true
	}
}

// clientGone marks client a, which has left, as sending nothing more, and
// ends the run if that was the last of its traffic (trafficOver).
func (s *Sim) clientGone(a int32) {
	s.traffic.clients[a].busy = false
	if s.trafficOver() {
		s.ended = true
	}
}
