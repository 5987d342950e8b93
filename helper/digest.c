// SPDX-License-Identifier: GPL-2.0
/*
 * digest.c: "sha256:<hex>" digests and SHA-256 through OpenSSL's EVP.
 *
 * Only sha256 is accepted, with exactly 64 lowercase hex digits: a digest
 * names a file under blobs/sha256/ and a store directory, so anything else
 * could leave the image or the store.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "layermount.h"

int lm_digest_parse(const char *s, struct lm_digest *d)
{
	size_t i;

	if (strncmp(s, "sha256:", 7) || strlen(s + 7) != LM_HEX)
		return -EINVAL;
	for (i = 0; i < LM_HEX; i++) {
		char c = s[7 + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -EINVAL;
		d->hex[i] = c;
	}
	d->hex[LM_HEX] = '\0';
	return 0;
}

struct lm_hash {
	EVP_MD_CTX *ctx;
};

struct lm_hash *lm_hash_new(void)
{
	struct lm_hash *h = lm_xmalloc(sizeof(*h));

	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || !EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL)) {
		lm_err("sha256", "cannot initialise OpenSSL digest");
		exit(LM_EXIT_SYSTEM);
	}
	return h;
}

void lm_hash_update(struct lm_hash *h, const void *buf, size_t len)
{
	EVP_DigestUpdate(h->ctx, buf, len);
}

void lm_hash_final(struct lm_hash *h, struct lm_digest *d)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	for (i = 0; i < n && i < LM_HEX / 2; i++) {
		d->hex[2 * i] = "0123456789abcdef"[md[i] >> 4];
		d->hex[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	d->hex[LM_HEX] = '\0';
}

void lm_hash_free(struct lm_hash *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

int lm_digest_check(const char *obj, const struct lm_digest *want,
		    const struct lm_digest *got)
{
	if (!strcmp(want->hex, got->hex))
		return 0;
	lm_err(obj, "digest mismatch: expected sha256:%s, got sha256:%s",
	       want->hex, got->hex);
	return LM_EXIT_IMAGE;
}
