#!/usr/bin/env bash
# Issue-9 scale benchmark: how the command line's costs grow with the store and with the policy, each
# figure beside its baseline measured in the same run. Prints ONE markdown table on standard output
# (progress goes to standard error).
#
#  store growth, for N credentials in a PKCS12 store (EC P-256 CA and keys):
#    - building it: `cert issue --subjects-file` of N subjects (one bulk issue, --no-p12, files deleted);
#    - then one more `cert issue`, `cert list` and `cert export` on the store of N: wall, CPU, peak RSS;
#    - the store file's size;
#    - baseline: the manual openssl procedure per credential (`openssl req -newkey ec` + `openssl x509 -req`),
#      timed over --loop credentials and shown per credential (and times N for the bulk row).
#  plan/apply, for U users (ec:p256, REQUIRE SUBJECT, one GRANT each) on a private MariaDB started the way
#  the database tests start one (cli test classes, io.s2mtls.cli.bench.ScaleBenchmark):
#    - `apply` from empty, then a no-op `plan` of the same policy;
#    - baselines: bulk issuance of U (`cert issue --subjects-file`) plus the plain-JDBC floor (the same
#      CREATE USER and GRANT statements, one by one, on one driver connection, no s2mtls code).
#
# Usage: bash .ci/bench/scale.sh [--sizes "10 1000 10000"] [--users "1000 10000"] [--with-100k] [--loop 20]
#   --with-100k adds U = 100,000 (long: a bulk issue, an apply and a plan of 100,000 each).
# Tools: the built CLI (./s2mtls), openssl, the JDK, Maven offline (for the test class path), mariadbd.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"

sizes="10 1000 10000"
users="1000 10000"
loop=20
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --users) users="$2"; shift 2 ;;
    --with-100k) users="$users 100000"; shift ;;
    --loop) loop="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "scale.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/s2mtls-scale.XXXXXX")"
db_pid=""
cleanup() {
  exec 3>&- 2>/dev/null || true               # closing the server's stdin stops it
  if [ -n "$db_pid" ]; then wait "$db_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "scale: $*" >&2; }

log "building (./s2mtls and the cli test classes) ..."
./s2mtls --version >/dev/null
./mvnw -B -q -o -pl cli -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="$(cat "$work/cp.txt"):$root/cli/target/classes:$root/cli/target/test-classes"
bench() { java -cp "$cp" io.s2mtls.cli.bench.ScaleBenchmark "$@"; }

export S2MTLS_STORE_PASSWORD="scale benchmark password"
unset S2MTLS_STORE S2MTLS_PLUGIN_PATH || true

# measure OUT CMD...: runs CMD with stdout to OUT; sets wall, cpu (user+sys, s) and rss (peak, MiB).
if [ -x /usr/bin/time ]; then
  measure() {
    local out="$1"; shift
    if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >"$out" 2>"$work/err.txt"; then
      log "failed: $*"; cat "$work/err.txt" >&2; exit 1
    fi
    local e u s m
    read -r e u s m < <(tail -n 1 "$work/time.txt")
    wall="$e"; cpu="$(echo "$u + $s" | bc -l)"; rss="$(echo "$m / 1024" | bc -l)"
  }
else
  # no /usr/bin/time: CPU from the shell's children times, peak RSS by sampling /proc/PID/status (VmHWM)
  child_cpu() { times | tail -n 1 | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1]*60 + u[2] + s[1]*60 + s[2] }'; }
  measure() {
    local out="$1"; shift
    local c0 t0 pid peak=0 hwm
    c0="$(child_cpu)"; t0="$(date +%s.%N)"
    "$@" >"$out" 2>"$work/err.txt" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      hwm="$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
      if [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ]; then peak="$hwm"; fi
      sleep 0.02
    done
    if ! wait "$pid"; then log "failed: $*"; cat "$work/err.txt" >&2; exit 1; fi
    wall="$(echo "$(date +%s.%N) - $t0" | bc -l)"; cpu="$(echo "$(child_cpu) - $c0" | bc -l)"
    rss="$(echo "$peak / 1024" | bc -l)"
  }
fi

rows=()
row() { rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s |' "$@")"); log "${rows[-1]}"; }
f2() { printf '%.2f' "$1"; }
f0() { printf '%.0f' "$1"; }
mib() { printf '%.2f MiB' "$(echo "$1 / 1048576" | bc -l)"; }
group() { printf "%'d" "$1" 2>/dev/null || printf '%d' "$1"; }
subjects() { awk -v n="$1" -v p="$2" 'BEGIN { for (i = 0; i < n; i++) printf "/O=ExampleOrg/OU=Bench/CN=%s%d\n", p, i }'; }

# ---- baseline: the manual openssl procedure, per credential ----
log "openssl loop: $loop credentials ..."
mkdir -p "$work/loop"
openssl ecparam -name prime256v1 -genkey -noout -out "$work/loop/ca-key.pem"
openssl req -x509 -new -key "$work/loop/ca-key.pem" -sha256 -days 3650 -out "$work/loop/ca-cert.pem" -subj "/O=ExampleOrg/CN=Loop CA"
subjects "$loop" loop > "$work/loop/subjects.txt"
cat > "$work/loop/loop.sh" <<'EOF'
set -e
cd "$1"; i=0
while IFS= read -r subject; do
  i=$((i + 1))
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "c$i-key.pem" -out "c$i-req.pem" -subj "$subject" 2>/dev/null
  openssl x509 -req -in "c$i-req.pem" -CA ca-cert.pem -CAkey ca-key.pem -CAcreateserial -out "c$i-cert.pem" -days 365 -sha256 2>/dev/null
done < subjects.txt
EOF
measure /dev/null bash "$work/loop/loop.sh" "$work/loop"
loop_wall="$(echo "$wall / $loop" | bc -l)"; loop_cpu="$(echo "$cpu / $loop" | bc -l)"
loop_text="openssl req + x509, one credential: $(f2 "$loop_wall") s wall, $(f2 "$loop_cpu") s CPU (mean of $loop)"

# ---- store growth ----
declare -A bulk_wall
for n in $sizes; do
  log "store of $n credentials ..."
  dir="$work/store$n"; mkdir -p "$dir"
  store=(--store "pkcs12:$dir/s2mtls.p12")
  ./s2mtls "${store[@]}" ca create --subject "/O=ExampleOrg/CN=Scale CA $n" --key ec:p256 >/dev/null
  subjects "$n" user > "$dir/subjects.txt"
  measure /dev/null ./s2mtls "${store[@]}" cert issue --subjects-file "$dir/subjects.txt" --out-dir "$dir/out" --no-p12 --key ec:p256
  rm -rf "$dir/out"
  bulk_wall[$n]="$wall"
  size="$(stat -c %s "$dir/s2mtls.p12")"
  row "build: \`cert issue --subjects-file\`" "$(group "$n") credentials" "$(f2 "$wall")" "$(f2 "$cpu")" "$(f0 "$rss")" "$(mib "$size")" \
      "openssl loop x $(group "$n"): $(f2 "$(echo "$loop_wall * $n" | bc -l)") s wall (estimated from the mean)"
  measure /dev/null ./s2mtls "${store[@]}" cert issue --subject "/O=ExampleOrg/OU=Bench/CN=probe" --name probe --key ec:p256
  size="$(stat -c %s "$dir/s2mtls.p12")"
  row "\`cert issue\`, one more" "$(group "$n")" "$(f2 "$wall")" "$(f2 "$cpu")" "$(f0 "$rss")" "$(mib "$size")" "$loop_text"
  measure "$dir/list.txt" ./s2mtls "${store[@]}" cert list
  row "\`cert list\`" "$(group "$n")" "$(f2 "$wall")" "$(f2 "$cpu")" "$(f0 "$rss")" "" "$(($(wc -l < "$dir/list.txt"))) lines printed"
  measure /dev/null ./s2mtls "${store[@]}" cert export user0 --out-dir "$dir/export"
  row "\`cert export\`" "$(group "$n")" "$(f2 "$wall")" "$(f2 "$cpu")" "$(f0 "$rss")" "" "key, certificate, .p12 (own password), CA"
done

# ---- plan / apply ----
if [ -n "$users" ]; then
  log "starting the private MariaDB ..."
  mkfifo "$work/db.in"
  bench db "$work/db.env" < "$work/db.in" >"$work/db.log" 2>&1 &
  db_pid=$!
  exec 3>"$work/db.in"
  for _ in $(seq 600); do
    [ -f "$work/db.env" ] && break
    kill -0 "$db_pid" 2>/dev/null || { cat "$work/db.log" >&2; exit 1; }
    sleep 0.5
  done
  [ -f "$work/db.env" ] || { log "the database did not start"; cat "$work/db.log" >&2; exit 1; }
  # shellcheck disable=SC1091
  . "$work/db.env"
  for u in $users; do
    log "plan/apply of $u users ..."
    dir="$work/apply$u"; mkdir -p "$dir"
    if [ -z "${bulk_wall[$u]:-}" ]; then
      bdir="$work/bulk$u"; mkdir -p "$bdir"
      ./s2mtls --store "pkcs12:$bdir/s2mtls.p12" ca create --subject "/O=ExampleOrg/CN=Bulk CA $u" --key ec:p256 >/dev/null
      subjects "$u" user > "$bdir/subjects.txt"
      measure /dev/null ./s2mtls --store "pkcs12:$bdir/s2mtls.p12" cert issue --subjects-file "$bdir/subjects.txt" --out-dir "$bdir/out" --no-p12 --key ec:p256
      bulk_wall[$u]="$wall"
      rm -rf "$bdir"
    fi
    floor_ms="$(bench floor "bf${u}_" "$u" | sed -n 's/^floor_ms=//p')"
    floor="$(echo "$floor_ms / 1000" | bc -l)"
    ./s2mtls --store "pkcs12:$dir/s2mtls.p12" ca create --subject "/O=ExampleOrg/CN=Apply CA $u" --key ec:p256 >/dev/null
    bench policy "ba${u}_" "$u" "$dir/policy.yaml"
    measure /dev/null ./s2mtls --store "pkcs12:$dir/s2mtls.p12" apply -f "$dir/policy.yaml" --yes --ca "$BENCH_DB_CA"
    a_wall="$wall"; a_cpu="$cpu"; a_rss="$rss"
    sum="$(echo "${bulk_wall[$u]} + $floor" | bc -l)"
    row "\`apply\` from empty" "$(group "$u") users" "$(f2 "$a_wall")" "$(f2 "$a_cpu")" "$(f0 "$a_rss")" "$(mib "$(stat -c %s "$dir/s2mtls.p12")")" \
        "bulk issue $(f2 "${bulk_wall[$u]}") s + JDBC floor $(f2 "$floor") s = $(f2 "$sum") s; apply / sum = **$(printf '%.2f' "$(echo "$a_wall / $sum" | bc -l)")x**"
    measure /dev/null ./s2mtls --store "pkcs12:$dir/s2mtls.p12" plan -f "$dir/policy.yaml" --ca "$BENCH_DB_CA"
    p_wall="$wall"; p_cpu="$cpu"; p_rss="$rss"
    row "no-op \`plan\`" "$(group "$u") users" "$(f2 "$p_wall")" "$(f2 "$p_cpu")" "$(f0 "$p_rss")" "" ""
    row "plain-JDBC CREATE USER + GRANT loop (floor)" "$(group "$u") users" "$(f2 "$floor")" "" "" "" "one driver connection, statements one by one"
    bench drop "ba${u}_"
    rm -rf "$dir"
  done
fi

echo "Scale benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | head -n 1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| what | size | wall s | CPU s | peak RSS MiB | store file | baseline, same run |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
