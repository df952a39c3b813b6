# Depot's production image: the same code runs web (gunicorn), workers and beat; docker-compose.yml shows the shape.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORTAL_ENV=production \
    PORTAL_VAR_DIR=/var/lib/depot \
    PORTAL_STORAGE_DIR=/srv/depot/storage

RUN useradd --system --home /app --uid 10001 depot \
    && mkdir -p /var/lib/depot /srv/depot/storage \
    && chown depot /var/lib/depot /srv/depot/storage

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=depot . .
# collectstatic needs settings; placeholders are enough to build, the real values come at run time.
RUN PORTAL_SECRET_KEY=build-only-placeholder-build-only-placeholder-build-only \
    PORTAL_ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build CELERY_BROKER_URL=redis://build:6379/0 \
    python manage.py collectstatic --no-input

USER depot
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "4", "--access-logfile", "-"]
