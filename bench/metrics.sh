#!/usr/bin/env bash
# bench/metrics.sh: what scraping /metrics costs the site. One khabar
# serves the cached seed article to wrk -t1 -c32, in turns without a
# scraper and with one fetching /metrics every 5 s (Prometheus' usual
# interval is 15-60 s), and once with one every 0.1 s (50 times as
# often) to show what a scrape costs at all; the time of one scrape too.
# Not a test: the figures go in the README.
#
# Usage: bench/metrics.sh [ARTICLES] [SECONDS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-1000}
secs=${2:-10}
rounds=${3:-3}
out=bench/out
make --no-print-directory khabar >/dev/null
mkdir -p "$out"
db=$out/bench-$articles.db
[ -f "$db" ] || ./khabar demo --db "$db" --articles "$articles" >/dev/null

port=18191
./khabar serve --db "$db" --listen 127.0.0.1:$port --access-log '' >"$out/metrics-khabar.log" 2>&1 &
kpid=$!
spid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null || true
	kill "$kpid" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do curl -fs -o /dev/null http://127.0.0.1:$port/robots.txt && break; sleep 0.1; done
url=http://127.0.0.1:$port/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar
curl -fs -o /dev/null "$url"

scraper() { # interval
	while :; do
		curl -fs -o /dev/null http://127.0.0.1:$port/metrics
		sleep "$1"
	done
}
run() { # label interval ('' none)
	if [ -n "$2" ]; then
		scraper "$2" &
		spid=$!
	fi
	local res
	res=$(wrk -t1 -c32 -d"${secs}s" --latency "$url")
	if [ -n "$spid" ]; then
		kill "$spid"
		wait "$spid" 2>/dev/null || true
		spid=
	fi
	printf '%-24s %12s %10s\n' "$1" "$(awk '/^Requests\/sec/ {print $2}' <<<"$res")" "$(awk '$1 == "99%" {print $2}' <<<"$res")"
}

printf '%-24s %12s %10s\n' "cached article, -c32" "req/s" "p99"
for _ in $(seq "$rounds"); do
	run "no scraper" ""
	run "scrape every 5 s" 5
done
run "scrape every 0.1 s" 0.1
t=$(curl -fs -o /dev/null -w '%{time_total}' http://127.0.0.1:$port/metrics)
echo "one scrape (curl time_total): ${t} s, $(curl -fs http://127.0.0.1:$port/metrics | wc -c) bytes"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
