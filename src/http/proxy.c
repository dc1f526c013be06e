/*
 * proxy.c: trusted proxies and the reader's address behind them (see
 * proxy.h).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

static kb_net g_nets[PROXY_MAX_NETS];
static size_t g_nnets;

int addr_parse(const char *s, size_t n, unsigned char a[16])
{
	char buf[INET6_ADDRSTRLEN + 2];
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
		s++, n -= 2;
	if (!n || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	struct in_addr v4;
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		memset(a, 0, 10);
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &v4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, buf, a) == 1 ? 0 : -1;
}

int net_contains(const kb_net *net, const unsigned char a[16])
{
	int full = net->bits / 8, rest = net->bits % 8;
	if (memcmp(net->addr, a, (size_t)full))
		return 0;
	if (!rest)
		return 1;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (a[full] & mask);
}

int net_parse(const char *s, kb_net *out)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (addr_parse(s, n, out->addr) || memchr(s, '[', n))
		return -1;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	int v4 = !memcmp(out->addr, mapped, 12) && !memchr(s, ':', n);
	int max = v4 ? 32 : 128;
	long bits = max;
	if (slash) {
		char *end;
		if (!slash[1] || slash[1] == '-' || slash[1] == '+')
			return -1;
		bits = strtol(slash + 1, &end, 10);
		if (*end || bits < 0 || bits > max)
			return -1;
	}
	out->bits = (int)bits + (v4 ? 96 : 0);
	/* No bits past the prefix. */
	for (int i = out->bits; i < 128; i++)
		if (out->addr[i / 8] & (0x80 >> (i % 8)))
			return -1;
	return 0;
}

int proxy_trust(const char *const *cidrs, size_t n, const char **bad)
{
	g_nnets = 0;
	for (size_t i = 0; i < n; i++) {
		if (g_nnets == PROXY_MAX_NETS || net_parse(cidrs[i], &g_nets[g_nnets])) {
			*bad = cidrs[i];
			g_nnets = 0;
			return -1;
		}
		g_nnets++;
	}
	return 0;
}

int proxy_trusted(const unsigned char a[16])
{
	for (size_t i = 0; i < g_nnets; i++)
		if (net_contains(&g_nets[i], a))
			return 1;
	return 0;
}

void proxy_client(const unsigned char peer[16], const char *xff, unsigned char out[16])
{
	memcpy(out, peer, 16);
	if (!xff || !proxy_trusted(peer))
		return;
	size_t end = strlen(xff);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		unsigned char a[16];
		if (addr_parse(xff + start, end - start, a))
			return; /* the last good one (out) stands */
		memcpy(out, a, 16);
		if (!proxy_trusted(a))
			return;
		end = start ? start - 1 : 0;
	}
}
