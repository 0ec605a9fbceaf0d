# Redis for the compose deployment, from Debian's package on the same base image as shanhai's,
# so that the deployment builds where no registry can be pulled from. Runs as Debian's redis
# user; nothing is saved: Redis is only a cache.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends redis-server >/dev/null \
    && rm -rf /var/lib/apt/lists/*
USER redis
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", \
     "--appendonly", "no"]
