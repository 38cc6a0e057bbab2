# syncd as a container: `docker run -v $PWD:/work syncd check` or the long-lived worker.
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY syncd ./syncd
RUN pip install --no-cache-dir --prefix=/install '.[postgres]'

FROM python:3.12-slim
RUN useradd --create-home --uid 10001 syncd
COPY --from=build /install /usr/local
USER syncd
WORKDIR /work
ENV SYNCD_CONFIG=/work/syncd.yaml
ENTRYPOINT ["syncd"]
CMD ["check"]
