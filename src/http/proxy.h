/*
 * proxy.h: whom to believe about a reader's address (proxy.c). A request
 * that reaches khabar through Varnish or a CDN comes from the proxy's
 * address; the reader's is in X-Forwarded-For, and the scheme the reader
 * used in X-Forwarded-Proto. Both are headers anyone can send, so khabar
 * reads them only on connections from the networks given with
 * --trust-proxy, and never otherwise.
 */
#ifndef KB_PROXY_H
#define KB_PROXY_H

#include <stddef.h>

/* A network: an IPv6 prefix; IPv4 is kept as IPv4-mapped IPv6
 * (::ffff:a.b.c.d), so one comparison serves both. */
typedef struct kb_net {
	unsigned char addr[16];
	int bits; /* 0..128 */
} kb_net;

#define PROXY_MAX_NETS 32

/* Parses "ADDRESS" or "ADDRESS/BITS" (IPv4 or IPv6; an address alone is
 * a network of one). Returns 0, or -1 for anything else, including bits
 * set past the prefix ("10.0.0.1/8"), which is usually a typing mistake. */
int net_parse(const char *s, kb_net *out);
/* Parses an address (IPv4, IPv6, or IPv6 in brackets) of n bytes into a.
 * Returns 0 or -1. */
int addr_parse(const char *s, size_t n, unsigned char a[16]);
/* Whether a lies in net. */
int net_contains(const kb_net *net, const unsigned char a[16]);

/* Sets the trusted networks, once, before any request: the --trust-proxy
 * values cidrs[0..n). Returns 0, or -1 with the value that is not a
 * network in *bad. */
int proxy_trust(const char *const *cidrs, size_t n, const char **bad);
/* Whether a is in a trusted network. */
int proxy_trusted(const unsigned char a[16]);
/*
 * The reader's address for a connection from peer whose X-Forwarded-For
 * values, joined with commas, are xff (NULL: none): peer itself unless
 * peer is trusted; otherwise, walking xff from the right (each proxy
 * appends the address it was reached from), the first address that is not
 * a trusted proxy; when every one is trusted, the leftmost. An entry that
 * is not an address ends the walk at the last good one, so a forged or
 * garbled head of the list cannot be chosen.
 */
void proxy_client(const unsigned char peer[16], const char *xff, unsigned char out[16]);

#endif
