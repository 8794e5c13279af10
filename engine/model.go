package engine

import "strings"

// Model is a server model: one real server and worker class.
type Model uint8

// The server models. Their names in scenario text are in modelNames.
const (
	ModelDev         Model = iota // Flask's built-in server, threaded=False (werkzeug BaseWSGIServer)
	ModelDevThreaded              // Flask's built-in server, threaded=True (a thread per connection)
	ModelSync                     // gunicorn -k sync
	ModelGthread                  // gunicorn -k gthread
	ModelGevent                   // gunicorn -k gevent
	ModelAsyncio                  // an ASGI app on uvicorn's asyncio event loop
	ModelWsgiToAsgi               // a Flask app wrapped by asgiref's WsgiToAsgi, on uvicorn
	ModelUvicornWsgi              // a Flask app on uvicorn --interface wsgi
	numModels
)

var modelNames = [numModels]string{
	ModelDev:         "dev",
	ModelDevThreaded: "dev-threaded",
	ModelSync:        "sync",
	ModelGthread:     "gthread",
	ModelGevent:      "gevent",
	ModelAsyncio:     "asyncio",
	ModelWsgiToAsgi:  "wsgi-to-asgi",
	ModelUvicornWsgi: "uvicorn-wsgi",
}

// String returns the model's name in scenario text.
func (m Model) String() string {
	if m < numModels {
		return modelNames[m]
	}
	return "Model(?)"
}

// Models returns every model, in the order of the documentation.
func Models() []Model {
	out := make([]Model, numModels)
	for i := range out {
		out[i] = Model(i)
	}
	return out
}

func parseModel(s string) (Model, bool) {
	for i, n := range modelNames {
		if n == s {
			return Model(i), true
		}
	}
	return 0, false
}

func modelList() string { return strings.Join(modelNames[:], ", ") }

// kind groups models by how a worker runs its requests.
type kind uint8

const (
	kindThreads kind = iota // each request holds an OS thread for its whole life
	kindLoop                // one thread runs every request in turns (greenlets or coroutines)
	kindBridge              // an event loop in front of a pool of threads running a WSGI app
)

func (m Model) kind() kind {
	switch m {
	case ModelGevent, ModelAsyncio:
		return kindLoop
	case ModelWsgiToAsgi, ModelUvicornWsgi:
		return kindBridge
	}
	return kindThreads
}

// gunicorn reports whether the model is a gunicorn worker class, with
// gunicorn's arbiter, flags and defaults.
func (m Model) gunicorn() bool { return m == ModelSync || m == ModelGthread || m == ModelGevent }

// uvicorn reports whether the model runs on uvicorn.
func (m Model) uvicorn() bool {
	return m == ModelAsyncio || m == ModelWsgiToAsgi || m == ModelUvicornWsgi
}

// wsgiThreads reports whether the model runs a WSGI app on threads of its own
// (where a Flask async def view is wrapped by asgiref's async_to_sync).
func (m Model) wsgiThreads() bool { return m.kind() == kindThreads }

var modelTitles = [numModels]string{
	ModelDev:         "Flask dev server, one thread",
	ModelDevThreaded: "Flask dev server, threaded",
	ModelSync:        "gunicorn sync workers",
	ModelGthread:     "gunicorn threads (gthread)",
	ModelGevent:      "gunicorn gevent",
	ModelAsyncio:     "uvicorn, asyncio",
	ModelWsgiToAsgi:  "WSGI app under uvicorn (asgiref)",
	ModelUvicornWsgi: "uvicorn --interface wsgi",
}

// Title is the model's name in a menu, in a few words.
func (m Model) Title() string {
	if m < numModels {
		return modelTitles[m]
	}
	return "Model(?)"
}

var modelDocs = [numModels]string{
	ModelDev:         "Flask's built-in server (werkzeug) with threaded=False: one request at a time.",
	ModelDevThreaded: "Flask's built-in server with threaded=True: a new thread for every connection.",
	ModelSync:        "gunicorn -k sync: each worker process serves one request at a time.",
	ModelGthread:     "gunicorn -k gthread: each worker process runs a pool of threads that share its GIL.",
	ModelGevent:      "gunicorn -k gevent: each worker runs greenlets that yield while they wait on I/O.",
	ModelAsyncio:     "An ASGI app on uvicorn: one asyncio event loop per worker runs every coroutine.",
	ModelWsgiToAsgi:  "A Flask app wrapped in asgiref's WsgiToAsgi on uvicorn: the loop hands each request to a thread.",
	ModelUvicornWsgi: "A Flask app on uvicorn --interface wsgi: the loop runs the app in a thread pool.",
}

// Doc is one sentence on what the model is, for menus and docs.
func (m Model) Doc() string {
	if m < numModels {
		return modelDocs[m]
	}
	return ""
}
