/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The series key's hash, dialect-free: a name hash combined with the sum of
 * one hash per (tag key, tag value) pair. Addition commutes, so tag order is
 * free. Each dialect (lib/dialect/) decides what its downstream takes for the
 * name and the tags and feeds them here; parsers that hash as they go use
 * the inline pieces directly.
 */
#ifndef SR_KEY_H
#define SR_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shard/sr_hash.h"
#include "text/sr_overread.h"
#include "text/sr_span.h"

enum sr_key_mode {
	SR_KEY_NAME_TAGS, /* default: name + tag set */
	SR_KEY_NAME,	  /* name only: every tag combination of a metric together */
};

#define SR_KEY_SEED_NAME 0x73746174736421ull /* "statsd!" */
#define SR_KEY_SEED_TAGK 0x7461676b6579ull   /* "tagkey" */
#define SR_KEY_SEED_TAGV 0x74616776616cull   /* "tagval" */

/*
 * Tag keys and values are mostly short: up to 16 bytes they are hashed with
 * one multiply, from a whole 16-byte load where it may run past them (else a
 * copy: the same value either way). Longer ones take sr_hash64_part.
 */
extern const uint64_t sr_key_keep[17][2]; /* [len]: masks keeping the first len bytes */
uint64_t sr_key_part_hash_slow(const struct sr_span *s, uint64_t seed);

/* The short hash over a 16-byte window at w, of which the first len bytes count. */
static inline uint64_t sr_key_short_hash(const uint8_t *w, uint32_t len, uint64_t seed)
{
	return sr_mulfold((sr_load64(w) & sr_key_keep[len][0]) ^ seed,
			  (sr_load64(w + 8) & sr_key_keep[len][1]) ^ len ^ SR_HASH_P1);
}

static inline __attribute__((always_inline)) uint64_t sr_key_part_hash(const struct sr_span *s,
								       uint64_t seed)
{
	if (s->len > 16 || !sr_overread_ok(s->p, 16))
		return sr_key_part_hash_slow(s, seed);
	return sr_key_short_hash(s->p, s->len, seed);
}

/* The name as the downstream stores it: each byte `from` read as `to`
 * (Telegraf reads '.' as '_'); from == to: as sent. */
static inline __attribute__((always_inline)) uint64_t sr_key_name_hash(const struct sr_span *name,
								       uint8_t from, uint8_t to)
{
	return sr_hash64_subst(name->p, name->len, SR_KEY_SEED_NAME, from, to);
}

/* A tag's value, hashed under its key's hash: one hash per pair. */
static inline uint64_t sr_key_value_hash(uint64_t key_hash, const struct sr_span *value)
{
	return sr_key_part_hash(value, key_hash ^ SR_KEY_SEED_TAGV);
}

/* The tag set so far: a sum (addition commutes: tag order is free). */
struct sr_key_acc {
	uint64_t sum, live;
	uint64_t seen1, seen2; /* filters over the key hashes */
	bool maybe_repeated;   /* two keys may be equal: the sum needs checking */
};

/* Add one tag; returns its key's hash. */
static inline uint64_t sr_key_acc_tag(struct sr_key_acc *acc, const struct sr_span *key,
				      const struct sr_span *value)
{
	uint64_t kh = sr_key_part_hash(key, SR_KEY_SEED_TAGK);
	uint64_t b1 = 1ull << (kh >> 58), b2 = 1ull << ((kh >> 52) & 63);

	/* a repeated key sets a bit seen before in both filters */
	acc->maybe_repeated |= (acc->seen1 & b1) && (acc->seen2 & b2);
	acc->seen1 |= b1;
	acc->seen2 |= b2;
	acc->sum += sr_key_value_hash(kh, value);
	acc->live++;
	return kh;
}

static inline uint64_t sr_key_combine(uint64_t name_hash, uint64_t tag_sum, uint64_t n_tags)
{
	return sr_fmix64(name_hash ^ sr_mulfold(tag_sum ^ SR_HASH_P2, n_tags ^ SR_HASH_P3));
}

#endif
