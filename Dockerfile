# Portcullis container image.
#
#   docker build -t portcullis:0.1.0 .
#
# The build stage runs scripts/package.sh, which lays out the exact tree the runtime stage copies
# (and which Tests/Integration/test_package.py starts from a clean directory). The runtime stage is
# Debian slim plus the few shared libraries the binary still links (the Swift runtime is static),
# as listed by package.sh from the binary's own ldd output.
#
# Both stages use Debian 12 (bookworm), so the package names the builder records exist at runtime.
ARG SWIFT_IMAGE=swift:6.3.1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-dev libxml2-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first: this layer is reused until the package manifest changes.
# Package.resolve[d]: the pin file is copied when the checkout has one (the pattern allows none).
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve
COPY . .
RUN scripts/package.sh --out /rootfs

FROM ${RUNTIME_IMAGE}
COPY --from=build /rootfs/opt/portcullis/share/debian-packages.txt /tmp/debian-packages.txt
# ca-certificates: outbound TLS (hooks, webhooks, SMTP) verifies against the system trust store.
RUN apt-get update \
    && xargs -a /tmp/debian-packages.txt apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* /tmp/debian-packages.txt \
    && groupadd --system --gid 10001 portcullis \
    && useradd --system --uid 10001 --gid portcullis --home-dir /var/lib/portcullis --no-create-home \
        --shell /usr/sbin/nologin portcullis \
    && install -d -o portcullis -g portcullis -m 0700 /var/lib/portcullis \
    && install -d -m 0755 /etc/portcullis/config /etc/portcullis/secrets
COPY --from=build /rootfs/ /

ENV PATH=/opt/portcullis/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# server.templates_directory defaults to ./Templates: run from the install directory.
WORKDIR /opt/portcullis
USER 10001:10001
EXPOSE 8080
VOLUME ["/var/lib/portcullis"]
ENTRYPOINT ["/opt/portcullis/bin/portcullis", "serve"]
# The Helm chart passes the same arguments; mount the config directory and secrets at these paths.
CMD ["--config", "/etc/portcullis/config", \
     "--secrets", "/etc/portcullis/secrets/secrets.yaml", \
     "--listen", "0.0.0.0:8080", \
     "--database", "/var/lib/portcullis/portcullis.sqlite"]
