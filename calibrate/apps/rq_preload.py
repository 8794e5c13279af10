"""rq worker -c rq_preload: an RQ settings module that imports the job's
module in the worker itself, so that each forked work horse inherits it
instead of importing it again (what rq worker does by default)."""
import rq_jobs  # noqa: F401
