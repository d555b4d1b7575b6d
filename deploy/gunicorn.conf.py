"""gunicorn's configuration for wegov (`gunicorn -c deploy/gunicorn.conf.py wegov.wsgi`).

`make serve` (deploy/serve.py) uses it, and so can a systemd unit (docs/deploy.md).
Read from the environment: HOST and PORT (default 127.0.0.1:8000), WEB_CONCURRENCY
(the number of workers; default 2 x CPUs + 1, at most MAX_DEFAULT_WORKERS).

Timeouts, from the inside out: PostgreSQL gives up waiting for a row lock after
lock_timeout (about 3 s) and cancels any statement after statement_timeout (about
15 s), both set on the app's database connections in wegov/settings.py; the view
then answers "busy, please try again". gunicorn's worker timeout (30 s) is longer
than both, so a request stuck on the database is answered by the site, not killed
by gunicorn with a bare 502 at the proxy.
"""

import os


def cpu_count() -> int:
    """The CPUs this process may run on (a container's or a taskset's share)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Each sync worker holds one persistent database connection: workers x nodes must stay
# below PostgreSQL's max_connections (100 by default), hence a ceiling on the default.
MAX_DEFAULT_WORKERS = 17


def default_workers(cpus: int) -> int:
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers(cpu_count()))
worker_class = "sync"

timeout = 30  # a worker silent this long is killed and replaced (longer than the database's timeouts above)
graceful_timeout = 30  # on SIGTERM or a restart: time for requests in progress to finish
keepalive = 5  # seconds an idle keep-alive connection from the proxy stays open

# Replace each worker after about a thousand requests, so that slow growth of a
# process's memory never builds up; the jitter keeps them from restarting together.
max_requests = 1000
max_requests_jitter = 100

# The heartbeat file in memory, not on a disk that may stall.
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's own advice; each file is made private
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Access log on standard output: address, request, status, bytes and the time taken (µs).
accesslog = "-"
errorlog = "-"
# Behind a proxy the address is the proxy's; the client is the last X-Forwarded-For hop.
access_log_format = '%(h)s [%({x-forwarded-for}i)s] "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'

# Stopped by its pid (make stop, systemd), not through gunicorn's control socket, whose
# default path (~/.gunicorn/gunicorn.ctl) would be shared by every server of the user.
control_socket_disable = True
