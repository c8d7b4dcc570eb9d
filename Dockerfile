# Kakehashi: web (gunicorn) + stream workers. With REDIS_URL unset it runs its embedded Redis under /data.
# The image installs the wheel, exactly what `pip install .` gives; the reviewed content ships inside it.
# An organization's own reviewed flows/ and locales/: mount them and set KAKEHASHI_CONTENT_DIR.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY flows flows
COPY locales locales
RUN pip wheel --no-cache-dir --no-deps -w /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 KAKEHASHI_DATA_DIR=/data KAKEHASHI_LOG_FORMAT=json PORT=8000
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -r /wheels \
    && useradd --create-home kakehashi && mkdir -p /data && chown kakehashi /data && chmod 700 /data
USER kakehashi
WORKDIR /home/kakehashi
# The router's weights, trained once into the image's cache: workers then start without scikit-learn.
RUN kakehashi nlu train
VOLUME /data
EXPOSE 8000
# SIGTERM (docker stop) lets the turns in hand finish; give it time: `docker stop -t 30` or stop_grace_period.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s CMD python -c "import urllib.request,os;urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=2)"
CMD ["kakehashi", "serve"]
