#!/usr/bin/env bash
# bench/varnish.sh: the cluster of docs/cluster.md on one machine, in one
# run (issue 16, "Speed"): PostgreSQL (a throwaway cluster), two khabar
# nodes on it, and Varnish from docs/varnish.vcl in front, against nginx
# serving the same bytes.
#
#  - a cached article through Varnish against nginx serving the bytes
#    Varnish serves, as a file (wrk -t1 -c32, and -c256);
#  - publish to visible: TRIALS stories added with "khabar article add"
#    while readers go through Varnish; for each, the time from the end of
#    the command (the story committed) until Varnish's home page shows it,
#    p50 and p99 (and the worst).
# Prints a table. Not a test: a slow figure is reported, never a failure.
#
# Usage: [ARTICLES=1000] [TRIALS=100] [SECONDS=5] bench/varnish.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/nginx.sh
articles=${ARTICLES:-1000}
trials=${TRIALS:-100}
secs=${SECONDS_EACH:-5}
out=bench/out
scripts/deps bench
make --no-print-directory khabar >/dev/null
mkdir -p "$out"
ulimit -n 8192

vport=18200 aport=18201 bport=18202 nport=18203
dir=$(mktemp -d /tmp/khabar-varnishbench.XXXXXX)
pgdir=$(mktemp -d /tmp/khabar-varnishbench-pg.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	scripts/pg-cluster stop "$pgdir" >/dev/null 2>&1 || true
	rm -rf "$dir" "$pgdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
waitfor() { for _ in $(seq 150); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer at $1" >&2; exit 1; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the start; $(date -u '+%Y-%m-%d %H:%M UTC')"

# 1. PostgreSQL and the site.
url=$(KHABAR_PG_OPTS="-c fsync=on -c full_page_writes=on -c synchronous_commit=off" scripts/pg-cluster start "$pgdir")
psql -q "$url" -c "CREATE DATABASE site" >/dev/null
site=${url/\/postgres\?//site?}
echo "making a site of $articles articles on PostgreSQL..."
./khabar demo --db "$site" --articles "$articles" >/dev/null
./khabar settings set edge_purge "http://127.0.0.1:$vport" --db "$site" >/dev/null

# 2. Two nodes, Varnish in front, nginx beside.
for port in $aport $bport; do
	./khabar serve --db "$site" --listen "127.0.0.1:$port" --access-log '' --media "$dir/media-$port" \
		>"$dir/node-$port.log" 2>&1 &
	pids+=($!)
	waitfor "http://127.0.0.1:$port/healthz"
done
sed -e "s/\"8080\"/\"$aport\"/; s/\"8081\"/\"$bport\"/" docs/varnish.vcl >"$dir/site.vcl"
vargs=(-F -a "127.0.0.1:$vport" -f "$dir/site.vcl" -n "$dir/varnish" -s malloc,256m)
[ "$(id -u)" = 0 ] && vargs+=(-j none)
varnishd "${vargs[@]}" >"$dir/varnish.log" 2>&1 &
pids+=($!)
waitfor "http://127.0.0.1:$vport/healthz"

seed=/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar
www=$PWD/$out/varnish-www
mkdir -p "$www/news"
curl -fs "http://127.0.0.1:$vport$seed" >"$www$seed.html"
curl -fs "http://127.0.0.1:$vport$seed" >/dev/null
{
	nginx_head "$dir"
	cat <<NGINX
	server {
		listen 127.0.0.1:$nport;
		root $www;
		default_type "text/html; charset=utf-8";
		location / { try_files \$uri.html =404; }
	}
}
NGINX
} >"$dir/nginx.conf"
nginx -c "$dir/nginx.conf" -g 'daemon off;' &
pids+=($!)
waitfor "http://127.0.0.1:$nport$seed"
vbytes=$(curl -fs "http://127.0.0.1:$vport$seed" | wc -c)
nbytes=$(curl -fs "http://127.0.0.1:$nport$seed" | wc -c)
[ "$vbytes" = "$nbytes" ] || { echo "Varnish serves $vbytes bytes, nginx $nbytes" >&2; exit 1; }

run() { # url connections -> "rps p99 errors"
	local res rps p99 errs
	res=$(wrk -t1 -c"$2" -d"${secs}s" --latency "$1")
	rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$res")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$res")
	errs=$(awk '/Socket errors/ {gsub(",", ""); e += $4 + $6 + $8 + $10} /Non-2xx/ {e += $5} END {print e + 0}' <<<"$res")
	echo "$rps $p99 $errs"
}
echo "serving the cached article ($vbytes bytes)..."
read -r v32 v32p e1 < <(run "http://127.0.0.1:$vport$seed" 32)
read -r n32 n32p e2 < <(run "http://127.0.0.1:$nport$seed" 32)
read -r v256 v256p e3 < <(run "http://127.0.0.1:$vport$seed" 256)
read -r n256 n256p e4 < <(run "http://127.0.0.1:$nport$seed" 256)

# 3. Publish to visible through Varnish, with a reader on the edge.
echo "publishing $trials stories..."
read -r pcli _ _ _ p50 p99 pmax < <(python3 bench/visible.py "$vport" "$site" "$trials" "$dir")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
printf '\nThe cluster on one machine: PostgreSQL, two khabar nodes, Varnish in front (load %s at the end)\n' \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %14s %14s %8s\n' "cached article, wrk -t1" "Varnish" "nginx (file)" "ratio"
printf '%-44s %14s %14s %8s\n' "  32 connections: req/s (p99)" "$v32 ($v32p)" "$n32 ($n32p)" "$(ratio "$v32" "$n32")"
printf '%-44s %14s %14s %8s\n' "  256 connections: req/s (p99)" "$v256 ($v256p)" "$n256 ($n256p)" "$(ratio "$v256" "$n256")"
[ $((e1 + e2 + e3 + e4)) -eq 0 ] || echo "  errors: Varnish $e1/$e3, nginx $e2/$e4"
printf '%-44s %s ms\n' "publish to visible through Varnish, p50" "$p50"
printf '%-44s %s ms (worst %s ms, over %s publishes)\n' "  p99" "$p99" "$pmax" "$trials"
printf '%-44s %s ms\n' "  the command's own run (median)" "$pcli"
