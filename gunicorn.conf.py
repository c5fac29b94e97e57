"""gunicorn settings for gis_service.

gunicorn reads this file from its working directory, so every gunicorn started from the repository or the image
uses it: bin/serve, docker/entrypoint.sh, the tests' live service and the benchmarks. Options given on the command
line override it.

Workers are gthread workers: unlike sync workers, they keep a client's HTTP connection open between requests
(keep-alive), which saves a TCP connection per request; for a cached tile that connection costs more than the
tile itself (docs/BENCHMARKS.md, issue 4). One thread per worker by default: the worker count gives the
concurrency, and a worker then never runs two requests' Python at once under one lock.
"""
import os

wsgi_app = "gis_service.wsgi:application"
worker_class = "gthread"
_cores = os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY") or min(4, max(2, 2 * _cores)))
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
# Seconds an idle kept-alive connection stays open (nginx in front reuses its upstream connections).
keepalive = 5
