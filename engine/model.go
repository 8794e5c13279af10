package engine

import (
	"fmt"
	"strings"
)

// Model is a server model: one real server and worker class.
type Model uint8

// The server models, in the order of the documentation. Each one's spec is
// in its own file (dev.go, sync.go, ...) and listed in registry.
const (
	ModelDev         Model = iota // Flask's built-in server, threaded=False (werkzeug BaseWSGIServer)
	ModelDevThreaded              // Flask's built-in server, threaded=True (a thread per connection)
	ModelSync                     // gunicorn -k sync
	ModelGthread                  // gunicorn -k gthread
	ModelGevent                   // gunicorn -k gevent
	ModelAsyncio                  // an ASGI app on uvicorn's asyncio event loop
	ModelWsgiToAsgi               // a Flask app wrapped by asgiref's WsgiToAsgi, on uvicorn
	ModelUvicornWsgi              // a Flask app on uvicorn --interface wsgi
	ModelFastAPI                  // a FastAPI app on uvicorn: def endpoints on anyio's threads, or async def on the loop
	ModelNode                     // Node.js http with fetch: one event loop per process, cluster round-robin
	ModelUWSGI                    // uWSGI --processes --threads: each free thread accepts, listen queue 100
	ModelEventlet                 // gunicorn -k eventlet: a green thread per connection on one eventlet hub
	numModels
)

// registry holds every model's spec. A model without one panics in specOf,
// and TestSpecsComplete fails on it.
var registry = [numModels]*spec{
	ModelDev:         &dev,
	ModelDevThreaded: &devThreaded,
	ModelSync:        &syncWorker,
	ModelGthread:     &gthread,
	ModelGevent:      &gevent,
	ModelAsyncio:     &asyncio,
	ModelWsgiToAsgi:  &wsgiToAsgi,
	ModelUvicornWsgi: &uvicornWsgi,
	ModelFastAPI:     &fastapi,
	ModelNode:        &node,
	ModelUWSGI:       &uwsgi,
	ModelEventlet:    &eventlet,
}

// specOf returns model m's spec. An unregistered model is a bug: it panics.
func specOf(m Model) *spec {
	if m >= numModels || registry[m] == nil {
		panic(fmt.Sprintf("engine: model %d is not registered", m))
	}
	return registry[m]
}

// spec returns the spec of the lane's model, or the variant its config
// picks: async def endpoints with view=async (spec.asyncViews), a forking
// server with workers > 1 (spec.forking).
func (c *Config) spec() *spec {
	sp := specOf(c.Model)
	switch {
	case c.AsyncView && sp.asyncViews != nil:
		return sp.asyncViews
	case c.Workers > 1 && sp.forking != nil:
		return sp.forking
	}
	return sp
}

// String returns the model's name in scenario text.
func (m Model) String() string {
	if m < numModels && registry[m] != nil {
		return registry[m].name
	}
	return "Model(?)"
}

// Title returns one line that names the real server and its unit of
// concurrency, for menus: "gunicorn -k gthread: a pool of threads per
// worker process". It panics on an unregistered model.
func (m Model) Title() string { return specOf(m).title }

// Doc returns one paragraph on how the model serves requests, for menus and
// docs. It panics on an unregistered model.
func (m Model) Doc() string { return specOf(m).doc }

// Models returns every registered model, in the order of the documentation.
func Models() []Model {
	out := make([]Model, 0, numModels)
	for i, sp := range registry {
		if sp != nil {
			out = append(out, Model(i))
		}
	}
	return out
}

// modelNames returns the names of the registered models, in order.
func modelNames() []string {
	var out []string
	for _, m := range Models() {
		out = append(out, m.String())
	}
	return out
}

// modelsWhere names the models whose spec satisfies pred, as an error
// message says who a key applies to: "model gthread", "models gthread and
// gevent", or "every model but dev and dev-threaded" when that is shorter.
func modelsWhere(pred func(*spec) bool) string {
	var in, out []string
	for _, m := range Models() {
		if pred(specOf(m)) {
			in = append(in, m.String())
		} else {
			out = append(out, m.String())
		}
	}
	switch {
	case len(in) == 1:
		return "model " + in[0]
	case len(out) > 0 && len(out) < len(in):
		return "every model but " + andList(out)
	}
	return "models " + andList(in)
}

// andList joins names as "a, b and c".
func andList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
