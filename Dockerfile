# objpool-graphql in a container (see docs/graphql-server.md).
#   docker build -t objpool-graphql .
#   docker run --rm -p 8080:8080 objpool-graphql [--capacity 100000 --policy LIFO ...]
#   docker run --rm -e OBJPOOL_PORT=9000 -p 9000:9000 objpool-graphql
# Every flag has an OBJPOOL_* environment variable (see --help); a flag given to `docker run` wins.
# Change the port with OBJPOOL_PORT rather than --port: the health check reads it.
# The GraphQL playground (GraphiQL for browsers at /graphql) is built in but off; turn it on with
#   docker run --rm -e OBJPOOL_PLAYGROUND=true -p 8080:8080 objpool-graphql

# --- build stage: compilers and the -dev packages ---------------------------------------------
FROM debian:12-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake make \
      libboost1.81-dev libcli11-dev nlohmann-json3-dev libsystemd-dev pkg-config \
      libsqlite3-dev libhiredis-dev \
      npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Only the server: no tests, no install rules. npm fetches the playground's assets (pinned by
# examples/graphql_server/playground/package-lock.json) into the build tree and they are compiled
# into the binary; without the npm registry the server still builds, without the playground.
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release \
      -DOBJPOOL_BUILD_TESTS=OFF -DOBJPOOL_INSTALL=OFF -DOBJPOOL_BUILD_EXAMPLES=ON \
 && cmake --build /build --target objpool-graphql -j"$(nproc)" \
 && strip /build/examples/graphql_server/objpool-graphql

# --- runtime stage: the binary, libstdc++, libsystemd0, SQLite, hiredis, curl for the health check --
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates libsystemd0 \
      libsqlite3-0 libhiredis0.14 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin objpool
COPY --from=build /build/examples/graphql_server/objpool-graphql /usr/local/bin/objpool-graphql
USER objpool
# Inside the container the server must listen on every interface to be reachable through -p.
# The playground is off in production.
ENV OBJPOOL_HOST=0.0.0.0 OBJPOOL_PORT=8080 OBJPOOL_PLAYGROUND=false
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${OBJPOOL_PORT}/healthz" || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/objpool-graphql"]
CMD []
