#!/usr/bin/env bash
# bench/search.sh: search on 100,000 generated articles: index build rate
# (a full rebuild), query latency p50/p95 over 1,000 queries in process, and
# search throughput through HTTP with wrk (the search API and the search
# page), beside the cached article page as the same run's reference.
# Usage: bench/search.sh [ARTICLES] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-100000}
secs=${2:-5}
out=bench/out
scripts/deps bench
make --no-print-directory khabar build/libkhabar.a >/dev/null
mkdir -p "$out"
db=$out/search-$articles.db
if [ ! -f "$db" ]; then
	echo "making $db with $articles articles (indexed as they are added)..."
	start=$(date +%s)
	./khabar demo --db "$db" --articles "$articles" >/dev/null
	echo "  took $(( $(date +%s) - start )) s"
fi
make --no-print-directory build/bench/search_bench >/dev/null
build/bench/search_bench "$db" bench/search-queries.txt 1000

port=18183
./khabar serve --db "$db" --listen 127.0.0.1:$port --access-log '' >"$out/search-khabar.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:$port/robots.txt && break; sleep 0.1; done
cat >"$out/search.lua" <<'LUA'
local qs, i = {}, 0
for line in io.lines("bench/search-queries.txt") do
	qs[#qs + 1] = line:gsub("([^%w])", function(c) return string.format("%%%02X", string.byte(c)) end)
end
request = function()
	i = i % #qs + 1
	return wrk.format("GET", wrk.path .. qs[i])
end
LUA
for path in "/api/v1/search?q=" "/search?q="; do
	res=$(wrk -t1 -c16 -d"${secs}s" --latency -s "$out/search.lua" "http://127.0.0.1:$port$path")
	echo "HTTP $path... (wrk -t1 -c16): $(awk '/^Requests\/sec/ {print $2}' <<<"$res") req/s, p99 $(awk '$1 == "99%" {print $2}' <<<"$res")"
done
res=$(wrk -t1 -c16 -d"${secs}s" "http://127.0.0.1:$port/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar")
echo "reference, cached article page in the same run: $(awk '/^Requests\/sec/ {print $2}' <<<"$res") req/s"
