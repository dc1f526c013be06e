# docs/varnish.vcl: Varnish 7.1 (Debian's varnish, with varnish-modules
# for xkey) in front of two khabar nodes.
#
#   varnishd -a :6081 -f docs/varnish.vcl -s malloc,256m
#   khabar settings set edge_purge http://127.0.0.1:6081
#
# The backends are written as 127.0.0.1:8080 and 127.0.0.1:8081: put
# your nodes' addresses there (tests/http/edge.test.mjs substitutes its
# own). What it does:
#  - round-robin over the nodes that answer /healthz (200 when a node can
#    read its database);
#  - caches what khabar marks public for s-maxage, and keeps it a day
#    longer (grace): while a node is healthy a stale copy is served at most
#    60 s while a fresh one is fetched, and while every node is down the
#    stale copy is served for the whole day (stale-if-error);
#  - khabar purges by key (the xkey header of each response: a:ID, c:ID,
#    t:ID, u:ID, list, text, feed, any...) with "PURGE /" and the header
#    "xkey-purge: k1 k2"; only the origins may (acl origins);
#  - cookies are dropped only from readers' GET and HEAD requests for
#    public pages, never for /newsroom, /tips or a POST, which pass to a
#    node untouched (khabar answers them private, no-store in any case).
vcl 4.1;

import directors;
import std;
import xkey;

probe healthz {
	.url = "/healthz";
	.expected_response = 200;
	.interval = 1s;
	.timeout = 1s;
	.window = 3;
	.threshold = 2;
	.initial = 2;
}

backend node1 {
	.host = "127.0.0.1";
	.port = "8080";
	.probe = healthz;
	.connect_timeout = 1s;
	.first_byte_timeout = 10s;
}

backend node2 {
	.host = "127.0.0.1";
	.port = "8081";
	.probe = healthz;
	.connect_timeout = 1s;
	.first_byte_timeout = 10s;
}

# Who may purge: the khabar nodes' own addresses.
acl origins {
	"127.0.0.1";
	"::1";
}

sub vcl_init {
	new nodes = directors.round_robin();
	nodes.add_backend(node1);
	nodes.add_backend(node2);
}

sub vcl_recv {
	set req.backend_hint = nodes.backend();

	if (req.method == "PURGE") {
		if (client.ip !~ origins) {
			return (synth(403, "Forbidden"));
		}
		if (!req.http.xkey-purge) {
			return (synth(400, "PURGE needs an xkey-purge header"));
		}
		set req.http.n-gone = xkey.purge(req.http.xkey-purge);
		return (synth(200, "Purged " + req.http.n-gone));
	}

	# Writes, the newsroom, readers' tips, notification clicks (which
	# count) and the health check: straight to a node, cookies and all.
	if (req.method != "GET" && req.method != "HEAD") {
		return (pass);
	}
	if (req.url ~ "^/newsroom" || req.url ~ "^/tips" || req.url ~ "^/push/click/" ||
	    req.url ~ "^/healthz") {
		return (pass);
	}

	# A public page is the same for everyone: no cookie is read there, so
	# none may split the cache (analytics cookies, a newsroom session sent
	# along because its path is wider than it should be).
	unset req.http.Cookie;

	# While a node is healthy, a stale copy is served for at most 60 s
	# while a fresh one is fetched; with every node down, for all of the
	# grace below.
	if (std.healthy(req.backend_hint)) {
		set req.grace = 60s;
	}
	# Varnish's built-in vcl_recv follows: Authorization still passes.
}

sub vcl_backend_response {
	# Stale copies for a day beyond their TTL (khabar's stale-if-error).
	set beresp.grace = 24h;
	# A background refresh that meets a failing node keeps the stale copy.
	if (beresp.status >= 500 && bereq.is_bgfetch) {
		return (abandon);
	}
}

sub vcl_deliver {
	# Whether Varnish answered from its cache (tests and people read it).
	if (obj.hits > 0) {
		set resp.http.X-Cache = "hit";
	} else {
		set resp.http.X-Cache = "miss";
	}
	# The keys are for caches, not readers.
	unset resp.http.xkey;
}
