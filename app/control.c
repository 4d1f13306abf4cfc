/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control side, on a DPDK control thread (rte_ctrl_thread_create: off the
 * pollers' lcores, never inside a burst loop): each shard's next hop (the
 * shard itself, or --gateway when it is off the listen subnet), resolved by
 * ARP or Neighbor Discovery, refreshed before it expires, and published to
 * the pollers as one atomic word per shard (nexthop.c); the hint about same-host
 * checksums. It owns no TX queue (net_pcap, af_packet and AF_XDP ports often
 * have one per poller only): its requests go through a ring the first
 * poller drains onto its queue, as what pollers learn comes back through
 * another. Its state is written by this thread only.
 */
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "net/sr_ctl.h"
#include "net/sr_neigh.h"
#include "relay.h"
#include "tx.h"

#define MAX_PROBES_PER_TICK 32
#define BAD_CKSUM_SAY_EVERY_MS 60000
#define CONTROL_PERIOD_US 1000

int sr_control_init(struct sr_relay *r, unsigned int n_pollers)
{
	size_t qs_size = rte_rcu_qsbr_get_memsize(n_pollers);

	r->neigh = rte_zmalloc("neigh", sizeof(*r->neigh), RTE_CACHE_LINE_SIZE);
	r->learn = rte_ring_create_elem("sr_learn", sizeof(struct sr_ctl_msg), 1024,
					(int)rte_socket_id(), RING_F_SC_DEQ);
	r->ctl_tx = rte_ring_create("sr_ctl_tx", 1024, (int)rte_socket_id(), RING_F_SC_DEQ);
	r->self_rx = rte_ring_create("sr_self_rx", 256, (int)rte_socket_id(), RING_F_SC_DEQ);
	r->learn_fd = eventfd(0, EFD_NONBLOCK);
	r->qsv = rte_zmalloc("qsbr", qs_size, RTE_CACHE_LINE_SIZE);
	if (!r->neigh || !r->learn || !r->ctl_tx || !r->self_rx || r->learn_fd < 0 || !r->qsv ||
	    rte_rcu_qsbr_init(r->qsv, n_pollers) != 0)
		return -1;
	pthread_mutex_init(&r->view_lock, NULL);
	return 0;
}

/* Ask for one neighbour: built here, sent by the first poller. */
static void probe(struct sr_relay *r, const struct sr_neigh *e, bool unicast)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(r->pool);
	uint8_t *f;
	uint32_t len;

	if (!m)
		return;
	f = rte_pktmbuf_mtod(m, uint8_t *);
	/* asked from the side that sends: the egress port and address when two-armed */
	len = e->ip.v6
		      ? sr_nd_solicit(f, r->tx_mac, &r->src[SR_V6], &e->ip, unicast ? e->mac : NULL)
		      : sr_arp_request(f, r->tx_mac, &r->src[SR_V4], &e->ip,
				       unicast ? e->mac : NULL);
	(void)sr_tx_hand_to_poller(r, m, len); /* the ring full: asked again at the next retry */
}

/*
 * A kernel sender on the same host (veth, a container network) leaves its
 * UDP checksum to an offload that never happens: every datagram of it then
 * arrives with a wrong checksum and is dropped. Said at the first such drop
 * and at most once a minute after, with the fix, instead of a relay that
 * seems to receive nothing.
 */
static void watch_udp_checksums(struct sr_relay *r, uint64_t now_ms)
{
	uint64_t bad = 0;
	unsigned int i;

	for (i = 0; i < r->n_pollers; i++)
		bad += __atomic_load_n(&r->pollers[i]->ctr.drops[SR_DROP_FRAME_BAD_UDP_CHECKSUM],
				       __ATOMIC_RELAXED);
	if (bad <= r->bad_cksum_seen ||
	    (r->bad_cksum_said_ms && now_ms - r->bad_cksum_said_ms < BAD_CKSUM_SAY_EVERY_MS))
		return;
	fprintf(stderr,
		"statsd-relay: port %u: %" PRIu64 " UDP datagrams dropped with a bad checksum "
		"(frame_bad_udp_checksum). A sender on the same host (veth, container network) "
		"leaves its checksum to offload: turn that off where it sends, e.g. "
		"'ethtool -K IFACE tx off'\n",
		r->port_id, bad);
	r->bad_cksum_seen = bad;
	r->bad_cksum_said_ms = now_ms ? now_ms : 1;
}

static void control_tick(struct sr_relay *r, uint64_t now_ms)
{
	struct sr_ctl_msg msg;
	uint32_t due[MAX_PROBES_PER_TICK], n, i;
	bool unicast[MAX_PROBES_PER_TICK], changed = false;

	while (rte_ring_sc_dequeue_elem(r->learn, &msg, sizeof(msg)) == 0) {
		if (msg.kind == SR_MSG_LEARN)
			changed |= sr_neigh_learn(r->neigh, &msg.ip, msg.mac, now_ms);
		else
			sr_health_hear(r, &msg, now_ms);
	}
	n = sr_neigh_tick(r->neigh, now_ms, due, unicast, MAX_PROBES_PER_TICK, &changed);
	for (i = 0; i < n; i++)
		probe(r, &r->neigh->e[due[i]], unicast[i]);
	if (changed)
		sr_nexthop_publish(r, r->plane);
	sr_health_tick(r, now_ms);
	sr_self_metrics_tick(r, now_ms);
	/* a reload being prepared waits on its new shards' neighbours */
	sr_reload_tick(r, now_ms);
	watch_udp_checksums(r, now_ms);
}

static void *control_thread(void *arg)
{
	struct sr_relay *r = arg;
	const uint64_t ms = rte_get_tsc_hz() / 1000;

	struct pollfd pfd = { .fd = r->learn_fd, .events = POLLIN };

	/* a round a millisecond, or at once when a poller learnt a neighbour
	 * (held packets wait on it) */
	while (!__atomic_load_n(&sr_force_quit, __ATOMIC_RELAXED)) {
		eventfd_t n;

		if (poll(&pfd, 1, CONTROL_PERIOD_US / 1000) > 0)
			(void)eventfd_read(r->learn_fd, &n);
		control_tick(r, rte_rdtsc() / ms);
	}
	return NULL;
}

int sr_control_start(struct sr_relay *r)
{
	int rc = rte_ctrl_thread_create(&r->control_tid, "sr-control", NULL, control_thread, r);

	if (rc != 0) {
		fprintf(stderr, "statsd-relay: cannot start the control thread: %s\n",
			strerror(rc));
		return -1;
	}
	r->control_running = true;
	return 0;
}

void sr_control_stop(struct sr_relay *r)
{
	if (r->control_running)
		pthread_join(r->control_tid, NULL);
	r->control_running = false;
}
