#!/usr/bin/env bash
# bench/lighthouse.sh: Lighthouse 12 (mobile settings) in Debian's Chromium on
# the home page and the seed article of a demo site; prints the four
# category scores. Lighthouse is installed under bench/out, not in the repo.
# For comparison, WordPress's default theme scored 99 / 100 / 100 / 92 on
# the same article here (../shared/NOTES.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
scripts/deps test
make --no-print-directory khabar >/dev/null
mkdir -p "$out/lh"
[ -x "$out/lh/node_modules/.bin/lighthouse" ] ||
	npm install --prefix "$out/lh" --no-audit --no-fund --loglevel=error lighthouse@12 >/dev/null

db=$out/lighthouse.db
rm -f "$db" "$db-wal" "$db-shm"
./khabar demo --db "$db" --articles 200 >/dev/null
port=18191
./khabar serve --db "$db" --listen 127.0.0.1:$port --access-log '' >"$out/lh-khabar.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null http://127.0.0.1:$port/robots.txt && break; sleep 0.1; done

printf '%-10s %12s %14s %15s %5s\n' page performance accessibility best-practices seo
for page in home article; do
	path=/
	[ $page = article ] && path=/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar
	CHROME_PATH=/usr/bin/chromium "$out/lh/node_modules/.bin/lighthouse" "http://127.0.0.1:$port$path" \
		--quiet --output=json --output-path="$out/lh-$page.json" \
		--only-categories=performance,accessibility,best-practices,seo \
		--chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
		>/dev/null 2>&1 || true
	node -e '
		const r = require(process.argv[1]);
		const c = r.categories;
		const s = (k) => c[k] ? Math.round(c[k].score * 100) : "-";
		console.log(process.argv[2].padEnd(10), String(s("performance")).padStart(12), String(s("accessibility")).padStart(14),
			String(s("best-practices")).padStart(15), String(s("seo")).padStart(5));
		for (const k of Object.keys(c)) for (const a of c[k].auditRefs) {
			const au = r.audits[a.id];
			if (a.weight > 0 && au.score !== null && au.score < 1) console.log("   ", k, a.id, au.score, au.displayValue || "");
		}' "$PWD/$out/lh-$page.json" $page
done
