"""Flask app of the calibration, for the dev server, gunicorn (sync, gthread,
gevent), uvicorn --interface wsgi and WsgiToAsgi.

/work?calls=N&cpu=MS&blocking=0|1 burns cpu ms, then makes N upstream calls
one after another with ONE module-level requests.Session (what the engine
charges: ~750us a call). Under gunicorn -k gevent the worker has patched the
socket module before this import, so the same session yields to the hub.
/awork is a Flask async def view (run by asgiref's async_to_sync); it calls
with aiohttp, one ClientSession per request (the loop is new every request),
gathered when parallel=1. Both answer with the worker's pid, so the harness
can count requests per worker.
/enqueue (the background rows) makes the same work an RQ job on the Redis at
CALIBRATE_REDIS (rq_jobs.work, run by the harness's `rq worker`s) and answers
202 with the worker's pid and the job's id; rq is imported on first use, so that the other rows'
workers do not pay for it.
"""
import asyncio
import os
import time

from flask import Flask, request

from common import CLIENT, UP_URL, blocking_call, burn, extras, params

# The app imports its HTTP client at start, as a real app does: requests,
# unless the harness names another (CALIBRATE_CLIENT, engine key http-client).
session = None
if CLIENT in ("", "requests"):
    import requests
    session = requests.Session()
    # urllib3 keeps 10 connections per host by default; a bigger pool keeps
    # more than 10 threads from discarding (and re-opening) connections.
    session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=1000))
elif CLIENT == "httpx":
    import httpx  # noqa: F401
elif CLIENT == "urllib":
    import urllib.request  # noqa: F401

app = Flask(__name__)


@app.route("/ping")
def ping():
    return str(os.getpid())


_httpx = None


def call(client):
    """One upstream call with the route's client: the module-level
    requests.Session, urllib.request.urlopen (a new connection a call), or
    one module-level httpx.Client (no connection limit, as the session)."""
    global _httpx
    if client == "urllib":
        import urllib.request
        with urllib.request.urlopen(UP_URL) as r:
            r.read()
    elif client == "httpx":
        import httpx
        if _httpx is None:
            _httpx = httpx.Client(limits=httpx.Limits(max_connections=None, max_keepalive_connections=1000))
        _httpx.get(UP_URL).content
    else:
        session.get(UP_URL).content


@app.route("/work")
def work():
    calls, cpu, _, blocking = params(request.args.get)
    sleep, client, _ = extras(request.args.get)
    burn(cpu)
    for _ in range(calls):
        if sleep > 0:
            time.sleep(sleep / 1000)  # gevent.sleep under -k gevent (patched)
        elif blocking:
            blocking_call()
        else:
            call(client)
    return str(os.getpid())


@app.route("/awork")
async def awork():
    import aiohttp
    calls, cpu, parallel, _ = params(request.args.get)
    burn(cpu)
    async with aiohttp.ClientSession() as s:
        async def one():
            async with s.get(UP_URL) as r:
                await r.read()
        if parallel:
            await asyncio.gather(*(one() for _ in range(calls)))
        else:
            for _ in range(calls):
                await one()
    return str(os.getpid())


_queue = None


@app.route("/enqueue")
def enqueue():
    global _queue
    if _queue is None:
        from redis import Redis
        from rq import Queue
        _queue = Queue(connection=Redis.from_url(os.environ["CALIBRATE_REDIS"]))
    calls, cpu, _, _ = params(request.args.get)
    job = _queue.enqueue("rq_jobs.work", calls, cpu)
    return f"{os.getpid()} {job.id}", 202
