# One image for every process: web (gunicorn, the default CMD), worker and beat
# (docker-compose.yml overrides the command). Configuration comes only from the
# environment at run time; see .env.example and docs/deployment.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (PDF reports): Pango for text layout, HarfBuzz
# with its subset library (fast font subsetting), fontconfig and a base font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        fonts-dejavu-core \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Runtime dependencies only (requirements-dev.txt holds the test tools).
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image (var/static) and served by WhiteNoise.
# PRODUCTION=1 selects the compressed, hashed storage; the key exists only for this step.
RUN PRODUCTION=1 SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput

# The code stays root-owned and read-only for the app user. Uploads and generated
# reports go to /data/files (a volume in docker-compose.yml).
RUN mkdir -p /app/var /data/files \
    && chown app:app /app/var /data/files

ENV FILES_ROOT=/data/files \
    WEB_CONCURRENCY=2

USER app

EXPOSE 8000

# gunicorn reads its worker count from WEB_CONCURRENCY.
CMD ["gunicorn", "cdmo_eval.wsgi", "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
