package engine

import (
	"strconv"
	"time"
)

// uwsgi is uWSGI 2.0.21 serving a WSGI app with --http-socket, --master,
// --processes (workers) and --threads (threads). Every thread of every
// worker runs simple_loop_run (core/loop.c:117-160; the main thread is
// core 0, uwsgi_loop_cores_run starts the others, :67-75): it waits on the
// shared listen socket in an epoll of its own, accepts one connection
// (wsgi_req_accept, core/utils.c:1486), serves its one request, closes it,
// and only then waits again. Without --thunder-lock the threads of one
// process take turns at that wait under a process mutex (thunder_lock,
// uwsgi.h:43-49), and the processes race for the connection: the kernel
// wakes every waiting process and one wins accept(). So a worker accepts
// exactly when one of its threads is free, and every other connection
// waits in the listen queue, which is 100 long by default (core/init.c:119,
// --listen). --http-socket's protocol closes the connection after each
// response (proto/http.c:751-766, uwsgi_proto_base_close): no keep-alive
// (--http-keepalive belongs to the separate --http router; --http11-socket
// keeps the connection on its thread). --harakiri is off by default, so no
// worker timeout.
var uwsgi = spec{
	name:   "uwsgi",
	title:  "uWSGI --processes --threads: each free thread accepts for itself, listen queue 100",
	source: "core/loop.c",
	doc: "Each worker process has a fixed number of threads (--threads, 1 by default), " +
		"and each free thread waits on the shared listen socket and accepts one " +
		"connection, serves it and closes it: no keep-alive on --http-socket. A " +
		"connection that finds no free thread waits in the kernel's listen queue, " +
		"which uWSGI asks to be 100 long; when it is full, Linux drops the client's " +
		"SYN and the client's kernel sends it again 1s, 2s, 3s, 4s, 5s, 7s, 11s... later. " +
		"uWSGI defers the accept until the request comes (TCP_DEFER_ACCEPT): a client whose SYN " +
		"was answered before the queue filled has its request dropped and resent 0.2s, 0.6s, 1.5s, 3.1s... later, " +
		"or gets in by the SYN-ACK resent at 7s without its request, and the thread that accepts it waits for it. No harakiri by default: " +
		"a slow request is never killed.",
	host: &uwsgiHost,
	unit: unitThread,
	keys: keyThreads,
	// --threads: uwsgi.threads cores per worker (core/loop.c:67-75).
	threads:        func(c *Config) int { return c.threadsOr(uwsgiThreads) },
	defaultThreads: uwsgiThreads,
	// The main thread is core 0 of the pool (uwsgi_loop_cores_run).
	mainThread: true,
	// A thread calls wsgi_req_accept only between requests
	// (simple_loop_run, core/loop.c:135-147).
	accept: idleThread,
	// The master imports the app before it forks (no --lazy-apps): the
	// workers share requests' pages.
	appInMaster: true,
	real: func(c *Config) RealServer {
		return RealServer{Program: "uwsgi", Args: []string{"--threads", strconv.Itoa(c.threadsOr(uwsgiThreads))}, App: "wsgi_app:app"}
	},
	// Measured with the calibration harness (docs/models.md): 240µs of CPU
	// a request without calls (0.23-0.26 ms in 3 runs; gunicorn -k sync
	// beside it 0.32-0.42 ms), always a new connection. A request with one
	// call after a real 100 ms wait cost 2.50 ms against sync's 2.25-2.38
	// beside it, within the 10 ms ticks' resolution: the same
	// requests.Session, so the WSGI figure. Memory (smaps_rollup, after 200
	// requests): a worker 31.6 MiB resident with requests imported, 82.5 MiB
	// virtual; a further worker 4.5-4.9 MiB private; the master, which
	// imported the app, 7.9-9.2 MiB private of 41 MiB, 81.5 MiB virtual.
	// Under the calibration rows' load the workers grow: 47.8 MiB resident
	// for uwsgi-listen (1 worker) and 56.9 for uwsgi-2x4 (2 workers), 7-12
	// MiB above those figures at rest; as for node, the engine's figures are
	// fitted to the loaded rows: 7 MiB more for the first worker, 5 MiB more
	// for a further one. uWSGI starts all its threads at boot, the engine as
	// requests need them (the difference is 33 KiB resident a thread). A
	// boot is taken as gunicorn's (not measured; workers do not change live).
	costs: costs{
		parse: 160 * time.Microsecond, respond: 80 * time.Microsecond, resume: 1600 * time.Microsecond,
		asyncView: 760 * time.Microsecond, boot: gunicornBoot,
		clientLib: mb(8), procRSS: mb(30.6), procVSZ: mb(74.5), extraRSS: mb(9.6), masterRSS: mb(8.5), masterVSZ: mb(81.5),
	},

	// Not measured in a burst for this model: the gthread fit of an accept
	// loop (acceptStayLoop).
	acceptStay: acceptStayLoop,
}

// uwsgiHost is uWSGI 2.0 with --master: a master process binds the socket
// with listen(--listen, 100 by default) and forks --processes workers,
// which accept on it themselves (no thunder lock by default).
var uwsgiHost = host{
	name:        "uwsgi",
	keys:        keyWorkers | keyBacklog,
	listenQueue: 100,
	// core/socket.c sets TCP_DEFER_ACCEPT (socket-timeout, 4 s) on every
	// TCP socket unless --no-defer-accept: a client that connected and
	// sent nothing was accepted 7.26 s later, when the SYN-ACK resent
	// from the third timeout brought an ACK past the deferring period.
	deferAccept: true,
	master:      func(*Config) bool { return true },
	fixedWorkers: "uWSGI forks --processes workers once; its master FIFO's + and - only move the " +
		"cheaper subsystem's count (core/fifo.c:81-82, core/master_utils.c:1742-1748), which is off " +
		"by default: restart it with the new --processes",
}

// uwsgiThreads is uWSGI's threads a worker without --threads.
const uwsgiThreads = 1
