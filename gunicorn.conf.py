"""gunicorn settings for Repères (read by `make run` and by the deployment guide's command:
`gunicorn -c gunicorn.conf.py`). Every value can be overridden by the environment.

Sync workers handle one request each, start to finish: a client that sends its body slowly
holds a worker for up to `timeout` seconds (measured: three slow clients stall three workers
for 30 s). In production gunicorn must sit behind a buffering proxy (nginx's default
`proxy_request_buffering on`), which receives the whole request before passing it on."""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Two per core plus one, capped: each worker holds a database connection (DB_CONN_MAX_AGE).
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"
# A request that runs longer than this is killed and its worker restarted (the PDF
# certificate, the largest report, take well under 10 s).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 2
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Refuse absurd request lines and headers before Django sees them.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# No access log: request paths hold bearer secrets (password-reset links, join codes).
# Errors go to stderr, through nothing that prints a request's body.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
wsgi_app = "elearning.wsgi:application"
# gunicorn's runtime control socket (one fixed path per user) is not used: without it, two
# instances on one machine (a local run and a test server) never step on each other.
control_socket_disable = True
