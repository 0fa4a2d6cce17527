# SPDX-License-Identifier: MIT
# The images of the Docker checks, built offline (tests/docker/run.sh): the tend under test with
# Debian's static busybox (sh, sleep, ps, ...) and a static notify client, FROM scratch, with no
# /etc/passwd. `base` has no ENTRYPOINT (for `docker run --init`), `entry` has tend as its
# ENTRYPOINT, `ready` adds a HEALTHCHECK on tend's --ready-file.
FROM scratch AS base
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -m 1777 /tmp
COPY notify /bin/notify
# A file that exists but may not be executed, for exit status 126.
COPY noexec /noexec
COPY tend /tend

FROM base AS entry
ENTRYPOINT ["/tend", "--"]

FROM entry AS ready
ENV TEND_READY_FILE=/tmp/ready
# The start period keeps failed probes from counting: "starting" until the first success.
HEALTHCHECK --interval=300ms --timeout=5s --start-period=5m CMD ["test", "-f", "/tmp/ready"]
