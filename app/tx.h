/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A poller's sending side: each StatsD packet gets its next hop's MAC and
 * goes to the poller's TX buffer, or waits (SR_HOLD packets, SR_HOLD_MS) while
 * that next hop resolves. Whatever is not sent in the end is counted under
 * a line reason: every line received is forwarded or dropped by reason.
 */
#ifndef SR_APP_TX_H
#define SR_APP_TX_H

#include <stdbool.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "relay.h"

/* Lines of a packet that will not be sent: counted under a line reason. */
static inline void sr_tx_drop(struct sr_poller *p, struct rte_mbuf *m, enum sr_drop why)
{
	p->ctr.drops[why] += sr_pkt_meta(m)->lines;
	rte_pktmbuf_free(m);
}

/* A StatsD datagram counted as sent (lines, packet, its shard's figures:
 * meta->shard is the shard's slot, which outlives a reload). */
static inline void sr_tx_count_sent(struct sr_poller *p, const struct sr_pkt_meta *meta)
{
	struct sr_shard_counters *sc = &p->shard_ctr[meta->shard];

	if (unlikely(meta->lines == 0)) /* our own lines (self metrics): counted apart */
		return;
	p->ctr.lines_out += meta->lines;
	p->ctr.packets_out++;
	sc->lines += meta->lines;
	sc->packets++;
	sc->bytes += meta->bytes;
}

/* A datagram larger than the MTU: sent in fragments (tx.c). */
void sr_tx_transmit_fragmented(struct sr_poller *p, struct rte_mbuf *m);

/* Hand a finished packet to TX with its next hop's MAC, counted for its shard. */
static inline void sr_tx_transmit(struct sr_poller *p, struct rte_mbuf *m, uint64_t nh)
{
	uint8_t *eth = rte_pktmbuf_mtod(m, uint8_t *);
	int i;

	for (i = 0; i < 6; i++)
		eth[i] = (uint8_t)(nh >> (8 * i));
	if (unlikely(m->pkt_len > RTE_ETHER_HDR_LEN + p->relay->mtu)) {
		sr_tx_transmit_fragmented(p, m);
		return;
	}
	sr_tx_count_sent(p, sr_pkt_meta(m));
	rte_eth_tx_buffer(p->relay->tx_port, p->txq, p->txb, m);
}

/* Send a StatsD packet, or hold it while the shard's next hop is unresolved
 * (line_no_neighbour when the hold is full). */
static inline void sr_tx_send(struct sr_poller *p, struct rte_mbuf *m, uint32_t shard,
			      uint32_t lines, uint64_t now)
{
	uint64_t nh = __atomic_load_n(&p->plane->nh_word[shard], __ATOMIC_ACQUIRE);
	struct sr_held *h = &p->held[shard];

	*sr_pkt_meta(m) = (struct sr_pkt_meta){
		.lines = lines,
		.shard = p->plane->slot[shard],
		.bytes = m->pkt_len - p->plane->tmpl[shard].len,
	};
	if (likely(nh & SR_NEIGH_VALID)) {
		if (unlikely(h->n)) { /* older packets of this shard go first */
			for (uint8_t i = 0; i < h->n; i++)
				sr_tx_transmit(p, h->m[i], nh);
			h->n = 0;
			p->n_held--;
		}
		sr_tx_transmit(p, m, nh);
		return;
	}
	if (h->n == SR_HOLD) {
		sr_tx_drop(p, m, SR_DROP_LINE_NO_NEIGHBOUR);
		return;
	}
	if (h->n == 0) {
		h->since = now;
		p->n_held++;
	}
	h->m[h->n++] = m;
}

/* An answer or a request of ours (ARP, ND, ICMP): no lines, no shard. */
static inline void sr_tx_mark_control(struct rte_mbuf *m)
{
	*sr_pkt_meta(m) = (struct sr_pkt_meta){ 0 };
}

/* A frame of the control thread's own (ARP, ND, a health probe) of len
 * bytes in m, padded to the Ethernet minimum, for the first poller to send
 * (the control thread owns no TX queue). False: the ring is full, m freed. */
static inline bool sr_tx_hand_to_poller(struct sr_relay *r, struct rte_mbuf *m, uint32_t len)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

	m->data_len = m->pkt_len = RTE_MAX(len, (uint32_t)RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	if (len < m->data_len)
		memset(f + len, 0, m->data_len - len);
	sr_tx_mark_control(m);
	if (rte_ring_mp_enqueue(r->ctl_tx, m) != 0) {
		rte_pktmbuf_free(m);
		return false;
	}
	return true;
}

/* A linear frame (l2 bytes of Ethernet and VLAN tag first) larger than the
 * MTU sent in fragments, each one mbuf, on
 * the TX queue of the port it goes out of; meta says what it carries.
 * False, nothing sent, when it cannot be fragmented or no mbufs are left. */
bool sr_tx_fragments(struct sr_poller *p, uint16_t port, const uint8_t *frame, uint32_t len,
		     uint32_t l2, const struct sr_pkt_meta *meta);

/* The TX buffer's error callback: packets the PMD would not take even after
 * a bounded retry are counted back and dropped (line_tx_dropped). */
void sr_tx_unsent(struct rte_mbuf **pkts, uint16_t unsent, void *userdata);

/* Held packets go once their next hop is known, or are dropped when older
 * than SR_HOLD_MS (at shutdown: all that are left). */
void sr_tx_release_held(struct sr_poller *p, uint64_t now, bool shutdown);

#endif
