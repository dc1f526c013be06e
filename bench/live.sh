#!/usr/bin/env bash
# bench/live.sh: READERS readers (default 10,000) on loopback following the
# demo's live story through /live/ID/since/SEQ.json every 3 s, as the
# reader's script does; an editor posts POSTS entries (default 3); for
# each, the time until every reader has seen it (p50, p99, max) and
# khabar's CPU and resident memory meanwhile (bench/live.mjs). The
# readers and khabar share this machine's cores. Not a test: figures go
# in the README.
#
# Usage: bench/live.sh [READERS] [POSTS]
set -euo pipefail
cd "$(dirname "$0")/.."
readers=${1:-10000}
posts=${2:-3}
out=bench/out
make --no-print-directory khabar >/dev/null
mkdir -p "$out"
ulimit -n $((readers + 1000))

db=$out/live.db
rm -f "$db" "$db"-wal "$db"-shm
./khabar demo --live --db "$db" --articles 100 >/dev/null
echo "$(printf 'pass-word-123\n')" | ./khabar user add --db "$db" --role editor bench >/dev/null
port=18191
./khabar serve --db "$db" --listen 127.0.0.1:$port --threads 2 --access-log '' >"$out/live.log" 2>&1 &
kpid=$!
trap 'kill $kpid 2>/dev/null || true' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 50); do curl -fs -o /dev/null $base/robots.txt && break; sleep 0.1; done
story=$(sqlite3 "$db" 'SELECT article_id FROM live_coverage')

# Log in as the editor: the login form's token and cookie, then the session.
jar=$out/live.cookies
rm -f "$jar"
token=$(curl -fs -c "$jar" $base/newsroom/login | sed -n 's/.*name="csrf" value="\([0-9a-f.]*\)".*/\1/p' | head -1)
curl -fs -b "$jar" -c "$jar" -o /dev/null -d "csrf=$token&login=bench&password=pass-word-123&next=/newsroom" $base/newsroom/login
csrf=$(curl -fs -b "$jar" $base/newsroom/articles/$story/live | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
cookie=$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep="; " }')
[ -n "$csrf" ] || { echo "cannot log in as the editor" >&2; exit 1; }

node bench/live.mjs $base $kpid "$story" "$readers" "$posts" "$cookie" "$csrf"
