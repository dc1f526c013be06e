#!/usr/bin/env bash
# bench/longtail.sh: the long tail, where nearly every request misses the
# page cache: wrk cycles through every article of a 10,000-article site
# (crawlers, social-preview bots, readers of older stories), against khabar
# and against nginx serving the same 10,000 pages, rendered by khabar, as
# files. Prints requests/s and p99 at 1, 8, 32 and 256 connections, the
# ratio khabar/nginx, khabar's cache hit share, and one in-process render
# for the cost of a miss. With --gzip the clients ask for gzip as browsers
# and crawlers do (nginx then compresses on the fly at gzip_comp_level 1).
# Not a test: figures go in the README.
#
# Usage: bench/longtail.sh [--gzip] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/nginx.sh
gzip=0
if [ "${1:-}" = --gzip ]; then gzip=1; shift; fi
secs=${1:-5}
articles=10000
out=bench/out
scripts/deps bench
make --no-print-directory khabar build/bench/render_bench >/dev/null
mkdir -p "$out"
ulimit -n 8192

db=$out/bench-$articles.db
if [ ! -f "$db" ]; then
	echo "making $db with $articles articles..."
	./khabar demo --db "$db" --articles "$articles" >/dev/null
fi
./khabar check --db "$db" >/dev/null

kport=18183
nport=18184
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

./khabar serve --db "$db" --listen 127.0.0.1:$kport --access-log '' >"$out/longtail-khabar.log" 2>&1 &
kpid=$!
pids+=($kpid)
for _ in $(seq 50); do curl -fs -o /dev/null http://127.0.0.1:$kport/robots.txt && break; sleep 0.1; done

python3 - "$db" >"$out/longtail-paths.txt" <<'PY'
import sqlite3, sys
for (slug,) in sqlite3.connect(sys.argv[1]).execute(
        "select slug from articles where status = 'published' order by id"):
    print("/news/" + slug)
PY
n=$(wc -l <"$out/longtail-paths.txt")

# nginx's copy: every page as khabar renders it, fetched once.
www=$out/longtail-www
if [ ! -f "$www/.complete" ] || [ "$(cat "$www/.complete")" != "$n" ]; then
	rm -rf "$www" && mkdir -p "$www/news"
	(cd "$www" && awk '{print "url = \"http://127.0.0.1:'$kport'" $0 "\"\noutput = \"." $0 ".html\""}' \
		"../longtail-paths.txt" | curl -fsK - --no-progress-meter --parallel --parallel-max 8)
	echo "$n" >"$www/.complete"
fi
{
	nginx_head "$PWD/$out"
	cat <<NGINX
	gzip $([ $gzip = 1 ] && echo on || echo off);
	gzip_comp_level 1;
	server {
		listen 127.0.0.1:$nport;
		root $PWD/$www;
		default_type "text/html; charset=utf-8";
		location / { try_files \$uri.html =404; }
	}
}
NGINX
} >"$out/longtail-nginx.conf"
nginx -c "$PWD/$out/longtail-nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$nport$(head -1 "$out/longtail-paths.txt")" && break; sleep 0.1; done

# Each wrk thread walks the list from its own offset, each request the
# next path, so the cache sees the whole archive in turn.
cat >"$out/longtail.lua" <<LUA
local paths, i = {}, 0
for line in io.lines("$out/longtail-paths.txt") do paths[#paths + 1] = line end
local headers = {}
if $gzip == 1 then headers["Accept-Encoding"] = "gzip" end
init = function() i = math.random(#paths) end
request = function()
	i = i % #paths + 1
	return wrk.format("GET", paths[i], headers)
end
LUA

run() { # base connections -> "rps p99 errors"
	local res rps p99 errs
	res=$(wrk -t1 -c"$2" -d"${secs}s" --latency -s "$out/longtail.lua" "$1")
	rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$res")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$res")
	errs=$(awk '/Socket errors/ {gsub(",", ""); e += $4 + $6 + $8 + $10} /Non-2xx/ {e += $5} END {print e + 0}' <<<"$res")
	echo "$rps $p99 $errs"
}
metric() { curl -fs "http://127.0.0.1:$kport/metrics" | awk -v k="$1" '$1 == k {print $2}'; }

echo
echo "$n articles cycled, gzip asked: $([ $gzip = 1 ] && echo yes || echo no)"
printf '%-12s %12s %10s %12s %10s %8s %8s\n' "connections" "khabar req/s" "p99" "nginx req/s" "p99" "ratio" "hits"
for c in 1 8 32 256; do
	h0=$(metric khabar_cache_hits_total)
	m0=$(metric khabar_cache_misses_total)
	read -r krps kp99 kerr < <(run "http://127.0.0.1:$kport" "$c")
	h1=$(metric khabar_cache_hits_total)
	m1=$(metric khabar_cache_misses_total)
	read -r nrps np99 nerr < <(run "http://127.0.0.1:$nport" "$c")
	ratio=$(awk -v a="$krps" -v b="$nrps" 'BEGIN { printf "%.2f", a / b }')
	hits=$(awk -v h=$((h1 - h0)) -v m=$((m1 - m0)) 'BEGIN { printf "%.0f%%", h + m ? 100 * h / (h + m) : 0 }')
	printf '%-12s %12s %10s %12s %10s %8s %8s\n' "$c" "$krps" "$kp99" "$nrps" "$np99" "${ratio}x" "$hits"
	[ "$kerr$nerr" = 00 ] || echo "  errors: khabar $kerr, nginx $nerr"
done
rss=$(awk '/^VmRSS/ {print $2}' /proc/$kpid/status)
echo "khabar resident memory after the runs: $((rss / 1024)) MB"
seed=$(head -1 "$out/longtail-paths.txt")
build/bench/render_bench "$db" "${seed#/news/}" 2000
