"""The job of the background rows (model=... background=N): RQ workers run
work(calls, cpu) from calibrate/apps/jobs_app.py's queue. It burns cpu ms,
then makes calls upstream calls one after another with one module-level
requests.Session, as the /work route of wsgi_app.py does (a forked work
horse inherits the session of its parent worker)."""
import requests

from common import UP_URL, burn

session = requests.Session()


def work(calls, cpu):
    burn(cpu)
    for _ in range(calls):
        session.get(UP_URL).content
    return calls
