# syntax=docker/dockerfile:1
# SPDX-License-Identifier: MIT
# tend in an image of its own: built with the README's commands on Debian 12, unit-tested, and
# shipped in an otherwise empty image, to be copied into yours.
#
#   docker build -t tend .
#   docker run --rm tend                      # prints "tend version 0.1.0 - git.<sha>"
#
# In your own Dockerfile (examples/docker-entrypoint/ is a whole one):
#
#   COPY --from=tend /tend /tend
#   ENTRYPOINT ["/tend", "--"]
#   CMD ["/app/server"]
#
# Or as the init of `docker run --init`: copy /tend to the host, for example with
#   docker create --name tend-bin tend && docker cp tend-bin:/tend /usr/local/bin/tend
# and set "init-path": "/usr/local/bin/tend" in /etc/docker/daemon.json. Docker then runs
# `tend -- COMMAND` as PID 1, and `docker info` reads the commit from `tend --version`.

FROM debian:12 AS build
WORKDIR /src
# The dependencies alone first, so that this layer stays cached while the sources change.
COPY scripts/deps.sh scripts/deps.sh
RUN scripts/deps.sh
# The whole tree, .git included: the commit goes into `tend --version`.
COPY . .
# The same build script as the README's quick start and CI.
RUN scripts/build.sh release
# The unit tests. The whole-program tests need unshare(2) and a /proc of their own, which a
# build container does not give; the test suite (scripts/test.sh) runs them.
RUN ctest --test-dir build -L unit --no-tests=error --output-on-failure
RUN build/tend --version

FROM scratch
LABEL org.opencontainers.image.title="tend" \
      org.opencontainers.image.description="minimal init and process supervisor, static: /tend" \
      org.opencontainers.image.licenses="MIT"
COPY --from=build /src/build/tend /tend
ENTRYPOINT ["/tend"]
CMD ["--version"]
