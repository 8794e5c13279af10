"""Where an asyncio task is suspended, named for the step of an httpx call
it waits in: shared by looptrace's sitecustomize (inside a real server) and
loopsteps.py (a client alone), which time the same steps."""


def where(task):
    """The label of the await task is suspended in: LOCKWAIT (anyio's lock),
    READWAIT (the read's wait), a checkpoint (ckpt-shielded, ckpt(event),
    ckpt(send), ckpt(receive)), body (httpx reading the body), or else its
    last four frames as file:line."""
    c, out = task.get_coro(), []
    while c is not None:
        fr = getattr(c, "cr_frame", None) or getattr(c, "gi_frame", None)
        if fr is not None:
            out.append(f"{fr.f_code.co_filename.split('/')[-1]}:{fr.f_lineno}")
        c = getattr(c, "cr_await", None) or getattr(c, "gi_yieldfrom", None)
    s = " > ".join(out[-4:])
    # Line numbers of Debian's anyio 3.6.2, httpcore 0.16.3, httpx 0.23.3.
    for keys, name in ((("locks.py:213", "_synchronization.py:130"), "LOCKWAIT"),
                       (("asyncio.py:34", "1265"), "READWAIT"), (("_asyncio.py:539",), "ckpt-shielded"),
                       (("_asyncio.py:515", "1843"), "ckpt(event)"), (("_asyncio.py:515", "1292"), "ckpt(send)"),
                       (("_asyncio.py:515", "1258"), "ckpt(receive)"), (("_models.py:909",), "body")):
        if all(k in s for k in keys):
            return name
    return s or "?"
