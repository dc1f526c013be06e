#!/usr/bin/env bash
# bench/https.sh: the cached article over HTTPS and HTTP/2, khabar against
# nginx serving the same bytes with the same certificate, in one run.
#
# Makes a small demo site and a P-256 certificate, serves the site with
# khabar --tls-cert, saves the seed article as khabar renders it, serves
# that file from nginx (ssl, http2, the same certificate and TLS settings),
# and runs h2load (nghttp2-client) against both: HTTP/2 over TLS, C
# connections with M streams each, for S seconds. Prints requests/s and
# the ratio khabar/nginx. Not a test: figures go in the README.
#
# Usage: bench/https.sh [SECONDS] [CONNECTIONS] [STREAMS]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/nginx.sh
secs=${1:-5}
conns=${2:-32}
streams=${3:-10}
out=bench/out/https
scripts/deps bench
make --no-print-directory khabar >/dev/null
mkdir -p "$out"
ulimit -n 8192

db=$out/site.db
[ -f "$db" ] || ./khabar demo --db "$db" --articles 200 >/dev/null
if [ ! -f "$out/cert.pem" ]; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/key.pem" \
		-out "$out/cert.pem" -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
fi

# Free loopback ports, so the run does not collide with other servers.
read -r kport hport nport < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

./khabar serve --db "$db" --listen 127.0.0.1:$kport --listen-http 127.0.0.1:$hport --threads 2 \
	--tls-cert "$out/cert.pem" --tls-key "$out/key.pem" --access-log '' >"$out/khabar.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -fsk -o /dev/null https://127.0.0.1:$kport/robots.txt && break; sleep 0.1; done

seed=/news/bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar
mkdir -p "$out/www/news"
curl -fsk "https://127.0.0.1:$kport$seed" >"$out/www$seed.html"
{
	nginx_head "$PWD/$out"
	cat <<NGINX
	server {
		listen 127.0.0.1:$nport ssl http2;
		ssl_certificate $PWD/$out/cert.pem;
		ssl_certificate_key $PWD/$out/key.pem;
		ssl_protocols TLSv1.2 TLSv1.3;
		add_header Strict-Transport-Security "max-age=31536000";
		root $PWD/$out/www;
		default_type "text/html; charset=utf-8";
		location / { try_files \$uri.html =404; }
	}
}
NGINX
} >"$out/nginx.conf"
nginx -c "$PWD/$out/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 50); do curl -fsk -o /dev/null https://127.0.0.1:$nport$seed && break; sleep 0.1; done

kbytes=$(curl -sk --http2 https://localhost:$kport$seed | wc -c)
nbytes=$(curl -sk --http2 https://localhost:$nport$seed | wc -c)
echo "article body: khabar $kbytes bytes, nginx $nbytes bytes"

run() { # name port
	h2load -D "$secs" -c "$conns" -m "$streams" -t 1 "https://localhost:$2$seed" >"$out/$1.txt" 2>&1 || true
	sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$out/$1.txt"
}
k=$(run khabar $kport)
n=$(run nginx $nport)
grep -h "^requests:\|^status codes:" "$out/khabar.txt" "$out/nginx.txt" || true
echo "h2load -D $secs -c $conns -m $streams (HTTP/2 over TLS, the cached article)"
echo "khabar: $k req/s"
echo "nginx:  $n req/s"
python3 -c "print('ratio khabar/nginx: %.2f' % ($k / $n))"
