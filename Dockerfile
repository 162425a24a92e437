# A small image that runs the bot as a non-root user, SQLite data in a volume.
#   docker build -t back-care-bot .
#   docker run -d --name back-care-bot -e BOT_TOKEN=... -v back-care-data:/home/bot/data back-care-bot

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
ENTRYPOINT ["python", "-m", "bot"]
