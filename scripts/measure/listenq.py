"""How full is a listen queue, sample by sample? Run it beside the
calibration harness (row uwsgi-listen): every 5 ms (or as often as the
machine lets it) it reads /proc/net/tcp, where a listening socket's
rx_queue is its accept queue's length, and writes "time port length" for
each listener on ports LO..HI. A place is free when the length is at most
the backlog (Linux queues backlog + 1: sk_acceptq_is_full).

    python3 scripts/measure/listenq.py LO HI SECONDS OUT
"""
import sys, time
lo, hi, dur = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
out = open(sys.argv[4], "w")
t0 = time.time()
while time.time() - t0 < dur:
    now = time.time()
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            p = line.split()
            if p[3] != "0A":
                continue
            port = int(p[1].split(":")[1], 16)
            if lo <= port <= hi:
                q = int(p[4].split(":")[1], 16)
                out.write("%.4f %d %d\n" % (now, port, q))
    time.sleep(0.005)
out.close()
