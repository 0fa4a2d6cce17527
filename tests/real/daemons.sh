# SPDX-License-Identifier: MIT
# Real daemons from Debian under tend, started the way the examples start them: nginx as a
# forking daemon with a pid file, redis-server and PostgreSQL telling readiness over sd_notify.
# Sourced by run.sh; each check_* runs in a subshell with $tend, $examples, $check_dir set.
# shellcheck shell=bash
# shellcheck disable=SC2154  # run.sh sets $tend and the rest before it sources this file.

# --- nginx (examples/nginx-graceful): pid file, and SIGTERM rewritten to its graceful SIGQUIT ---

# Starts examples/nginx-graceful/start.sh with tend named by $1, waits until tend has adopted
# nginx's master from the pid file, and sets $tend_pid, $master, $port, $dir, $out.
start_nginx_example() {  # TEND
  dir=$check_dir/nginx
  out=$check_dir/tend.out
  port=$(free_port) || exit 1
  TEND=$1 TEND_VERBOSE=1 "$examples/nginx-graceful/start.sh" "$port" "$dir" \
    </dev/null >"$out" 2>&1 &
  tend_pid=$!  # start.sh replaces itself with tend.
  own_group "$tend_pid"
  wait_for_text "$out" "main process 'nginx' is pid [0-9]* (read from the pid file)"
  master=$(main_pid_in "$out")
  own_group "$master"  # The master left tend's process group: it is a session leader.
  workers=$(ps -o pid= --ppid "$master" | tr -d ' ')
  [[ $(cat "$dir/nginx.pid") == "$master" ]] || fail "tend follows pid $master, not the pid file's"
  ps -o args= -p "$master" | grep -q '^nginx: master process' || fail "pid $master is not nginx's master"
  local parent
  parent=$(ps -o ppid= -p "$master" | tr -d ' ')
  [[ $parent == "$tend_pid" ]] || fail "nginx's master has parent $parent, not tend ($tend_pid)"
  [[ -n $workers ]] || fail "nginx's master has no worker"
}

# Starts a slow download (12 KiB at 4 KiB/s) and waits until part of it has arrived.
start_slow_download() {
  body=$check_dir/body
  curl -sS -N -o "$body" "http://127.0.0.1:$port/slow/file.bin" 2>"$check_dir/curl.err" &
  curl_pid=$!
  own_group "$curl_pid"
  wait_until 10 "the download did not start" test -s "$body"
  local got
  got=$(stat -c %s "$body")
  ((got < 12288)) || fail "the download was over before the stop ($got bytes): nothing in flight"
}

check_nginx_graceful_stop() {
  start_nginx_example "$tend"
  start_slow_download
  kill -TERM "$tend_pid"  # As docker stop, Kubernetes and systemd do.
  wait_exit "$curl_pid" 20 "the download"
  ((status == 0)) || fail "the download was cut by the stop (curl: $(cat "$check_dir/curl.err"))"
  cmp -s "$body" "$dir/www/slow/file.bin" || fail "the downloaded body differs from the file"
  wait_exit "$tend_pid" 20 tend
  ((status == 0)) || fail "tend exited $status, expected 0 after nginx's graceful stop"
  has_text "$out" "forwarded SIGQUIT to" || fail "tend did not forward SIGQUIT"
  local pid
  for pid in $master $workers; do
    kill -0 "$pid" 2>/dev/null && fail "nginx process $pid outlived tend"
  done
  return 0
}

# The contrast that shows the check above can fail: the same example, with tend's options but
# without --rewrite, forwards SIGTERM, nginx's fast stop, and the download is cut.
check_nginx_fast_stop_without_rewrite() {
  local wrapper=$check_dir/tend-without-rewrite
  printf '%s\n' '#!/bin/bash' 'args=()' \
    'while (($#)); do [[ $1 == --rewrite ]] && shift 2 && continue; args+=("$1"); shift; done' \
    "exec '$tend' \"\${args[@]}\"" >"$wrapper"
  chmod +x "$wrapper"
  start_nginx_example "$wrapper"
  start_slow_download
  kill -TERM "$tend_pid"
  wait_exit "$curl_pid" 20 "the download"
  ((status != 0)) || fail "without --rewrite the download still completed: the graceful check proves nothing"
  wait_exit "$tend_pid" 20 tend
  has_text "$out" "forwarded SIGTERM to" || fail "tend did not forward SIGTERM"
}

# --- redis-server (examples/redis-notify): sd_notify readiness ---

redis_dir() {
  dir=$work/redis  # Shared by the redis checks: the second loads the first one's dump.
  mkdir -p "$dir"
  chown redis: "$dir"
}

# The unit's ExecStart, with its paths made local, then redis options that override the conf.
redis_command() {  # REDIS-OPTION...
  unit_exec_start "$examples/redis-notify/redis-tend.service" |
    sed -e "s|^/usr/bin/tend\$|$tend|" -e "s|^/run/redis-tend/|$dir/|" \
      -e "s|^/etc/redis/tend-example.conf\$|$examples/redis-notify/redis.conf|"
  printf '%s\n' --port "$port" --dir "$dir" "$@"
}

# Starts tend with ARGS as user and waits for its main process; sets $tend_pid, $main, $out.
start_tend() {  # ARG...
  out=$check_dir/tend.out
  TEND_VERBOSE=1 "$@" </dev/null >"$out" 2>&1 &
  tend_pid=$!
  own_group "$tend_pid"
  wait_for_text "$out" "main process '[^']*' is pid [0-9]*"
  main=$(main_pid_in "$out")
  own_group "$main"
}

redis_ping() { redis-cli -p "$port" ping 2>&1 | head -1; }

# Polls the ready file and PING together until the ready file appears: a LOADING reply must
# come after a look that found no ready file, and the first PING after the file appears must
# be PONG. Sets $loading_replies.
watch_redis_readiness() {
  local deadline=$((SECONDS + 30)) ready_before reply
  loading_replies=0
  while :; do
    ready_before=no
    [[ -e $dir/ready ]] && ready_before=yes
    reply=$(redis_ping)
    if [[ $ready_before == yes ]]; then
      [[ $reply == PONG ]] || fail "the ready file exists but PING got '$reply', not PONG"
      return 0
    fi
    [[ $reply == LOADING* ]] && loading_replies=$((loading_replies + 1))
    has_ended "$tend_pid" && fail "tend ended before redis was ready"
    ((SECONDS < deadline)) || fail "no ready file after 30 s"
    sleep 0.05
  done
}

stop_redis_cleanly() {
  kill -TERM "$tend_pid"
  wait_exit "$tend_pid" 20 tend
  ((status == 0)) || fail "tend exited $status after SIGTERM, expected redis's 0"
  has_text "$out" "Redis is now ready to exit" || fail "redis did not shut down cleanly"
  [[ ! -e $dir/ready ]] || fail "tend left the ready file behind"
}

check_redis_ready_file_means_pong() {
  redis_dir
  port=$(free_port) || exit 1
  local command
  mapfile -t command < <(redis_command)
  start_tend "${command[@]}"
  watch_redis_readiness
  [[ $(ps -o user= -p "$main") == redis ]] || fail "redis-server does not run as user redis"
  # Data for the next check: 5000 keys, saved to dump.rdb.
  seq 5000 | sed "s/.*/SET key:& &\r/" | redis-cli -p "$port" --pipe >/dev/null ||
    fail "cannot write keys to redis"
  [[ $(redis-cli -p "$port" save) == OK ]] || fail "SAVE failed"
  stop_redis_cleanly
}

# With a dump to load (slowed down by redis's own test knob key-load-delay), redis runs and
# answers LOADING for a while before it sends READY=1: the ready file must wait for that.
check_redis_ready_file_waits_for_loading() {
  redis_dir
  [[ -s $dir/dump.rdb ]] || fail "no dump.rdb from the check before"
  port=$(free_port) || exit 1
  local command
  mapfile -t command < <(redis_command --key-load-delay 200 --loading-process-events-interval-bytes 1024)
  start_tend "${command[@]}"
  watch_redis_readiness
  ((loading_replies > 0)) || fail "redis never answered LOADING: no time before readiness was seen"
  [[ $(redis-cli -p "$port" dbsize) == 5000 ]] || fail "redis did not load the 5000 keys"
  stop_redis_cleanly
}

# The contrast: redis without sd_notify answers PONG, but never says READY=1, so the ready file
# never appears and tend stops it when --ready-timeout is over (a failed run: exit 1).
check_redis_without_notify_never_ready() {
  redis_dir
  port=$(free_port) || exit 1
  start_tend "$tend" --user redis --ready-file "$dir/ready" --ready-timeout 2s -- \
    redis-server "$examples/redis-notify/redis.conf" --port "$port" --dir "$dir" --supervised no
  wait_until 10 "redis did not answer PONG" test "$(redis_ping)" == PONG
  local deadline=$((SECONDS + 15))
  until has_ended "$tend_pid"; do
    [[ -e $dir/ready ]] && fail "the ready file appeared though redis never sent READY=1"
    ((SECONDS < deadline)) || fail "tend did not stop redis after --ready-timeout 2s"
    sleep 0.05
  done
  wait_exit "$tend_pid" 1 tend
  ((status == 1)) || fail "tend exited $status, expected 1 for a run that was never ready"
}

# --- PostgreSQL (examples/postgres-notify): sd_notify, --user, SIGTERM rewritten to SIGINT ---

check_postgres_ready_and_fast_stop() {
  local command bin
  dir=$check_dir/pg
  mkdir -p "$dir/run"
  chown -R postgres: "$dir"
  port=$(free_port) || exit 1
  mapfile -t command < <(unit_exec_start "$examples/postgres-notify/postgres-tend.service" |
    sed -e "s|^/usr/bin/tend\$|$tend|" -e "s|^/run/postgres-tend/|$dir/|" \
      -e "s|^/var/lib/postgresql/tend-example\$|$dir/data|" -e "s|=/var/run/postgresql\$|=$dir/run|")
  command+=(-p "$port")
  bin=$(dirname "$(printf '%s\n' "${command[@]}" | grep '/bin/postgres$')")
  [[ -x $bin/postgres ]] || fail "no $bin/postgres (the unit's PostgreSQL is not installed)"
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync \
    >"$check_dir/initdb.out" 2>&1 || fail "initdb failed"
  start_tend "${command[@]}"
  wait_until 60 "no ready file" test -e "$dir/ready"
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres ||
    fail "the ready file exists but PostgreSQL does not accept connections"
  [[ $(ps -o user= -p "$main") == postgres ]] || fail "postgres does not run as user postgres"
  # A session in a long query: PostgreSQL's smart stop (SIGTERM) would wait a minute for it.
  local psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc)
  "${psql[@]}" 'select pg_sleep(60)' >"$check_dir/psql.out" 2>&1 &
  local session=$!
  own_group "$session"
  wait_until 10 "the session's query did not start" test \
    "$("${psql[@]}" "select count(*) from pg_stat_activity where query = 'select pg_sleep(60)'")" == 1
  kill -TERM "$tend_pid"
  wait_exit "$tend_pid" 20 "tend (PostgreSQL's fast stop)"
  ((status == 0)) || fail "tend exited $status, expected PostgreSQL's 0"
  has_text "$out" "forwarded SIGINT to" || fail "tend did not forward SIGINT"
  has_text "$out" "received fast shutdown request" || fail "PostgreSQL did not do a fast stop"
  wait_exit "$session" 10 "the session"
  has_text "$check_dir/psql.out" "terminating connection" || fail "the session was not ended"
  [[ ! -e $dir/ready ]] || fail "tend left the ready file behind"
}
