"""Bare ASGI app of the calibration, on uvicorn (asyncio + h11).

/work?calls=N&cpu=MS&parallel=0|1&blocking=0|1 burns cpu ms, then makes N
upstream calls through ONE aiohttp.ClientSession (default TCPConnector,
limit 100), gathered when parallel=1. blocking=1 makes the calls on a plain
blocking socket instead, which holds the event loop like time.sleep does.
"""
import asyncio
import os
from urllib.parse import parse_qs

import aiohttp

from common import UP_URL, blocking_call, burn, params

PID = str(os.getpid()).encode()
_session = None


async def call():
    global _session
    if _session is None:
        _session = aiohttp.ClientSession()
    async with _session.get(UP_URL) as r:
        await r.read()


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                if _session is not None:
                    await _session.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["path"] == "/work":
        q = parse_qs(scope.get("query_string", b"").decode())
        calls, cpu, parallel, blocking = params(lambda k, d: q.get(k, [d])[0])
        burn(cpu)
        if blocking:
            for _ in range(calls):
                blocking_call()
        elif parallel:
            await asyncio.gather(*(call() for _ in range(calls)))
        else:
            for _ in range(calls):
                await call()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"),
                            (b"content-length", str(len(PID)).encode())]})
    await send({"type": "http.response.body", "body": PID})
