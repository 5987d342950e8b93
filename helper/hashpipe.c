// SPDX-License-Identifier: GPL-2.0
/*
 * hashpipe.c: a SHA-256 computed on a second thread.
 *
 * A layer's uncompressed stream is hashed (its diff_id) while the same
 * bytes go on to the tar reader. Decompressing and hashing on one core
 * makes layermount slower than `zstd -dc | tar -t`, whose two processes
 * use two; so the decompressor writes into a ring of buffers, hands each
 * one to the hash thread, and takes a buffer back only once the thread
 * has hashed it. The bytes hashed are exactly the bytes handed on: the
 * buffer is not written again until its hash is done, and the tar reader
 * is given it read-only.
 *
 * Locking: one mutex guards the two counters (buffers filled, buffers
 * hashed) and the stop flag; one condition variable wakes either side.
 * Buffer i % RING is the producer's between lm_hashpipe_buffer() and
 * lm_hashpipe_submit(), then the hash thread's until it counts it hashed.
 * The tar reader (libarchive) looks at the last buffer submitted only
 * until it asks for the next one, which is when the producer takes a
 * buffer again.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "layermount.h"

#define RING	4

struct lm_hashpipe {
	struct lm_hash *h;
	size_t size;
	unsigned char *buf[RING];
	size_t len[RING];
	unsigned long filled, hashed;	/* buffers submitted, buffers hashed */
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
};

static void *hash_thread(void *arg)
{
	struct lm_hashpipe *p = arg;
	unsigned long i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->hashed == p->filled && !p->stop)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->hashed == p->filled)
			break;		/* stopped, and everything hashed */
		i = p->hashed % RING;
		pthread_mutex_unlock(&p->lock);
		lm_hash_update(p->h, p->buf[i], p->len[i]);
		pthread_mutex_lock(&p->lock);
		p->hashed++;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* A hash thread over a ring of buffers of @size bytes; NULL: no thread. */
struct lm_hashpipe *lm_hashpipe_new(size_t size)
{
	struct lm_hashpipe *p = lm_xmalloc(sizeof(*p));
	int i;

	memset(p, 0, sizeof(*p));
	p->h = lm_hash_new();
	p->size = size;
	for (i = 0; i < RING; i++)
		p->buf[i] = lm_xmalloc(size);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (pthread_create(&p->thread, NULL, hash_thread, p)) {
		p->stop = true;		/* never started: nothing to join */
		lm_hashpipe_free(p);
		return NULL;
	}
	return p;
}

/* The next buffer to fill, once the hash thread is done with it. */
unsigned char *lm_hashpipe_buffer(struct lm_hashpipe *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->filled - p->hashed >= RING)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return p->buf[p->filled % RING];
}

/* The buffer lm_hashpipe_buffer() gave holds @len bytes: hash them. */
void lm_hashpipe_submit(struct lm_hashpipe *p, size_t len)
{
	pthread_mutex_lock(&p->lock);
	p->len[p->filled % RING] = len;
	p->filled++;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* Wait for every buffer submitted to be hashed; end the thread. */
static void hashpipe_stop(struct lm_hashpipe *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->stop) {
		pthread_mutex_unlock(&p->lock);
		return;
	}
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
}

/* The digest of everything submitted. */
void lm_hashpipe_final(struct lm_hashpipe *p, struct lm_digest *d)
{
	hashpipe_stop(p);
	lm_hash_final(p->h, d);
}

void lm_hashpipe_free(struct lm_hashpipe *p)
{
	int i;

	if (!p)
		return;
	hashpipe_stop(p);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	for (i = 0; i < RING; i++)
		free(p->buf[i]);
	lm_hash_free(p->h);
	free(p);
}
