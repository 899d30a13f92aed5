# One multi-stage image for the three services (see compose.yaml). The build
# context is the repository without build output, keys or .env (.dockerignore);
# the runtime image runs as an unprivileged user (uid 10001).
# Build: docker build -t jellybridge:latest .
# Run:   scripts/compose-env.sh --jellyfin-url URL && docker compose up --build -d

FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ cmake ninja-build pkg-config make \
      libpistache-dev cppzmq-dev libzmq3-dev rapidjson-dev libhiredis-dev \
      libcurl4-openssl-dev libsodium-dev libssl-dev libqrencode-dev zlib1g-dev libcbor-dev \
      libunistring-dev libcmark-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -G Ninja -S . -B /build -DCMAKE_BUILD_TYPE=Release -DJB_BUILD_TESTS=OFF -DJB_BUILD_BENCH=OFF \
 && cmake --build /build --target auth-service library-service sync-worker

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpistache0 libzmq5 libhiredis0.14 libcurl4 \
      libsodium23 libssl3 libqrencode4 libcbor0.8 libunistring2 libcmark0.30.2 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /var/lib/jellybridge --create-home jellybridge
COPY --from=build /build/auth-service/auth-service /build/library-service/library-service \
     /build/sync-worker/sync-worker /usr/local/bin/
# The web front end's files, read by auth-service at start-up (no build step).
COPY auth-service/web /usr/share/jellybridge/web
ENV JB_UI_DIR=/usr/share/jellybridge/web
USER jellybridge
WORKDIR /var/lib/jellybridge
# compose.yaml chooses the command (auth-service, library-service or sync-worker).
CMD ["auth-service"]
