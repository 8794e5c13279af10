"""Flask's built-in server with the calibration app.

argv: PORT THREADED(0|1) [PROCESSES]. PROCESSES > 1 is app.run(processes=N),
werkzeug's ForkingWSGIServer (a child per request, at most N). The werkzeug
request log is off, as in docs/cpu.md.
"""
import logging
import sys

from wsgi_app import app

logging.getLogger("werkzeug").setLevel(logging.ERROR)
app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=sys.argv[2] == "1",
        processes=int(sys.argv[3]) if len(sys.argv) > 3 else 1,
        debug=False, use_reloader=False)
