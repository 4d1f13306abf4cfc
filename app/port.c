/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port set-up: one RX and one TX queue per poller, RX checksum offloads when
 * the port has them (else the worker verifies in software), nothing assumed
 * that the PMD does not offer. A two-armed relay sets up its egress port the
 * same way, with a single (unpolled) RX queue.
 */
#include <dirent.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_dev.h>
#include <rte_devargs.h>
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

/* The value of KEY= among the port's vdev arguments ("iface=r0,framesz=8192")
 * into buf; false when it has none. */
static bool devarg(const struct rte_eth_dev_info *info, const char *key, char *buf, size_t len)
{
	const struct rte_devargs *da = info->device ? rte_dev_devargs(info->device) : NULL;
	size_t n = strlen(key);
	const char *p;

	for (p = da ? da->args : NULL; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == '=') {
			snprintf(buf, len, "%.*s", (int)strcspn(p + n + 1, ","), p + n + 1);
			return true;
		}
	return false;
}

/*
 * What a port receives into, by its driver. af_packet cannot scatter and
 * its kernel hands it whole reassembled datagrams, each in one ring frame:
 * an mbuf must hold a ring frame (framesz less the 32 bytes of ring header
 * the PMD counts). AF_XDP takes chunks of at most a page: the default data
 * room. Others get one mbuf per frame up to a jumbo frame.
 */
int sr_port_rx_spec(const struct sr_relay *r, uint16_t port, struct sr_port_rx *spec)
{
	struct rte_eth_dev_info info;

	memset(spec, 0, sizeof(*spec));
	if (rte_eth_dev_info_get(port, &info) != 0)
		return -1;
	snprintf(spec->driver, sizeof(spec->driver), "%s",
		 info.driver_name ? info.driver_name : "?");
	spec->frame_max = info.max_rx_pktlen;
	if (!strcmp(spec->driver, "net_af_packet")) {
		char v[16];
		uint32_t framesz = devarg(&info, "framesz", v, sizeof(v)) ? (uint32_t)atoi(v) : 0;

		framesz = framesz ? framesz : SR_AF_PACKET_DEFAULT_FRAME;
		spec->kernel_reassembles = true;
		spec->frame_max = framesz > 32 ? framesz - 32 : 0;
		spec->data_room = RTE_MAX(spec->frame_max, (uint32_t)RTE_MBUF_DEFAULT_DATAROOM);
	} else if (!strcmp(spec->driver, "net_af_xdp")) {
		spec->data_room = RTE_MBUF_DEFAULT_DATAROOM;
	} else {
		spec->data_room = RTE_MAX(SR_RX_FRAME_MAX, r->cfg.mtu + 32u);
	}
	return 0;
}

/* The frame a port must receive whole: with the kernel reassembling (af_packet),
 * the largest datagram accepted; else a frame of the MTU (the relay
 * reassembles fragments itself). Ethernet and one VLAN tag included. */
uint32_t sr_port_frame_needed(const struct sr_relay *r, const struct sr_port_rx *spec)
{
	uint32_t l3 = r->cfg.has_listen[SR_V6] ? 40 : 20;

	if (spec->kernel_reassembles)
		return RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN + l3 + 8 + sr_config_max_datagram(&r->cfg);
	return RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN + r->cfg.mtu;
}

/* One line at start when a port cannot take the frames the relay accepts. */
void sr_port_log_rx_limit(const struct sr_relay *r, uint16_t port, const struct sr_port_rx *spec)
{
	uint32_t need = sr_port_frame_needed(r, spec);

	if (spec->frame_max == 0 || spec->frame_max >= need)
		return;
	if (spec->kernel_reassembles)
		fprintf(stderr,
			"statsd-relay: port %u (%s): ring frames hold %u bytes, datagrams of up to %u "
			"are accepted: larger ones arrive cut (frame_truncated); give its --vdev "
			"framesz=%u,blocksz=%u\n",
			port, spec->driver, spec->frame_max, need, sr_af_packet_frame_for(need),
			sr_af_packet_frame_for(need));
	else
		fprintf(stderr,
			"statsd-relay: port %u (%s) receives frames of up to %u bytes, --mtu %u "
			"needs %u: larger frames are lost; lower --mtu\n",
			port, spec->driver, spec->frame_max, r->cfg.mtu, need);
}

uint32_t sr_af_packet_frame_for(uint32_t frame)
{
	/* the ring header and alignment before the frame, then whole pages (a
	 * ring block is pages, and one frame a block keeps the count simple) */
	return (frame + 128 + 4095) & ~4095u;
}

struct rte_mempool *sr_pool_create(const struct sr_relay *r, const char *name, uint16_t n_queues,
				   uint32_t data_room)
{
	/* Enough for every ring, every open or held per-shard packet (for at
	 * least SR_POOL_SHARDS shards: a reload may add some), the reassembly
	 * tables and the caches. */
	uint32_t shards = RTE_MAX(r->cfg.n_shards, (uint32_t)SR_POOL_SHARDS);
	uint32_t n_mbufs = n_queues * (RX_DESC + 2 * TX_DESC + shards * (1 + SR_HOLD) +
				       2 * SR_BURST + POOL_CACHE + SR_FRAG_ENTRIES) +
			   1024;
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create(name, n_mbufs, POOL_CACHE, 0,
				     (uint16_t)(RTE_PKTMBUF_HEADROOM + data_room),
				     (int)rte_socket_id());
	if (!mp)
		fprintf(stderr, "statsd-relay: cannot create a pool of %u mbufs of %u bytes: %s\n",
			n_mbufs, data_room, rte_strerror(rte_errno));
	return mp;
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
		 struct rte_mempool *pool, uint8_t mac[6])
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
						    pool);
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

/*
 * Frames the kernel dropped before the PMD could take them: an af_packet
 * ring full (22.11's PMD does not report them: imissed stays 0), an AF_XDP
 * RX ring full. The kernel counts them per socket (PACKET_STATISTICS, reset
 * by each read; XDP_STATISTICS, cumulative): the PMD's sockets are this
 * process's, bound to the port's interface, so they are found among its
 * file descriptors and their drops added up. 0 for other ports.
 */
uint64_t sr_port_ring_drops(uint16_t port)
{
	static uint64_t packet_seen[RTE_MAX_ETHPORTS];
	struct rte_eth_dev_info info;
	char iface[IF_NAMESIZE + 1];
	uint64_t xdp = 0;
	unsigned int ifindex;
	bool packet, xsk;
	struct dirent *e;
	DIR *fds;

	if (port >= RTE_MAX_ETHPORTS || rte_eth_dev_info_get(port, &info) != 0 ||
	    !info.driver_name || !info.device)
		return 0;
	packet = !strcmp(info.driver_name, "net_af_packet");
	xsk = !strcmp(info.driver_name, "net_af_xdp");
	if (!packet && !xsk)
		return 0;
	ifindex = devarg(&info, "iface", iface, sizeof(iface)) ? if_nametoindex(iface) : 0;
	fds = ifindex ? opendir("/proc/self/fd") : NULL;
	while (fds && (e = readdir(fds)) != NULL) {
		int fd = atoi(e->d_name), domain = 0;
		socklen_t len = sizeof(domain);

		if (e->d_name[0] == '.' || fd == dirfd(fds) ||
		    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
			continue;
		if (packet && domain == AF_PACKET) {
			struct sockaddr_ll sll;
			struct tpacket_stats st;

			len = sizeof(sll);
			if (getsockname(fd, (struct sockaddr *)&sll, &len) != 0 ||
			    (unsigned int)sll.sll_ifindex != ifindex)
				continue;
			len = sizeof(st);
			if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
				__atomic_fetch_add(&packet_seen[port], st.tp_drops,
						   __ATOMIC_RELAXED);
		} else if (xsk && domain == AF_XDP) {
			struct sockaddr_xdp sxdp;
			struct xdp_statistics st;

			len = sizeof(sxdp);
			if (getsockname(fd, (struct sockaddr *)&sxdp, &len) != 0 ||
			    sxdp.sxdp_ifindex != ifindex)
				continue;
			len = sizeof(st);
			if (getsockopt(fd, SOL_XDP, XDP_STATISTICS, &st, &len) == 0)
				xdp += st.rx_dropped + st.rx_ring_full +
				       st.rx_fill_ring_empty_descs;
		}
	}
	if (fds)
		closedir(fds);
	return __atomic_load_n(&packet_seen[port], __ATOMIC_RELAXED) + xdp;
}
