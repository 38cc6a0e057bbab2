# syntax=docker/dockerfile:1
# syncd as a container: the long-running worker by default (`syncd run`), or one pass
# (`docker run … check`). docs/deployment.md explains the volumes, the config and the secrets.
#
# Both stages use one base, pinned by version and by the digest of its multi-platform index
# (amd64 + arm64). Update both together, e.g. from
#   docker buildx imagetools inspect python:3.12.13-slim-bookworm
# or let Renovate/Dependabot bump the digest.
ARG PYTHON_IMAGE=python:3.12.13-slim-bookworm@sha256:4766d8b510c428e595d74b9cc5bbb2fae8e26316fffb4adc89908d79aacd58a2

# --- build: one wheel for syncd and one for each dependency ----------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY syncd ./syncd
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[postgres]'

# --- runtime: the wheels installed into a venv, no compilers, no pip cache -------------------
FROM ${PYTHON_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="syncd" \
      org.opencontainers.image.description="Keep postmortem action items honest: files linked tickets, mirrors their status into the reviews, marks what is overdue, sends a weekly digest." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.documentation="https://example.invalid/syncd/docs" \
      org.opencontainers.image.base.name="docker.io/library/python:3.12.13-slim-bookworm"

# git (and ssh for ssh:// remotes) for reviews kept in a remote repository; tini as PID 1
# forwards signals and reaps the git/ssh children (reference: deploy-and-ha.md §3).
# DL3008 wants apt versions pinned; pinning them to one Debian point release breaks the build
# at the next security update, and the base digest already fixes the package set we start from.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git openssh-client tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 syncd \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/syncd --no-create-home \
      --shell /usr/sbin/nologin syncd \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/syncd

# The wheels are bind-mounted from the build stage, so they never become a layer of this image;
# pip comes from the base image and installs into a venv that has none of its own.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m venv --without-pip /opt/syncd \
 && python -m pip --python /opt/syncd/bin/python install --no-cache-dir --no-index \
      --disable-pip-version-check /wheels/*.whl

# The config lives in the state directory (mounted read-only over syncd.yaml), so the store,
# the clone of a remote review repository and the config are all "next to each other" on the
# one writable volume; the root filesystem can be read-only.
ENV PATH=/opt/syncd/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/var/lib/syncd \
    SYNCD_CONFIG=/var/lib/syncd/syncd.yaml
WORKDIR /var/lib/syncd
VOLUME ["/var/lib/syncd"]
USER 10001:10001
EXPOSE 9464

# /healthz on the address of `service.listen` (set it to 0.0.0.0:9464 in the config). slim has
# no curl: Python's urllib, one line of reason and exit 1 on any failure, never a traceback.
# SYNCD_HEALTHCHECK_URL overrides the address when the config listens elsewhere.
# /healthz, not /livez: Docker and compose only show "unhealthy" (and gate `depends_on`), never
# restart on it, so it should say whether syncd does its job — passes failing for three
# intervals is worth seeing in `docker ps`. Where unhealthy means restart (Swarm, autoheal),
# set SYNCD_HEALTHCHECK_URL=http://127.0.0.1:9464/livez.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.error, urllib.request\nurl = os.environ.get('SYNCD_HEALTHCHECK_URL', 'http://127.0.0.1:9464/healthz')\ntry:\n    urllib.request.urlopen(url, timeout=4).close()\nexcept urllib.error.HTTPError as exc:\n    sys.exit(f'unhealthy: HTTP {exc.code}: ' + exc.read(300).decode('utf-8', 'replace').strip())\nexcept Exception as exc:\n    sys.exit(f'unhealthy: {url}: {exc}')"]

ENTRYPOINT ["/usr/bin/tini", "--", "syncd"]
CMD ["run"]
