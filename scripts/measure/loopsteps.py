#!/usr/bin/python3
"""Where one upstream call's CPU goes on asyncio's loop, step by step, with
no server around it (engine/httpxturns.go; looptrace/ traces the same in a
real server). N tasks call a local upstream (a child process that answers
after IO seconds, keep-alive) in a closed loop through one client made as
calibrate/apps/common.py makes it, for SECS seconds; a patched Handle._run
times each callback's thread CPU, and each call's task steps are printed
for the commonest shapes: the median CPU in µs of each step, labelled by
where the task suspended (anyio's lock wait, a checkpoint, the read's wait,
httpx's body), then TAIL, the part of the last step up to the call's
return (the rest of that step starts the next call).

    /usr/bin/python3 scripts/measure/loopsteps.py httpx 50 6
    /usr/bin/python3 scripts/measure/loopsteps.py httpx 1 4
    /usr/bin/python3 scripts/measure/loopsteps.py aiohttp 50 6

Arguments: client (httpx or aiohttp), tasks, seconds; IO defaults to 0.1.
"""
import asyncio
import asyncio.events
import collections
import os
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "looptrace"))
from taskstep import where  # noqa: E402 (the shared labels of a task's steps)

BODY = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nok"


async def upstream(sock, delay):
    async def handle(reader, writer):
        try:
            while True:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = await reader.read(65536)
                    if not chunk:
                        return
                    data += chunk
                await asyncio.sleep(delay)
                writer.write(BODY)
        except ConnectionError:
            pass
        finally:
            writer.close()
    srv = await asyncio.start_server(handle, sock=sock)
    async with srv:
        await asyncio.sleep(float(os.environ["LOOPSTEPS_LIFE"]))


def main():
    client, tasks, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    delay = float(sys.argv[4]) if len(sys.argv) > 4 else 0.1
    if client == "--upstream":
        sock = socket.socket(fileno=int(os.environ["LOOPSTEPS_FD"]))
        asyncio.run(upstream(sock, delay))
        return
    ls = socket.create_server(("127.0.0.1", 0))
    url = "http://127.0.0.1:%d/up" % ls.getsockname()[1]
    env = dict(os.environ, LOOPSTEPS_FD=str(ls.fileno()), LOOPSTEPS_LIFE=str(secs + 5))
    up = subprocess.Popen([sys.executable, __file__, "--upstream", "0", "0", str(delay)],
                          env=env, pass_fds=(ls.fileno(),))
    try:
        asyncio.run(measure(client, tasks, secs, url))
    finally:
        up.terminate()
        up.wait()


async def measure(client, tasks, secs, url):
    cur, calls, reads, step_t0, on = {}, [], [], [0], [False]
    run = asyncio.events.Handle._run

    def timed(self):
        t0 = step_t0[0] = time.thread_time_ns()
        run(self)
        d = (time.thread_time_ns() - t0) / 1000
        task = getattr(self._callback, "__self__", None)
        if isinstance(task, asyncio.Task) and task in cur:
            cur[task].append((d, where(task) if not task.done() else "done"))
        elif getattr(self._callback, "__qualname__", "") == "_SelectorSocketTransport._read_ready":
            reads.append(d)
    asyncio.events.Handle._run = timed

    if client == "httpx":
        import httpx
        s = httpx.AsyncClient(limits=httpx.Limits(max_connections=100))

        async def call():
            r = await s.get(url)
            await r.aread()
    else:
        import aiohttp
        s = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))

        async def call():
            async with s.get(url) as r:
                await r.read()

    async def worker():
        me = asyncio.current_task()
        while True:
            cur[me] = []
            await call()
            tail = (time.thread_time_ns() - step_t0[0]) / 1000
            seq = cur.pop(me)
            if on[0]:
                calls.append(seq + [(tail, "TAIL")])
    ws = [asyncio.create_task(worker()) for _ in range(tasks)]
    await asyncio.sleep(1.5)
    on[0], c0, t0 = True, time.process_time(), time.perf_counter()
    await asyncio.sleep(secs)
    on[0], c1, t1 = False, time.process_time(), time.perf_counter()
    for w in ws:
        w.cancel()
    await asyncio.gather(*ws, return_exceptions=True)
    await (s.aclose() if client == "httpx" else s.close())
    n = len(calls)
    print(f"{client}, {tasks} tasks: {n / (t1 - t0):.1f} calls/s, process CPU {1e3 * (c1 - c0) / n:.3f} ms a call, "
          f"response reads {statistics.median(reads):.1f} us (median); the first step of each call includes "
          f"the TAIL of the one before")
    shapes = collections.Counter(tuple(lab for _, lab in seq) for seq in calls)
    for sh, k in shapes.most_common(4):
        cols = zip(*[[d for d, _ in seq] for seq in calls if tuple(lab for _, lab in seq) == sh])
        print(f" x{k} ({100 * k / n:.0f}%): " + ", ".join(f"{lab} {statistics.median(c):.0f}" for lab, c in zip(sh, cols)))


main()
