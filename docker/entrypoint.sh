#!/bin/sh
# Container entry point for the web service. With no arguments: migrate, load the boundaries,
# the DLA's LAO register and the national dataset (each step skips what is already there),
# then run gunicorn.
# With arguments, run them instead, e.g.:
#   docker-compose run --rm web python manage.py createsuperuser
set -eu

if [ "$#" -gt 0 ]; then
  exec "$@"
fi

python manage.py migrate --noinput
if [ "${LOAD_DATA:-1}" = 1 ]; then
  python manage.py load_boundaries
  python manage.py load_lao_register
  python manage.py generate_national_dataset --seed 42 --scale 1 --if-missing
fi

# Workers, threads and timeout: gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT).
exec gunicorn --config /app/gunicorn.conf.py \
  --bind 0.0.0.0:8000 \
  --forwarded-allow-ips "*" \
  --access-logfile - \
  --error-logfile -
