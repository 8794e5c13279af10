package engine

// Memory that follows what a worker holds, beyond its processes, threads
// and tasks (costs.go): each open connection, each call that waits for a
// connection of the client's pool, and the pages a worker stops sharing
// with gunicorn's arbiter as it serves. The figures were fitted to the
// quiet calibration run of 2026-12-02 (calibrate/runs-2026-12-02.json,
// docs/calibration.md section 3), each one to the rows that differ in that
// one thing, and checked on the others.

// gunicornArbiterRSS is the private memory of gunicorn's arbiter beside
// sync or gthread workers that have booted the app. At rest, before any
// worker, it is 7.8-7.9 MiB (docs/memory.md); a worker that imports Flask
// and requests after fork writes to pages it shares with the arbiter
// (reference counts, sys.modules, the interned strings), and each page it
// copies leaves the arbiter's original private. In the quiet run, resident
// less the worker's RSS with one worker was 10.6-10.9 MiB (cpu-threads-1,
// cpu-threads, cpu-threads-8, cpu-cold: before gunicornUnshare's step), and
// the rows with 2 and 4 workers were 2.9-3.8 MiB above the at-rest figure
// as well (sync-4w, cpu-procs, gthread-2x5-c10): all workers copy the same
// pages, so the arbiter's copy turns private once, not once a worker.
var gunicornArbiterRSS = mb(10.7)

// gunicornUnshare is what a gunicorn sync or gthread worker forked without
// --preload adds once it has served syncUnshareAfter or
// gthreadUnshareAfter requests: the pages of the arbiter's heap it
// inherited and shared turn private in both processes (copy on write, as
// the worker writes the objects' reference counts and CPython's full
// collection writes the header of every tracked object it inherited). The
// quiet run shows it as a step, not a slope: with one worker the arbiter's
// private memory beside the worker (resident less the worker's RSS) was
// 10.6-10.9 MiB after 200-300 requests (cpu-threads-1, cpu-threads,
// cpu-threads-8, cpu-cold) and 14.7-15.0 after 1000 or more
// (articles-threads, articles-threads-1000, cpu-hot: +4.0 over cpu-cold),
// while the worker's RSS stayed at 42.7-42.8 MiB; gthread-2x5-c11's summed
// Pss rose by 4.1 MiB in the two runs where one worker served all 600
// requests (81.1-81.3 against 77.2-77.4 when each served 300 or 335), and
// gthread-4x8-c64's further workers, about 750 requests each, had 5.4 MiB
// more private memory each than gthread-2x5-c10's at 300.
//
// Where the step falls was probed on 2026-12-02 06:36-06:38 UTC, one
// worker, on a loaded machine (load average 5.0-6.6; the count of
// allocations that triggers a collection does not depend on the load),
// with the harness's warm-up of 3 requests a client before each run:
// sync with one client and io=0s stayed at 10.6-10.8 MiB up to 650
// requests and was at 13.2-14.9 from 680 on (one run at 700 read 13.2,
// the step under way as it was sampled); gthread with 4 threads stayed at
// 10.7 at 450 (io=0s) and was at 14.4 at 450 with io=20ms and 14.7 at 500.
const (
	gunicornUnshare     = 4 * mib
	syncUnshareAfter    = 670 // the step between 653 and 683 requests
	gthreadUnshareAfter = 450 // at 462 requests one run had made the step (io=20ms) and one not (io=0s)
)

// greenletConnRSS is what a gevent or eventlet connection holds beyond the
// parked greenlet that serves it (taskRSS, 18.1 KiB measured alone): the
// handler (gevent's pywsgi WSGIHandler makes rfile = sock.makefile('rb',
// -1), a BufferedReader with an 8 KiB buffer; eventlet.wsgi's
// HttpProtocol does the same), its socket, and the deeper slice of C stack
// that greenlet copies to the heap when a handler in the middle of a
// request switches away (greenlet's stack_copy, the part of the stack the
// next greenlet overwrites). Fitted to the gevent worker's RSS: 46.0 MiB
// with 10 connections (gevent-blocking) and 91.1-91.2 with 1000 and about
// 230 requests calls in flight (articles-gevent), 41 KiB a connection in
// all. Checked on the gevent row (50 connections, 50 calls): its worker
// read 49.5 MiB, where these figures give 48.6 from gevent-blocking's.
const greenletConnRSS = 23 * kib

// uvicornConnRSS is what an open connection holds on uvicorn beyond the
// request's task (taskRSS, 9.8 KiB): the H11Protocol with its
// h11.Connection and receive buffer, the asyncio transport and its socket.
// Fitted to asyncio-sleep: 1000 connections each with a sleeping request
// were 53.7-53.9 MiB, 12.2 MiB above 41.7 (asyncio-blocking's 10
// connections), 12.4 KiB a connection with its task.
const uvicornConnRSS = 2600

// gthreadConnRSS is what a connection holds in a gthread worker, queued
// for a thread or served: its TConn, the socket, the RequestParser that
// enqueue_req makes for it before the executor takes it (TConn.init,
// gthread.py:48-58, 117-120) with its SocketUnreader, and the future and
// work item of tpool.submit. Fitted to the worker's RSS: 42.8 MiB with 8
// connections and 1 thread (cpu-threads-1), 49.8 with 1000 connections,
// 50 threads and 50 calls (articles-threads) and 66.4 with 1000
// connections, 370 threads and 369 calls (articles-threads-1000): after
// the threads' 33 KiB and the calls' 20.8 KiB, 4.5 and 4.3 KiB a
// connection.
const gthreadConnRSS = 4400

// aiohttpWaitRSS is what a call holds while it waits for a connection of
// aiohttp's pool: ClientSession._request has built its ClientRequest (URL,
// headers, the timer) before connector.connect queues a future in
// _waiters (aiohttp/client.py, connector.py:499-523). Fitted to
// articles-async: 1000 requests, 100 calls in flight and 900 waiting, were
// 61.9-62.0 MiB, 6.7 MiB above what the connections, tasks and calls
// explain (asyncio-sleep and asyncio-1000 give those), 7.6 KiB a waiter.
const aiohttpWaitRSS = 7600

// connMem counts n connections that open (1) or close (-1) in worker pid.
func (s *Sim) connMem(pid int32, n int) {
	if c := s.cost.connRSS; c != 0 {
		s.addProcMem(pid, int64(n)*c, int64(n)*c)
	}
}

// waitMem counts n calls of worker pid that start (1) or stop (-1)
// waiting for a connection of the client's pool.
func (s *Sim) waitMem(pid int32, n int) {
	if w := s.waitRSS; w != 0 {
		s.addProcMem(pid, int64(n)*w, int64(n)*w)
	}
}

// unshareMem counts the pages worker pid stops sharing with the arbiter
// when it has served the model's costs.unshareAfter requests. A worker with
// Flask async views has them counted in asyncViewLib: each request makes an
// event loop and a thread, and the real worker had made the step within its
// first 160 requests (rows async-view and async-view-parallel: 14.8 MiB
// beside the worker's RSS), which the fit of asyncViewLib includes.
func (s *Sim) unshareMem(pid int32) {
	p := &s.procs[pid]
	if s.cost.unshareAfter > 0 && p.served == s.cost.unshareAfter && !s.asyncView {
		s.addProcMem(pid, s.cost.unshareRSS, 0)
	}
}

// poolWaitMemory returns what a call of lane c holds while it waits for a
// connection of its client's pool: measured for aiohttp only; the other
// clients' waits (requests with pool_block, httpx) are taken as free.
func poolWaitMemory(c *Config) int64 {
	if c.Wait == WaitSleep || !c.spec().owns(keyPyApp) || c.client() != ClientAiohttp {
		return 0
	}
	return aiohttpWaitRSS
}
