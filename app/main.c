/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * statsd-relay [EAL options] -- [relay options]
 *
 * Exit codes: 0 after a clean stop (signal or --exit-idle), --help, --version;
 * 1 when EAL or the port cannot be set up; 2 for a bad flag, value or config.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "relay.h"
#include "shard/sr_shard_map.h"

#ifndef SR_VERSION
#define SR_VERSION "unknown"
#endif

volatile bool sr_force_quit;

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&sr_force_quit, true, __ATOMIC_RELAXED);
}

static struct sr_relay relay;

/* SIGHUP: re-read --config (reload.c, on the control thread). */
static void on_sighup(int sig)
{
	(void)sig;
	(void)sr_reload_ask(&relay);
}

/*
 * af_packet's kernel reassembles IPv4 fragments before its ring, whose
 * default 2048-byte frames would cut every datagram larger than that
 * (frame_truncated). A --vdev net_af_packet... that names no ring frame
 * size gets frames holding the largest datagram the relay accepts.
 * Rewrites the EAL arguments in place (the strings it adds live until exit).
 */
static int adapt_vdevs(struct sr_relay *r, int argc, char **argv)
{
	const struct sr_port_rx kernel = { .kernel_reassembles = true };
	uint32_t frame = sr_af_packet_frame_for(sr_port_frame_needed(r, &kernel));
	int i;

	for (i = 1; i < argc; i++) {
		bool joined = !strncmp(argv[i], "--vdev=", 7);
		char **slot = joined					     ? &argv[i]
			      : (!strcmp(argv[i], "--vdev") && i + 1 < argc) ? &argv[i + 1]
									     : NULL;
		const char *dev = slot ? *slot + (joined ? 7 : 0) : NULL;
		size_t len;
		char *grown;

		if (!dev || strncmp(dev, "net_af_packet", 13) != 0 || strstr(dev, "framesz=") ||
		    strstr(dev, "blocksz="))
			continue;
		len = strlen(*slot) + 64;
		grown = malloc(len);
		if (!grown)
			return -1;
		snprintf(grown, len, "%s,blocksz=%u,framesz=%u", *slot, frame, frame);
		*slot = grown;
	}
	return 0;
}

/* EAL's own messages for a runtime directory held by another process say
 * little (rte_errno may be 0): name the likely cause and the fix. */
static void eal_failed(int argc, char **argv)
{
	const char *prefix = "rte";
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--file-prefix") && i + 1 < argc)
			prefix = argv[i + 1];
		else if (!strncmp(argv[i], "--file-prefix=", 14))
			prefix = argv[i] + 14;
	}
	if (rte_errno == 0 || rte_errno == EALREADY || rte_errno == EBUSY)
		fprintf(stderr,
			"statsd-relay: EAL initialisation failed: another DPDK process may hold "
			"the file prefix '%s': give this one its own --file-prefix NAME\n",
			prefix);
	else
		fprintf(stderr, "statsd-relay: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
}

/* Index of "--" in argv, or argc when there is none. */
static int find_separator(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--"))
			return i;
	return argc;
}

static int setup_relay(struct sr_relay *r)
{
	r->port_id = r->cfg.port_id;
	r->tx_port = r->cfg.egress_port >= 0 ? (uint16_t)r->cfg.egress_port : r->port_id;
	for (int f = 0; f < SR_FAMILIES; f++) {
		if (!r->cfg.has_listen[f])
			continue;
		r->frame.listen[f] = r->cfg.listen[f].ip;
		r->frame.listen_port[f] = rte_cpu_to_be_16(r->cfg.listen[f].port);
		r->frame.listen_prefix[f] = r->cfg.listen[f].prefix;
		/* what is sent leaves from the listen port, on either side */
		r->frame.send_port[f] = r->egress.send_port[f] = r->frame.listen_port[f];
	}
	/* what is sent comes from the egress address (two-armed) or the listen one */
	for (int f = 0; f < SR_FAMILIES; f++) {
		r->src[f] = r->cfg.has_egress[f] ? r->cfg.egress[f].ip : r->cfg.listen[f].ip;
		if (r->cfg.has_egress[f]) {
			r->egress.listen[f] = r->cfg.egress[f].ip;
			r->egress.listen_port[f] = 1; /* the family is spoken; no StatsD here */
			r->egress.listen_prefix[f] = r->cfg.egress[f].prefix;
		}
	}
	r->egress.no_statsd = true;
	/* two-armed, the egress port is polled for ARP/ND (a reload may add a
	 * shard without mac=, so whenever it is a port of its own) */
	r->poll_egress = r->tx_port != r->port_id;
	r->mtu = r->cfg.mtu;
	r->idle_cycles = rte_get_tsc_hz() / 1000 * r->cfg.exit_idle_ms;
	r->status.generation = 1;
	sr_health_init(r);
	return 0;
}

/* After the ports are up (their MACs known): the first state the pollers read. */
static int setup_plane(struct sr_relay *r)
{
	char err[256];
	uint32_t s;

	r->plane = sr_plane_build(r, &r->cfg, err, sizeof(err));
	if (!r->plane) {
		fprintf(stderr, "statsd-relay: %s\n", err);
		return -1;
	}
	for (s = 0; s < r->plane->n_shards; s++)
		r->slots[r->plane->slot[s]].in_use = true;
	r->plane->generation = r->status.generation;
	sr_nexthop_publish(r, r->plane);
	printf("statsd-relay: ring fingerprint %016" PRIx64 " (%s, %u shards)\n",
	       r->plane->fingerprint, sr_hash_names[r->cfg.hash], r->cfg.n_shards);
	fflush(stdout);
	return 0;
}

/*
 * A pool per port, its mbufs sized for what that port receives (see
 * sr_port_rx_spec); what is sent is built in the sending port's pool, whose
 * mbufs must hold a frame of the MTU (a packet, a fragment).
 */
static int setup_pools(struct sr_relay *r, uint16_t n_queues)
{
	struct sr_port_rx spec[2];
	int i, n = r->tx_port != r->port_id ? 2 : 1;

	for (i = 0; i < n; i++) {
		uint16_t port = i ? r->tx_port : r->port_id;

		if (sr_port_rx_spec(r, port, &spec[i]))
			return -1;
		sr_port_log_rx_limit(r, port, &spec[i]);
		/* two-armed: one pool serves both ports unless the egress one needs
		 * its own (AF_XDP's page-sized chunks, larger af_packet frames) */
		if (i == 1 && strcmp(spec[1].driver, "net_af_xdp") != 0 &&
		    strcmp(spec[0].driver, "net_af_xdp") != 0 &&
		    spec[1].data_room <= spec[0].data_room) {
			r->rx_pool[1] = r->rx_pool[0];
			spec[1].data_room = spec[0].data_room;
			continue;
		}
		r->rx_pool[i] = sr_pool_create(r, i ? "sr_egress" : "sr_rx", n_queues,
					       spec[i].data_room);
		if (!r->rx_pool[i])
			return -1;
	}
	r->pool = r->rx_pool[n - 1];
	if (spec[n - 1].data_room < RTE_ETHER_HDR_LEN + r->cfg.mtu) {
		fprintf(stderr,
			"statsd-relay: port %u (%s) takes buffers of %u bytes: --mtu %u does not fit "
			"(at most %u)\n",
			n == 2 ? r->tx_port : r->port_id, spec[n - 1].driver, spec[n - 1].data_room,
			r->cfg.mtu, spec[n - 1].data_room - RTE_ETHER_HDR_LEN);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sr_relay *r = &relay;
	char err[512];
	int sep = find_separator(argc, argv), i, rc;
	unsigned int lcore, n_pollers = 0;
	bool main_polls;

	r->learn_fd = -1; /* a SIGHUP before the control side exists rings nothing */

	/* --help/--version on the EAL side too, without starting EAL. */
	for (i = 1; i < sep; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			sr_config_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("statsd-relay %s\n", SR_VERSION);
			return 0;
		}
	}
	/* relay options belong after "--": say so rather than "no shard configured" */
	for (i = 1; i < sep; i++)
		if (sr_config_is_option(argv[i])) {
			fprintf(stderr,
				"statsd-relay: %s is a relay option: relay options go after '--' "
				"(statsd-relay [EAL options] -- [relay options])\n",
				argv[i]);
			return 2;
		}
	sr_config_defaults(&r->cfg);
	switch (sr_config_parse(&r->cfg, sep < argc ? argc - sep : 1,
				sep < argc ? argv + sep : argv, err, sizeof(err))) {
	case SR_CONFIG_HELP:
		sr_config_usage(stdout);
		return 0;
	case SR_CONFIG_VERSION:
		printf("statsd-relay %s\n", SR_VERSION);
		return 0;
	case SR_CONFIG_ERROR:
		fprintf(stderr, "statsd-relay: %s\n", err);
		return 2;
	case SR_CONFIG_OK:
		break;
	}
	/* what a reload parses again, with the same flags over the file */
	r->argc = sep < argc ? argc - sep : 1;
	r->argv = sep < argc ? argv + sep : argv;

	if (adapt_vdevs(r, sep, argv)) {
		fprintf(stderr, "statsd-relay: out of memory\n");
		return 1;
	}
	rc = rte_eal_init(sep, argv);
	if (rc < 0) {
		eal_failed(sep, argv);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_sighup);

	/* One lcore polls itself; with more, workers poll and main controls. */
	main_polls = rte_lcore_count() == 1 || r->cfg.main_polls;
	n_pollers = rte_lcore_count() - (main_polls ? 0 : 1);
	if (setup_relay(r) || sr_pkt_meta_register() ||
	    sr_port_check(r->port_id, (uint16_t)n_pollers, (uint16_t)n_pollers) ||
	    (r->tx_port != r->port_id && sr_port_check(r->tx_port, 1, (uint16_t)n_pollers)) ||
	    setup_pools(r, (uint16_t)n_pollers) ||
	    sr_port_init(r, r->port_id, (uint16_t)n_pollers, true, r->rx_pool[0],
			 r->frame.port_mac)) {
		rc = 1;
		goto out;
	}
	memcpy(r->tx_mac, r->frame.port_mac, 6);
	if (r->tx_port != r->port_id &&
	    sr_port_init(r, r->tx_port, (uint16_t)n_pollers, false, r->rx_pool[1], r->tx_mac)) {
		rc = 1;
		goto out_port;
	}
	memcpy(r->egress.port_mac, r->tx_mac, 6);
	if (sr_control_init(r, n_pollers)) {
		fprintf(stderr, "statsd-relay: out of memory for the control side\n");
		rc = 1;
		goto out_port;
	}
	if (setup_plane(r)) {
		rc = 1;
		goto out_port;
	}

	RTE_LCORE_FOREACH(lcore) {
		bool is_main = lcore == rte_get_main_lcore();
		struct sr_poller *p;
		if (is_main && !main_polls)
			continue;
		p = rte_zmalloc_socket("poller", sizeof(*p), RTE_CACHE_LINE_SIZE,
				       (int)rte_lcore_to_socket_id(lcore));
		if (!p || sr_poller_init(p, r, lcore, (uint16_t)r->n_pollers, is_main)) {
			fprintf(stderr, "statsd-relay: out of memory for lcore %u\n", lcore);
			rc = 1;
			goto out_port;
		}
		r->pollers[r->n_pollers++] = p;
	}
	sr_stats_telemetry(r);
	if (sr_control_start(r)) {
		rc = 1;
		goto out_port;
	}
	for (i = 0; i < (int)r->n_pollers; i++)
		if (!r->pollers[i]->is_main)
			rte_eal_remote_launch(sr_poller_run, r->pollers[i], r->pollers[i]->lcore);
	if (main_polls) {
		for (i = 0; i < (int)r->n_pollers; i++)
			if (r->pollers[i]->is_main)
				sr_poller_run(r->pollers[i]);
	} else {
		sr_control_loop(r);
	}
	__atomic_store_n(&sr_force_quit, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	sr_control_stop(r);
	if (r->n_pollers) { /* the last round of our own metrics, after the last burst */
		sr_poller_resume(r->pollers[0]);
		sr_self_metrics_final(r);
	}
	rte_delay_ms(10); /* let the NIC put the last bursts on the wire */

	sr_stats_report(r, stdout);
	rc = 0;
	if (r->cfg.stats_json[0] && sr_stats_write_json(r, r->cfg.stats_json)) {
		fprintf(stderr, "statsd-relay: cannot write %s\n", r->cfg.stats_json);
		rc = 1;
	}
out_port:
	sr_port_close(r->port_id);
	if (r->tx_port != r->port_id)
		sr_port_close(r->tx_port);
out:
	rte_eal_cleanup();
	return rc;
}
