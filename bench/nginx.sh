# bench/nginx.sh: sourced by the benchmarks that run nginx beside khabar.
# nginx_head DIR prints the start of an nginx.conf whose pid and error log
# are in DIR: 2 workers, no access log, sendfile and long keep-alive; the
# caller adds its server block and the closing brace of http.
nginx_head() {
	cat <<NGINX
worker_processes 2;
pid $1/nginx.pid;
error_log $1/nginx-error.log;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
NGINX
}
