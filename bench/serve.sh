#!/usr/bin/env bash
# bench/serve.sh: khabar against nginx serving the same bytes, in one run.
#
# Builds a site of 10,000 generated articles, starts khabar and nginx (nginx
# serves the khabar-rendered article and home pages as static files), runs
# wrk against both, and prints requests/s, p99 latency and the ratio
# khabar/nginx; then the time of one uncached article render, khabar's
# resident memory after every article was served once, and a run with
# 1,000 connections. Not a test: figures go in the README.
#
# Usage: bench/serve.sh [ARTICLES] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/nginx.sh
articles=${1:-10000}
secs=${2:-5}
out=bench/out
scripts/deps bench
make --no-print-directory khabar build/libkhabar.a >/dev/null
mkdir -p "$out"
ulimit -n 8192

db=$out/bench-$articles.db
if [ ! -f "$db" ]; then
	echo "making $db with $articles articles..."
	./khabar demo --db "$db" --articles "$articles" >/dev/null
fi

kport=18181
nport=18182
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

./khabar serve --db "$db" --listen 127.0.0.1:$kport --access-log '' >"$out/khabar.log" 2>&1 &
kpid=$!
pids+=($kpid)
for _ in $(seq 50); do curl -fs -o /dev/null http://127.0.0.1:$kport/robots.txt && break; sleep 0.1; done

seed=/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar
mkdir -p "$out/www/news"
curl -fs "http://127.0.0.1:$kport$seed" >"$out/www$seed.html"
curl -fs "http://127.0.0.1:$kport/" >"$out/www/index.html"
{
	nginx_head "$PWD/$out"
	cat <<NGINX
	server {
		listen 127.0.0.1:$nport;
		root $PWD/$out/www;
		default_type "text/html; charset=utf-8";
		location = / { try_files /index.html =404; }
		location / { try_files \$uri.html =404; }
	}
}
NGINX
} >"$out/nginx.conf"
nginx -c "$PWD/$out/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 50); do curl -fs -o /dev/null http://127.0.0.1:$nport/ && break; sleep 0.1; done

# wrk prints "Requests/sec: N" and, with --latency, "99% Xms".
run() { # url connections -> "rps p99 errors"
	local res
	res=$(wrk -t1 -c"$2" -d"${secs}s" --latency "$1")
	local rps p99 errs
	rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$res")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$res")
	errs=$(awk '/Socket errors/ {gsub(",", ""); e += $4 + $6 + $8 + $10} /Non-2xx/ {e += $5} END {print e + 0}' <<<"$res")
	echo "$rps $p99 $errs"
}

printf '\n%-22s %12s %10s %12s %10s %8s\n' "page (wrk -t1 -c32)" "khabar req/s" "p99" "nginx req/s" "p99" "ratio"
for page in article home; do
	path=$seed
	[ $page = home ] && path=/
	read -r krps kp99 _ < <(run "http://127.0.0.1:$kport$path" 32)
	read -r nrps np99 _ < <(run "http://127.0.0.1:$nport$path" 32)
	ratio=$(awk -v a="$krps" -v b="$nrps" 'BEGIN { printf "%.2f", a / b }')
	printf '%-22s %12s %10s %12s %10s %8s\n' "$page" "$krps" "$kp99" "$nrps" "$np99" "${ratio}x"
done

echo
make --no-print-directory build/bench/render_bench >/dev/null
build/bench/render_bench "$db" "${seed#/news/}" 2000

# Serve every article once, so the page cache is as full as it gets.
sqlite3_paths() {
	python3 - "$db" <<'PY'
import sqlite3, sys
for (slug,) in sqlite3.connect(sys.argv[1]).execute("select slug from articles"):
    print("/news/" + slug)
PY
}
sqlite3_paths >"$out/paths.txt"
cat >"$out/all.lua" <<'LUA'
-- Requests every path once, then stops.
local paths, i, got = {}, 0, 0
for line in io.lines("bench/out/paths.txt") do paths[#paths + 1] = line end
request = function()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
response = function()
	got = got + 1
	if got >= #paths then wrk.thread:stop() end
end
LUA
wrk -t1 -c16 -d120s -s "$out/all.lua" "http://127.0.0.1:$kport" >"$out/all.txt"
echo "every article served once: $(awk '/requests in/ {print $1}' "$out/all.txt") requests for $(wc -l <"$out/paths.txt") paths"
rss=$(awk '/^VmRSS/ {print $2}' /proc/$kpid/status)
anon=$(awk '/^RssAnon/ {print $2}' /proc/$kpid/status)
file=$(awk '/^RssFile/ {print $2}' /proc/$kpid/status)
echo "khabar resident memory with $articles articles: $((rss / 1024)) MB ($((anon / 1024)) MB its own memory, $((file / 1024)) MB of mapped files: shared libraries, database)"

read -r krps kp99 kerr < <(run "http://127.0.0.1:$kport$seed" 1000)
echo "1,000 connections (wrk -t1 -c1000): $krps req/s, p99 $kp99, errors: $kerr"
