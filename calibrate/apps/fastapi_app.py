"""FastAPI app of the calibration, on uvicorn (asyncio + h11).

/work?calls=N&cpu=MS&blocking=0|1 is a plain `def` endpoint: FastAPI runs it
in anyio's worker threads under the default CapacityLimiter of 40 tokens
(fastapi/routing.py run_endpoint_function -> starlette run_in_threadpool ->
anyio.to_thread.run_sync); CALIBRATE_THREADS, which the harness passes from
the scenario's threads, sets the limiter's total_tokens at startup. It burns cpu ms, then makes N upstream calls one
after another with ONE module-level requests.Session, as wsgi_app.py does.
/awork is the same as an `async def` endpoint on the event loop, calling with
ONE aiohttp.ClientSession (default connector, limit 100), gathered when
parallel=1, as asgi_app.py does; blocking=1 calls on the C-level _socket,
which holds the loop. Both return the worker's pid, which FastAPI encodes as
JSON (a bare number: the same bytes as the other apps' bodies).
"""
import os

import anyio.to_thread
from fastapi import FastAPI

from common import UP_URL, aio_close, aio_work, blocking_call, burn

PID = os.getpid()
# Each client is imported on first use, so a server measured on one kind of
# endpoint holds only that endpoint's client library, as a real app would.
_session = None

app = FastAPI()


@app.on_event("startup")
async def size_thread_limiter():
    # The default limiter belongs to the running loop, so it is sized here,
    # as an app raises it (anyio.to_thread.current_default_thread_limiter).
    tokens = os.environ.get("CALIBRATE_THREADS")
    if tokens:
        anyio.to_thread.current_default_thread_limiter().total_tokens = int(tokens)


@app.on_event("shutdown")
async def close():
    await aio_close()


@app.get("/ping")
def ping():
    return PID


@app.get("/work")
def work(calls: int = 1, cpu: float = 0, blocking: int = 0, parallel: int = 0):
    burn(cpu)
    for _ in range(calls):
        if blocking:
            blocking_call()
        else:
            sync_session().get(UP_URL).content
    return PID


def sync_session():
    global _session
    if _session is None:
        import requests
        _session = requests.Session()
        _session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=1000))
    return _session


@app.get("/awork")
async def awork(calls: int = 1, cpu: float = 0, blocking: int = 0, parallel: int = 0):
    await aio_work(calls, cpu, parallel, blocking)
    return PID
