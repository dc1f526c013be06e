/*
 * pki.c: keys, self-signed certificates, CSRs and certificate facts (see
 * pki.h). Everything is P-256 and SHA-256: what Let's Encrypt and every
 * browser take, with the smallest handshakes.
 */
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "pki.h"

EVP_PKEY *pki_key_new(void)
{
	return EVP_EC_gen("P-256");
}

/* Appends what a memory BIO holds to out and frees it. Returns rc. */
static int bio_take(BIO *b, kb_buf *out, int rc)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);
	if (!rc && n > 0)
		kb_buf_append(out, p, (size_t)n);
	BIO_free(b);
	return n > 0 ? rc : -1;
}

int pki_key_pem(EVP_PKEY *key, kb_buf *out)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return -1;
	int ok = PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) == 1;
	return bio_take(b, out, ok ? 0 : -1);
}

EVP_PKEY *pki_key_read(const char *pem, size_t n)
{
	BIO *b = BIO_new_mem_buf(pem, (int)n);
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return k;
}

/* "DNS:a,DNS:b" for names[0..n). */
static void san_text(kb_buf *b, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kb_buf_printf(b, "%sDNS:%s", i ? "," : "", names[i]);
}

/* Adds extension nid with value text ("critical,CA:FALSE") to the
 * certificate or, with req set, to the stack for a request. */
static int add_ext(X509 *cert, STACK_OF(X509_EXTENSION) * req, int nid, const char *text)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, text);
	if (!e)
		return -1;
	int ok = req ? sk_X509_EXTENSION_push(req, e) > 0 : X509_add_ext(cert, e, -1) == 1;
	if (!req || !ok)
		X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

/* RFC 8737 §3: id-pe-acmeIdentifier, critical, holding the DER OCTET
 * STRING of the key authorization's SHA-256. */
static int add_acme_id(X509 *cert, const unsigned char id[32])
{
	unsigned char der[34] = {0x04, 0x20};
	memcpy(der + 2, id, 32);
	ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1);
	ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e = NULL;
	int rc = -1;
	if (obj && v && ASN1_OCTET_STRING_set(v, der, sizeof der) &&
	    (e = X509_EXTENSION_create_by_OBJ(NULL, obj, 1, v)) && X509_add_ext(cert, e, -1) == 1)
		rc = 0;
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(v);
	ASN1_OBJECT_free(obj);
	return rc;
}

int pki_self_signed(EVP_PKEY *key, const char *const *names, size_t n, int days, const unsigned char *acme_id,
		    kb_buf *out)
{
	if (!n)
		return -1;
	X509 *c = X509_new();
	X509_NAME *subj = X509_NAME_new();
	BIGNUM *serial = BN_new();
	kb_buf san = {0};
	int rc = -1;
	unsigned char rnd[16];
	kb_random_bytes(rnd, sizeof rnd);
	rnd[0] &= 0x7f; /* a positive serial */
	san_text(&san, names, n);
	if (!c || !subj || !serial || !BN_bin2bn(rnd, sizeof rnd, serial) ||
	    !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(c)) || X509_set_version(c, 2) != 1 ||
	    !X509_gmtime_adj(X509_getm_notBefore(c), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(c), (long)days * 86400) ||
	    X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC, (const unsigned char *)names[0], -1, -1,
				       0) != 1 ||
	    X509_set_subject_name(c, subj) != 1 || X509_set_issuer_name(c, subj) != 1 ||
	    X509_set_pubkey(c, key) != 1 || add_ext(c, NULL, NID_subject_alt_name, kb_buf_str(&san)) ||
	    add_ext(c, NULL, NID_basic_constraints, "critical,CA:FALSE") ||
	    (acme_id && add_acme_id(c, acme_id)) || !X509_sign(c, key, EVP_sha256()))
		goto out;
	BIO *b = BIO_new(BIO_s_mem());
	if (b)
		rc = bio_take(b, out, PEM_write_bio_X509(b, c) == 1 ? 0 : -1);
out:
	kb_buf_free(&san);
	BN_free(serial);
	X509_NAME_free(subj);
	X509_free(c);
	return rc;
}

int pki_csr_der(EVP_PKEY *key, const char *const *names, size_t n, kb_buf *out)
{
	if (!n)
		return -1;
	X509_REQ *req = X509_REQ_new();
	X509_NAME *subj = X509_NAME_new();
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	kb_buf san = {0};
	unsigned char *der = NULL;
	int rc = -1, len;
	san_text(&san, names, n);
	if (req && subj && exts &&
	    X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC, (const unsigned char *)names[0], -1, -1,
				       0) == 1 &&
	    X509_REQ_set_subject_name(req, subj) == 1 && X509_REQ_set_pubkey(req, key) == 1 &&
	    !add_ext(NULL, exts, NID_subject_alt_name, kb_buf_str(&san)) &&
	    X509_REQ_add_extensions(req, exts) == 1 && X509_REQ_sign(req, key, EVP_sha256()) > 0 &&
	    (len = i2d_X509_REQ(req, &der)) > 0) {
		kb_buf_append(out, der, (size_t)len);
		rc = 0;
	}
	OPENSSL_free(der);
	kb_buf_free(&san);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_NAME_free(subj);
	X509_REQ_free(req);
	return rc;
}

static X509 *cert_read(const char *pem, size_t n)
{
	BIO *b = BIO_new_mem_buf(pem, (int)n);
	X509 *c = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return c;
}

int pki_cert_info(const char *pem, size_t n, int64_t *not_after, char *serial)
{
	X509 *c = cert_read(pem, n);
	if (!c)
		return -1;
	struct tm tm;
	int rc = ASN1_TIME_to_tm(X509_get0_notAfter(c), &tm) == 1 ? 0 : -1;
	if (!rc)
		*not_after = (int64_t)timegm(&tm);
	if (!rc && serial) {
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), NULL);
		char *hex = bn ? BN_bn2hex(bn) : NULL;
		if (hex && strlen(hex) < 80) {
			for (size_t i = 0; hex[i]; i++)
				serial[i] =
					(char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] - 'A' + 'a' : hex[i]);
			serial[strlen(hex)] = 0;
		} else {
			rc = -1;
		}
		OPENSSL_free(hex);
		BN_free(bn);
	}
	X509_free(c);
	return rc;
}

int pki_cert_covers(const char *pem, size_t n, const char *const *names, size_t count)
{
	X509 *c = cert_read(pem, n);
	if (!c)
		return 0;
	GENERAL_NAMES *alt = X509_get_ext_d2i(c, NID_subject_alt_name, NULL, NULL);
	int all = alt != NULL;
	for (size_t i = 0; all && i < count; i++) {
		int found = 0;
		for (int j = 0; !found && j < sk_GENERAL_NAME_num(alt); j++) {
			GENERAL_NAME *g = sk_GENERAL_NAME_value(alt, j);
			if (g->type != GEN_DNS)
				continue;
			const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
			int len = ASN1_STRING_length(g->d.dNSName);
			found = (size_t)len == strlen(names[i]) &&
				!strncasecmp((const char *)d, names[i], (size_t)len);
		}
		all = found;
	}
	GENERAL_NAMES_free(alt);
	X509_free(c);
	return all;
}
