/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port set-up: one RX and one TX queue per poller, RX checksum offloads when
 * the port has them (else the worker verifies in software), nothing assumed
 * that the PMD does not offer. A two-armed relay sets up its egress port the
 * same way, with a single (unpolled) RX queue.
 */
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "relay.h"

#define RX_DESC 1024
#define TX_DESC 1024
#define POOL_CACHE 256
#define SR_RX_FRAME_MAX 9216u /* largest frame received in one buffer */

int sr_pkt_meta_offset = -1;

/* The per-packet field the pollers keep their accounting in (tx.h). */
int sr_pkt_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "statsd_relay_pkt_meta",
		.size = sizeof(struct sr_pkt_meta),
		.align = __alignof__(struct sr_pkt_meta),
	};

	sr_pkt_meta_offset = rte_mbuf_dynfield_register(&desc);
	if (sr_pkt_meta_offset < 0) {
		fprintf(stderr, "statsd-relay: cannot register an mbuf field: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

/* Before any memory is taken: does the port exist, with a queue per poller? */
int sr_port_check(uint16_t port, uint16_t n_rx, uint16_t n_tx)
{
	struct rte_eth_dev_info info;

	if (!rte_eth_dev_is_valid_port(port)) {
		fprintf(stderr, "statsd-relay: port %u does not exist (%u ports)\n", port,
			rte_eth_dev_count_avail());
		return -1;
	}
	if (rte_eth_dev_info_get(port, &info) != 0)
		return -1;
	if (info.max_rx_queues < n_rx || info.max_tx_queues < n_tx) {
		fprintf(stderr,
			"statsd-relay: port %u has %u RX / %u TX queues, %u pollers need one each\n",
			port, info.max_rx_queues, info.max_tx_queues, n_tx);
		return -1;
	}
	return 0;
}

int sr_pool_create(struct sr_relay *r, uint16_t n_queues)
{
	/* Enough for every ring, every open or held per-shard packet, the
	 * reassembly tables and the caches. */
	uint32_t n_mbufs = n_queues * (RX_DESC + 2 * TX_DESC + r->cfg.n_shards * (1 + SR_HOLD) +
				       2 * SR_BURST + POOL_CACHE + SR_FRAG_ENTRIES) +
			   1024;
	/* One mbuf holds a jumbo frame: vdevs such as af_packet do not scatter,
	 * and the kernel hands them whole reassembled datagrams. */
	uint32_t room = RTE_PKTMBUF_HEADROOM + RTE_MAX(SR_RX_FRAME_MAX, r->cfg.mtu + 32u);

	r->pool = rte_pktmbuf_pool_create("sr_pool", n_mbufs, POOL_CACHE, 0, (uint16_t)room,
					  (int)rte_socket_id());
	if (!r->pool) {
		fprintf(stderr, "statsd-relay: cannot create a pool of %u mbufs: %s\n", n_mbufs,
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

/* One line naming the RX offloads wanted that the port lacks (DPDK's examples
 * log what they mask off): the worker checks those in software instead. */
static void log_missing_rx_offloads(uint16_t port, uint64_t missing)
{
	char names[128] = "";
	size_t len = 0;
	unsigned int bit;

	for (bit = 0; bit < 64 && len < sizeof(names); bit++)
		if (missing & RTE_BIT64(bit))
			len += (size_t)snprintf(names + len, sizeof(names) - len, " %s",
						rte_eth_dev_rx_offload_name(RTE_BIT64(bit)));
	if (missing)
		fprintf(stderr,
			"statsd-relay: port %u lacks RX offload%s: checksums verified in software\n",
			port, names);
}

int sr_port_init(struct sr_relay *r, uint16_t port, uint16_t n_queues, bool receives,
		 uint8_t mac[6])
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	struct rte_ether_addr addr;
	uint16_t rxd = RX_DESC, txd = TX_DESC, q, n_rx = receives ? n_queues : 1;
	uint64_t want_rx = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	int rc;

	if (sr_port_check(port, n_rx, n_queues) || rte_eth_dev_info_get(port, &info) != 0)
		return -1;
	if (receives) {
		/* the verdicts arrive in each mbuf's ol_flags (worker.c cksum_state) */
		conf.rxmode.offloads = want_rx & info.rx_offload_capa;
		log_missing_rx_offloads(port, want_rx & ~info.rx_offload_capa);
		/* spread by the fields StatsD varies in, as far as the port hashes them
		 * (a port that hashes none of them: RSS would be all on one queue) */
		uint64_t hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
		if (n_queues > 1 && hf) {
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_hf = hf;
		}
	}
	if (r->cfg.mtu != RTE_ETHER_MTU) {
		if (r->cfg.mtu > info.max_mtu || r->cfg.mtu < info.min_mtu) {
			fprintf(stderr, "statsd-relay: port %u takes an MTU of %u-%u, not %u\n",
				port, info.min_mtu, info.max_mtu, r->cfg.mtu);
			return -1;
		}
		conf.rxmode.mtu = r->cfg.mtu;
	}

	rc = rte_eth_dev_configure(port, n_rx, n_queues, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd);
	for (q = 0; rc == 0 && q < n_queues; q++) {
		struct rte_eth_rxconf rxq = info.default_rxconf;
		struct rte_eth_txconf txq = info.default_txconf;
		rxq.offloads = conf.rxmode.offloads;
		if (q < n_rx)
			rc = rte_eth_rx_queue_setup(port, q, rxd, rte_eth_dev_socket_id(port), &rxq,
						    r->pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(port, q, txd, rte_eth_dev_socket_id(port),
						    &txq);
	}
	if (rc == 0)
		rc = rte_eth_dev_start(port);
	if (rc == 0)
		rc = rte_eth_macaddr_get(port, &addr);
	if (rc) {
		fprintf(stderr, "statsd-relay: port %u set-up failed: %s\n", port,
			rte_strerror(-rc));
		return -1;
	}
	memcpy(mac, addr.addr_bytes, RTE_ETHER_ADDR_LEN);
	return 0;
}

void sr_port_close(uint16_t port)
{
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
}
