# objpool-graphql in a container (see docs/graphql-server.md).
#   docker build -t objpool-graphql .
#   docker run --rm -p 8080:8080 objpool-graphql [--capacity 100000 --policy LIFO ...]
# The GraphQL playground (GraphiQL for browsers at /graphql) is built in but off; turn it on with
#   docker run --rm -p 8080:8080 objpool-graphql --playground

# --- build stage: compilers and the -dev packages ---------------------------------------------
FROM debian:12-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake make \
      libboost1.81-dev libcli11-dev nlohmann-json3-dev \
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

# --- runtime stage: the binary, libstdc++ and curl for the health check -------------------------
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin objpool
COPY --from=build /build/examples/graphql_server/objpool-graphql /usr/local/bin/objpool-graphql
USER objpool
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
STOPSIGNAL SIGTERM
# Inside the container the server must listen on every interface to be reachable through -p.
# The playground is off in production; a later --playground (in CMD or `docker run`) wins.
ENTRYPOINT ["/usr/local/bin/objpool-graphql", "--host", "0.0.0.0", "--port", "8080", "--no-playground"]
CMD []
