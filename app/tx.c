/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_cycles.h>

#include "tx.h"

#define TX_RETRIES 64 /* bounded spin when the TX ring is full, then drop */

void sr_tx_unsent(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	struct sr_poller *p = userdata;
	uint16_t sent = 0, i;
	int tries;

	for (tries = 0; tries < TX_RETRIES && sent < unsent; tries++)
		sent += rte_eth_tx_burst(p->relay->tx_port, p->txq, pkts + sent, unsent - sent);
	for (i = sent; i < unsent; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct sr_pkt_meta *meta = sr_pkt_meta(m);

		if (meta->lines) { /* StatsD: counted as sent by sr_tx_transmit, taken back */
			struct sr_shard_counters *sc = &p->shard_ctr[meta->shard];
			p->ctr.lines_out -= meta->lines;
			p->ctr.packets_out--;
			sc->lines -= meta->lines;
			sc->packets--;
			sc->bytes -= m->pkt_len - p->plane->tmpl[meta->shard].len;
		}
		sr_tx_drop(p, m, SR_DROP_LINE_TX_DROPPED);
	}
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
