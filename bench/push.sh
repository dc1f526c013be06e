#!/usr/bin/env bash
# bench/push.sh: fans one alert out to generated subscriptions (100,000 and
# 1,000,000 by default) against a loopback mock push service that answers
# 201 (bench/push_mock.c: libh2o, HTTP/2 over TLS with a certificate made
# here). For each size it prints the total time and the end-to-end delivery
# rate, and two rates per core: encryption (messages delivered per CPU
# second of the encryption threads during the fan-out) and the whole
# process (messages per CPU second of everything khabar did: encryption,
# TLS, HTTP/2, SQLite), beside two references from the same run on the same
# machine: npm web-push preparing the same messages (generateRequestDetails,
# one core) and OpenSSL's raw P-256 ECDH rate (openssl speed ecdhp256), the
# ceiling, since every message needs one key generation and one ECDH. The
# mock push service shares the two cores; its CPU time is printed too.
# Usage: bench/push.sh [SIZE...]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000 1000000)
out=bench/out/push
scripts/deps bench
scripts/node-deps
make --no-print-directory khabar build/bench/push_mock >/dev/null
mkdir -p "$out"

# A certificate for 127.0.0.1 that khabar trusts only through the test
# variable.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/key.pem" \
	-out "$out/cert.pem" -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-addext basicConstraints=critical,CA:TRUE 2>/dev/null
export KHABAR_PUSH_TEST_CA=$out/cert.pem
port=18443
# 1,000 browsers' keys (real P-256 points), shared round-robin by the
# generated subscriptions: each message still gets its own sender key pair
# and ECDH, so the cost per message is the real one.
node -e '
const c = require("crypto");
for (let i = 0; i < 1000; i++) { const e = c.createECDH("prime256v1"); e.generateKeys();
  console.log("INSERT INTO k VALUES(" + i + ", X\x27" + e.getPublicKey("hex") + "\x27, X\x27" +
    c.randomBytes(16).toString("hex") + "\x27);"); }' >"$out/keys.sql"

echo "== references (same run) =="
ecdh=$(openssl speed -seconds 3 ecdhp256 2>/dev/null | awk '/ecdh \(nistp256\)/ {print $NF}')
echo "openssl speed ecdhp256: $ecdh op/s per core"
wp=$(node bench/push_webpush.mjs 3000 "https://127.0.0.1:$port/p/")
wprate=$(node -e "console.log(Math.round(JSON.parse(process.argv[1]).rate))" "$wp")
echo "npm web-push generateRequestDetails: $wprate messages/s per core"

for n in "${sizes[@]}"; do
	db=$out/push-$n.db
	rm -f "$db" "$db-wal" "$db-shm"
	./khabar init --name "बेंच" --url https://k.example --db "$db" >/dev/null
	sqlite3 "$db" <<SQL
CREATE TEMP TABLE k(i INTEGER PRIMARY KEY, p BLOB, a BLOB);
.read $out/keys.sql
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $n)
INSERT INTO push_subscriptions(endpoint, p256dh, auth, all_topics, created_at, updated_at)
SELECT 'https://127.0.0.1:$port/p/' || x, k.p, k.a, 1, 0, 0 FROM n JOIN k ON k.i = x % 1000;
SQL
	build/bench/push_mock $port "$out/cert.pem" "$out/key.pem" >"$out/mock-$n.txt" &
	mock=$!
	trap 'kill $mock 2>/dev/null || true' EXIT
	sleep 0.3
	./khabar push send --db "$db" --title "भारत-इज़राइल रक्षा सहयोग पर समझौता ज्ञापन पर हस्ताक्षर" \
		--body "तेल अवीव में संयुक्त कार्य समूह की 17वीं बैठक में दोनों देशों ने रक्षा सहयोग पर समझौता ज्ञापन पर हस्ताक्षर किए।" \
		--url /news/bharat-israel --urgency high >/dev/null
	start=$(date +%s.%N)
	./khabar push deliver --db "$db" >"$out/deliver-$n.txt"
	end=$(date +%s.%N)
	kill $mock
	wait $mock 2>/dev/null || true
	got=$(awk '{print $1}' "$out/mock-$n.txt")
	mockcpu=$(awk '{print $2}' "$out/mock-$n.txt")
	cpu=$(awk '/encryption took/ {print $4}' "$out/deliver-$n.txt")
	pcpu=$(awk '/process took/ {print $5}' "$out/deliver-$n.txt")
	delivered=$(awk '/^push: sent/ {print $5}' "$out/deliver-$n.txt")
	echo "== $n subscriptions =="
	cat "$out/deliver-$n.txt"
	awk -v n="$n" -v got="$got" -v mcpu="$mockcpu" -v d="$delivered" -v s="$start" -v e="$end" -v cpu="$cpu" -v pcpu="$pcpu" -v wp="$wprate" -v ecdh="$ecdh" 'BEGIN {
		t = e - s; enc = d / cpu; proc = d / pcpu;
		printf "mock push service received: %d requests, using %.1f CPU seconds\n", got, mcpu;
		printf "encryption rate per core (messages / CPU s of the encryption threads): %.0f msg/s (%.1fx web-push, %.2f of raw ECDH)\n", enc, enc / wp, enc / ecdh;
		printf "whole-process rate per core (messages / CPU s of khabar): %.0f msg/s (%.1fx web-push, %.2f of raw ECDH); %.2f cores busy on average\n", proc, proc / wp, proc / ecdh, pcpu / t;
		printf "end-to-end delivery rate: %.0f msg/s\n", d / t;
		printf "total time: %.1f s\n", t;
	}'
	rm -f "$db" "$db-wal" "$db-shm"
done
