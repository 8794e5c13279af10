"""Where a request's task spends its CPU on asyncio's loop, step by step
(engine/httpxturns.go). Put this directory first on PYTHONPATH of a real
server and name an output file; every 2 s it writes there the loop's
callbacks (count, median thread CPU) and the commonest shapes of a request
task's life: each step's median CPU in µs and where the task suspended
(anyio's lock wait, a checkpoint of an event, send or receive, the read's
wait, httpx's body, END for the step that finishes the task). E.g., beside
nothing else on the machine:

    PYTHONPATH=scripts/measure/looptrace TRACE_OUT=/tmp/looptrace.txt \\
        go run ./cmd/calibrate -only asyncio-httpx -repeats 1 -ports 19300

The tracer costs CPU itself (a few µs a callback): use its shares, not its
absolute figures. Without TRACE_OUT it does nothing. It shadows Debian's
own sitecustomize (apport's hook), which a calibration run does not need.
"""
import os

OUT = os.environ.get("TRACE_OUT")
if OUT:
    import asyncio
    import asyncio.base_events
    import asyncio.events
    import collections
    import statistics
    import time

    from taskstep import where  # beside this file, on PYTHONPATH

    seqs = {}  # request task -> [(cpu µs, where it suspended)]
    shapes = collections.Counter()
    shape_cpu = collections.defaultdict(list)
    callbacks = collections.defaultdict(list)
    last = [time.monotonic()]

    def _dump():
        n = sum(shapes.values())
        lines = [f"requests {n}"]
        for k, v in sorted(callbacks.items(), key=lambda kv: -sum(kv[1]))[:12]:
            lines.append(f"  callback {k}: {len(v)} x median {statistics.median(v):.1f} us")
        for sh, k in shapes.most_common(6):
            cols = zip(*shape_cpu[sh])
            lines.append(f" shape x{k} ({100 * k / n:.0f}%): " +
                         ", ".join(f"{lab} {statistics.median(c):.0f}" for lab, c in zip(sh, cols)))
        with open(OUT, "w") as fh:
            fh.write("\n".join(lines) + "\n")

    _run = asyncio.events.Handle._run

    def _timed_run(self):
        t0 = time.thread_time_ns()
        _run(self)
        d = (time.thread_time_ns() - t0) / 1000
        f = self._callback
        task = getattr(f, "__self__", None)
        if isinstance(task, asyncio.Task):
            name = getattr(task.get_coro(), "__qualname__", "")
            if "run_asgi" in name:  # uvicorn's request task
                seq = seqs.setdefault(task, [])
                if task.done():
                    seq.append((d, "END"))
                    del seqs[task]
                    key = tuple(lab for _, lab in seq)
                    shapes[key] += 1
                    shape_cpu[key].append([x for x, _ in seq])
                else:
                    seq.append((d, where(task)))
            else:
                callbacks["task:" + name].append(d)
        else:
            q = getattr(f, "__qualname__", "?")
            if q == "_SelectorSocketTransport._read_ready":
                q += ":" + type(f.__self__._protocol).__name__
            callbacks[q].append(d)
        if time.monotonic() - last[0] > 2:
            last[0] = time.monotonic()
            _dump()

    asyncio.events.Handle._run = _timed_run
