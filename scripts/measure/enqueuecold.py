"""The CPU of one RQ enqueue in the calling thread, back to back and after
a pause, as the background rows' /enqueue view makes it (calibrate/apps/
wsgi_app.py: Queue.enqueue("rq_jobs.work", calls, cpu) on redis-py).

A web worker's thread that enqueues after a client's think time finds its
caches cold (docs/cpu.md measures the same for an HTTP call: 1.6 ms after
a wait against about 750 µs back to back). For each pause the script
enqueues N jobs, sleeping the pause between them, and prints the thread's
CPU per enqueue (time.thread_time; p50 and p90) and the wall time's p50.
The jobs are deleted from the queue afterwards.

    python3 scripts/measure/enqueuecold.py REDIS_URL [N] [pause_ms ...]
"""
import statistics
import sys
import time

from redis import Redis
from rq import Queue

url = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
pauses = [float(a) for a in sys.argv[3:]] or [0, 10, 100, 1000]
q = Queue("enqueuecold", connection=Redis.from_url(url))
for _ in range(20):
    q.enqueue("rq_jobs.work", 2, 0)  # warm: imports, the server's version
for pause in pauses:
    cpu, wall = [], []
    for _ in range(n if pause < 1000 else max(30, n // 10)):
        if pause:
            time.sleep(pause / 1e3)
        c0, w0 = time.thread_time(), time.perf_counter()
        q.enqueue("rq_jobs.work", 2, 0)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - w0)
    cpu.sort()
    print("pause %5.0f ms: %d enqueues, thread CPU p50 %.0f µs, p90 %.0f µs; wall p50 %.0f µs"
          % (pause, len(cpu), 1e6 * cpu[len(cpu) // 2], 1e6 * cpu[len(cpu) * 9 // 10],
             1e6 * statistics.median(wall)))
q.empty()
