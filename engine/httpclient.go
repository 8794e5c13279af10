package engine

import "time"

// The app's HTTP client (http-client) and what its waits are (wait): the
// CPU of each call on the client's side, the memory of its import and of a
// call in flight. calibrate/apps/client_cost.py measured each client alone,
// three runs, on this project's machine kind (Python 3.11, Debian's
// packages: requests 2.28, urllib3 1.26, httpx 0.23, aiohttp 3.8; gevent
// 22.10 for the sync clients' calls in flight); docs/models.md ("The app's
// HTTP client") gives the figures.

// Client is the HTTP client library the app calls its upstream with.
type Client uint8

// The HTTP clients. ClientDefault is the model's own: requests in
// synchronous code, aiohttp in async code (today's calibrated figures).
const (
	ClientDefault  Client = iota // the model's: requests, or aiohttp in async code
	ClientRequests               // requests.Session (urllib3's pool)
	ClientURLlib                 // urllib.request.urlopen: a new connection a call
	ClientAiohttp                // aiohttp.ClientSession: async code only
	ClientHTTPX                  // httpx.Client, or httpx.AsyncClient in async code
)

var clientNames = []string{"default", "requests", "urllib", "aiohttp", "httpx"}

// String returns the client's name in scenario text.
func (c Client) String() string { return clientNames[c] }

// WaitKind is what an io of the handler is.
type WaitKind uint8

// The kinds of wait.
const (
	WaitUpstream WaitKind = iota // an HTTP call to the upstream, with the app's client
	WaitSleep                    // asyncio.sleep, time.sleep or gevent.sleep: no connection, no client CPU
)

var waitNames = []string{"upstream", "sleep"}

// String returns the wait's name in scenario text.
func (w WaitKind) String() string { return waitNames[w] }

// clientCost is one client as measured (client_cost.py, median of three
// runs): cold is the CPU of one call made 20ms after the previous one (the
// process idle in between, as a server waiting on its upstream is), lib the
// resident memory its import adds on top of Flask (sync) or asyncio
// (async), conn what a call in flight adds to its task (n calls at once,
// against n tasks sleeping as long).
type clientCost struct {
	cold time.Duration
	lib  int64
	conn int64
	// green is the extra CPU of a call on a green thread (gevent,
	// eventlet) beyond what the client costs alone: see greenURLlib.
	green time.Duration
}

// greenURLlib is what urllib's call costs more on a gevent worker than its
// measured difference to requests says. urllib.request.urlopen opens a new
// connection every call (requests reuses its Session's), and on a patched
// socket the connect and the first read go through the hub
// (gevent/_socketcommon.py connect waits on the write event when the
// non-blocking connect is in progress), and gevent's resolver runs its
// getaddrinfo on a threadpool thread, which takes the GIL and wakes the hub
// through an async watcher (gevent/resolver/thread.py; the wait it makes
// is a trip, hubtrips.go). Fitted to the quiet calibration run
// of 2026-12-02: the gevent worker spent 0.95-1.03 ms a request with urllib
// (row gevent-urllib, three runs; median 1.02) against 1.43 with requests
// (row gevent), 0.41 ms less, where the clients' measured difference is
// 0.70 ms (1287 - 586 µs).
const greenURLlib = 290 * time.Microsecond

// syncClients and asyncClients are the figures of each client in
// synchronous code and in async code; a zero cold means the client cannot
// run there.
var (
	syncClients = [...]clientCost{
		ClientRequests: {cold: 1287 * time.Microsecond, lib: kb(6884), conn: kb(20.8)},
		ClientURLlib:   {cold: 586 * time.Microsecond, lib: 0, conn: kb(12.1), green: greenURLlib},
		ClientHTTPX:    {cold: 1265 * time.Microsecond, lib: kb(13716), conn: kb(6.6)},
	}
	asyncClients = [...]clientCost{
		ClientAiohttp: {cold: 875 * time.Microsecond, lib: kb(19664), conn: kb(15.9)},
		// httpx's import alone was 16.1 MiB, but uvicorn has loaded h11
		// and more of what it needs: on the real server (rows asyncio and
		// asyncio-httpx) a worker with httpx was 1.5 MiB above one with
		// aiohttp.
		ClientHTTPX: {cold: 1986 * time.Microsecond, lib: kb(19664) + mb(1.5), conn: kb(11.4)},
	}
)

// sleepWake is the CPU of one sleep and its wake-up, measured with 100
// sleepers of 1ms each (client_cost.py sleep; medians of three runs): an
// asyncio task's timer, a greenlet's, and a thread's time.sleep, which
// gives the GIL back and takes it again.
var (
	sleepWakeTask     = 7 * time.Microsecond
	sleepWakeGreenlet = 5200 * time.Nanosecond
	sleepWakeThread   = 28 * time.Microsecond
)

// asyncCode reports whether the lane's handler is async code, which calls
// with aiohttp or httpx.AsyncClient: a Flask async view, or a handler that
// is a task on uvicorn's loop.
func (c *Config) asyncCode() bool { return c.asyncView() || c.spec().unit == unitTask }

// defaultClient returns the client the model's figures were calibrated
// with: aiohttp in async code, requests otherwise.
func (c *Config) defaultClient() Client {
	if c.asyncCode() {
		return ClientAiohttp
	}
	return ClientRequests
}

// client returns the client the lane's app calls with.
func (c *Config) client() Client {
	if c.HTTPClient != ClientDefault {
		return c.HTTPClient
	}
	return c.defaultClient()
}

// clientCosts returns the table of the lane's kind of code.
func (c *Config) clientCosts() []clientCost {
	if c.asyncCode() {
		return asyncClients[:]
	}
	return syncClients[:]
}

// asyncCodeModels names the lanes whose handler is async code.
func asyncCodeModels() string {
	return modelsWhere(func(sp *spec) bool { return sp.unit == unitTask && sp.owns(keyPyApp) }) + ", " +
		modelsWhere(func(sp *spec) bool { return sp.asyncViews != nil && sp.asyncViews.unit == unitTask }) +
		" with view=async, or a Flask model with view=async"
}

// checkClient rejects a client the lane's code cannot call with.
func (c *Config) checkClient() error {
	if !c.spec().owns(keyPyApp) || c.Wait == WaitSleep {
		return nil // the key does nothing here (checkApplies says so)
	}
	cl := c.client()
	if t := c.clientCosts(); int(cl) < len(t) && t[cl].cold > 0 {
		return nil
	}
	if c.asyncCode() {
		return &ScenarioError{Key: "http-client", Value: cl.String(),
			Msg: "cannot be awaited: this lane's handler is async code (" + asyncCodeModels() +
				"), which calls with aiohttp or httpx; allowed here: aiohttp, httpx (a synchronous call in async code holds the loop: say so with blocking=true)"}
	}
	return &ScenarioError{Key: "http-client", Value: cl.String(),
		Msg: "needs an asyncio event loop, and this lane's handler is synchronous code; allowed here: requests, urllib, httpx (aiohttp runs in " + asyncCodeModels() + ")"}
}

// laneCosts returns the costs of lane c: its model's, with the CPU of a
// call and the client's memory changed for the client it uses, or the CPU
// of a sleep's wake-up in place of the call.
func laneCosts(c *Config) costs {
	sp := c.spec()
	k := sp.costs
	if !sp.owns(keyPyApp) {
		return k // Node's fetch: the model's own figures
	}
	if c.Wait == WaitSleep {
		switch {
		case sp.unit == unitTask || c.asyncView():
			k.resume = sleepWakeTask
		case sp.unit == unitGreenlet:
			k.resume = sleepWakeGreenlet
		default:
			k.resume = sleepWakeThread
		}
		k.coldExtra = 0 // measured with sleepers, no client
		k.send, k.upConnect = 0, 0
		return k
	}
	k = withTrips(c, k)
	cl, def, t := c.client(), c.defaultClient(), c.clientCosts()
	if cl == def {
		return k
	}
	k.send, k.upConnect = 0, 0 // measured for requests only
	// The model's figure (its default client's call, calibrated on the real
	// server) changes by the difference of the two clients' measured CPU
	// per call: the calibration rows gevent-urllib and asyncio-httpx kept
	// each model's own bias that way (docs/models.md). The worker imports
	// this client instead of the default one.
	k.resume = max(0, k.resume+t[cl].cold-t[def].cold)
	if sp.unit == unitGreenlet {
		k.resume += t[cl].green - t[def].green
	}
	k.clientLib = max(0, k.clientLib+t[cl].lib-t[def].lib)
	return k
}

// callMemory returns what one upstream call in flight adds to its worker's
// memory in lane c: the client's connection and response, on top of the
// task (costs.taskRSS); nothing for a sleep.
func callMemory(c *Config) int64 {
	if c.Wait == WaitSleep || !c.spec().owns(keyPyApp) {
		return 0
	}
	return c.clientCosts()[c.client()].conn
}
