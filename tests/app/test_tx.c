/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/tx.c and app/tx.h: what a poller sends, holds and drops, and how each
 * line is counted (sr_tx_send, sr_tx_release_held, sr_tx_unsent).
 *
 * No EAL; how the DPDK calls are replaced:
 *  - rte_eth_tx_buffer, rte_eth_tx_buffer_flush and rte_eth_tx_burst are
 *    DPDK's own inline code, run as they are: the burst goes through
 *    rte_eth_fp_ops[TX_PORT], where the test installs a fake PMD burst
 *    (.tx_pkt_burst, .txq.data[TXQ]) that takes as many packets per call as
 *    its script says and puts them "on the wire" in order.
 *  - rte_pktmbuf_free is DPDK's inline code too: the mbufs come from a fake
 *    struct rte_mempool whose ops (rte_mempool_register_ops) count each
 *    mbuf given back, so every free is seen and a double free shows.
 *  - rte_eth_tx_buffer_init / _set_err_callback are the real functions (no
 *    EAL needed); the buffer is wired to sr_tx_unsent as sr_poller_init does.
 *  - -Wl,--wrap=rte_get_tsc_hz: a fixed TSC rate for the SR_HOLD_MS limit.
 *  - -Wl,--wrap=rte_mbuf_dynfield_register: it needs EAL's shared memory;
 *    the wrapper gives the app's sr_pkt_meta_register (app/port.c, linked
 *    in) the offset of the mbuf's dynamic field area.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>

#include "relay.h"
#include "tx.h"

#define TSC_HZ 2000000000ull
#define HOLD_CYCLES (TSC_HZ / 1000 * SR_HOLD_MS)
#define TX_RETRIES 64 /* tx.c's bound on the retries of a refused burst */
#define TX_PORT 3
#define TXQ 1
#define N_SHARDS 3
#define N_MBUFS 80
#define ROOM 2560 /* a fragment's frame, or a 2000-byte datagram, in one mbuf */

uint64_t __wrap_rte_get_tsc_hz(void);
int __wrap_rte_mbuf_dynfield_register(const struct rte_mbuf_dynfield *params);

uint64_t __wrap_rte_get_tsc_hz(void)
{
	return TSC_HZ;
}

int __wrap_rte_mbuf_dynfield_register(const struct rte_mbuf_dynfield *params)
{
	assert_true(params->size <= sizeof(((struct rte_mbuf *)0)->dynfield1));
	return (int)offsetof(struct rte_mbuf, dynfield1);
}

/* ---- mbufs from a fake pool that counts what is given back ---- */

struct slot {
	struct rte_mbuf m;
	uint8_t room[ROOM];
};

static struct slot slots[N_MBUFS];
static unsigned int n_slots;	    /* handed out in this test */
static unsigned int freed[N_MBUFS]; /* times each went back to the pool */
static struct rte_mempool pool;
static int pool_ops_index; /* registered once, in main() */

static int slot_of(const void *obj)
{
	for (unsigned int i = 0; i < N_MBUFS; i++)
		if (obj == &slots[i].m)
			return (int)i;
	return -1;
}

static int pool_enqueue(struct rte_mempool *mp, void *const *objs, unsigned int n)
{
	assert_ptr_equal(mp, &pool);
	for (unsigned int i = 0; i < n; i++) {
		int s = slot_of(objs[i]);
		assert_true(s >= 0 && (unsigned int)s < n_slots);
		freed[s]++;
	}
	return 0;
}

static bool pool_gives; /* the fragmenting tests: the pool hands out fresh slots */

static int pool_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	(void)mp;
	if (!pool_gives || n_slots + n > N_MBUFS)
		return -ENOBUFS; /* the other tests: the code under test allocates nothing */
	for (unsigned int i = 0; i < n; i++) {
		struct slot *sl = &slots[n_slots++];
		memset(sl, 0, sizeof(*sl));
		sl->m.buf_addr = sl->room;
		sl->m.buf_len = ROOM;
		sl->m.pool = &pool;
		rte_mbuf_refcnt_set(&sl->m, 1);
		objs[i] = &sl->m;
	}
	return 0;
}

static int pool_alloc(struct rte_mempool *mp)
{
	(void)mp;
	return 0;
}

static unsigned int pool_count(const struct rte_mempool *mp)
{
	(void)mp;
	return 0;
}

static struct rte_mempool_ops pool_ops = {
	.name = "sr_test_count_frees",
	.alloc = pool_alloc,
	.enqueue = pool_enqueue,
	.dequeue = pool_dequeue,
	.get_count = pool_count,
};

/* A frame of len bytes, its Ethernet destination 0xee..., one segment, and
 * stale accounting in its dynamic field. */
static struct rte_mbuf *new_pkt(uint32_t len)
{
	struct slot *s;
	struct rte_mbuf *m;

	assert_true(n_slots < N_MBUFS && len <= ROOM - RTE_PKTMBUF_HEADROOM);
	s = &slots[n_slots++];
	m = &s->m;
	memset(s, 0, sizeof(*s));
	m->buf_addr = s->room;
	m->buf_len = ROOM;
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->pool = &pool;
	m->nb_segs = 1;
	m->pkt_len = len;
	m->data_len = (uint16_t)len;
	rte_mbuf_refcnt_set(m, 1);
	memset(rte_pktmbuf_mtod(m, uint8_t *), 0xee, len);
	/* a pool recycles mbufs: the field holds what the last use left */
	*sr_pkt_meta(m) = (struct sr_pkt_meta){ .lines = 77, .shard = 1 };
	return m;
}

static void assert_freed(const struct rte_mbuf *m, unsigned int times)
{
	int s = slot_of(m);

	assert_true(s >= 0);
	if (freed[s] != times)
		fail_msg("mbuf %d freed %u times, want %u", s, freed[s], times);
}

/* ---- a fake PMD TX queue behind rte_eth_fp_ops[TX_PORT] ---- */

struct fake_txq {
	uint16_t script[2 * TX_RETRIES + 8]; /* packets taken by each call */
	unsigned int n_script;
	uint16_t then; /* taken by each call after the script */
	unsigned int calls;
	struct rte_mbuf *wire[N_MBUFS]; /* taken, in order */
	unsigned int n_wire;
};

static struct fake_txq txq;
static void *txq_data[RTE_MAX_QUEUES_PER_PORT];
static void *txq_clbk[RTE_MAX_QUEUES_PER_PORT]; /* no TX callbacks */
static struct rte_eth_fp_ops saved_fp_ops;

static uint16_t fake_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct fake_txq *t = q;
	uint16_t take;

	assert_ptr_equal(t, &txq); /* our port, our queue */
	assert_true(n > 0);
	take = t->calls < t->n_script ? t->script[t->calls] : t->then;
	t->calls++;
	if (take > n)
		take = n;
	for (uint16_t i = 0; i < take; i++)
		t->wire[t->n_wire++] = pkts[i];
	return take;
}

/* Append n calls that each take `take` packets to the TX queue's script. */
static void script(unsigned int n, uint16_t take)
{
	assert_true(txq.n_script + n <= RTE_DIM(txq.script));
	while (n--)
		txq.script[txq.n_script++] = take;
}

/* What the PMD does with what it took once it is on the wire: free it. Then
 * every mbuf of the test has gone back to the pool exactly once. */
static void assert_all_freed_once(void)
{
	for (unsigned int i = 0; i < txq.n_wire; i++)
		rte_pktmbuf_free(txq.wire[i]);
	txq.n_wire = 0;
	for (unsigned int i = 0; i < n_slots; i++)
		if (freed[i] != 1)
			fail_msg("mbuf %u freed %u times", i, freed[i]);
}

/* ---- a poller with N_SHARDS shards: 0 and 2 IPv4, 1 IPv6 ---- */

static struct sr_relay relay;
static struct sr_poller poller;
static struct sr_plane plane;
static struct sr_hdr_tmpl tmpl[N_SHARDS];
static uint64_t nh_word[N_SHARDS];
static struct sr_shard_counters shard_ctr[N_SHARDS];
static struct sr_held held[N_SHARDS];
/* where each shard is counted: not its index, as after a reload reordered them */
static const uint16_t SLOT[N_SHARDS] = { 2, 0, 1 };
static struct rte_eth_dev_tx_buffer *txb;
static uint8_t scratch[65536];

static const uint8_t MAC[N_SHARDS][6] = {
	{ 0x02, 0x00, 0x00, 0x00, 0x01, 0x01 },
	{ 0x02, 0x00, 0x00, 0x00, 0x01, 0x02 },
	{ 0x0a, 0xbb, 0xcc, 0xdd, 0xee, 0xf3 },
};

static uint64_t mac_word(const uint8_t mac[6])
{
	uint64_t w = 0;

	for (int i = 0; i < 6; i++)
		w |= (uint64_t)mac[i] << (8 * i);
	return w | SR_NEIGH_VALID;
}

static void resolve(uint32_t shard)
{
	__atomic_store_n(&nh_word[shard], mac_word(MAC[shard]), __ATOMIC_RELEASE);
}

/* The counters a test expects, compared field by field against the poller's. */
struct want {
	struct sr_counters ctr;
	struct sr_shard_counters sc[N_SHARDS];
};

static void check_u64(const char *what, uint64_t got, uint64_t want)
{
	if (got != want)
		fail_msg("%s: %llu, want %llu", what, (unsigned long long)got,
			 (unsigned long long)want);
}

static void assert_counters(const struct want *w)
{
	char what[64];

#define CHECK_FIELD(name) check_u64(#name, poller.ctr.name, w->ctr.name);
	SR_COUNTERS(CHECK_FIELD)
#undef CHECK_FIELD
	for (int d = 0; d < SR_DROP__COUNT; d++)
		check_u64(sr_drop_names[d], poller.ctr.drops[d], w->ctr.drops[d]);
	for (int s = 0; s < N_SHARDS; s++) { /* a shard's figures are in its slot */
		snprintf(what, sizeof(what), "shard %d lines", s);
		check_u64(what, shard_ctr[SLOT[s]].lines, w->sc[s].lines);
		snprintf(what, sizeof(what), "shard %d packets", s);
		check_u64(what, shard_ctr[SLOT[s]].packets, w->sc[s].packets);
		snprintf(what, sizeof(what), "shard %d bytes", s);
		check_u64(what, shard_ctr[SLOT[s]].bytes, w->sc[s].bytes);
	}
}

/* A StatsD packet of `lines` lines for `shard`: its headers and 10 bytes a line. */
static struct rte_mbuf *statsd_pkt(uint32_t shard, uint32_t lines)
{
	return new_pkt(tmpl[shard].len + 10 * lines);
}

/* Expected counters of a StatsD packet that was sent. */
static void want_sent(struct want *w, uint32_t shard, uint32_t lines)
{
	w->ctr.lines_out += lines;
	w->ctr.packets_out++;
	w->sc[shard].lines += lines;
	w->sc[shard].packets++;
	w->sc[shard].bytes += 10 * lines;
}

/* An ARP/ND answer or a request of ours, buffered as worker.c's handle_control does. */
static struct rte_mbuf *send_control(void)
{
	struct rte_mbuf *m = new_pkt(60);

	sr_tx_mark_control(m);
	rte_eth_tx_buffer(TX_PORT, TXQ, txb, m);
	return m;
}

static void assert_on_wire(unsigned int i, const struct rte_mbuf *m, uint32_t shard)
{
	assert_true(i < txq.n_wire);
	assert_ptr_equal(txq.wire[i], m);
	assert_memory_equal(rte_pktmbuf_mtod(txq.wire[i], uint8_t *), MAC[shard], 6);
	assert_int_equal(sr_pkt_meta(txq.wire[i])->shard, SLOT[shard]); /* counted in its slot */
}

static int setup(void **state)
{
	(void)state;
	memset(&relay, 0, sizeof(relay));
	memset(&poller, 0, sizeof(poller));
	memset(&txq, 0, sizeof(txq));
	memset(freed, 0, sizeof(freed));
	memset(nh_word, 0, sizeof(nh_word));
	memset(shard_ctr, 0, sizeof(shard_ctr));
	memset(held, 0, sizeof(held));
	memset(tmpl, 0, sizeof(tmpl));
	n_slots = 0;
	pool_gives = false;
	txq.then = 0;

	memset(&pool, 0, sizeof(pool));
	pool.ops_index = pool_ops_index;
	pool.cache_size = 0; /* puts go straight to the ops */

	tmpl[0].len = SR_HDR_V4_LEN;
	tmpl[1].len = SR_HDR_V6_LEN;
	tmpl[1].v6 = 1;
	tmpl[2].len = SR_HDR_V4_LEN;
	plane = (struct sr_plane){
		.tmpl = tmpl, .nh_word = nh_word, .slot = SLOT, .n_shards = N_SHARDS
	};

	saved_fp_ops = rte_eth_fp_ops[TX_PORT];
	memset(txq_data, 0, sizeof(txq_data));
	memset(txq_clbk, 0, sizeof(txq_clbk));
	txq_data[TXQ] = &txq;
	rte_eth_fp_ops[TX_PORT].tx_pkt_burst = fake_tx_burst;
	rte_eth_fp_ops[TX_PORT].txq.data = txq_data;
	rte_eth_fp_ops[TX_PORT].txq.clbk = txq_clbk;

	txb = calloc(1, RTE_ETH_TX_BUFFER_SIZE(SR_BURST));
	assert_non_null(txb);
	assert_int_equal(rte_eth_tx_buffer_init(txb, SR_BURST), 0);
	assert_int_equal(rte_eth_tx_buffer_set_err_callback(txb, sr_tx_unsent, &poller), 0);

	relay.port_id = 0;
	relay.tx_port = TX_PORT;
	relay.mtu = 1500;
	relay.plane = &plane;
	poller.relay = &relay;
	poller.plane = &plane;
	poller.txq = TXQ;
	poller.txb = txb;
	poller.shard_ctr = shard_ctr;
	poller.held = held;
	poller.tx_scratch = scratch;
	relay.pool = &pool;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rte_eth_fp_ops[TX_PORT] = saved_fp_ops;
	free(txb);
	txb = NULL;
	return 0;
}

/* ---- sr_tx_unsent: the TX buffer's error callback ---- */

/* The PMD takes 2, then after retries 1 more, then nothing: the 3 others are
 * taken back from every "sent" counter and counted line_tx_dropped. */
static void test_unsent_partial_retries(void **state)
{
	static const uint32_t shard[6] = { 0, 1, 2, 1, 0, 1 }, lines[6] = { 1, 2, 3, 4, 5, 6 };
	struct rte_mbuf *m[6];
	struct want w = { 0 };

	(void)state;
	resolve(0);
	resolve(1);
	resolve(2);
	script(1, 2);	       /* the flush */
	script(1, 0);	       /* retry 1 */
	script(1, 1);	       /* retry 2 */
	script(TX_RETRIES, 0); /* the rest, and more than tx.c tries */
	for (int i = 0; i < 6; i++) {
		m[i] = statsd_pkt(shard[i], lines[i]);
		sr_tx_send(&poller, m[i], shard[i], lines[i], 1000);
	}
	assert_int_equal(txq.calls, 0); /* buffered */
	assert_int_equal(rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb), 2);

	assert_int_equal(txq.calls, 1 + TX_RETRIES); /* bounded */
	assert_int_equal(txq.n_wire, 3);
	for (int i = 0; i < 3; i++) {
		assert_on_wire((unsigned int)i, m[i], shard[i]);
		assert_freed(m[i], 0); /* the PMD's now */
		want_sent(&w, shard[i], lines[i]);
	}
	for (int i = 3; i < 6; i++) {
		assert_freed(m[i], 1);
		w.ctr.drops[SR_DROP_LINE_TX_DROPPED] += lines[i];
	}
	assert_counters(&w);
	assert_all_freed_once();
}

/* The PMD takes nothing at all: no line, no packet, no byte counted as sent. */
static void test_unsent_none_succeed(void **state)
{
	struct rte_mbuf *m[5];
	struct want w = { 0 };

	(void)state;
	resolve(0);
	resolve(1);
	for (uint32_t i = 0; i < 5; i++) {
		m[i] = statsd_pkt(i % 2, 3 + i);
		sr_tx_send(&poller, m[i], i % 2, 3 + i, 1000);
	}
	assert_int_equal(rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb), 0);
	assert_int_equal(txq.calls, 1 + TX_RETRIES);
	assert_int_equal(txq.n_wire, 0);
	for (int i = 0; i < 5; i++)
		assert_freed(m[i], 1);
	w.ctr.drops[SR_DROP_LINE_TX_DROPPED] = 3 + 4 + 5 + 6 + 7;
	assert_counters(&w);
	assert_all_freed_once();
}

/* A ring that frees up in time: the retries place everything, in order, and
 * stop once all is taken. */
static void test_unsent_retries_take_all(void **state)
{
	struct rte_mbuf *m[6];
	struct want w = { 0 };

	(void)state;
	resolve(2);
	script(1, 1);
	script(1, 0);
	script(1, 2);
	script(1, 3);
	for (uint32_t i = 0; i < 6; i++) {
		m[i] = statsd_pkt(2, i + 1);
		sr_tx_send(&poller, m[i], 2, i + 1, 1000);
		want_sent(&w, 2, i + 1);
	}
	assert_int_equal(rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb), 1);
	assert_int_equal(txq.calls, 4);
	assert_int_equal(txq.n_wire, 6);
	for (unsigned int i = 0; i < 6; i++) {
		assert_on_wire(i, m[i], 2);
		assert_freed(m[i], 0);
	}
	assert_counters(&w);
	assert_all_freed_once();
}

/* Control frames (meta lines 0) among StatsD packets: refused ones are freed
 * and count no line, no packet, no shard. */
static void test_unsent_mixed_control(void **state)
{
	struct rte_mbuf *s1, *c1, *s2, *c2, *s3, *c3;
	struct want w = { 0 };

	(void)state;
	resolve(0);
	resolve(1);
	script(1, 2); /* s1 and c1 */
	script(TX_RETRIES, 0);
	s1 = statsd_pkt(0, 3);
	sr_tx_send(&poller, s1, 0, 3, 1000);
	c1 = send_control();
	s2 = statsd_pkt(1, 2);
	sr_tx_send(&poller, s2, 1, 2, 1000);
	c2 = send_control();
	s3 = statsd_pkt(0, 4);
	sr_tx_send(&poller, s3, 0, 4, 1000);
	c3 = send_control();
	assert_int_equal(rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb), 2);

	assert_int_equal(txq.n_wire, 2);
	assert_ptr_equal(txq.wire[0], s1);
	assert_ptr_equal(txq.wire[1], c1);
	assert_freed(s1, 0);
	assert_freed(c1, 0);
	assert_freed(s2, 1);
	assert_freed(c2, 1);
	assert_freed(s3, 1);
	assert_freed(c3, 1);
	want_sent(&w, 0, 3);
	w.ctr.drops[SR_DROP_LINE_TX_DROPPED] = 2 + 4;
	assert_counters(&w);
	assert_all_freed_once();
}

/* Only control frames, all refused: nothing counted, each freed once. */
static void test_unsent_control_only(void **state)
{
	struct rte_mbuf *c[3];
	struct want w = { 0 };

	(void)state;
	for (int i = 0; i < 3; i++)
		c[i] = send_control();
	assert_int_equal(rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb), 0);
	for (int i = 0; i < 3; i++)
		assert_freed(c[i], 1);
	assert_counters(&w);
	assert_all_freed_once();
}

/* The buffer flushes itself when full (SR_BURST): a refusal there is
 * accounted the same way, and the buffer goes on with the next packet. */
static void test_unsent_full_buffer(void **state)
{
	struct rte_mbuf *m[SR_BURST + 1];
	struct want w = { 0 };

	(void)state;
	resolve(0);
	script(1, SR_BURST - 2);
	script(TX_RETRIES, 0);
	txq.then = UINT16_MAX; /* later calls take all */
	for (uint32_t i = 0; i < SR_BURST + 1; i++) {
		m[i] = statsd_pkt(0, 1);
		sr_tx_send(&poller, m[i], 0, 1, 1000);
		if (i == SR_BURST - 1)
			assert_int_equal(txq.calls, 1 + TX_RETRIES);
	}
	assert_int_equal(rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb), 1);
	assert_int_equal(txq.n_wire, SR_BURST - 1);
	for (unsigned int i = 0; i < SR_BURST - 2; i++)
		assert_on_wire(i, m[i], 0);
	assert_on_wire(SR_BURST - 2, m[SR_BURST], 0);
	assert_freed(m[SR_BURST - 2], 1);
	assert_freed(m[SR_BURST - 1], 1);
	for (uint32_t i = 0; i < SR_BURST - 1; i++)
		want_sent(&w, 0, 1);
	w.ctr.drops[SR_DROP_LINE_TX_DROPPED] = 2;
	assert_counters(&w);
	assert_all_freed_once();
}

/* ---- sr_tx_send / sr_tx_release_held: packets held while a next hop resolves ---- */

/* SR_HOLD packets wait for an unresolved shard, the next one is dropped
 * line_no_neighbour; a resolved shard's packets meanwhile go at once. */
static void test_held_overflow(void **state)
{
	struct rte_mbuf *m[SR_HOLD + 2], *other;
	struct want w = { 0 };

	(void)state;
	txq.then = UINT16_MAX;
	resolve(0);
	for (uint32_t i = 0; i < SR_HOLD + 2; i++) {
		m[i] = statsd_pkt(1, i + 1);
		sr_tx_send(&poller, m[i], 1, i + 1, 1000 + i);
	}
	other = statsd_pkt(0, 7);
	sr_tx_send(&poller, other, 0, 7, 2000);
	rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb);

	assert_int_equal(poller.n_held, 1);
	assert_int_equal(held[1].n, SR_HOLD);
	assert_int_equal(held[1].since, 1000); /* the oldest's time */
	for (uint32_t i = 0; i < SR_HOLD; i++) {
		assert_ptr_equal(held[1].m[i], m[i]);
		assert_freed(m[i], 0);
	}
	assert_freed(m[SR_HOLD], 1);
	assert_freed(m[SR_HOLD + 1], 1);
	assert_int_equal(txq.n_wire, 1);
	assert_on_wire(0, other, 0);
	want_sent(&w, 0, 7);
	w.ctr.drops[SR_DROP_LINE_NO_NEIGHBOUR] = (SR_HOLD + 1) + (SR_HOLD + 2);
	assert_counters(&w);

	/* not yet resolved, not yet too old: a release leaves them held */
	sr_tx_release_held(&poller, 1000 + HOLD_CYCLES, false);
	assert_int_equal(poller.n_held, 1);
	assert_int_equal(held[1].n, SR_HOLD);
	assert_counters(&w);
	sr_tx_release_held(&poller, 0, true); /* the end: dropped */
	for (uint32_t i = 0; i < SR_HOLD; i++)
		w.ctr.drops[SR_DROP_LINE_NO_NEIGHBOUR] += i + 1;
	assert_counters(&w);
	assert_all_freed_once();
}

/* Once resolved, the next packet of the shard finds the held ones and sends
 * them first, in order, each with the next hop's MAC. */
static void test_held_leave_before_newer(void **state)
{
	struct rte_mbuf *m[SR_HOLD + 1], *newer;
	struct want w = { 0 };

	(void)state;
	txq.then = UINT16_MAX;
	for (uint32_t i = 0; i < SR_HOLD + 1; i++) {
		m[i] = statsd_pkt(1, i + 2);
		sr_tx_send(&poller, m[i], 1, i + 2, 1000);
	}
	w.ctr.drops[SR_DROP_LINE_NO_NEIGHBOUR] = SR_HOLD + 2;
	resolve(1);
	newer = statsd_pkt(1, 1);
	sr_tx_send(&poller, newer, 1, 1, 5000);
	rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb);

	assert_int_equal(poller.n_held, 0);
	assert_int_equal(held[1].n, 0);
	assert_int_equal(txq.n_wire, SR_HOLD + 1);
	for (uint32_t i = 0; i < SR_HOLD; i++) {
		assert_on_wire(i, m[i], 1);
		want_sent(&w, 1, i + 2);
	}
	assert_on_wire(SR_HOLD, newer, 1);
	want_sent(&w, 1, 1);
	assert_freed(m[SR_HOLD], 1);
	assert_counters(&w);
	assert_all_freed_once();
}

/* Resolved with no new packet: the periodic release sends them, in order,
 * each with its own shard's MAC; an unresolved shard stays held. */
static void test_held_released(void **state)
{
	struct rte_mbuf *a[3], *b[2], *c;
	struct want w = { 0 };

	(void)state;
	txq.then = UINT16_MAX;
	for (uint32_t i = 0; i < 3; i++) {
		a[i] = statsd_pkt(1, i + 1);
		sr_tx_send(&poller, a[i], 1, i + 1, 100 + i);
	}
	for (uint32_t i = 0; i < 2; i++) {
		b[i] = statsd_pkt(2, 4 + i);
		sr_tx_send(&poller, b[i], 2, 4 + i, 100 + i);
	}
	c = statsd_pkt(0, 9);
	sr_tx_send(&poller, c, 0, 9, 100);
	assert_int_equal(poller.n_held, 3);

	sr_tx_release_held(&poller, 200, false); /* nothing resolved yet */
	rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb);
	assert_int_equal(txq.n_wire, 0);
	assert_int_equal(poller.n_held, 3);
	assert_counters(&w);

	resolve(2);
	resolve(1);
	sr_tx_release_held(&poller, 300, false);
	rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb);
	assert_int_equal(poller.n_held, 1); /* shard 0 */
	assert_int_equal(held[0].n, 1);
	assert_int_equal(held[1].n, 0);
	assert_int_equal(held[2].n, 0);
	assert_int_equal(txq.n_wire, 5);
	for (uint32_t i = 0; i < 3; i++) { /* by shard, each in order */
		assert_on_wire(i, a[i], 1);
		want_sent(&w, 1, i + 1);
	}
	for (uint32_t i = 0; i < 2; i++) {
		assert_on_wire(3 + i, b[i], 2);
		want_sent(&w, 2, 4 + i);
	}
	assert_freed(c, 0);
	assert_counters(&w);

	/* the end: the unresolved one is dropped */
	sr_tx_release_held(&poller, 400, true);
	assert_int_equal(poller.n_held, 0);
	w.ctr.drops[SR_DROP_LINE_NO_NEIGHBOUR] = 9;
	assert_counters(&w);
	assert_all_freed_once();
}

/* It is the word's SR_NEIGH_VALID bit that says resolved, not a MAC in it. */
static void test_held_needs_valid_bit(void **state)
{
	struct rte_mbuf *m[2];
	struct want w = { 0 };

	(void)state;
	txq.then = UINT16_MAX;
	nh_word[1] = mac_word(MAC[1]) & ~SR_NEIGH_VALID;
	m[0] = statsd_pkt(1, 1);
	sr_tx_send(&poller, m[0], 1, 1, 100);
	sr_tx_release_held(&poller, 200, false);
	m[1] = statsd_pkt(1, 2);
	sr_tx_send(&poller, m[1], 1, 2, 300);
	sr_tx_release_held(&poller, 400, false);
	rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb);
	assert_int_equal(txq.n_wire, 0);
	assert_int_equal(held[1].n, 2);
	assert_counters(&w);

	resolve(1);
	sr_tx_release_held(&poller, 500, false);
	rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb);
	assert_int_equal(txq.n_wire, 2);
	assert_on_wire(0, m[0], 1);
	assert_on_wire(1, m[1], 1);
	want_sent(&w, 1, 1);
	want_sent(&w, 1, 2);
	assert_counters(&w);
	assert_all_freed_once();
}

/* Held longer than SR_HOLD_MS (from the oldest packet of the shard): dropped
 * line_no_neighbour; each shard on its own clock. */
static void test_held_expire(void **state)
{
	struct rte_mbuf *a[2], *b;
	const uint64_t t0 = 5000000, half = HOLD_CYCLES / 2;
	struct want w = { 0 };

	(void)state;
	a[0] = statsd_pkt(0, 2);
	sr_tx_send(&poller, a[0], 0, 2, t0);
	a[1] = statsd_pkt(0, 3);
	sr_tx_send(&poller, a[1], 0, 3, t0 + half); /* does not restart the clock */
	b = statsd_pkt(2, 4);
	sr_tx_send(&poller, b, 2, 4, t0 + half);

	sr_tx_release_held(&poller, t0 + HOLD_CYCLES, false); /* exactly the limit: kept */
	assert_int_equal(poller.n_held, 2);
	assert_counters(&w);

	sr_tx_release_held(&poller, t0 + HOLD_CYCLES + 1, false);
	assert_int_equal(poller.n_held, 1);
	assert_int_equal(held[0].n, 0);
	assert_int_equal(held[2].n, 1);
	assert_freed(a[0], 1);
	assert_freed(a[1], 1);
	assert_freed(b, 0);
	w.ctr.drops[SR_DROP_LINE_NO_NEIGHBOUR] = 2 + 3;
	assert_counters(&w);

	sr_tx_release_held(&poller, t0 + half + HOLD_CYCLES + 1, false);
	assert_int_equal(poller.n_held, 0);
	assert_freed(b, 1);
	w.ctr.drops[SR_DROP_LINE_NO_NEIGHBOUR] += 4;
	assert_counters(&w);

	/* a new packet starts a new hold, with a new clock */
	a[0] = statsd_pkt(0, 1);
	sr_tx_send(&poller, a[0], 0, 1, t0 + 3 * HOLD_CYCLES);
	assert_int_equal(poller.n_held, 1);
	assert_int_equal(held[0].since, t0 + 3 * HOLD_CYCLES);
	sr_tx_release_held(&poller, t0 + 4 * HOLD_CYCLES, false);
	assert_int_equal(poller.n_held, 1);
	sr_tx_release_held(&poller, t0 + 4 * HOLD_CYCLES + 1, false);
	assert_int_equal(poller.n_held, 0);
	w.ctr.drops[SR_DROP_LINE_NO_NEIGHBOUR] += 1;
	assert_counters(&w);
	assert_int_equal(txq.calls, 0);
	assert_all_freed_once();
}

/* At shutdown every packet still unresolved is dropped, however young; a
 * shard resolved since the last release still sends. */
static void test_held_shutdown(void **state)
{
	struct rte_mbuf *late[2];
	struct want w = { 0 };

	(void)state;
	txq.then = UINT16_MAX;
	sr_tx_send(&poller, statsd_pkt(0, 1), 0, 1, 7000);
	for (uint32_t i = 0; i < 2; i++) {
		late[i] = statsd_pkt(1, 11 + i);
		sr_tx_send(&poller, late[i], 1, 11 + i, 7000);
	}
	for (uint32_t i = 0; i < 3; i++)
		sr_tx_send(&poller, statsd_pkt(2, 21 + i), 2, 21 + i, 7000);
	assert_int_equal(poller.n_held, N_SHARDS);
	resolve(1);
	sr_tx_release_held(&poller, 7000, true);
	rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb);
	assert_int_equal(poller.n_held, 0);
	for (uint32_t s = 0; s < N_SHARDS; s++)
		assert_int_equal(held[s].n, 0);
	assert_int_equal(txq.n_wire, 2);
	for (uint32_t i = 0; i < 2; i++) {
		assert_on_wire(i, late[i], 1);
		want_sent(&w, 1, 11 + i);
	}
	w.ctr.drops[SR_DROP_LINE_NO_NEIGHBOUR] = 1 + (21 + 22 + 23);
	assert_counters(&w);
	assert_all_freed_once();
}

/* ---- datagrams larger than the MTU: sent in fragments ---- */

/* An IPv4 StatsD datagram of len bytes for shard 0, its header a real one. */
static struct rte_mbuf *big_pkt(uint32_t len)
{
	struct rte_mbuf *m = new_pkt(len);
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

	f[12] = 0x08, f[13] = 0x00; /* IPv4 */
	f[14] = 0x45;
	f[16] = (uint8_t)((len - 14) >> 8), f[17] = (uint8_t)(len - 14);
	f[23] = 17; /* UDP */
	return m;
}

/* 2000 bytes over a 576-byte MTU: 4 fragments; the PMD takes 2 of them,
 * then nothing: the datagram is taken back once, its line a tx drop. */
static void test_fragmented_unsent(void **state)
{
	struct rte_mbuf *m;
	struct want w = { 0 };

	(void)state;
	relay.mtu = 576;
	pool_gives = true;
	resolve(0);
	m = big_pkt(2000);
	sr_tx_send(&poller, m, 0, 1, 1000);
	assert_freed(m, 1); /* copied into its fragments */
	want_sent(&w, 0, 0);
	w.ctr.lines_out = 1;
	w.sc[0].lines = 1;
	w.sc[0].bytes = 2000 - SR_HDR_V4_LEN;
	w.ctr.packets_fragmented = 1;
	w.ctr.fragments_out = 4; /* (2000 - 34) bytes of IP payload, 552 a fragment */
	assert_counters(&w);
	script(1, 2);
	txq.then = 0;
	assert_int_equal(rte_eth_tx_buffer_flush(TX_PORT, TXQ, txb), 2);
	assert_int_equal(txq.n_wire, 2);
	/* both on the wire are fragments of one datagram: the first and the second */
	assert_int_equal(sr_pkt_meta(txq.wire[0])->piece, SR_PKT_FRAG_FIRST);
	assert_int_equal(sr_pkt_meta(txq.wire[1])->piece, SR_PKT_FRAG_MORE);
	assert_memory_equal(rte_pktmbuf_mtod(txq.wire[1], uint8_t *), MAC[0], 6);
	w = (struct want){ 0 };
	w.ctr.fragments_out = 2;
	w.ctr.drops[SR_DROP_LINE_TX_DROPPED] = 1;
	assert_counters(&w);
	assert_all_freed_once();
}

/* No mbufs for its fragments: the datagram's line is line_no_mbuf. */
static void test_fragmented_no_mbuf(void **state)
{
	struct rte_mbuf *m;
	struct want w = { 0 };

	(void)state;
	relay.mtu = 576;
	resolve(0);
	m = big_pkt(2000);
	sr_tx_send(&poller, m, 0, 3, 1000); /* pool_gives false: none */
	w.ctr.drops[SR_DROP_LINE_NO_MBUF] = 3;
	assert_counters(&w);
	assert_freed(m, 1);
	assert_int_equal(txq.n_wire, 0);
}

int main(void)
{
	const struct CMUnitTest unsent[] = {
		cmocka_unit_test_setup_teardown(test_unsent_partial_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsent_none_succeed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsent_retries_take_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsent_mixed_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsent_control_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsent_full_buffer, setup, teardown),
	};
	const struct CMUnitTest hold[] = {
		cmocka_unit_test_setup_teardown(test_held_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_leave_before_newer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_released, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_needs_valid_bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_shutdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragmented_unsent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragmented_no_mbuf, setup, teardown),
	};
	int failed;

	pool_ops_index = rte_mempool_register_ops(&pool_ops);
	/* the field the poller keeps its accounting in, as main() registers it */
	if (pool_ops_index < 0 || sr_pkt_meta_register() != 0)
		return 1;
	failed = cmocka_run_group_tests_name("sr_tx_unsent", unsent, NULL, NULL);
	failed += cmocka_run_group_tests_name("sr_tx_held", hold, NULL, NULL);
	return failed;
}
