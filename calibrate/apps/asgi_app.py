"""Bare ASGI app of the calibration, on uvicorn (asyncio + h11).

/work?calls=N&cpu=MS&parallel=0|1&blocking=0|1 burns cpu ms, then makes N
upstream calls through ONE aiohttp.ClientSession (default TCPConnector,
limit 100), gathered when parallel=1. blocking=1 makes the calls on a plain
blocking socket instead, which holds the event loop like time.sleep does.
"""
import os
from urllib.parse import parse_qs

from common import CLIENT, aio_close, aio_work, extras, params

# Imported at start, as the app always has: aiohttp, or the client the
# harness names (CALIBRATE_CLIENT, engine key http-client).
if CLIENT == "httpx":
    import httpx  # noqa: F401
else:
    import aiohttp  # noqa: F401


PID = str(os.getpid()).encode()


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await aio_close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["path"] == "/work":
        q = parse_qs(scope.get("query_string", b"").decode())
        get = lambda k, d: q.get(k, [d])[0]  # noqa: E731
        await aio_work(*params(get), *extras(get))
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"),
                            (b"content-length", str(len(PID)).encode())]})
    await send({"type": "http.response.body", "body": PID})
