#!/usr/bin/env bash
# Issue-2 benchmarks, side by side in one run on this machine:
#  1. bulk issuance: `s2mtls cert issue --subjects-file` (RSA 2048 keys, RSA 4096 CA) against the manual
#     openssl loop (`openssl req -newkey rsa:2048 ...` then `openssl x509 -req ...`), twice: with the same
#     files as the loop (key, certificate, CA: --no-p12), and with every file incl. NAME.p12 (own random
#     password, PBKDF2 100,000 + MAC 200,000 iterations: about 50 ms of CPU per file, which the loop does not do);
#  2. in-process library throughput (IssuanceBenchmark): CSR signing with an RSA 4096 CA, EC P-256 issuance;
#  3. `s2mtls --version` wall time (median of 11), and `openssl speed rsa4096` for reference.
# Usage: bash .ci/bench/issuance.sh [SUBJECTS=200]
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-200}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./s2mtls --version >/dev/null            # builds the jar on first use
./mvnw -B -q -o -pl cli test-compile >/dev/null 2>&1 || ./mvnw -B -q -pl cli -am test-compile -DskipTests >/dev/null
export S2MTLS_STORE_PASSWORD="benchmark password"
now() { date +%s.%N; }
for i in $(seq 1 "$n"); do echo "/C=US/ST=CA/L=SanFrancisco/O=ExampleOrg/OU=Client/CN=client$i.example.com"; done > "$work/subjects.txt"

echo "== 1. bulk issuance of $n client credentials (RSA 2048 keys, RSA 4096 CA), $(nproc) cores"
./s2mtls --store "pkcs12:$work/s2mtls.p12" ca create --subject "/C=US/O=ExampleOrg/CN=Bench CA" >/dev/null
cp "$work/s2mtls.p12" "$work/pem-only.p12"
t0=$(now)
./s2mtls --store "pkcs12:$work/pem-only.p12" cert issue --subjects-file "$work/subjects.txt" --out-dir "$work/pem-only" --no-p12 >/dev/null
t1=$(now)
pem=$(echo "$t1 - $t0" | bc -l)
t0=$(now)
./s2mtls --store "pkcs12:$work/s2mtls.p12" cert issue --subjects-file "$work/subjects.txt" --out-dir "$work/ours" >/dev/null 2>&1
t1=$(now)
ours=$(echo "$t1 - $t0" | bc -l)

mkdir -p "$work/loop"
openssl genrsa -out "$work/loop/ca-key.pem" 4096 2>/dev/null
openssl req -x509 -new -nodes -key "$work/loop/ca-key.pem" -sha256 -days 3650 -out "$work/loop/ca-cert.pem" -subj "/C=US/O=ExampleOrg/CN=Loop CA"
t0=$(now)
i=0
while IFS= read -r subject; do
  i=$((i + 1))
  openssl req -newkey rsa:2048 -nodes -keyout "$work/loop/client$i-key.pem" -out "$work/loop/client$i-req.pem" -subj "$subject" 2>/dev/null
  openssl x509 -req -in "$work/loop/client$i-req.pem" -CA "$work/loop/ca-cert.pem" -CAkey "$work/loop/ca-key.pem" \
    -CAcreateserial -out "$work/loop/client$i-cert.pem" -days 365 -sha256 2>/dev/null
done < "$work/subjects.txt"
t1=$(now)
loop=$(echo "$t1 - $t0" | bc -l)
printf 's2mtls cert issue --no-p12 (same files as the loop): %6.2f s  %6.1f credentials/s\n' "$pem" "$(echo "$n / $pem" | bc -l)"
printf 's2mtls cert issue (also NAME.p12 + NAME.p12.pass):  %6.2f s  %6.1f credentials/s\n' "$ours" "$(echo "$n / $ours" | bc -l)"
printf 'manual openssl loop:                                %6.2f s  %6.1f credentials/s\n' "$loop" "$(echo "$n / $loop" | bc -l)"
printf 'ratio (throughput, s2mtls / openssl loop): %.1fx same files, %.1fx with the .p12 files\n' \
  "$(echo "$loop / $pem" | bc -l)" "$(echo "$loop / $ours" | bc -l)"
ok=$(./s2mtls cert verify --ca "$work/ours/ca-cert.pem" "$work"/ours/client*-cert.pem | grep -c ": OK$")
echo "verified: $ok of $n"

echo "== 2. in-process library throughput over the PKCS12 store"
java -cp "cli/target/s2mtls.jar:cli/target/test-classes" io.s2mtls.cli.bench.IssuanceBenchmark 600 3000

echo "== 3. start-up and reference"
times=()
for _ in $(seq 11); do
  s=$(now); ./s2mtls --version >/dev/null; e=$(now)
  times+=("$(echo "$e - $s" | bc -l)")
done
printf 's2mtls --version median: %.3f s\n' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 6p)"
openssl speed -seconds 3 rsa4096 2>/dev/null | grep -E '^rsa 4096' | awk '{print "openssl speed rsa4096 (1 core): " $6 " sign/s"}'
