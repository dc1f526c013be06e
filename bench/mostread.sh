#!/usr/bin/env bash
# bench/mostread.sh: the most-read beacon under load while pages are
# served, in one run on one server (2 threads): a story's page alone;
# the page with beacon requests at the same time (each a new reader of
# one of the site's stories: a distinct User-Agent per request, so every
# one is counted, the dearest case); and the page with as many requests
# for a cached /robots.txt instead, the control that shows what sharing
# the cores with a second load costs by itself. Then the reads written
# after the stop against the beacon requests answered. wrk and khabar
# share this machine's cores. Not a test: figures go in the README.
#
# Usage: bench/mostread.sh [SECONDS] [ARTICLES]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
articles=${2:-200}
out=bench/out
make --no-print-directory khabar >/dev/null
mkdir -p "$out"
ulimit -n 8192

db=$out/mostread.db
rm -f "$db" "$db"-wal "$db"-shm
./khabar demo --db "$db" --articles "$articles" >/dev/null
port=18201
./khabar serve --db "$db" --listen 127.0.0.1:$port --threads 2 --access-log '' >"$out/mostread.log" 2>&1 &
kpid=$!
trap 'kill $kpid 2>/dev/null || true' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 50); do curl -fs -o /dev/null $base/robots.txt && break; sleep 0.1; done
seed=/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar
curl -fs -o /dev/null $base$seed

max=$(sqlite3 "$db" "SELECT max(id) FROM articles")
cat >"$out/beacon.lua" <<LUA
local n = 0
request = function()
	n = n + 1
	return wrk.format("GET", "/r/" .. math.random(1, $max) .. ".gif",
		{["User-Agent"] = "Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile bench/" .. n})
end
LUA

rps() { awk '/^Requests\/sec/ {printf "%d", $2}' "$1"; }
errs() { awk '/Socket errors/ {gsub(",", ""); e += $4 + $6 + $8 + $10} /Non-2xx/ {e += $5} END {print e + 0}' "$1"; }
page() { wrk -t1 -c16 -d"${secs}s" "$base$seed" >"$out/$1.txt"; }

page alone
page with-beacon &
p=$!
wrk -t1 -c16 -d"${secs}s" -s "$out/beacon.lua" "$base" >"$out/beacon.txt"
wait $p
page with-control &
p=$!
wrk -t1 -c16 -d"${secs}s" "$base/robots.txt" >"$out/control.txt"
wait $p
sent=$(awk '/requests in/ {print $1}' "$out/beacon.txt")

kill $kpid
wait $kpid 2>/dev/null || true
written=$(sqlite3 "$db" "SELECT coalesce(sum(reads), 0) FROM article_reads")

printf '%-44s %10s %8s\n' "wrk -t1 -c16, ${secs}s each" "req/s" "errors"
printf '%-44s %10s %8s\n' "story page alone" "$(rps "$out/alone.txt")" "$(errs "$out/alone.txt")"
printf '%-44s %10s %8s\n' "story page, with the beacon load" "$(rps "$out/with-beacon.txt")" "$(errs "$out/with-beacon.txt")"
printf '%-44s %10s %8s\n' "  the beacon (a new reader each request)" "$(rps "$out/beacon.txt")" "$(errs "$out/beacon.txt")"
printf '%-44s %10s %8s\n' "story page, with a /robots.txt load" "$(rps "$out/with-control.txt")" "$(errs "$out/with-control.txt")"
printf '%-44s %10s %8s\n' "  /robots.txt from the page cache" "$(rps "$out/control.txt")" "$(errs "$out/control.txt")"
echo "beacon requests answered: $sent; reads written after the stop: $written"
grep -i "lost" "$out/mostread.log" || true
