"""In which order does eventlet's hub run the green threads that one poll
reports ready together?

eventlet's poll hub (eventlet/hubs/poll.py wait, which hubs/epolls.py
inherits) gathers the reported descriptors' listeners into a set() of
(FdListener, fileno) and runs them in the set's order. Here N green
threads each wait in recv() on one end of a socket pair; every turn a
feeder writes one byte to each other end in order 0..N-1 and sleeps, so
one poll reports all N. The script prints how many of the turns ran in
different orders, the correlation of one descriptor's places in
consecutive turns, and each descriptor's mean place. The engine draws a
fresh order for each turn (engine/eventlethub.go).

    /usr/bin/python3 scripts/measure/eventletorder.py [turns]
"""
import eventlet

eventlet.monkey_patch()

import socket  # noqa: E402  (patched)
import statistics  # noqa: E402
import sys  # noqa: E402

N = 10
TURNS = int(sys.argv[1]) if len(sys.argv) > 1 else 400
pairs = [socket.socketpair() for _ in range(N)]
order = []


def serve(i, s):
    while len(order) < N * TURNS:
        s.recv(1)  # trampolines: nothing is buffered between turns
        order.append(i)


def feed():
    for _ in range(TURNS):
        for _, b in pairs:
            b.send(b"x")
        eventlet.sleep(0.01)


for i, (a, _) in enumerate(pairs):
    eventlet.spawn(serve, i, a)
eventlet.sleep(0.01)
eventlet.spawn(feed).wait()
turns = [order[k * N:(k + 1) * N] for k in range(TURNS)]
places = [{c: i for i, c in enumerate(t)} for t in turns]
xs = [p[c] for p in places[:-1] for c in range(N)]
ys = [p[c] for p in places[1:] for c in range(N)]
print("turns %d, different orders %d" % (TURNS, len(set(map(tuple, turns)))))
print("first turns:", turns[:3])
print("correlation of consecutive places: %.2f" % statistics.correlation(xs, ys))
print("mean place per descriptor:",
      [round(statistics.mean(p[c] for p in places), 1) for c in range(N)])
