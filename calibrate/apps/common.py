"""Shared helpers of the calibration apps (see calibrate/doc.go).

The harness starts every app with CALIBRATE_UPSTREAM=127.0.0.1:PORT, the Go
upstream that answers /up after the row's io and counts its peak concurrency.
"""
import os
import time
import _socket

UP_HOST, _port = os.environ["CALIBRATE_UPSTREAM"].rsplit(":", 1)
UP_PORT = int(_port)
UP_URL = f"http://{UP_HOST}:{UP_PORT}/up"


def burn(ms):
    """Spin for ms milliseconds of this thread's CPU time (not wall time), so
    the handler costs the same CPU however often it loses the GIL."""
    if ms <= 0:
        return
    end = time.thread_time() + ms / 1000.0
    x = 0
    while time.thread_time() < end:
        for _ in range(200):
            x += 1


def blocking_call():
    """One upstream call on the C-level _socket, which neither gevent nor
    asyncio can make yield: like a C database driver, it holds the hub or the
    event loop for the whole call. The upstream still counts it."""
    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        s.connect((UP_HOST, UP_PORT))
        s.sendall(b"GET /up HTTP/1.0\r\nHost: upstream\r\n\r\n")
        while s.recv(65536):
            pass
    finally:
        s.close()


def params(get):
    """The route's parameters from a query getter: calls, cpu ms, parallel,
    blocking."""
    return (int(get("calls", "1")), float(get("cpu", "0")),
            get("parallel", "0") == "1", get("blocking", "0") == "1")


_aio = None


async def aio_call():
    """One upstream call through ONE module-level aiohttp.ClientSession
    (default connector, limit 100), made and imported on first use."""
    global _aio
    if _aio is None:
        import aiohttp
        _aio = aiohttp.ClientSession()
    async with _aio.get(UP_URL) as r:
        await r.read()


async def aio_close():
    """Close the session of aio_call, if it was made."""
    if _aio is not None:
        await _aio.close()


async def aio_work(calls, cpu, parallel, blocking):
    """An async route: burn cpu ms, then make calls upstream calls with
    aio_call, gathered when parallel; blocking makes them on the C-level
    socket instead, which holds the event loop."""
    import asyncio
    burn(cpu)
    if blocking:
        for _ in range(calls):
            blocking_call()
    elif parallel:
        await asyncio.gather(*(aio_call() for _ in range(calls)))
    else:
        for _ in range(calls):
            await aio_call()
