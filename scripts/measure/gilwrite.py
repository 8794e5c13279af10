"""Who takes the GIL after a short send: the thread that sent (back from
the send) or a thread that was waiting for the GIL?

uWSGI's Python plugin lets the GIL go around each write of the response
(UWSGI_RELEASE_GIL, uwsgi_response_write_body_do, UWSGI_GET_GIL in
plugins/python/wsgi_subhandler.c) and needs it back to end the request
before it closes the connection and accepts the next one. Here thread B's
"upstream" answer arrives while thread A runs Python, so B waits for the
GIL; A then sends its "response" (socket.send lets the GIL go around the
send, as uWSGI does) and goes on. The script counts the rounds in which B
took the GIL during A's send, and how long A then waited for it (B holds
it 1.6 ms, the engine's `resume` of a call). The engine's gilWriteLost
(engine/halfopen.go) is the share measured here.

    python3 scripts/measure/gilwrite.py [rounds]
"""
import socket
import sys
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 400
x1, x2 = socket.socketpair()  # B's upstream
y1, y2 = socket.socketpair()  # A's client
flag = [0.0]


def spin(sec):
    t = time.perf_counter()
    while time.perf_counter() - t < sec:
        pass


def b():
    while True:
        d = x2.recv(1)
        if d == b'q':
            return
        flag[0] = time.perf_counter()  # its first bytecode with the GIL
        spin(0.0016)  # its call's resume, under the GIL


threading.Thread(target=b, daemon=True).start()
lost, early, waits = 0, 0, []
for i in range(N):
    flag[0] = 0.0
    x1.send(b'x')  # B's answer arrives while A holds the GIL
    spin(0.0012)  # A's resume and respond
    before = flag[0]
    t0 = time.perf_counter()
    y1.send(b'response')  # the write: the GIL is let go around it
    t1 = time.perf_counter()  # A has the GIL back
    y2.recv(100)
    if before:
        early += 1  # B took the GIL at A's first send: it was not waiting
    elif flag[0] and t0 < flag[0] < t1:
        lost += 1
        waits.append(t1 - t0)
    time.sleep(0.01)  # both idle before the next round
x1.send(b'q')
waits.sort()
n = max(1, N - early)
print(f"{N} rounds, {early} with B running before the send; of the other {N - early}, "
      f"B took the GIL during the send in {lost} ({100 * lost / n:.0f}%)"
      + (f", and the sender then waited {1e3 * waits[len(waits) // 2]:.2f} ms (median)" if waits else ""))
