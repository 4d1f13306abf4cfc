/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The poller: rx burst -> classify -> parse lines -> hash -> forward in place
 * or copy into per-shard packets -> tx buffer. One per RX/TX queue pair, no
 * locks, no allocation beyond mbufs, counters owned by the poller. Control
 * frames (ARP, ICMP echo, Neighbor Discovery) are answered here in place;
 * what they teach about neighbours goes to the control side over a ring.
 */
#include <string.h>

#include <sys/eventfd.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_random.h>

#include "net/sr_ctl.h"
#include "net/sr_frag_guard.h"
#include "relay.h"
#include "tx.h"

#define PREFETCH_AHEAD 4
#define CONTROL_PERIOD_US 1000
#define CONTROL_FRAMES_PER_TURN 32

/* What the coalescing callbacks need: the poller, and the datagram at hand. */
struct dgram_ctx {
	struct sr_poller *p;
	struct rte_mbuf *m; /* the received datagram; NULL when flushing */
	const struct sr_frame_info *fi;
	uint64_t now;
};

/* A new per-shard packet; its lines go after the shard's headers. */
static void *open_packet(void *arg, uint32_t shard, uint8_t **payload)
{
	struct dgram_ctx *d = arg;
	struct rte_mbuf *m = rte_pktmbuf_alloc(d->p->relay->pool);

	if (likely(m != NULL))
		*payload = rte_pktmbuf_mtod_offset(m, uint8_t *, d->p->plane->tmpl[shard].len);
	return m;
}

/* A filled per-shard packet: headers, then send. */
static void send_packet(void *arg, uint32_t shard, void *pkt, const struct sr_batch *b)
{
	struct dgram_ctx *d = arg;
	const struct sr_hdr_tmpl *t = &d->p->plane->tmpl[shard];
	struct rte_mbuf *m = pkt;

	m->data_len = (uint16_t)(t->len + b->len);
	m->pkt_len = m->data_len;
	sr_hdr_write(rte_pktmbuf_mtod(m, uint8_t *), t, (uint16_t)b->len,
		     sr_payload_sum(b->buf, b->len));
	sr_tx_send(d->p, m, shard, b->lines, d->now);
}

/* Every line valid, one shard, fits: rewrite the headers, keep the payload. */
static void forward_in_place(void *arg, uint32_t shard, uint32_t lines)
{
	struct dgram_ctx *d = arg;
	const struct sr_hdr_tmpl *t = &d->p->plane->tmpl[shard];
	const struct sr_frame_info *fi = d->fi;
	struct rte_mbuf *m = d->m;
	uint32_t sum;

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
	d->p->ctr.packets_in_place++;
	sr_tx_send(d->p, m, shard, lines, d->now);
}

/* A line longer than a packet holds: a datagram of its own, built whole
 * (a chain of mbufs past one's room) and fragmented when it is sent. */
static bool send_alone(void *arg, uint32_t shard, const uint8_t *line, uint32_t len)
{
	struct dgram_ctx *d = arg;
	struct sr_poller *p = d->p;
	const struct sr_hdr_tmpl *t = &p->plane->tmpl[shard];
	uint8_t *frame = p->tx_scratch;
	uint32_t total = sr_coalesce_alone_frame(frame, t, line, len), done = 0;
	struct rte_mbuf *head = NULL;

	while (done < total) {
		struct rte_mbuf *seg = rte_pktmbuf_alloc(p->relay->pool);
		uint32_t n;

		if (unlikely(seg == NULL || (head && rte_pktmbuf_chain(head, seg) != 0))) {
			rte_pktmbuf_free(seg);
			rte_pktmbuf_free(head);
			return false;
		}
		n = RTE_MIN(total - done, (uint32_t)rte_pktmbuf_tailroom(seg));
		memcpy(rte_pktmbuf_append(seg, (uint16_t)n), frame + done, n);
		if (head)
			head->pkt_len += n; /* rte_pktmbuf_chain counted the segment empty */
		else
			head = seg;
		done += n;
	}
	sr_tx_send(p, head, shard, 1, d->now);
	return true;
}

static const struct sr_coalesce_ops coalesce_ops = {
	.open = open_packet,
	.send = send_packet,
	.in_place = forward_in_place,
	.send_alone = send_alone,
};

/* Our own lines' packets: sent like any, with no lines counted (meta 0). */
static void send_self_packet(void *arg, uint32_t shard, void *pkt, const struct sr_batch *b)
{
	struct sr_batch uncounted = *b;

	uncounted.lines = 0;
	send_packet(arg, shard, pkt, &uncounted);
}

/* Never in place (the datagram is not one received) nor alone (short lines). */
static const struct sr_coalesce_ops self_ops = {
	.open = open_packet,
	.send = send_self_packet,
	.in_place = forward_in_place,
	.send_alone = send_alone,
};

void sr_poller_take_self(struct sr_poller *p, struct rte_mbuf *m, uint64_t now)
{
	struct dgram_ctx d = { .p = p, .now = now };

	if (!p->plane->all_down)
		(void)sr_coalesce_datagram(&p->self_co, &self_ops, &d, &p->plane->payload,
					   rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, false,
					   p->refs, SR_REFS_MAX, &p->self_scan, now);
	sr_coalesce_flush(&p->self_co, &self_ops, &d, now, true);
	rte_pktmbuf_free(m);
}

void sr_poller_resume(struct sr_poller *p)
{
	p->plane = p->relay->plane;
	p->co.n_shards = p->self_co.n_shards = p->plane->n_shards;
}

void sr_poller_flush(struct sr_poller *p)
{
	rte_eth_tx_buffer_flush(p->relay->tx_port, p->txq, p->txb);
}

static void flush_pending(struct sr_poller *p, uint64_t now, bool all)
{
	struct dgram_ctx d = { .p = p, .now = now };

	sr_coalesce_flush(&p->co, &coalesce_ops, &d, now, all);
}

static inline enum sr_cksum_state cksum_state(uint64_t flags, uint64_t mask, uint64_t good,
					      uint64_t bad)
{
	flags &= mask;
	return flags == good ? SR_CKSUM_GOOD : flags == bad ? SR_CKSUM_BAD : SR_CKSUM_UNKNOWN;
}

/* Tell the control side (full: lost, counted nowhere: a neighbour is
 * learnt later, a health check sees the next one). */
static void tell_control(struct sr_poller *p, struct sr_ctl_msg *msg, bool ring)
{
	/* the doorbell only for neighbours (held packets wait on them) */
	if (rte_ring_mp_enqueue_elem(p->relay->learn, msg, sizeof(*msg)) == 0 && ring)
		(void)eventfd_write(p->relay->learn_fd, 1);
}

/* Offer a neighbour seen in a frame to the control side. */
static void learn(struct sr_poller *p, const struct sr_frame_info *fi)
{
	struct sr_ctl_msg msg = { .kind = SR_MSG_LEARN, .ip = fi->peer_ip };

	memcpy(msg.mac, fi->peer_mac, 6);
	tell_control(p, &msg, true);
}

/* An echo reply or a port unreachable: for the health checks. */
static void hear_health(struct sr_poller *p, struct rte_mbuf *m, const struct sr_frame_info *fi)
{
	struct sr_ctl_msg msg = {
		.kind = fi->control == SR_CTL_ECHO_REPLY ? SR_MSG_ECHO_REPLY : SR_MSG_UNREACHABLE,
		.ip = fi->peer_ip,
		.port = fi->peer_port,
		.seq = fi->echo_seq,
	};

	p->ctr.frames_control++;
	if (fi->control == SR_CTL_ECHO_REPLY && fi->echo_id != SR_ECHO_ID)
		msg.kind = SR_MSG_LEARN; /* not our probe's: nothing to hear */
	if (msg.kind != SR_MSG_LEARN)
		tell_control(p, &msg, false);
	rte_pktmbuf_free(m);
}

/*
 * ARP, ICMP echo, ND: learn the sender, answer on our TX queue of the port it
 * came in on (side: the ingress or, two-armed, the egress one). The answer
 * is built in place: in the mbuf's room (an NA may outgrow its NS), or for a
 * reassembled request in its linear copy (frame, in the scratch buffer).
 * An answer larger than the MTU (to a large echo request) leaves fragmented.
 */
static void handle_control(struct sr_poller *p, struct rte_mbuf *m, uint8_t *frame,
			   const struct sr_frame_info *fi, const struct sr_frame_ctx *side)
{
	struct sr_relay *r = p->relay;
	const uint16_t port = side == &r->egress ? r->tx_port : r->port_id;
	const bool linear = m->nb_segs == 1;
	uint32_t room = linear ? (uint32_t)(m->buf_len - m->data_off) : SR_SCRATCH_LEN, out = 0;

	if (fi->control == SR_CTL_ECHO_REPLY || fi->control == SR_CTL_PORT_UNREACHABLE) {
		hear_health(p, m, fi);
		return;
	}
	p->ctr.frames_control++;
	if (fi->has_peer_mac)
		learn(p, fi);
	if (linear || m->pkt_len <= SR_SCRATCH_LEN)
		out = sr_ctl_answer(frame, room, fi, side->port_mac, &side->listen[fi->v6]);
	if (out > fi->l2_len + r->mtu) { /* the answer keeps the request's VLAN tag */
		const struct sr_pkt_meta none = { 0 };
		/* not sent without mbufs or with IP options: the asker asks again */
		sr_tx_fragments(p, port, frame, out, fi->l2_len, &none);
		out = 0;
	} else if (out && !linear) { /* small enough after all: back into one mbuf */
		if (rte_pktmbuf_linearize(m) != 0)
			out = 0;
		else
			memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame, out);
	}
	if (out == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	m->data_len = (uint16_t)out;
	m->pkt_len = out;
	m->ol_flags = 0;
	sr_tx_mark_control(m);
	if (port == r->tx_port) {
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
	if (why == SR_DROP_FRAME_ARP_OTHER && fi && fi->has_peer_mac)
		learn(p, fi);
	p->ctr.drops[why]++;
	rte_pktmbuf_free(m);
}

/* Two-armed: the egress port carries only what resolves the shards (and pings). */
static void handle_egress(struct sr_poller *p, struct rte_mbuf *m)
{
	struct sr_relay *r = p->relay;
	struct sr_frame_info fi;
	struct sr_verdict v;

	p->ctr.frames_in++;
	if (m->nb_segs != 1) {
		drop_frame(p, m, SR_DROP_FRAME_OTHER_PROTOCOL, NULL);
		return;
	}
	v = sr_frame_parse(&r->egress, rte_pktmbuf_mtod(m, uint8_t *), m->data_len,
			   SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi);
	switch (v.kind) {
	case SR_VERDICT_CONTROL:
		handle_control(p, m, rte_pktmbuf_mtod(m, uint8_t *), &fi, &r->egress);
		break;
	case SR_VERDICT_FRAGMENT: /* nothing is reassembled on this side */
		drop_frame(p, m, SR_DROP_FRAME_IP_FRAGMENT, &fi);
		break;
	case SR_VERDICT_RELAY: /* the egress context takes no StatsD: cannot be */
		drop_frame(p, m, SR_DROP_FRAME_OTHER_PORT, &fi);
		break;
	case SR_VERDICT_DROP:
		drop_frame(p, m, v.drop, &fi);
		break;
	}
}

/* Every shard down (reshard): each valid line is line_no_shard, each bad
 * one counted under its reason, as ever. */
static void drop_all_lines(struct sr_poller *p, const uint8_t *payload, uint32_t len)
{
	uint32_t pos = 0;

	while (pos < len) {
		struct sr_scan_result sr = sr_payload_scan(&p->plane->payload, payload, len, &pos,
							   p->refs, SR_REFS_MAX, &p->ctr);
		p->ctr.drops[SR_DROP_LINE_NO_SHARD] += sr.valid;
	}
}

static void handle_statsd(struct sr_poller *p, struct rte_mbuf *m, const uint8_t *frame,
			  const struct sr_frame_info *fi, uint64_t now)
{
	struct dgram_ctx d = { .p = p, .m = m, .fi = fi, .now = now };

	if (unlikely(p->plane->all_down)) {
		drop_all_lines(p, frame + fi->payload_off, fi->payload_len);
		rte_pktmbuf_free(m);
		return;
	}

	if (!sr_coalesce_datagram(&p->co, &coalesce_ops, &d, &p->plane->payload,
				  frame + fi->payload_off, fi->payload_len, m->nb_segs == 1,
				  p->refs, SR_REFS_MAX, &p->ctr, now))
		rte_pktmbuf_free(m);
}

static void handle_packet(struct sr_poller *p, struct rte_mbuf *m, uint64_t now, bool reassembled);

/* A fragment for us: into this queue's reassembly table (RFC 791, RFC 8200 4.5). */
static void handle_fragment(struct sr_poller *p, struct rte_mbuf *m, uint8_t *frame,
			    const struct sr_frame_info *fi, uint64_t now)
{
	struct rte_mbuf *whole;

	switch (sr_frag_guard_check(&p->frag_guard, fi, now)) {
	case SR_FRAG_DUPLICATE: /* nothing new: this one alone goes */
		drop_frame(p, m, SR_DROP_FRAME_FRAGMENT_DUPLICATE, fi);
		return;
	case SR_FRAG_OVERLAP: /* its datagram is given up; the rest expire */
		drop_frame(p, m, SR_DROP_FRAME_IP_FRAGMENT, fi);
		return;
	case SR_FRAG_TAKE:
		break;
	}
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
							(struct rte_ipv4_hdr *)(frame +
										fi->l2_len));
	}
	if (whole) {
		sr_frag_guard_done(&p->frag_guard, fi);
		p->ctr.datagrams_reassembled++;
		handle_packet(p, whole, now, true);
	}
}

static void handle_packet(struct sr_poller *p, struct rte_mbuf *m, uint64_t now, bool reassembled)
{
	const struct sr_frame_ctx *ingress = &p->plane->frame;
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = m->data_len;
	struct sr_frame_info fi;
	struct sr_verdict v;

	if (!reassembled)
		p->ctr.frames_in++;
	if (m->nb_segs != 1) { /* a chain (reassembled, jumbo): read it linearly */
		len = RTE_MIN(m->pkt_len, (uint32_t)SR_SCRATCH_LEN);
		frame = (uint8_t *)(uintptr_t)rte_pktmbuf_read(m, 0, len, p->scratch);
	}
	/* reassembly zeroes the IPv4 header checksum; each fragment's was checked */
	v = sr_frame_parse(ingress, frame, len,
			   reassembled ? SR_CKSUM_GOOD
				       : cksum_state(m->ol_flags, RTE_MBUF_F_RX_IP_CKSUM_MASK,
						     RTE_MBUF_F_RX_IP_CKSUM_GOOD,
						     RTE_MBUF_F_RX_IP_CKSUM_BAD),
			   cksum_state(m->ol_flags, RTE_MBUF_F_RX_L4_CKSUM_MASK,
				       RTE_MBUF_F_RX_L4_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_BAD),
			   &fi);
	switch (v.kind) {
	case SR_VERDICT_RELAY:
		if (unlikely(fi.atomic_fragment)) { /* a fragment that is a whole datagram */
			p->ctr.fragments_in++;
			p->ctr.datagrams_reassembled++;
		}
		handle_statsd(p, m, frame, &fi, now);
		break;
	case SR_VERDICT_CONTROL:
		handle_control(p, m, frame, &fi, ingress);
		break;
	case SR_VERDICT_FRAGMENT:
		if (!reassembled) {
			handle_fragment(p, m, frame, &fi, now);
			break;
		}
		/* a fragment inside a reassembled datagram */
		drop_frame(p, m, SR_DROP_FRAME_IP_FRAGMENT, &fi);
		break;
	case SR_VERDICT_DROP:
		drop_frame(p, m, v.drop, &fi);
		break;
	}
}

/* What the control thread asks to send (ARP, ND, health probes): the first
 * poller puts it on its TX queue (the control thread owns none). */
static void send_control_frames(struct sr_relay *r, struct sr_poller *p)
{
	struct rte_mbuf *m[CONTROL_FRAMES_PER_TURN];
	unsigned int n = rte_ring_sc_dequeue_burst(r->ctl_tx, (void **)m, RTE_DIM(m), NULL), i;

	for (i = 0; i < n; i++)
		rte_eth_tx_buffer(r->tx_port, p->txq, p->txb, m[i]);
	if (n)
		rte_eth_tx_buffer_flush(r->tx_port, p->txq, p->txb);
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
	uint32_t n = SR_MAX_SHARDS; /* per-shard state for any plane a reload brings */
	uint64_t frag_cycles = (rte_get_tsc_hz() + 999) / 1000 * SR_FRAG_MS;

	memset(p, 0, sizeof(*p));
	p->lcore = lcore;
	p->rxq = queue;
	p->txq = queue;
	p->is_main = is_main;
	p->relay = r;
	p->qs_id = queue;
	p->io_mode = r->cfg.io_mode;
	p->record_cycles = r->cfg.record_cycles;
	p->shard_ctr = rte_zmalloc_socket("shard_ctr", n * sizeof(*p->shard_ctr),
					  RTE_CACHE_LINE_SIZE, socket);
	p->co = (struct sr_coalescer){
		.open = rte_zmalloc_socket("pending", n * sizeof(*p->co.open), RTE_CACHE_LINE_SIZE,
					   socket),
		.n_shards = r->plane->n_shards,
		.max_payload = r->cfg.max_payload,
		.hold = r->plane->flush_cycles,
	};
	p->self_co = (struct sr_coalescer){
		.open = rte_zmalloc_socket("self_pending", n * sizeof(*p->self_co.open),
					   RTE_CACHE_LINE_SIZE, socket),
		.n_shards = r->plane->n_shards,
		.max_payload = r->cfg.max_payload,
	};
	p->held = rte_zmalloc_socket("held", n * sizeof(*p->held), RTE_CACHE_LINE_SIZE, socket);
	p->scratch = rte_malloc_socket("scratch", SR_SCRATCH_LEN, RTE_CACHE_LINE_SIZE, socket);
	p->tx_scratch = rte_malloc_socket("tx_scratch", SR_SCRATCH_LEN, RTE_CACHE_LINE_SIZE,
					  socket);
	p->next_ip_id = (uint32_t)rte_rand(); /* fragment identifications: fresh per datagram */
	p->txb = rte_zmalloc_socket("txb", RTE_ETH_TX_BUFFER_SIZE(SR_BURST), 0, socket);
	p->frag_guard = (struct sr_frag_guard){
		.slot = rte_zmalloc_socket("frag_guard",
					   SR_FRAG_ENTRIES * sizeof(*p->frag_guard.slot),
					   RTE_CACHE_LINE_SIZE, socket),
		.n_slots = SR_FRAG_ENTRIES,
		.ttl = frag_cycles,
	};
	p->frags = rte_ip_frag_table_create(SR_FRAG_ENTRIES / 4, 4, SR_FRAG_ENTRIES, frag_cycles,
					    socket);
	if (!p->shard_ctr || !p->co.open || !p->self_co.open || !p->held || !p->scratch ||
	    !p->tx_scratch || !p->txb || !p->frags || !p->frag_guard.slot)
		return -1;
	rte_eth_tx_buffer_init(p->txb, SR_BURST);
	rte_eth_tx_buffer_set_err_callback(p->txb, sr_tx_unsent, p);
	p->plane = r->plane;
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

/* How often open packets are looked at: an eighth of --flush-us, at least 1 us. */
static uint64_t flush_step(const struct sr_plane *pl)
{
	return RTE_MAX(pl->flush_cycles / 8, rte_get_tsc_hz() / 1000000);
}

/*
 * A reload published a new state: what was built under the old one leaves
 * first (open packets, held ones: a held packet whose next hop is still
 * unknown is line_no_neighbour), so that each line is sent by exactly the
 * configuration it was parsed under; then the new one is taken.
 */
static void take_plane(struct sr_poller *p, const struct sr_plane *pl, uint64_t now)
{
	uint64_t took;

	flush_pending(p, now, true);
	sr_tx_release_held(p, now, true);
	rte_eth_tx_buffer_flush(p->relay->tx_port, p->txq, p->txb);
	took = rte_rdtsc() - now;
	p->take_max = RTE_MAX(p->take_max, took);
	p->plane = pl;
	p->co.n_shards = p->self_co.n_shards = pl->n_shards;
	p->co.hold = pl->flush_cycles;
	p->next_flush_tsc = now + flush_step(pl);
	p->planes_taken++;
}

int sr_poller_run(void *arg)
{
	struct sr_poller *p = arg;
	struct sr_relay *r = p->relay;
	struct rte_mbuf *pkts[SR_BURST];
	uint64_t control_step = rte_get_tsc_hz() / 1000000 * CONTROL_PERIOD_US;
	uint64_t next_control = 0, prev;
	bool first = p == r->pollers[0]; /* sends the control thread's frames; polls egress */
	uint32_t i;
	uint16_t nb;

	/* a reader of the published state from here on (before loading it) */
	rte_rcu_qsbr_thread_register(r->qsv, p->qs_id);
	rte_rcu_qsbr_thread_online(r->qsv, p->qs_id);
	p->plane = __atomic_load_n(&r->plane, __ATOMIC_ACQUIRE);
	p->co.n_shards = p->self_co.n_shards = p->plane->n_shards;
	p->co.hold = p->plane->flush_cycles;
	p->start_tsc = rte_rdtsc();
	__atomic_store_n(&p->last_rx_tsc, p->start_tsc, __ATOMIC_RELAXED);
	p->next_flush_tsc = p->start_tsc + flush_step(p->plane);
	prev = p->start_tsc;

	while (!__atomic_load_n(&sr_force_quit, __ATOMIC_RELAXED)) {
		uint64_t now = rte_rdtsc();
		const struct sr_plane *pl = __atomic_load_n(&r->plane, __ATOMIC_ACQUIRE);

		if (unlikely(now - prev > p->rx_gap_max))
			p->rx_gap_max = now - prev;
		prev = now;
		/* the state as published: one load per burst */
		if (unlikely(pl != p->plane))
			take_plane(p, pl, now);
		nb = rte_eth_rx_burst(r->port_id, p->rxq, pkts, SR_BURST);
		if (nb && p->io_mode) {
			__atomic_store_n(&p->last_rx_tsc, now, __ATOMIC_RELAXED);
			io_forward(p, pkts, nb);
			if (p->record_cycles)
				p->busy_cycles += rte_rdtsc() - now;
		} else if (nb) {
			__atomic_store_n(&p->last_rx_tsc, now, __ATOMIC_RELAXED);
			for (i = 0; i < nb && i < PREFETCH_AHEAD; i++)
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
			for (i = 0; i < nb; i++) {
				if (i + PREFETCH_AHEAD < nb)
					rte_prefetch0(
						rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
				handle_packet(p, pkts[i], now, false);
			}
			if (p->plane->flush_cycles == 0)
				flush_pending(p, now, true);
			if (p->death_row.cnt)
				free_death_row(p);
			rte_eth_tx_buffer_flush(r->tx_port, p->txq, p->txb);
			if (p->record_cycles)
				p->busy_cycles += rte_rdtsc() - now;
		}
		if ((p->co.n_open || p->n_held) && now >= p->next_flush_tsc) {
			flush_pending(p, now, false);
			sr_tx_release_held(p, now, false);
			rte_eth_tx_buffer_flush(r->tx_port, p->txq, p->txb);
			p->next_flush_tsc = now + flush_step(p->plane);
		}
		if (now >= next_control) {
			next_control = now + control_step;
			if (first && r->poll_egress) {
				nb = rte_eth_rx_burst(r->tx_port, 0, pkts, SR_BURST);
				for (i = 0; i < nb; i++)
					handle_egress(p, pkts[i]);
			}
			/* fragments that waited too long are drops now, not at exit:
			 * the live counters see them (the table is this poller's) */
			rte_ip_frag_table_del_expired_entries(p->frags, &p->death_row, now);
			if (p->death_row.cnt)
				free_death_row(p);
			if (first) {
				struct rte_mbuf *own;

				send_control_frames(r, p);
				while (rte_ring_sc_dequeue(r->self_rx, (void **)&own) == 0)
					sr_poller_take_self(p, own, now);
			}
			/* the main lcore, when it polls, also watches for the end */
			if (p->is_main && r->idle_cycles && all_pollers_idle(r, now))
				__atomic_store_n(&sr_force_quit, true, __ATOMIC_RELAXED);
		}
		/* nothing of the plane is held past here: it may be freed */
		rte_rcu_qsbr_quiescent(r->qsv, p->qs_id);
	}
	/* Stop: nothing accepted is left behind (unresolved: line_no_neighbour). */
	flush_pending(p, rte_rdtsc(), true);
	sr_tx_release_held(p, rte_rdtsc(), true);
	for (i = 0; i < SR_FRAG_ENTRIES; i++) { /* the death row is bounded: in rounds */
		rte_ip_frag_table_del_expired_entries(p->frags, &p->death_row, UINT64_MAX);
		if (p->death_row.cnt == 0)
			break;
		free_death_row(p);
	}
	rte_eth_tx_buffer_flush(r->tx_port, p->txq, p->txb);
	/* a reload under way no longer waits for this poller */
	rte_rcu_qsbr_thread_offline(r->qsv, p->qs_id);
	rte_rcu_qsbr_thread_unregister(r->qsv, p->qs_id);
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
