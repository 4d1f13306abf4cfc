/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The poller: rx burst -> classify -> parse lines -> hash -> forward in place
 * or copy into per-shard packets -> tx buffer. One per RX/TX queue pair, no
 * locks, no allocation beyond mbufs, counters owned by the poller. Control
 * frames (ARP, ICMP echo, Neighbor Discovery) are answered here in place;
 * what they teach about neighbours goes to the control side over a ring.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "net/sr_ctl.h"
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

/* Lines of a packet that will not be sent: counted under a line reason. */
static void drop_packet(struct sr_poller *p, struct rte_mbuf *m, enum sr_drop why)
{
	p->ctr.drops[why] += m->hash.fdir.lo;
	rte_pktmbuf_free(m);
}

/* Packets the PMD would not take even after retries: their lines are lost. */
static void tx_unsent(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	struct sr_poller *p = userdata;
	const struct sr_relay *r = p->relay;
	uint16_t sent = 0, i;
	int tries;

	for (tries = 0; tries < TX_RETRIES && sent < unsent; tries++)
		sent += rte_eth_tx_burst(r->tx_port, p->txq, pkts + sent, unsent - sent);
	for (i = sent; i < unsent; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t lines = m->hash.fdir.lo;

		if (m->hash.fdir.hi != UINT32_MAX) { /* a StatsD packet, not a control answer */
			struct sr_shard_counters *sc = &p->shard_ctr[m->hash.fdir.hi];
			p->ctr.lines_out -= lines;
			p->ctr.packets_out--;
			sc->lines -= lines;
			sc->packets--;
			sc->bytes -= m->pkt_len - r->tmpl[m->hash.fdir.hi].len;
		}
		drop_packet(p, m, SR_DROP_LINE_TX_DROPPED);
	}
}

/* Hand a finished packet to TX with its next hop's MAC. */
static inline void transmit(struct sr_poller *p, struct rte_mbuf *m, uint64_t nh)
{
	const struct sr_relay *r = p->relay;
	uint32_t shard = m->hash.fdir.hi;
	struct sr_shard_counters *sc = &p->shard_ctr[shard];
	uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *);
	int i;

	for (i = 0; i < 6; i++)
		eth[i] = (uint8_t)(nh >> (8 * i));
	p->ctr.lines_out += m->hash.fdir.lo;
	p->ctr.packets_out++;
	sc->lines += m->hash.fdir.lo;
	sc->packets++;
	sc->bytes += m->pkt_len - r->tmpl[shard].len;
	rte_eth_tx_buffer(r->tx_port, p->txq, p->txb, m);
}

/* Send, or hold while the shard's next hop is unresolved (line_no_neighbour on overflow). */
static inline void send_packet(struct sr_poller *p, struct rte_mbuf *m, uint32_t shard,
			       uint32_t lines, uint64_t now)
{
	uint64_t nh = __atomic_load_n(&p->relay->nh_word[shard], __ATOMIC_ACQUIRE);
	struct sr_held *h;

	tag_mbuf(m, lines, shard);
	h = &p->held[shard];
	if (likely(nh & SR_NEIGH_VALID)) {
		if (unlikely(h->n)) { /* older packets of this shard go first */
			for (uint8_t i = 0; i < h->n; i++)
				transmit(p, h->m[i], nh);
			h->n = 0;
			p->n_held--;
		}
		transmit(p, m, nh);
		return;
	}
	if (h->n == SR_HOLD) {
		drop_packet(p, m, SR_DROP_LINE_NO_NEIGHBOUR);
		return;
	}
	if (h->n == 0) {
		h->since = now;
		p->n_held++;
	}
	h->m[h->n++] = m;
}

/* Held packets go once their neighbour is known, or are dropped when too old
 * (or at shutdown: all). */
static void release_held(struct sr_poller *p, uint64_t now, bool shutdown)
{
	const struct sr_relay *r = p->relay;
	uint64_t limit = rte_get_tsc_hz() / 1000 * SR_HOLD_MS;
	uint32_t s, i;

	for (s = 0; s < r->cfg.n_shards && p->n_held; s++) {
		struct sr_held *h = &p->held[s];
		uint64_t nh = __atomic_load_n(&r->nh_word[s], __ATOMIC_ACQUIRE);
		if (h->n == 0)
			continue;
		if (nh & SR_NEIGH_VALID) {
			for (i = 0; i < h->n; i++)
				transmit(p, h->m[i], nh);
		} else if (shutdown || now - h->since > limit) {
			for (i = 0; i < h->n; i++)
				drop_packet(p, h->m[i], SR_DROP_LINE_NO_NEIGHBOUR);
		} else {
			continue;
		}
		h->n = 0;
		p->n_held--;
	}
}

static void send_pending(struct sr_poller *p, uint32_t shard, uint64_t now)
{
	const struct sr_relay *r = p->relay;
	struct sr_pending *pd = &p->pending[shard];
	struct rte_mbuf *m = pd->m;
	uint8_t hlen = r->tmpl[shard].len;

	m->data_len = (uint16_t)(hlen + pd->b.len);
	m->pkt_len = m->data_len;
	sr_hdr_write(rte_pktmbuf_mtod(m, uint8_t *), &r->tmpl[shard], (uint16_t)pd->b.len,
		     sr_payload_sum(pd->b.buf, pd->b.len));
	pd->m = NULL;
	p->n_pending--;
	send_packet(p, m, shard, pd->b.lines, now);
}

static void flush_pending(struct sr_poller *p, uint64_t now, bool all)
{
	uint32_t s;

	for (s = 0; s < p->relay->cfg.n_shards && p->n_pending; s++)
		if (p->pending[s].m && (all || p->pending[s].deadline <= now))
			send_pending(p, s, now);
}

/* Copy one valid line, ended by '\n', into its shard's open packet. */
static void append_line(struct sr_poller *p, const uint8_t *payload, const struct sr_line_ref *ref,
			uint64_t now)
{
	const struct sr_relay *r = p->relay;
	struct sr_pending *pd = &p->pending[ref->shard];

	if (pd->m && !sr_batch_fits(&pd->b, ref->len, r->cfg.max_payload))
		send_pending(p, ref->shard, now);
	if (!pd->m) {
		pd->m = rte_pktmbuf_alloc(r->pool);
		if (unlikely(pd->m == NULL)) {
			p->ctr.drops[SR_DROP_LINE_NO_MBUF]++;
			return;
		}
		pd->b = (struct sr_batch){
			.buf = rte_pktmbuf_mtod_offset(pd->m, uint8_t *, r->tmpl[ref->shard].len),
		};
		pd->deadline = now + r->flush_cycles;
		p->n_pending++;
	}
	sr_batch_append(&pd->b, payload + ref->off, ref->len);
}

/* Every line valid, one shard, fits: rewrite the headers, keep the payload. */
static void forward_in_place(struct sr_poller *p, struct rte_mbuf *m, const struct sr_frame_info *fi,
			     uint32_t shard, uint32_t lines, uint64_t now)
{
	const struct sr_relay *r = p->relay;
	const struct sr_hdr_tmpl *t = &r->tmpl[shard];
	uint32_t sum;

	/* Lines of this shard waiting to be coalesced go first: order is kept
	 * per shard (gauge deltas depend on it). */
	if (p->pending[shard].m)
		send_pending(p, shard, now);
	sum = fi->udp_cksum ? sr_payload_sum_from_udp(fi)
			    : sr_payload_sum(rte_pktmbuf_mtod_offset(m, uint8_t *, fi->payload_off),
					     fi->payload_len);
	/* drop the received headers and padding, put ours (IPv6's may be longer) */
	rte_pktmbuf_adj(m, (uint16_t)fi->payload_off);
	rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - fi->payload_len));
	rte_pktmbuf_prepend(m, t->len);
	m->ol_flags = 0;
	m->vlan_tci = 0;
	sr_hdr_write(rte_pktmbuf_mtod(m, uint8_t *), t, (uint16_t)fi->payload_len, sum);
	p->ctr.packets_in_place++;
	send_packet(p, m, shard, lines, now);
}

static inline enum sr_cksum_state cksum_state(uint64_t flags, uint64_t mask, uint64_t good,
					      uint64_t bad)
{
	flags &= mask;
	return flags == good ? SR_CKSUM_GOOD : flags == bad ? SR_CKSUM_BAD : SR_CKSUM_UNKNOWN;
}

/* Offer a neighbour seen in a frame to the control side. */
static void learn(struct sr_poller *p, const struct sr_frame_info *fi)
{
	struct sr_neigh_msg msg = { .ip = fi->peer_ip };

	memcpy(msg.mac, fi->peer_mac, 6);
	rte_ring_mp_enqueue_elem(p->relay->learn, &msg, sizeof(msg)); /* full: learnt later */
}

/*
 * ARP, ICMP echo, ND: learn the sender, answer on our TX queue of the port it
 * came in on (side: the ingress or, two-armed, the egress one).
 */
static void handle_control(struct sr_poller *p, struct rte_mbuf *m, uint8_t *frame,
			   const struct sr_frame_info *fi, const struct sr_frame_ctx *side)
{
	struct sr_relay *r = p->relay;
	uint32_t out;

	p->ctr.frames_control++;
	if (fi->has_peer_mac)
		learn(p, fi);
	/* answered in place, in the buffer's room (an NA may outgrow its NS) */
	out = m->nb_segs == 1 ? sr_ctl_answer(frame, (uint32_t)(m->buf_len - m->data_off), fi,
					      side->port_mac, &side->listen[fi->v6])
			      : 0;
	if (out == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	m->data_len = (uint16_t)out;
	m->pkt_len = out;
	m->ol_flags = 0;
	tag_mbuf(m, 0, UINT32_MAX);
	if (side == &r->egress || r->tx_port == r->port_id) {
		rte_eth_tx_buffer(r->tx_port, p->txq, p->txb, m);
	} else if (rte_eth_tx_burst(r->port_id, p->txq, &m, 1) == 0) {
		rte_pktmbuf_free(m); /* an answer lost: the asker asks again */
	}
}

/* A frame not relayed: counted under its reason; other ARP still tells who is
 * where (gratuitous ARP), so its sender is offered for learning. */
static void drop_frame(struct sr_poller *p, struct rte_mbuf *m, enum sr_drop why,
		       const struct sr_frame_info *fi)
{
	if (why == SR_DROP_FRAME_ARP_OTHER && fi->has_peer_mac)
		learn(p, fi);
	p->ctr.drops[why]++;
	rte_pktmbuf_free(m);
}

/* Two-armed: the egress port carries only what resolves the shards (and pings). */
static void handle_egress(struct sr_poller *p, struct rte_mbuf *m)
{
	struct sr_relay *r = p->relay;
	struct sr_frame_info fi;
	int rc;

	p->ctr.frames_in++;
	rc = m->nb_segs != 1 ? SR_DROP_FRAME_OTHER_PROTOCOL
			     : sr_frame_parse(&r->egress, rte_pktmbuf_mtod(m, uint8_t *), m->data_len,
					      SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi);
	if (rc == SR_FRAME_CONTROL) {
		handle_control(p, m, rte_pktmbuf_mtod(m, uint8_t *), &fi, &r->egress);
		return;
	}
	drop_frame(p, m, rc < SR_DROP__COUNT ? (enum sr_drop)rc : SR_DROP_FRAME_OTHER_PORT, &fi);
}

static void handle_statsd(struct sr_poller *p, struct rte_mbuf *m, const uint8_t *frame,
			  const struct sr_frame_info *fi, uint64_t now)
{
	const struct sr_relay *r = p->relay;
	const uint8_t *payload = frame + fi->payload_off;
	struct sr_scan_result sr;
	uint32_t pos = 0, i;

	sr = sr_payload_scan(&r->payload, payload, fi->payload_len, &pos, p->refs, SR_REFS_MAX,
			     &p->ctr);
	if (sr.valid && sr.valid == sr.lines && sr.one_shard && pos == fi->payload_len &&
	    fi->payload_len <= r->cfg.max_payload && m->nb_segs == 1) {
		forward_in_place(p, m, fi, p->refs[0].shard, sr.valid, now);
		return;
	}
	for (;;) {
		for (i = 0; i < sr.valid; i++)
			append_line(p, payload, &p->refs[i], now);
		if (pos >= fi->payload_len)
			break;
		sr = sr_payload_scan(&r->payload, payload, fi->payload_len, &pos, p->refs,
				     SR_REFS_MAX, &p->ctr);
	}
	rte_pktmbuf_free(m);
}

static void handle_packet(struct sr_poller *p, struct rte_mbuf *m, uint64_t now, bool reassembled);

/* A fragment for us: into this queue's reassembly table (RFC 791, RFC 8200 4.5). */
static void handle_fragment(struct sr_poller *p, struct rte_mbuf *m, uint8_t *frame,
			    const struct sr_frame_info *fi, uint64_t now)
{
	struct rte_mbuf *whole;

	p->ctr.fragments_in++;
	if (m->nb_segs != 1) {
		p->ctr.drops[SR_DROP_FRAME_IP_FRAGMENT]++;
		rte_pktmbuf_free(m);
		return;
	}
	m->l2_len = fi->l2_len;
	m->l3_len = fi->l3_len;
	if (fi->v6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(frame + fi->l2_len);
		whole = rte_ipv6_frag_reassemble_packet(p->frags, &p->death_row, m, now, ip,
							rte_ipv6_frag_get_ipv6_fragment_header(ip));
	} else {
		whole = rte_ipv4_frag_reassemble_packet(p->frags, &p->death_row, m, now,
							(struct rte_ipv4_hdr *)(frame + fi->l2_len));
	}
	if (whole) {
		p->ctr.datagrams_reassembled++;
		handle_packet(p, whole, now, true);
	}
}

static void handle_packet(struct sr_poller *p, struct rte_mbuf *m, uint64_t now, bool reassembled)
{
	const struct sr_relay *r = p->relay;
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = m->data_len;
	struct sr_frame_info fi;
	int rc;

	if (!reassembled)
		p->ctr.frames_in++;
	if (m->nb_segs != 1) { /* a chain (reassembled, jumbo): read it linearly */
		len = RTE_MIN(m->pkt_len, (uint32_t)SR_SCRATCH_LEN);
		frame = (uint8_t *)(uintptr_t)rte_pktmbuf_read(m, 0, len, p->scratch);
	}
	/* reassembly zeroes the IPv4 header checksum; each fragment's was checked */
	rc = sr_frame_parse(&r->frame, frame, len,
			    reassembled ? SR_CKSUM_GOOD
					: cksum_state(m->ol_flags, RTE_MBUF_F_RX_IP_CKSUM_MASK,
						      RTE_MBUF_F_RX_IP_CKSUM_GOOD,
						      RTE_MBUF_F_RX_IP_CKSUM_BAD),
			    cksum_state(m->ol_flags, RTE_MBUF_F_RX_L4_CKSUM_MASK,
					RTE_MBUF_F_RX_L4_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_BAD),
			    &fi);
	if (likely(rc == SR_OK)) {
		if (unlikely(fi.atomic_fragment)) { /* a fragment that is a whole datagram */
			p->ctr.fragments_in++;
			p->ctr.datagrams_reassembled++;
		}
		handle_statsd(p, m, frame, &fi, now);
	} else if (rc == SR_FRAME_CONTROL) {
		handle_control(p, m, frame, &fi, &r->frame);
	} else if (rc == SR_FRAME_FRAGMENT && !reassembled) {
		handle_fragment(p, m, frame, &fi, now);
	} else { /* a drop, or a fragment inside a reassembled datagram */
		drop_frame(p, m, rc < SR_DROP__COUNT ? (enum sr_drop)rc : SR_DROP_FRAME_IP_FRAGMENT,
			   &fi);
	}
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

int sr_poller_init(struct sr_poller *p, struct sr_relay *r, unsigned int lcore, uint16_t queue,
		   bool is_main)
{
	int socket = (int)rte_lcore_to_socket_id(lcore);
	uint32_t n = r->cfg.n_shards;
	uint64_t frag_cycles = (rte_get_tsc_hz() + 999) / 1000 * SR_FRAG_MS;

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
	p->held = rte_zmalloc_socket("held", n * sizeof(*p->held), RTE_CACHE_LINE_SIZE, socket);
	p->scratch = rte_malloc_socket("scratch", SR_SCRATCH_LEN, RTE_CACHE_LINE_SIZE, socket);
	p->txb = rte_zmalloc_socket("txb", RTE_ETH_TX_BUFFER_SIZE(SR_BURST), 0, socket);
	p->frags = rte_ip_frag_table_create(SR_FRAG_ENTRIES / 4, 4, SR_FRAG_ENTRIES, frag_cycles,
					    socket);
	if (!p->shard_ctr || !p->pending || !p->held || !p->scratch || !p->txb || !p->frags)
		return -1;
	rte_eth_tx_buffer_init(p->txb, SR_BURST);
	rte_eth_tx_buffer_set_err_callback(p->txb, tx_unsent, p);
	p->start_tsc = p->last_rx_tsc = rte_rdtsc();
	return 0;
}

/* Fragments the reassembly gave up on (timeout, overlap, no room) are drops. */
static void free_death_row(struct sr_poller *p)
{
	p->ctr.drops[SR_DROP_FRAME_IP_FRAGMENT] += p->death_row.cnt;
	rte_ip_frag_free_death_row(&p->death_row, 0);
}

/* --mode io: frames leave as they came, the I/O path's own limit. */
static void io_forward(struct sr_poller *p, struct rte_mbuf **pkts, uint16_t nb)
{
	uint16_t sent = rte_eth_tx_burst(p->relay->tx_port, p->txq, pkts, nb);

	p->ctr.frames_in += nb;
	p->ctr.packets_out += sent;
	if (sent < nb)
		rte_pktmbuf_free_bulk(pkts + sent, nb - sent);
}

int sr_poller_run(void *arg)
{
	struct sr_poller *p = arg;
	struct sr_relay *r = p->relay;
	struct rte_mbuf *pkts[SR_BURST];
	uint64_t flush_step = RTE_MAX(r->flush_cycles / 8, rte_get_tsc_hz() / 1000000);
	uint64_t control_step = rte_get_tsc_hz() / 1000000 * CONTROL_PERIOD_US;
	uint64_t next_control = 0;
	bool controls = p == r->pollers[0]; /* neighbour upkeep runs on the first poller */
	uint32_t i;
	uint16_t nb;

	p->start_tsc = rte_rdtsc();
	__atomic_store_n(&p->last_rx_tsc, p->start_tsc, __ATOMIC_RELAXED);
	p->next_flush_tsc = p->start_tsc + flush_step;

	while (!__atomic_load_n(&sr_force_quit, __ATOMIC_RELAXED)) {
		uint64_t now = rte_rdtsc();

		nb = rte_eth_rx_burst(r->port_id, p->rxq, pkts, SR_BURST);
		if (nb && r->cfg.io_mode) {
			__atomic_store_n(&p->last_rx_tsc, now, __ATOMIC_RELAXED);
			io_forward(p, pkts, nb);
			if (r->cfg.record_cycles)
				p->busy_cycles += rte_rdtsc() - now;
		} else if (nb) {
			__atomic_store_n(&p->last_rx_tsc, now, __ATOMIC_RELAXED);
			for (i = 0; i < nb && i < PREFETCH_AHEAD; i++)
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
			for (i = 0; i < nb; i++) {
				if (i + PREFETCH_AHEAD < nb)
					rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
				handle_packet(p, pkts[i], now, false);
			}
			if (r->flush_cycles == 0)
				flush_pending(p, now, true);
			if (p->death_row.cnt)
				free_death_row(p);
			rte_eth_tx_buffer_flush(r->tx_port, p->txq, p->txb);
			if (r->cfg.record_cycles)
				p->busy_cycles += rte_rdtsc() - now;
		}
		if ((p->n_pending || p->n_held) && now >= p->next_flush_tsc) {
			flush_pending(p, now, false);
			release_held(p, now, false);
			rte_eth_tx_buffer_flush(r->tx_port, p->txq, p->txb);
			p->next_flush_tsc = now + flush_step;
		}
		if (now >= next_control) {
			next_control = now + control_step;
			if (controls && r->poll_egress) {
				nb = rte_eth_rx_burst(r->tx_port, 0, pkts, SR_BURST);
				for (i = 0; i < nb; i++)
					handle_egress(p, pkts[i]);
			}
			if (controls)
				sr_control_run(r, p, now);
			/* the main lcore, when it polls, also watches for the end */
			if (p->is_main && r->idle_cycles && all_pollers_idle(r, now))
				__atomic_store_n(&sr_force_quit, true, __ATOMIC_RELAXED);
		}
	}
	/* Stop: nothing accepted is left behind (unresolved: line_no_neighbour). */
	flush_pending(p, rte_rdtsc(), true);
	release_held(p, rte_rdtsc(), true);
	for (i = 0; i < SR_FRAG_ENTRIES; i++) { /* the death row is bounded: in rounds */
		rte_ip_frag_table_del_expired_entries(p->frags, &p->death_row, UINT64_MAX);
		if (p->death_row.cnt == 0)
			break;
		free_death_row(p);
	}
	rte_eth_tx_buffer_flush(r->tx_port, p->txq, p->txb);
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
