#!/usr/bin/env python3
# Context switches and migrations of a server's processes under load (docs/cpu.md,
# "Context switches and migrations"): run beside a calibration row, e.g.
#   python3 scripts/measure/schedlog.py gunicorn 40
# /proc/PID/sched describes the main thread of each process, which is the
# whole process for a sync worker.
# Logs, every 0.5 s, the summed /proc/PID/sched counters of the processes whose cmdline has PAT;
# prints per-interval deltas so the load's window can be read off.
import os, sys, time, re
pat, dur = sys.argv[1], float(sys.argv[2])
keys = ["nr_voluntary_switches", "nr_involuntary_switches", "se.nr_migrations", "se.sum_exec_runtime"]
prev = None; t0 = time.time()
while time.time() - t0 < dur:
    tot = {k: 0.0 for k in keys}; n = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit(): continue
        try:
            if pat not in open(f"/proc/{pid}/cmdline").read(): continue
            for line in open(f"/proc/{pid}/sched"):
                m = re.match(r"(\S+)\s+:\s+(\S+)", line)
                if m and m.group(1) in tot: tot[m.group(1)] += float(m.group(2))
            n += 1
        except Exception: pass
    if prev:
        d = {k: tot[k]-prev[k] for k in keys}
        print(f"{time.time()-t0:5.1f} procs={n} vol={d[keys[0]]:.0f} invol={d[keys[1]]:.0f} migr={d[keys[2]]:.0f} cpu_ms={d[keys[3]]:.1f}", flush=True)
    prev = tot
    time.sleep(1.0)
