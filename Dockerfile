# The web app (gunicorn) for docker-compose.yml; the database is the postgis/postgis image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# GeoDjango loads GDAL, GEOS and PROJ through ctypes: the runtime libraries are enough.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Requirements first, so a code change does not reinstall every package.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are baked into the image and served by whitenoise. collectstatic needs settings
# but no database and no real secret.
RUN SECRET_KEY=collectstatic-only-not-a-real-secret-key-0123456789abcdef \
    sh -c 'python manage.py compilemessages -v 0 && python manage.py collectstatic --noinput -v 0'

# Run as an unprivileged user; var/ and media/ are the only places the app may write.
RUN useradd --system --uid 10001 --home-dir /app app \
 && mkdir -p /app/var /app/media \
 && chown -R app /app/var /app/media
USER app

EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
