# SPDX-License-Identifier: MIT
# A private Docker engine for one test run, sourced by run.sh: its own containerd and dockerd
# with every socket, state and data directory under $T, no network set-up, and tend as the
# engine's init binary. A system Docker, if one runs, is never touched: everything here is
# addressed through $T's sockets, and only the pids this file started are ever signalled.
# shellcheck shell=bash
# shellcheck disable=SC2154  # run.sh sets $tend and the rest before it sources this file.

containerd_bin=/usr/bin/containerd
dockerd_bin=/usr/sbin/dockerd
# Debian's client; an unrelated docker CLI may come first in PATH (/usr/local/bin).
docker_bin=/usr/bin/docker
cgroup_parent=
containerd_pid=
dockerd_pid=
# Host paths the engine creates whatever it is told (/run/containerd/s holds the shims'
# sockets); the ones that did not exist before the run are removed after it.
engine_host_paths=(/run/containerd/s /run/containerd /run/docker/plugins /run/docker /etc/docker)
engine_new_paths=()

# Every client command is bounded (DK_TIMEOUT seconds, default 300): a hung engine fails a
# check instead of the run. The legacy builder needs no frontend image from a registry.
dk() {
  DOCKER_CONFIG=$T/cli DOCKER_BUILDKIT=0 timeout --foreground "${DK_TIMEOUT:-300}" \
    "$docker_bin" -H "unix://$T/docker.sock" "$@"
}

# Fails the run at once, loudly: a suite that cannot start its engine has checked nothing.
engine_fatal() {
  echo "FAIL engine: $*"
  for log in "$T"/containerd.log "$T"/dockerd.log; do
    [[ -s $log ]] && { echo "--- last lines of $log"; tail -20 "$log"; }
  done
  failed=$((failed + 1))
  exit 1
}

report_system_docker() {
  local pids
  pids=$(ps -C dockerd,containerd -o pid=,comm= | tr -s ' \n' ' ' || true)
  [[ -n $pids ]] && echo "# already running (left alone): $pids"
  return 0
}

# The longest socket path the engine makes under $T must fit sun_path (108 bytes).
check_socket_room() {
  local longest="$T/ctd.sock.ttrpc"
  ((${#longest} < 100)) || engine_fatal "'$T' is too long for unix socket paths"
}

write_engine_config() {
  mkdir -p "$T/cli"
  # Not /etc/docker/daemon.json, so that a host's settings stay out; and the engine's identity
  # key under $T instead of /etc/docker/key.json.
  printf '{ "deprecated-key-path": "%s" }\n' "$T/key.json" >"$T/daemon.json"
  cat >"$T/containerd.toml" <<EOF
version = 2
root = "$T/ctd-root"
state = "$T/ctd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$T/ctd.sock"
EOF
}

remember_new_host_paths() {
  local path
  for path in "${engine_host_paths[@]}"; do [[ -e $path ]] || engine_new_paths+=("$path"); done
}

# Polls COMMAND until it succeeds; fatal after SECONDS or when the process PID is gone.
wait_for_engine_part() {  # SECONDS PID WHAT COMMAND...
  local deadline=$((SECONDS + $1)) pid=$2 what=$3
  shift 3
  until "$@" >/dev/null 2>&1; do
    is_alive "$pid" || engine_fatal "$what exited at start-up"
    ((SECONDS < deadline)) || engine_fatal "$what did not start within ${deadline}s"
    sleep 0.1
  done
}

start_engine() {  # TEND
  check_socket_room
  write_engine_config
  remember_new_host_paths
  cgroup_parent=tend-tests-${T##*.}
  "$containerd_bin" --config "$T/containerd.toml" >"$T/containerd.log" 2>&1 &
  containerd_pid=$!
  wait_for_engine_part 30 "$containerd_pid" containerd test -S "$T/ctd.sock"
  "$dockerd_bin" --config-file "$T/daemon.json" --containerd "$T/ctd.sock" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none \
    --cgroup-parent "$cgroup_parent" \
    --data-root "$T/data" --exec-root "$T/exec" -H "unix://$T/docker.sock" \
    --pidfile "$T/docker.pid" --init-path "$1" >"$T/dockerd.log" 2>&1 &
  dockerd_pid=$!
  wait_for_engine_part 60 "$dockerd_pid" dockerd dk version
  [[ $(cat "$T/docker.pid") == "$dockerd_pid" ]] ||
    engine_fatal "the pid file names another dockerd"
  echo "# engine: dockerd $dockerd_pid, containerd $containerd_pid, under $T"
}

# True while PID runs: a zombie child of ours counts as gone.
is_alive() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

stop_pid() {  # PID SECONDS: SIGTERM, then SIGKILL if it is still there after SECONDS
  local pid=$1 deadline=$((SECONDS + $2))
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while is_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if is_alive "$pid"; then
    echo "# pid $pid did not stop within $2 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# Shims outlive containerd by design; ours are the ones whose command line names $T.
kill_leftover_shims() {
  local cmdline pid
  for cmdline in /proc/[0-9]*/cmdline; do
    pid=${cmdline#/proc/}
    pid=${pid%/cmdline}
    if [[ $(tr '\0' ' ' 2>/dev/null <"$cmdline") == *"-address $T/ctd.sock "* ]]; then
      echo "# leftover shim $pid: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

unmount_under_t() {
  local mount
  awk -v t="$T/" 'index($2, t) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r mount; do umount -l "$mount" || true; done
}

remove_engine_traces() {
  local path dir
  for dir in /sys/fs/cgroup/*/"$cgroup_parent" /sys/fs/cgroup/"$cgroup_parent"; do
    if [[ -n $cgroup_parent && -d $dir ]]; then rmdir "$dir" 2>/dev/null; fi
  done
  for path in "${engine_new_paths[@]}"; do rmdir "$path" 2>/dev/null || true; done
}

# Runs on every exit (trap EXIT): containers, dockerd, containerd, shims, mounts, files.
stop_engine() {
  if [[ -n $dockerd_pid ]] && is_alive "$dockerd_pid"; then
    local containers
    containers=$(timeout 30 "$docker_bin" -H "unix://$T/docker.sock" ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086 # one word per container
    [[ -z $containers ]] ||
      timeout 60 "$docker_bin" -H "unix://$T/docker.sock" rm -f $containers >/dev/null 2>&1
  fi
  stop_pid "$dockerd_pid" 30
  stop_pid "$containerd_pid" 15
  kill_leftover_shims
  unmount_under_t
  remove_engine_traces
}
