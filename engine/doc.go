// Package engine is the discrete-event simulation behind Concurrency Playground.
//
// It models how Python web servers (Flask's development server, gunicorn's
// sync, gthread and gevent workers, uvicorn with asyncio, and the asgiref and
// uvicorn bridges between WSGI and ASGI) handle many requests at once. Each
// model follows the real server's source, not its folklore; docs/models.md
// names the lines of source each rule comes from.
//
// Each model is a spec in its own file (sync.go, gthread.go, gevent.go, ...):
// its accept rule, unit of concurrency, keep-alive, pools, worker timeout,
// measured costs and memory. The shared machinery (the event queue, cores
// and the GIL, resources with a FIFO wait queue, traffic, metrics, the
// request's program) asks the spec and never names a model. Models lists the
// registered models; Model.Title and Model.Doc describe each.
//
// A run is described by scenario text (see ParseScenario): the same text and
// seed give the same result, byte for byte, on every platform. Scenario text
// may change a key during the run (workers@10s=4, see Change); NewLane builds
// a lane with its changes, Sim.Change adds one to a running lane, and
// Key.Live says which keys a model can change while it runs. A range
// (workers=1..32) makes a sweep, one run per point (see Sweep, Scenario.Points,
// Scenario.Point and RunSweep), with an optional goal (target=p99<300ms, see
// Target) that marks the cheapest point meeting it. Time is an
// integer number of nanoseconds since the start of the run; events are ordered
// by (time, sequence number); all randomness comes from PCG sources owned by
// the run. The package imports only the standard library.
package engine
