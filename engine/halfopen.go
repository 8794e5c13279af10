package engine

import "time"

// Half-open connections on a listen socket with TCP_DEFER_ACCEPT, which
// uWSGI sets on its sockets (its --no-defer-accept turns it off), as Linux
// 6.18 handles them (net/ipv4/tcp_minisocks.c tcp_check_req,
// tcp_ipv4.c tcp_v4_syn_recv_sock, inet_connection_sock.c
// reqsk_timer_handler and syn_ack_recalc; this machine's sysctls:
// tcp_abort_on_overflow=0, tcp_synack_retries=5, tcp_rto_min_us=200000).
//
// Linux answers a SYN while the accept queue is not full, and keeps a
// request sock for it. The client's connect() returns with the SYN-ACK, and
// the client sends its request at once. With TCP_DEFER_ACCEPT the
// handshake's bare ACK makes nothing (TCPDeferAcceptDrop): the connection
// enters the accept queue when its request arrives, if the queue has room
// then (tcp_v4_syn_recv_sock: sk_acceptq_is_full). In a burst the SYNs
// come before the requests, so more SYNs are answered than the queue holds;
// later, a SYN that came while a thread's accept had left a place free may
// find its place taken when its request comes. Either way the request is
// dropped (listen_overflow) and the connection stays half-open: the client
// thinks it is connected, the server holds only the request sock. Then:
//
//   - The client's kernel resends its request when its retransmission
//     timer fires (RTO from tcp_rto_min, 200 ms, rounded up to 51 jiffies,
//     doubling each time, on the timer wheel): the connection enters the
//     queue with its request if it has room at that moment.
//   - The request sock's own timer fires 1 s after the SYN, then 2, 4, 8,
//     16 s after each firing. With TCP_DEFER_ACCEPT (uWSGI passes its
//     socket-timeout, 4 s: 3 timeouts, secs_to_retrans) it resends the
//     SYN-ACK from the third firing, about 7 s in; the client's kernel
//     answers with a bare ACK at once (a challenge ACK, RFC 5961), which,
//     past the deferring period, makes the connection if the queue has room:
//     a connection without its request (measured here: a client that
//     connected and sent nothing was accepted 7.26 s later). The thread that
//     accepts it waits in its read for the client's next retransmission,
//     which by then is seconds away (its sixth, 13.3 s after the drop);
//     uWSGI gives up after socket-timeout (4 s) and closes it.
//   - At the sixth firing (about 63 s) the request sock expires: the
//     client's next retransmission is answered with a reset.
//
// In the engine a half-open request is in stConnecting with r.accepted >= 0:
// when its SYN came, the base of the request sock's timer. r.retries counts
// its request's retransmissions, and its top bit (synCookie) marks a SYN
// that got a cookie: beyond backlog request socks Linux answers with a
// cookie and keeps nothing, so no SYN-ACK is resent and only the request's
// retransmissions get it in. A connection made by the bare ACK is in
// the accept queue with r.accepted still >= 0 until its request comes; the
// thread that accepts it waits in stQueued, holding the thread.
//
// The client can beat a thread's accept: the thread lets the GIL go to send
// its response, and may wait for it to end the request (gilBackAt); the
// client's next SYN then finds the queue full, and the place the accept
// frees stays empty until someone's resend fills it. Such places are what
// let a bare ACK in.
//
// Not modelled: the pruning of old request socks when they are over half
// the backlog (they expire at the fourth firing), and other servers'
// sockets (without TCP_DEFER_ACCEPT the ACK alone makes the connection).

const (
	// clientRTO is the client's first retransmission timeout on loopback:
	// tcp_rto_min (200 ms) plus a few µs of srtt, rounded up to jiffies
	// (__tcp_set_rto, usecs_to_jiffies).
	clientRTO = 51 * jiffy
	// tcpRTOMax caps the doubled timeouts (TCP_RTO_MAX).
	tcpRTOMax = 120 * time.Second
	// tcpRetries2 is how many times the client's kernel resends before it
	// gives up on the connection (net.ipv4.tcp_retries2).
	tcpRetries2 = 15
	// synAckTimeout is the request sock's first timeout (TCP_TIMEOUT_INIT).
	synAckTimeout = time.Second
	// synAckRetries is net.ipv4.tcp_synack_retries: the request sock
	// expires at the firing after that many.
	synAckRetries = 5
	// deferRetrans is TCP_DEFER_ACCEPT's 4 s (uWSGI's socket-timeout) as
	// timeouts: secs_to_retrans(4, 1, 120) = 3 (1 + 2 + 4 s covers 4 s).
	deferRetrans = 3
	// uwsgiReadTimeout is uWSGI's socket-timeout: how long a thread waits
	// for a request's bytes (uwsgi_wait_read_req) before it closes the
	// connection.
	uwsgiReadTimeout = 4 * time.Second
)

// synAnswered reports whether the SYN of r, whose request finds the accept
// queue full now, had found room: whether it came before the queue last
// filled up (the last connection queued). Its SYN came halfway through its
// network time (a new connection's rtt is drawn twice: the handshake, then
// the request). A connection without network time (rtt=0, or burst=,
// which comes at the run's start) has its SYN at the same instant as its
// request: the queue it fills drops its SYN, as the engine did before it
// modelled half-open connections. (A real burst of 300 on a queue of 101 had
// 203 connects return at once and 97 SYNs dropped: its SYNs and requests
// interleave; docs/models.md, uwsgi.)
func (s *Sim) synAnswered(r *request) bool {
	if s.backlog.len() == 0 {
		return false // full of connections handed to a main thread (mainthread.go)
	}
	return s.synAt(r) < s.reqs[*s.backlog.last()].since
}

// synAt is when the SYN of r, whose request reaches the socket now, came.
func (s *Sim) synAt(r *request) time.Duration { return s.now - (s.now-r.sent)/2 }

// halfOpen leaves r's connection half-open: its request was dropped now.
// Its SYN got a request sock, or a SYN cookie when more than backlog
// request socks were pending (tcp_conn_request: inet_csk_reqsk_queue_is_full,
// tcp_syncookies=1): a cookie keeps nothing on the server, so no SYN-ACK is
// resent and only the client's retransmissions can get it in.
func (s *Sim) halfOpen(r *request) {
	s.setState(r, stConnecting)
	r.accepted = s.synAt(r)
	r.retries = 0
	s.after(wheelAfter(s.now, clientRTO)-s.now, evRetrySYN, r.id, r.gen)
	if s.requestSocks(r) > s.backlogCap {
		r.retries = synCookie
		return
	}
	s.after(synAckAt(r.accepted, deferRetrans)-s.now, evRetrySYN, -r.id-1, r.gen)
}

// synCookie marks, in r.retries, a half-open connection whose SYN got a
// cookie; the rest of r.retries counts its request's retransmissions.
const synCookie = 0x80

// requestSocks counts the half-open connections other than r that hold a
// request sock. Which connections of a burst get the cookies depends on how
// its SYNs and requests interleave; after a real burst of 150 clients on a
// queue of 101, the 47 left half-open held request socks in each of three
// runs (47 in SYN-RECV, with 0, 43 and 48 cookies sent: run on a loaded
// machine, 2026-12-02 11:02 UTC, load average 4.2), so the engine gives
// cookies only beyond backlog half-open connections.
func (s *Sim) requestSocks(r *request) int {
	n := 0
	for i := range s.reqs {
		q := &s.reqs[i]
		if q.live && q != r && q.state == stConnecting && q.accepted >= 0 && q.retries&synCookie == 0 {
			n++
		}
	}
	return n
}

// synAckAt is when a request sock made at born fires for the k-th time:
// 1 s after born, then 2, 4, 8... s after each firing, on the timer wheel
// (reqsk_timer_handler re-arms it with reqsk_timeout).
func synAckAt(born time.Duration, k int) time.Duration {
	at := born
	for i := range k {
		at = wheelAfter(at, min(synAckTimeout<<i, tcpRTOMax))
	}
	return at
}

// resendRequest handles the client's retransmission of r's request: it
// gets in if the queue has room, reaches the connection that a bare ACK
// made, or wakes the thread that waits for it.
func (s *Sim) resendRequest(r *request) {
	switch {
	case r.state == stConnecting:
		r.retries++
		n := r.retries &^ synCookie
		born := r.accepted
		r.accepted = -1 // it comes with its request
		if s.admit(r) {
			return
		}
		r.accepted = born
		if n >= tcpRetries2 {
			s.fail(r, causeConnectFailed)
			return
		}
		s.after(wheelAfter(s.now, min(clientRTO<<n, tcpRTOMax))-s.now, evRetrySYN, r.id, r.gen)
	case r.state == stBacklog:
		r.accepted = -1 // its request is in the connection's buffer now
	case s.awaitsRequest(r):
		s.proceed(r.id)
	}
}

// synAckTimer is the firing of request id's request sock timer: from the
// deferring period on, the SYN-ACK is resent and the client's bare ACK
// makes the connection if the queue has room; at the end the request sock
// expires. For a thread that waits for the request, it is uWSGI's read
// timeout.
func (s *Sim) synAckTimer(id int32, gen uint32) {
	r := &s.reqs[id]
	if r.gen != gen {
		return
	}
	if s.awaitsRequest(r) {
		if s.now == r.accepted+uwsgiReadTimeout {
			s.dropUnread(r)
		}
		return
	}
	if r.state != stConnecting || r.accepted < 0 {
		return
	}
	k := deferRetrans
	for synAckAt(r.accepted, k) < s.now {
		k++
	}
	if k > synAckRetries {
		// The request sock expires; the client's next retransmission is
		// answered with a reset.
		s.fail(r, causeConnectFailed)
		return
	}
	if s.admit(r) {
		return // a connection without its request: r.accepted stays >= 0
	}
	s.after(synAckAt(r.accepted, k+1)-s.now, evRetrySYN, -r.id-1, r.gen)
}

// awaitRequest makes the thread that accepted r, a connection without its
// request, wait in its read until the request comes (resendRequest) or
// uWSGI's read timeout (synAckTimer).
func (s *Sim) awaitRequest(r *request) {
	if !s.takeThread(r) {
		panic("engine: a connection accepted without a free thread")
	}
	s.setState(r, stQueued)
	s.after(uwsgiReadTimeout, evRetrySYN, -r.id-1, r.gen)
}

// awaitsRequest reports whether a thread holds r and waits for its request.
func (s *Sim) awaitsRequest(r *request) bool {
	return r.state == stQueued && r.thread >= 0 && r.step == stepStart
}

// dropUnread is uWSGI giving up on the read of r's request: it closes the
// connection, and the client's next retransmission is answered with a
// reset.
func (s *Sim) dropUnread(r *request) {
	pid := r.proc
	s.releaseThread(r)
	s.endTask(pid)
	s.closeConn(pid)
	if r.orphan {
		s.m.wasted++
		s.freeReq(r)
	} else {
		s.fail(r, causeConnectFailed)
	}
	s.pullBacklog(pid)
}

// gilWriteLost is how often a thread that waits for the GIL takes it while
// a uWSGI thread sends its response (gilBackAt). Measured with
// scripts/measure/gilwrite.py (CPython 3.11, the servers' Python): in four
// runs of 300-400 rounds on a loaded machine (2026-12-02 11:34-11:36 UTC,
// load average 4.9-6.5) the waiting thread took the GIL during the send in
// 9-19% of the rounds, 193 of 1,468 pooled; the sender then waited for its
// slice (1.7-2.4 ms median for a 1.6 ms hold). Not measured on a quiet
// machine, where the waiter may wake sooner.
var gilWriteLost = 0.13

// gilBackAt is when a thread of worker pid that has just written its
// response gets the GIL back to end the request, and so can accept again.
// uWSGI's Python plugin lets the GIL go around the write
// (UWSGI_RELEASE_GIL, uwsgi_response_write_body_do, UWSGI_GET_GIL in
// plugins/python/wsgi_subhandler.c): a thread that waits for the GIL may
// take it then (gilWriteLost, drawn), and the writer waits for that
// thread's slice (at most the switch interval) before it ends the request,
// closes, and accepts. The client, which has its answer, may reconnect
// before that accept and find the queue still full: its SYN is dropped,
// and the place the accept frees stays empty until someone's resend fills
// it. In the engine the writer's own work has just ended (cpu.go drops the
// GIL, then the request finishes), so the GIL is free and its waiters are
// in the process's ready queue.
func (s *Sim) gilBackAt(pid int32) time.Duration {
	p := &s.procs[pid]
	if p.running >= 0 || p.readyQ.len() == 0 || s.rng.Float64() >= gilWriteLost {
		return s.now
	}
	return s.now + min(s.threads[*p.readyQ.first()].cpuLeft, switchInterval)
}

// acceptTimer is evRetrySYN's argument for worker pid's deferred accept
// (gilBackAt): below -2^30, where no request's timer reaches.
func acceptTimer(pid int32) int32 { return -1<<30 - 1 - pid }

// acceptTimerPid is the worker of an acceptTimer argument, if a is one.
func acceptTimerPid(a int32) (int32, bool) {
	if a >= -1<<30 {
		return 0, false
	}
	return -1<<30 - 1 - a, true
}
