"""gunicorn for Crowdmoving: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every setting can be changed by an environment variable (docs/deploy.md has the table). Run it
behind a TLS proxy (Caddy, nginx) on 127.0.0.1: the proxy buffers slow clients, so the workers
only ever talk to a fast local peer.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}.") from None
    if number < 0:
        raise SystemExit(f"{name} must not be negative, not {value!r}.")
    return number


# Django renders pages on the CPU: about two workers per core keep the cores busy while one
# waits for the database. More than 8 per machine mostly costs memory (~80 MB each) and
# database connections; scale out with machines instead (docs/deploy.md).
_cores = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", min(2 * _cores + 1, 8))
# 1 thread: the classic sync worker. More threads switch to the gthread worker (requests that
# wait on the database overlap; each thread may hold its own database connection).
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer than this is a bug or an attack: the worker is killed and
# replaced. Uploads are bounded (COVER_MAX_BYTES) and buffered by the proxy.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On restart (SIGHUP, systemctl reload, deploys) running requests get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds to keep an idle connection from the proxy open (gthread only; sync closes).
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Replace each worker after about this many requests, staggered by the jitter so that the
# workers do not all restart at once: a slow memory leak can never take the machine down.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The proxy on this machine sets X-Forwarded-For/-Proto; gunicorn trusts it from these.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr (journald under systemd). Access log: peer, the client as the proxy
# saw it, request, status, bytes, duration in microseconds, host, referrer, user agent.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s fwd=%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(D)sus host=%({host}i)s '
    'ref="%(f)s" ua="%(a)s"'
)

proc_name = "crowdmoving"
# gunicorn (27 here) opens a control socket in $XDG_RUNTIME_DIR or ~/.gunicorn; a service user may
# have neither, and systemd already controls the process. GUNICORN_CONTROL_SOCKET=path opens it.
_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if _control:
    control_socket = _control
else:
    control_socket_disable = True
# The workers' heartbeat files in memory, not on a (possibly slow) disk.
if os.path.isdir("/dev/shm"):  # noqa: PTH112, S108  # nosec B108  # the standard place, no temp file
    worker_tmp_dir = "/dev/shm"  # noqa: S108  # nosec B108  # as above
