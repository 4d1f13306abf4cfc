/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The poller: rx burst -> classify -> parse lines -> hash -> forward in place
 * or copy into per-shard packets -> tx buffer. One per RX/TX queue pair, no
 * locks, no allocation beyond mbufs, counters owned by the poller.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "relay.h"

#define PREFETCH_AHEAD 4
#define TX_RETRIES 64 /* bounded spin when the TX ring is full, then drop */
#define CONTROL_PERIOD_US 1000

/* Lines and shard ride in the mbuf so a failed send can be accounted. */
static inline void tag_mbuf(struct rte_mbuf *m, uint32_t lines, uint32_t shard)
{
	m->hash.fdir.lo = lines;
	m->hash.fdir.hi = shard;
}

/* Packets the PMD would not take even after retries: their lines are lost. */
static void tx_unsent(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	struct sr_poller *p = userdata;
	const struct sr_relay *r = p->relay;
	uint16_t sent = 0, i;
	int tries;

	for (tries = 0; tries < TX_RETRIES && sent < unsent; tries++)
		sent += rte_eth_tx_burst(r->port_id, p->txq, pkts + sent, unsent - sent);
	for (i = sent; i < unsent; i++) {
		struct rte_mbuf *m = pkts[i];
		struct sr_shard_counters *sc = &p->shard_ctr[m->hash.fdir.hi];
		uint32_t lines = m->hash.fdir.lo;

		p->ctr.drops[SR_DROP_LINE_TX_DROPPED] += lines;
		p->ctr.lines_out -= lines;
		p->ctr.packets_out--;
		sc->lines -= lines;
		sc->packets--;
		sc->bytes -= m->pkt_len - SR_HDR_V4_LEN;
		rte_pktmbuf_free(m);
	}
}

static inline void send_packet(struct sr_poller *p, struct rte_mbuf *m, uint32_t shard, uint32_t lines,
			uint32_t payload_len)
{
	struct sr_shard_counters *sc = &p->shard_ctr[shard];

	p->ctr.lines_out += lines;
	p->ctr.packets_out++;
	sc->lines += lines;
	sc->packets++;
	sc->bytes += payload_len;
	tag_mbuf(m, lines, shard);
	rte_eth_tx_buffer(p->relay->port_id, p->txq, p->txb, m);
}

static void send_pending(struct sr_poller *p, uint32_t shard)
{
	const struct sr_relay *r = p->relay;
	struct sr_pending *pd = &p->pending[shard];
	struct rte_mbuf *m = pd->m;
	uint8_t *hdr = rte_pktmbuf_mtod(m, uint8_t *);

	m->data_len = (uint16_t)(SR_HDR_V4_LEN + pd->b.len);
	m->pkt_len = m->data_len;
	sr_hdr_write_v4(hdr, &r->tmpl[shard], (uint16_t)pd->b.len, sr_payload_sum(pd->b.buf, pd->b.len));
	send_packet(p, m, shard, pd->b.lines, pd->b.len);
	pd->m = NULL;
	p->n_pending--;
}

static void flush_pending(struct sr_poller *p, uint64_t now, bool all)
{
	uint32_t s;

	for (s = 0; s < p->relay->cfg.n_shards && p->n_pending; s++)
		if (p->pending[s].m && (all || p->pending[s].deadline <= now))
			send_pending(p, s);
}

/* Copy one valid line, ended by '\n', into its shard's open packet. */
static void append_line(struct sr_poller *p, const uint8_t *payload, const struct sr_line_ref *ref,
			uint64_t now)
{
	const struct sr_relay *r = p->relay;
	struct sr_pending *pd = &p->pending[ref->shard];

	if (pd->m && !sr_batch_fits(&pd->b, ref->len, r->cfg.max_payload))
		send_pending(p, ref->shard);
	if (!pd->m) {
		pd->m = rte_pktmbuf_alloc(r->pool);
		if (unlikely(pd->m == NULL)) {
			p->ctr.drops[SR_DROP_LINE_NO_MBUF]++;
			return;
		}
		pd->b = (struct sr_batch){
			.buf = rte_pktmbuf_mtod_offset(pd->m, uint8_t *, SR_HDR_V4_LEN),
		};
		pd->deadline = now + r->flush_cycles;
		p->n_pending++;
	}
	sr_batch_append(&pd->b, payload + ref->off, ref->len);
}

/* Every line valid, one shard, fits: rewrite the headers, keep the payload. */
static void forward_in_place(struct sr_poller *p, struct rte_mbuf *m, const struct sr_frame_info *fi,
			     uint32_t shard, uint32_t lines)
{
	const struct sr_relay *r = p->relay;
	uint32_t sum;

	/* Lines of this shard waiting to be coalesced go first: order is kept
	 * per shard (gauge deltas depend on it). */
	if (p->pending[shard].m)
		send_pending(p, shard);
	sum = fi->udp_cksum ? sr_payload_sum_from_udp(fi)
				     : sr_payload_sum(rte_pktmbuf_mtod_offset(m, uint8_t *,
									fi->payload_off),
						      fi->payload_len);

	rte_pktmbuf_adj(m, (uint16_t)(fi->payload_off - SR_HDR_V4_LEN));
	rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - SR_HDR_V4_LEN - fi->payload_len));
	m->ol_flags = 0;
	m->vlan_tci = 0;
	sr_hdr_write_v4(rte_pktmbuf_mtod(m, uint8_t *), &r->tmpl[shard], (uint16_t)fi->payload_len,
			sum);
	p->ctr.packets_in_place++;
	send_packet(p, m, shard, lines, fi->payload_len);
}

static inline enum sr_cksum_state cksum_state(uint64_t flags, uint64_t mask, uint64_t good,
					      uint64_t bad)
{
	flags &= mask;
	return flags == good ? SR_CKSUM_GOOD : flags == bad ? SR_CKSUM_BAD : SR_CKSUM_UNKNOWN;
}

static void handle_packet(struct sr_poller *p, struct rte_mbuf *m, uint64_t now)
{
	const struct sr_relay *r = p->relay;
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *payload;
	struct sr_frame_info fi;
	struct sr_scan_result sr;
	uint32_t pos = 0, i;
	bool linear = m->nb_segs == 1;
	int rc;

	p->ctr.frames_in++;
	if (!linear) {
		uint32_t n = RTE_MIN(m->pkt_len, (uint32_t)SR_SCRATCH_LEN);
		frame = rte_pktmbuf_read(m, 0, n, p->scratch);
	}
	rc = sr_frame_parse(&r->frame, frame, linear ? m->data_len : RTE_MIN(m->pkt_len, (uint32_t)SR_SCRATCH_LEN),
			    cksum_state(m->ol_flags, RTE_MBUF_F_RX_IP_CKSUM_MASK,
					RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_IP_CKSUM_BAD),
			    cksum_state(m->ol_flags, RTE_MBUF_F_RX_L4_CKSUM_MASK,
					RTE_MBUF_F_RX_L4_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_BAD),
			    &fi);
	if (rc != SR_OK) {
		p->ctr.drops[rc]++;
		rte_pktmbuf_free(m);
		return;
	}
	payload = frame + fi.payload_off;
	sr = sr_payload_scan(&r->payload, payload, fi.payload_len, &pos, p->refs, SR_REFS_MAX,
			     &p->ctr);
	if (sr.valid && sr.valid == sr.lines && sr.one_shard && pos == fi.payload_len &&
	    fi.payload_len <= r->cfg.max_payload && linear) {
		forward_in_place(p, m, &fi, p->refs[0].shard, sr.valid);
		return;
	}
	for (;;) {
		for (i = 0; i < sr.valid; i++)
			append_line(p, payload, &p->refs[i], now);
		if (pos >= fi.payload_len)
			break;
		sr = sr_payload_scan(&r->payload, payload, fi.payload_len, &pos, p->refs,
				     SR_REFS_MAX, &p->ctr);
	}
	rte_pktmbuf_free(m);
}

static bool all_pollers_idle(const struct sr_relay *r, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < r->n_pollers; i++) {
		uint64_t last = __atomic_load_n(&r->pollers[i]->last_rx_tsc, __ATOMIC_RELAXED);
		if (now - last < r->idle_cycles)
			return false;
	}
	return true;
}

int sr_poller_init(struct sr_poller *p, const struct sr_relay *r, unsigned int lcore,
		   uint16_t queue, bool is_main)
{
	int socket = (int)rte_lcore_to_socket_id(lcore);
	uint32_t n = r->cfg.n_shards;

	memset(p, 0, sizeof(*p));
	p->lcore = lcore;
	p->rxq = queue;
	p->txq = queue;
	p->is_main = is_main;
	p->relay = r;
	p->shard_ctr = rte_zmalloc_socket("shard_ctr", n * sizeof(*p->shard_ctr),
					  RTE_CACHE_LINE_SIZE, socket);
	p->pending = rte_zmalloc_socket("pending", n * sizeof(*p->pending), RTE_CACHE_LINE_SIZE,
					socket);
	p->scratch = rte_malloc_socket("scratch", SR_SCRATCH_LEN, RTE_CACHE_LINE_SIZE, socket);
	p->txb = rte_zmalloc_socket("txb", RTE_ETH_TX_BUFFER_SIZE(SR_BURST), 0, socket);
	if (!p->shard_ctr || !p->pending || !p->scratch || !p->txb)
		return -1;
	rte_eth_tx_buffer_init(p->txb, SR_BURST);
	rte_eth_tx_buffer_set_err_callback(p->txb, tx_unsent, p);
	p->start_tsc = p->last_rx_tsc = rte_rdtsc();
	return 0;
}

int sr_poller_run(void *arg)
{
	struct sr_poller *p = arg;
	const struct sr_relay *r = p->relay;
	struct rte_mbuf *pkts[SR_BURST];
	uint64_t flush_step = RTE_MAX(r->flush_cycles / 8, rte_get_tsc_hz() / 1000000);
	uint64_t control_step = rte_get_tsc_hz() / 1000000 * CONTROL_PERIOD_US;
	uint64_t next_control = 0;
	uint16_t nb, i;

	p->start_tsc = rte_rdtsc();
	__atomic_store_n(&p->last_rx_tsc, p->start_tsc, __ATOMIC_RELAXED);
	p->next_flush_tsc = p->start_tsc + flush_step;

	while (!__atomic_load_n(&sr_force_quit, __ATOMIC_RELAXED)) {
		uint64_t now = rte_rdtsc();

		nb = rte_eth_rx_burst(r->port_id, p->rxq, pkts, SR_BURST);
		if (nb) {
			__atomic_store_n(&p->last_rx_tsc, now, __ATOMIC_RELAXED);
			for (i = 0; i < nb && i < PREFETCH_AHEAD; i++)
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
			for (i = 0; i < nb; i++) {
				if (i + PREFETCH_AHEAD < nb)
					rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
				handle_packet(p, pkts[i], now);
			}
			if (r->flush_cycles == 0)
				flush_pending(p, now, true);
			rte_eth_tx_buffer_flush(r->port_id, p->txq, p->txb);
		}
		if (p->n_pending && now >= p->next_flush_tsc) {
			flush_pending(p, now, false);
			rte_eth_tx_buffer_flush(r->port_id, p->txq, p->txb);
			p->next_flush_tsc = now + flush_step;
		}
		/* The main lcore, when it polls, also does the control work. */
		if (p->is_main && now >= next_control) {
			next_control = now + control_step;
			if (r->idle_cycles && all_pollers_idle(r, now))
				__atomic_store_n(&sr_force_quit, true, __ATOMIC_RELAXED);
		}
	}
	/* Stop: nothing accepted is left behind. */
	flush_pending(p, 0, true);
	rte_eth_tx_buffer_flush(r->port_id, p->txq, p->txb);
	return 0;
}

/* The main lcore when it does not poll: watch for the end. */
void sr_control_loop(const struct sr_relay *r)
{
	while (!__atomic_load_n(&sr_force_quit, __ATOMIC_RELAXED)) {
		rte_delay_us_sleep(CONTROL_PERIOD_US);
		if (r->idle_cycles && all_pollers_idle(r, rte_rdtsc()))
			__atomic_store_n(&sr_force_quit, true, __ATOMIC_RELAXED);
	}
}
