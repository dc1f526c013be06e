#!/usr/bin/env bash
# bench/pg.sh: PostgreSQL beside SQLite, in one run (issue 15, "Speed").
#
# On N generated articles (N=100000 by default; N=10000 for a quick run):
#  - the site is made once on SQLite (khabar demo, kept in bench/out for
#    the next run) and moved to PostgreSQL with khabar copy, timed;
#  - one uncached article render (bench/render_bench) on each;
#  - search latency p50/p95/p99 over 1,000 queries (bench/search_bench);
#  - publish-to-visible: a running khabar serve shows the home page from
#    its cache; another process (khabar article add) publishes a story;
#    how long until the server's home page shows it (SQLite: the server
#    polls the change log; PostgreSQL: LISTEN/NOTIFY), over TRIALS runs;
#  - khabar import of the POSTS-post WordPress export (bench/wxr_gen.py,
#    the file bench/import.sh uses) into a new site on each.
# Prints a table. Not a test: a slow figure is reported, never a failure.
#
# PostgreSQL is a throwaway cluster (scripts/pg-cluster) in a temporary
# folder, stopped and removed at the end. Unlike the test cluster it
# writes durably, fsync and full-page writes on, with commits not waiting
# for the disk (synchronous_commit=off), which is what SQLite's WAL with
# synchronous=NORMAL promises too; the rest is PostgreSQL 15's defaults
# (shared_buffers 128 MB).
#
# Usage: [N=100000] [POSTS=20000] [TRIALS=10] bench/pg.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-100000}
posts=${POSTS:-20000}
trials=${TRIALS:-10}
out=bench/out
scripts/deps bench
make --no-print-directory khabar build/bench/render_bench build/bench/search_bench >/dev/null
mkdir -p "$out" build/bench-import
seed=bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Everything this script starts, and stops however it ends.
dir=$(mktemp -d /tmp/khabar-pgbench.XXXXXX)
scratch=$out/pg-$n-publish.db
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	scripts/pg-cluster stop "$dir" >/dev/null 2>&1 || true
	rm -rf "$dir" "$scratch" "$scratch-wal" "$scratch-shm" "$out/pg-media" "$out/pg-media-incoming"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the start; $(date -u '+%Y-%m-%d %H:%M UTC')"

# 1. The site on SQLite, made once.
db=$out/pg-$n.db
demo=reused
if [ ! -f "$db" ]; then
	echo "making $db with $n articles..."
	t0=$(now)
	./khabar demo --db "$db" --articles "$n" >/dev/null 2>"$out/pg-demo.log"
	demo="$(since "$t0") s"
fi

# 2. The cluster and the copy.
url=$(KHABAR_PG_OPTS="-c fsync=on -c full_page_writes=on -c synchronous_commit=off" \
	scripts/pg-cluster start "$dir")
pg_db() { # NAME: a new database on the cluster; prints its URL
	psql -q "$url" -c "CREATE DATABASE $1" >/dev/null
	echo "${url/\/postgres\?//$1?}"
}
site=$(pg_db site)
# A site kept from an older khabar is brought up to date first (copy
# refuses an older schema).
./khabar check --db "$db" >/dev/null
echo "copying the site to PostgreSQL..."
t0=$(now)
./khabar copy --from "$db" --to "$site" >"$out/pg-copy.txt"
copy=$(since "$t0")

# 3. Render and search, SQLite then PostgreSQL.
render() { build/bench/render_bench "$1" "$seed" 2000 | sed -n 's/.*mean \([0-9.]*\) ms, best \([0-9.]*\) ms.*/\1 \2/p'; }
search() { NO_REBUILD=1 build/bench/search_bench "$1" bench/search-queries.txt 1000 |
	sed -n 's/.*p50 \([0-9.]*\) ms, p95 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 \2 \3/p'; }
echo "rendering and searching..."
read -r sq_render sq_render_best < <(render "$db")
read -r pg_render pg_render_best < <(render "$site")
read -r sq_p50 sq_p95 sq_p99 < <(search "$db")
read -r pg_p50 pg_p95 pg_p99 < <(search "$site")

# 4. Publish-to-visible: one server at a time, on a scratch copy of the
# SQLite site (the stories added must not stay in the kept one).
visible() { # DB PORT -> bench/visible.py's seven figures (ms)
	./khabar serve --db "$1" --listen "127.0.0.1:$2" --access-log '' --media "$out/pg-media" \
		>"$out/pg-serve-$2.log" 2>&1 &
	server=$!
	for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$2/robots.txt" && break; sleep 0.1; done
	python3 bench/visible.py "$2" "$1" "$trials" "$dir"
	kill "$server"
	wait "$server" 2>/dev/null || true
	server=
}
echo "publishing while a server runs..."
cp "$db" "$scratch"
read -r sq_cli _ sq_seen sq_seen_max _ < <(visible "$scratch" 18191)
read -r pg_cli _ pg_seen pg_seen_max _ < <(visible "$site" 18192)

# 5. Import of the WordPress export into a new site on each.
xml=build/bench-import/wxr-$posts.xml
[ -f "$xml" ] || python3 bench/wxr_gen.py "$posts" "$xml"
do_import() { # DB -> "seconds index_seconds"
	./khabar init --name "बेंचमार्क" --url http://127.0.0.1:8080 --db "$1" >/dev/null
	./khabar import wordpress "$xml" --db "$1" --quiet |
		sed -n 's/^time: \([0-9.]*\) s.*end: \([0-9.]*\) s.*/\1 \2/p'
}
echo "importing $posts posts..."
idb=$dir/import.db
read -r sq_imp sq_imp_index < <(do_import "$idb")
rm -f "$idb" "$idb-wal" "$idb-shm"
read -r pg_imp pg_imp_index < <(do_import "$(pg_db import)")

# The table.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
echo
echo "PostgreSQL beside SQLite, $n articles (load $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
printf '%-44s %16s %16s %8s\n' "" SQLite PostgreSQL "PG/SQL"
printf '%-44s %16s %16s\n' "site: made (demo) / copied to PostgreSQL" "$demo" "$copy s"
printf '%-44s %13s ms %13s ms %8s\n' "uncached article render, mean" "$sq_render" "$pg_render" "$(ratio "$pg_render" "$sq_render")"
printf '%-44s %13s ms %13s ms\n' "  best of 2,000" "$sq_render_best" "$pg_render_best"
printf '%-44s %13s ms %13s ms\n' "search p50 (1,000 queries)" "$sq_p50" "$pg_p50"
printf '%-44s %13s ms %13s ms %8s\n' "search p95" "$sq_p95" "$pg_p95" "$(ratio "$pg_p95" "$sq_p95")"
printf '%-44s %13s ms %13s ms\n' "search p99" "$sq_p99" "$pg_p99"
printf '%-44s %13s ms %13s ms\n' "publish to visible, median of $trials" "$sq_seen" "$pg_seen"
printf '%-44s %13s ms %13s ms\n' "  slowest" "$sq_seen_max" "$pg_seen_max"
printf '%-44s %13s ms %13s ms\n' "  of which the CLI's own run (median)" "$sq_cli" "$pg_cli"
printf '%-44s %14s s %14s s\n' "import of $posts posts" "$sq_imp" "$pg_imp"
printf '%-44s %10s posts/s %5s posts/s\n' "" "$(rate "$posts" "$sq_imp")" "$(rate "$posts" "$pg_imp")"
printf '%-44s %14s s %14s s\n' "  of which the search index, built at the end" "$sq_imp_index" "$pg_imp_index"
echo "copy report: $(grep '^copied' "$out/pg-copy.txt")"
