#!/bin/sh
# bench/import.sh: "khabar import wordpress" on generated exports of
# 10,000 and 100,000 Hindi posts (bench/wxr_gen.py), each into a new site.
# Prints posts/s and the peak resident size (GNU time's "Maximum resident
# set size"): memory should not grow with the file. Target: >= 2,000
# posts/s. Usage: bench/import.sh [POSTS...]   (default: 10000 100000)
set -eu
cd "$(dirname "$0")/.."
scripts/deps bench
make --no-print-directory khabar >/dev/null
work=build/bench-import
mkdir -p "$work"
[ $# -gt 0 ] || set -- 10000 100000
for n in "$@"; do
	xml="$work/wxr-$n.xml"
	[ -f "$xml" ] || python3 bench/wxr_gen.py "$n" "$xml"
	db="$work/site-$n.db"
	rm -f "$db" "$db-wal" "$db-shm"
	./khabar init --name "बेंचमार्क" --url http://127.0.0.1:8080 --db "$db" >/dev/null
	/usr/bin/time -v ./khabar import wordpress "$xml" --db "$db" --quiet >"$work/report-$n.txt" 2>"$work/time-$n.txt"
	size=$(du -m "$xml" | cut -f1)
	secs=$(sed -n 's/^time: \([0-9.]*\) s.*/\1/p' "$work/report-$n.txt")
	index=$(sed -n 's/^time: .*end: \([0-9.]*\) s.*/\1/p' "$work/report-$n.txt")
	rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
	load=$(awk -v n="$n" -v s="$secs" -v i="$index" 'BEGIN { printf "%.0f", n / (s - i) }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time-$n.txt")
	printf '%7d posts (%4d MB export): %6.1f s, %5d posts/s (%5d posts/s before the search index, built in %.1f s), peak RSS %d MB\n' \
		"$n" "$size" "$secs" "$rate" "$load" "$index" $((rss / 1024))
done
