# Kakehashi: web (gunicorn) + stream workers. With REDIS_URL unset it runs its embedded Redis under /data.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 KAKEHASHI_DATA_DIR=/data KAKEHASHI_LOG_FORMAT=json PORT=8000
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY flows flows
COPY locales locales
# Editable, so the flows and locales a reviewer edits are read from /app, not a copy in site-packages.
RUN pip install --no-cache-dir -e . && useradd --create-home kakehashi && mkdir -p /data && chown kakehashi /data
USER kakehashi
VOLUME /data
EXPOSE 8000
# SIGTERM (docker stop) lets the turns in hand finish; give it time: `docker stop -t 30` or stop_grace_period.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s CMD python -c "import urllib.request,os;urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=2)"
CMD ["kakehashi", "serve"]
