# A small image that runs the bot as a non-root user, SQLite data in a volume.
#   docker build -t back-care-bot .
#   docker run -d --name back-care-bot -e BOT_TOKEN=... -v back-care-data:/home/bot/data back-care-bot
# /healthz and /metrics are on METRICS_PORT (9090); webhook mode listens on WEBHOOK_PORT (8443).

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
COPY alembic ./alembic
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels \
    && useradd --create-home --uid 10001 bot \
    && mkdir /home/bot/data && chown bot:bot /home/bot/data
USER bot
WORKDIR /home/bot
# DATABASE_URL defaults to sqlite+aiosqlite:///data/bot.db, i.e. this volume.
VOLUME ["/home/bot/data"]
ENV METRICS_PORT=9090
EXPOSE 8443 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['METRICS_PORT'], timeout=4)"]
ENTRYPOINT ["python", "-m", "bot"]
