/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_cycles.h>

#include "net/sr_fragment.h"
#include "tx.h"

#define TX_RETRIES 64 /* bounded spin when the TX ring is full, then drop */

/* A datagram counted as sent that did not leave: its lines are tx drops. */
static void take_back(struct sr_poller *p, const struct sr_pkt_meta *meta)
{
	struct sr_shard_counters *sc = &p->shard_ctr[meta->shard];

	if (meta->lines == 0) /* an answer or a request of ours */
		return;
	p->ctr.lines_out -= meta->lines;
	p->ctr.packets_out--;
	sc->lines -= meta->lines;
	sc->packets--;
	sc->bytes -= meta->bytes;
	p->ctr.drops[SR_DROP_LINE_TX_DROPPED] += meta->lines;
}

/*
 * The unsent packets are the tail of what was buffered, in order. A
 * fragmented datagram is taken back once, at its first unsent fragment
 * (the fragments before it may have left: the datagram is lost all the
 * same).
 */
void sr_tx_unsent(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	struct sr_poller *p = userdata;
	uint16_t sent = 0, i;
	bool datagram_taken_back = false;
	int tries;

	for (tries = 0; tries < TX_RETRIES && sent < unsent; tries++)
		sent += rte_eth_tx_burst(p->relay->tx_port, p->txq, pkts + sent, unsent - sent);
	for (i = sent; i < unsent; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct sr_pkt_meta *meta = sr_pkt_meta(m);

		if (meta->piece == SR_PKT_WHOLE) {
			take_back(p, meta);
			datagram_taken_back = false;
		} else {
			p->ctr.fragments_out--;
			if (meta->piece == SR_PKT_FRAG_FIRST)
				datagram_taken_back = false;
			if (!datagram_taken_back) {
				p->ctr.packets_fragmented--;
				take_back(p, meta);
				datagram_taken_back = true;
			}
		}
		rte_pktmbuf_free(m);
	}
}

bool sr_tx_fragments(struct sr_poller *p, uint16_t port, const uint8_t *frame, uint32_t len,
		     uint32_t l2, const struct sr_pkt_meta *meta)
{
	struct rte_mbuf *f[SR_FRAGMENT_MAX];
	uint32_t n = sr_fragment_count(frame, len, l2, p->relay->mtu), id, k;

	if (n == 0 || rte_pktmbuf_alloc_bulk(p->relay->pool, f, n) != 0)
		return false;
	id = p->next_ip_id++;
	for (k = 0; k < n; k++) {
		uint32_t flen = sr_fragment_write(frame, len, l2, p->relay->mtu, id, k,
						  rte_pktmbuf_mtod(f[k], uint8_t *));
		f[k]->data_len = (uint16_t)flen;
		f[k]->pkt_len = flen;
		*sr_pkt_meta(f[k]) = *meta;
		sr_pkt_meta(f[k])->piece = k ? SR_PKT_FRAG_MORE : SR_PKT_FRAG_FIRST;
	}
	if (port == p->relay->tx_port) {
		for (k = 0; k < n; k++)
			rte_eth_tx_buffer(port, p->txq, p->txb, f[k]);
	} else { /* an answer on the ingress port of a two-armed relay: not buffered */
		uint16_t sent = rte_eth_tx_burst(port, p->txq, f, (uint16_t)n);
		if (sent < n) /* an answer lost: the asker asks again */
			rte_pktmbuf_free_bulk(f + sent, n - sent);
	}
	p->ctr.packets_fragmented++;
	p->ctr.fragments_out += n;
	return true;
}

void sr_tx_transmit_fragmented(struct sr_poller *p, struct rte_mbuf *m)
{
	const struct sr_pkt_meta meta = *sr_pkt_meta(m);
	const uint8_t *frame = rte_pktmbuf_read(m, 0, m->pkt_len, p->tx_scratch);

	if (frame == NULL ||
	    !sr_tx_fragments(p, p->relay->tx_port, frame, m->pkt_len, RTE_ETHER_HDR_LEN, &meta)) {
		sr_tx_drop(p, m, SR_DROP_LINE_NO_MBUF);
		return;
	}
	sr_tx_count_sent(p, &meta);
	rte_pktmbuf_free(m);
}

void sr_tx_release_held(struct sr_poller *p, uint64_t now, bool shutdown)
{
	const struct sr_plane *pl = p->plane;
	uint64_t limit = rte_get_tsc_hz() / 1000 * SR_HOLD_MS;
	uint32_t s, i;

	for (s = 0; s < pl->n_shards && p->n_held; s++) {
		struct sr_held *h = &p->held[s];
		uint64_t nh;

		if (h->n == 0)
			continue;
		nh = __atomic_load_n(&pl->nh_word[s], __ATOMIC_ACQUIRE);
		if (nh & SR_NEIGH_VALID) {
			for (i = 0; i < h->n; i++)
				sr_tx_transmit(p, h->m[i], nh);
		} else if (shutdown || now - h->since > limit) {
			for (i = 0; i < h->n; i++)
				sr_tx_drop(p, h->m[i], SR_DROP_LINE_NO_NEIGHBOUR);
		} else {
			continue;
		}
		h->n = 0;
		p->n_held--;
	}
}
