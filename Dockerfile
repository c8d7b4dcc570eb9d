# Kakehashi: web (gunicorn) + stream workers. With REDIS_URL unset it runs its embedded Redis under /data.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 KAKEHASHI_DATA_DIR=/data PORT=8000
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
HEALTHCHECK CMD python -c "import urllib.request,os;urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
CMD ["kakehashi", "serve"]
