/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/port.c: what the port set-up asks of the PMD, given what the port
 * says it can do (sr_port_check, sr_port_init, sr_pool_create,
 * sr_pkt_meta_register, sr_port_close).
 *
 * No EAL; how the DPDK calls are replaced: every ethdev/mbuf/EAL function
 * port.c calls is wrapped with -Wl,--wrap=SYMBOL (see tests/app/meson.build)
 * and answered by __wrap_SYMBOL below from one fake port (struct fake_port):
 * its rte_eth_dev_info is what the test says the port offers, and the
 * wrappers record what port.c asked for (the rte_eth_conf given to
 * configure, each queue's set-up, start, close). rte_strerror and
 * rte_eth_dev_rx_offload_name are the real functions (no EAL needed).
 * What port.c prints on stderr is captured and compared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_errno.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "relay.h"

#define PORT 5
#define SOCKET 1
#define MAX_Q 8
#define WANT_RX (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM)
#define RX_DESC 1024 /* port.c's ring sizes, before the PMD adjusts them */
#define TX_DESC 1024

/* ---- the fake port the wrappers answer from, and what they saw ---- */

struct fake_port {
	/* what the port offers and how its calls end */
	bool exists;
	struct rte_eth_dev_info info;
	int configure_rc, adjust_rc, start_rc, mac_rc;
	int rxq_fail, txq_fail;		 /* this queue's set-up fails; -1: none */
	uint16_t adjust_rxd, adjust_txd; /* the PMD's descriptor counts; 0: as asked */
	struct rte_ether_addr mac;
	/* what port.c asked */
	unsigned int info_gets, configures, adjusts, starts, stops, closes;
	uint16_t nb_rx, nb_tx;
	struct rte_eth_conf conf;
	unsigned int n_rxq, n_txq;
	struct {
		uint16_t q, nb_desc;
		unsigned int socket;
		struct rte_eth_rxconf conf;
		struct rte_mempool *mp;
	} rxq[MAX_Q];
	struct {
		uint16_t q, nb_desc;
		unsigned int socket;
		struct rte_eth_txconf conf;
	} txq[MAX_Q];
	char order[16]; /* 'S' stop, 'C' close, in the order called */
};

static struct fake_port fp;

/* sr_pool_create's and sr_pkt_meta_register's calls */
static struct {
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int n, cache_size, calls;
	uint16_t priv_size, data_room_size;
	int socket_id;
	bool fail;
} pool_call;
static struct rte_mempool fake_pool; /* only its address is used */
#define FAKE_POOL (&fake_pool)
static struct rte_mbuf_dynfield dynfield_asked;
static int dynfield_answer;

int __wrap_rte_eth_dev_is_valid_port(uint16_t port_id);
uint16_t __wrap_rte_eth_dev_count_avail(void);
int __wrap_rte_eth_dev_info_get(uint16_t port_id, struct rte_eth_dev_info *dev_info);
int __wrap_rte_eth_dev_configure(uint16_t port_id, uint16_t nb_rx_queue, uint16_t nb_tx_queue,
				 const struct rte_eth_conf *eth_conf);
int __wrap_rte_eth_dev_adjust_nb_rx_tx_desc(uint16_t port_id, uint16_t *nb_rx_desc,
					    uint16_t *nb_tx_desc);
int __wrap_rte_eth_rx_queue_setup(uint16_t port_id, uint16_t rx_queue_id, uint16_t nb_rx_desc,
				  unsigned int socket_id, const struct rte_eth_rxconf *rx_conf,
				  struct rte_mempool *mb_pool);
int __wrap_rte_eth_tx_queue_setup(uint16_t port_id, uint16_t tx_queue_id, uint16_t nb_tx_desc,
				  unsigned int socket_id, const struct rte_eth_txconf *tx_conf);
int __wrap_rte_eth_dev_socket_id(uint16_t port_id);
int __wrap_rte_eth_dev_start(uint16_t port_id);
int __wrap_rte_eth_dev_stop(uint16_t port_id);
int __wrap_rte_eth_dev_close(uint16_t port_id);
int __wrap_rte_eth_macaddr_get(uint16_t port_id, struct rte_ether_addr *mac_addr);
struct rte_mempool *__wrap_rte_pktmbuf_pool_create(const char *name, unsigned int n,
						   unsigned int cache_size, uint16_t priv_size,
						   uint16_t data_room_size, int socket_id);
unsigned int __wrap_rte_socket_id(void);
int __wrap_rte_mbuf_dynfield_register(const struct rte_mbuf_dynfield *params);

int __wrap_rte_eth_dev_is_valid_port(uint16_t port_id)
{
	return port_id == PORT && fp.exists;
}

uint16_t __wrap_rte_eth_dev_count_avail(void)
{
	return fp.exists;
}

int __wrap_rte_eth_dev_info_get(uint16_t port_id, struct rte_eth_dev_info *dev_info)
{
	assert_int_equal(port_id, PORT);
	fp.info_gets++;
	*dev_info = fp.info;
	return 0;
}

int __wrap_rte_eth_dev_configure(uint16_t port_id, uint16_t nb_rx_queue, uint16_t nb_tx_queue,
				 const struct rte_eth_conf *eth_conf)
{
	assert_int_equal(port_id, PORT);
	fp.configures++;
	fp.nb_rx = nb_rx_queue;
	fp.nb_tx = nb_tx_queue;
	fp.conf = *eth_conf;
	return fp.configure_rc;
}

int __wrap_rte_eth_dev_adjust_nb_rx_tx_desc(uint16_t port_id, uint16_t *nb_rx_desc,
					    uint16_t *nb_tx_desc)
{
	assert_int_equal(port_id, PORT);
	assert_int_equal(fp.configures, 1); /* after configure */
	fp.adjusts++;
	if (fp.adjust_rxd)
		*nb_rx_desc = fp.adjust_rxd;
	if (fp.adjust_txd)
		*nb_tx_desc = fp.adjust_txd;
	return fp.adjust_rc;
}

int __wrap_rte_eth_rx_queue_setup(uint16_t port_id, uint16_t rx_queue_id, uint16_t nb_rx_desc,
				  unsigned int socket_id, const struct rte_eth_rxconf *rx_conf,
				  struct rte_mempool *mb_pool)
{
	assert_int_equal(port_id, PORT);
	assert_true(fp.n_rxq < MAX_Q);
	fp.rxq[fp.n_rxq].q = rx_queue_id;
	fp.rxq[fp.n_rxq].nb_desc = nb_rx_desc;
	fp.rxq[fp.n_rxq].socket = socket_id;
	fp.rxq[fp.n_rxq].conf = *rx_conf;
	fp.rxq[fp.n_rxq].mp = mb_pool;
	fp.n_rxq++;
	return rx_queue_id == fp.rxq_fail ? -ENOMEM : 0;
}

int __wrap_rte_eth_tx_queue_setup(uint16_t port_id, uint16_t tx_queue_id, uint16_t nb_tx_desc,
				  unsigned int socket_id, const struct rte_eth_txconf *tx_conf)
{
	assert_int_equal(port_id, PORT);
	assert_true(fp.n_txq < MAX_Q);
	fp.txq[fp.n_txq].q = tx_queue_id;
	fp.txq[fp.n_txq].nb_desc = nb_tx_desc;
	fp.txq[fp.n_txq].socket = socket_id;
	fp.txq[fp.n_txq].conf = *tx_conf;
	fp.n_txq++;
	return tx_queue_id == fp.txq_fail ? -ENOMEM : 0;
}

int __wrap_rte_eth_dev_socket_id(uint16_t port_id)
{
	assert_int_equal(port_id, PORT);
	return SOCKET;
}

int __wrap_rte_eth_dev_start(uint16_t port_id)
{
	assert_int_equal(port_id, PORT);
	fp.starts++;
	return fp.start_rc;
}

int __wrap_rte_eth_dev_stop(uint16_t port_id)
{
	assert_int_equal(port_id, PORT);
	fp.stops++;
	strncat(fp.order, "S", sizeof(fp.order) - strlen(fp.order) - 1);
	return 0;
}

int __wrap_rte_eth_dev_close(uint16_t port_id)
{
	assert_int_equal(port_id, PORT);
	fp.closes++;
	strncat(fp.order, "C", sizeof(fp.order) - strlen(fp.order) - 1);
	return 0;
}

int __wrap_rte_eth_macaddr_get(uint16_t port_id, struct rte_ether_addr *mac_addr)
{
	assert_int_equal(port_id, PORT);
	assert_int_equal(fp.starts, 1); /* the port is up */
	*mac_addr = fp.mac;
	return fp.mac_rc;
}

struct rte_mempool *__wrap_rte_pktmbuf_pool_create(const char *name, unsigned int n,
						   unsigned int cache_size, uint16_t priv_size,
						   uint16_t data_room_size, int socket_id)
{
	pool_call.calls++;
	snprintf(pool_call.name, sizeof(pool_call.name), "%s", name);
	pool_call.n = n;
	pool_call.cache_size = cache_size;
	pool_call.priv_size = priv_size;
	pool_call.data_room_size = data_room_size;
	pool_call.socket_id = socket_id;
	if (pool_call.fail) {
		rte_errno = ENOMEM;
		return NULL;
	}
	return FAKE_POOL;
}

unsigned int __wrap_rte_socket_id(void)
{
	return SOCKET;
}

int __wrap_rte_mbuf_dynfield_register(const struct rte_mbuf_dynfield *params)
{
	dynfield_asked = *params;
	if (dynfield_answer < 0)
		rte_errno = ENOSPC;
	return dynfield_answer;
}

/* ---- stderr, captured around a call ---- */

static FILE *cap_file;
static int cap_saved_fd = -1;
static char cap[1024];

static void capture_begin(void)
{
	fflush(stderr);
	cap_file = tmpfile();
	assert_non_null(cap_file);
	cap_saved_fd = dup(STDERR_FILENO);
	assert_true(cap_saved_fd >= 0);
	assert_true(dup2(fileno(cap_file), STDERR_FILENO) >= 0);
}

/* What was printed since capture_begin(), in cap. */
static const char *capture_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(cap_saved_fd, STDERR_FILENO);
	close(cap_saved_fd);
	cap_saved_fd = -1;
	rewind(cap_file);
	n = fread(cap, 1, sizeof(cap) - 1, cap_file);
	cap[n] = '\0';
	fclose(cap_file);
	cap_file = NULL;
	return cap;
}

/* ---- a port that offers everything wanted, MTU 68-9600, 4 queues ---- */

static struct sr_relay relay;
static const uint8_t PORT_MAC[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static int setup(void **state)
{
	(void)state;
	if (cap_saved_fd >= 0) /* a failed test left stderr captured */
		capture_end();
	memset(&fp, 0, sizeof(fp));
	memset(&pool_call, 0, sizeof(pool_call));
	memset(&relay, 0, sizeof(relay));
	fp.exists = true;
	fp.rxq_fail = fp.txq_fail = -1;
	fp.info.max_rx_queues = 4;
	fp.info.max_tx_queues = 4;
	fp.info.min_mtu = 68;
	fp.info.max_mtu = 9600;
	fp.info.rx_offload_capa = WANT_RX | RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
				  RTE_ETH_RX_OFFLOAD_VLAN_STRIP | RTE_ETH_RX_OFFLOAD_SCATTER;
	fp.info.tx_offload_capa = RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	fp.info.flow_type_rss_offloads = RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP;
	/* the PMD's defaults: kept, but for the offloads port.c decides */
	fp.info.default_rxconf.rx_free_thresh = 17;
	fp.info.default_rxconf.rx_drop_en = 1;
	fp.info.default_rxconf.offloads = RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	fp.info.default_txconf.tx_free_thresh = 33;
	fp.info.default_txconf.tx_rs_thresh = 7;
	memcpy(fp.mac.addr_bytes, PORT_MAC, 6);
	relay.cfg.mtu = RTE_ETHER_MTU;
	relay.cfg.n_shards = 2;
	relay.pool = FAKE_POOL;
	return 0;
}

/* sr_port_init, stderr captured into cap. */
static int port_init(uint16_t n_queues, bool receives, uint8_t mac[6])
{
	int rc;

	capture_begin();
	rc = sr_port_init(&relay, PORT, n_queues, receives, FAKE_POOL, mac);
	capture_end();
	return rc;
}

/* ---- RX offloads: what is wanted, masked with what the port has ---- */

static void test_rx_offloads_masked(void **state)
{
	static const struct {
		uint64_t capa, want;
		const char *log; /* the one line, or "" */
	} cases[] = {
		{ WANT_RX | RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_VLAN_STRIP |
			  RTE_ETH_RX_OFFLOAD_TIMESTAMP,
		  WANT_RX, "" },
		{ WANT_RX, WANT_RX, "" },
		{ RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM,
		  RTE_ETH_RX_OFFLOAD_IPV4_CKSUM,
		  "statsd-relay: port 5 lacks RX offload UDP_CKSUM: checksums verified in software\n" },
		{ RTE_ETH_RX_OFFLOAD_UDP_CKSUM, RTE_ETH_RX_OFFLOAD_UDP_CKSUM,
		  "statsd-relay: port 5 lacks RX offload IPV4_CKSUM: checksums verified in software\n" },
		{ 0, 0,
		  "statsd-relay: port 5 lacks RX offload IPV4_CKSUM UDP_CKSUM: checksums verified in "
		  "software\n" },
		{ RTE_ETH_RX_OFFLOAD_SCATTER | RTE_ETH_RX_OFFLOAD_OUTER_UDP_CKSUM, 0,
		  "statsd-relay: port 5 lacks RX offload IPV4_CKSUM UDP_CKSUM: checksums verified in "
		  "software\n" },
	};
	uint8_t mac[6];

	(void)state;
	for (size_t c = 0; c < RTE_DIM(cases); c++) {
		setup(NULL);
		fp.info.rx_offload_capa = cases[c].capa;
		assert_int_equal(port_init(2, true, mac), 0);
		if (fp.conf.rxmode.offloads != cases[c].want)
			fail_msg("case %zu: offloads %#llx, want %#llx", c,
				 (unsigned long long)fp.conf.rxmode.offloads,
				 (unsigned long long)cases[c].want);
		assert_int_equal(fp.conf.txmode.offloads, 0);
		assert_int_equal(fp.n_rxq, 2);
		for (unsigned int q = 0; q < fp.n_rxq; q++) {
			/* each queue gets the same masked offloads, not the PMD's default */
			assert_int_equal(fp.rxq[q].conf.offloads, cases[c].want);
			assert_int_equal(fp.rxq[q].conf.rx_free_thresh, 17);
			assert_int_equal(fp.rxq[q].conf.rx_drop_en, 1);
		}
		assert_string_equal(cap, cases[c].log);
	}
}

/* The egress port of a two-armed relay receives nothing of ours: one RX
 * queue, no offloads, no RSS, nothing to say about missing offloads. */
static void test_egress_port_wants_nothing(void **state)
{
	uint8_t mac[6];

	(void)state;
	fp.info.max_rx_queues = 1;
	assert_int_equal(port_init(4, false, mac), 0);
	assert_int_equal(fp.nb_rx, 1);
	assert_int_equal(fp.nb_tx, 4);
	assert_int_equal(fp.conf.rxmode.offloads, 0);
	assert_int_equal(fp.conf.rxmode.mq_mode, RTE_ETH_MQ_RX_NONE);
	assert_int_equal(fp.conf.rx_adv_conf.rss_conf.rss_hf, 0);
	assert_int_equal(fp.n_rxq, 1);
	assert_int_equal(fp.rxq[0].q, 0);
	assert_int_equal(fp.rxq[0].conf.offloads, 0);
	assert_int_equal(fp.n_txq, 4);
	assert_string_equal(cap, "");

	setup(NULL);
	fp.info.rx_offload_capa = 0;
	assert_int_equal(port_init(1, false, mac), 0);
	assert_string_equal(cap, "");
}

/* ---- RSS: only with more than one queue, only the fields the port hashes ---- */

static void test_rss(void **state)
{
	static const struct {
		uint16_t n_queues;
		uint64_t capa;
		enum rte_eth_rx_mq_mode mq;
		uint64_t hf;
	} cases[] = {
		{ 1, RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP, RTE_ETH_MQ_RX_NONE, 0 },
		{ 2, 0, RTE_ETH_MQ_RX_NONE, 0 },
		{ 2, RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_SCTP,
		  RTE_ETH_MQ_RX_RSS, RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP },
		{ 4, RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV4_TCP,
		  RTE_ETH_MQ_RX_RSS, RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_UDP },
		{ 3, RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_L2_PAYLOAD, RTE_ETH_MQ_RX_RSS,
		  RTE_ETH_RSS_IPV6 },
		/* the port hashes nothing StatsD varies in: no RSS with an empty field set */
		{ 2, RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_L2_PAYLOAD, RTE_ETH_MQ_RX_NONE, 0 },
	};
	uint8_t mac[6];

	(void)state;
	for (size_t c = 0; c < RTE_DIM(cases); c++) {
		setup(NULL);
		fp.info.flow_type_rss_offloads = cases[c].capa;
		assert_int_equal(port_init(cases[c].n_queues, true, mac), 0);
		assert_int_equal(fp.nb_rx, cases[c].n_queues);
		if (fp.conf.rxmode.mq_mode != cases[c].mq ||
		    fp.conf.rx_adv_conf.rss_conf.rss_hf != cases[c].hf)
			fail_msg("case %zu: mq_mode %d rss_hf %#llx, want %d %#llx", c,
				 (int)fp.conf.rxmode.mq_mode,
				 (unsigned long long)fp.conf.rx_adv_conf.rss_conf.rss_hf,
				 (int)cases[c].mq, (unsigned long long)cases[c].hf);
		assert_null(fp.conf.rx_adv_conf.rss_conf.rss_key); /* the PMD's own key */
	}
}

/* ---- MTU: within the port's [min_mtu, max_mtu], else refused before configure ---- */

static void test_mtu(void **state)
{
	static const struct {
		uint32_t mtu;
		uint16_t min, max;
		int rc;
		uint32_t conf_mtu; /* given to configure; 0: the port's default */
	} cases[] = {
		{ RTE_ETHER_MTU, 68, 9600, 0, 0 }, /* the default: not set */
		{ 9000, 68, 9600, 0, 9000 },	   /* jumbo */
		{ 9600, 68, 9600, 0, 9600 },	   /* the top of the range */
		{ 9601, 68, 9600, -1, 0 },	   /* above */
		{ 9000, 68, 1500, -1, 0 },	   /* a port without jumbo frames */
		{ 1280, 1280, 1500, 0, 1280 },	   /* the bottom of the range */
		{ 1279, 1280, 1500, -1, 0 },	   /* below */
		{ 576, 68, 1500, 0, 576 },
	};
	uint8_t mac[6];
	char want[128];

	(void)state;
	for (size_t c = 0; c < RTE_DIM(cases); c++) {
		setup(NULL);
		relay.cfg.mtu = cases[c].mtu;
		fp.info.min_mtu = cases[c].min;
		fp.info.max_mtu = cases[c].max;
		if (port_init(2, true, mac) != cases[c].rc)
			fail_msg("case %zu: MTU %u in [%u, %u]: rc %d wanted", c, cases[c].mtu,
				 cases[c].min, cases[c].max, cases[c].rc);
		if (cases[c].rc == 0) {
			assert_int_equal(fp.configures, 1);
			assert_int_equal(fp.conf.rxmode.mtu, cases[c].conf_mtu);
			assert_int_equal(fp.starts, 1);
			assert_string_equal(cap, "");
		} else {
			assert_int_equal(fp.configures, 0); /* refused before anything is set */
			assert_int_equal(fp.starts, 0);
			snprintf(want, sizeof(want),
				 "statsd-relay: port 5 takes an MTU of %u-%u, not %u\n",
				 cases[c].min, cases[c].max, cases[c].mtu);
			assert_string_equal(cap, want);
		}
	}
}

/* ---- queues: a port without one per poller is refused ---- */

static void test_port_check(void **state)
{
	static const struct {
		uint16_t max_rx, max_tx, n_rx, n_tx;
		int rc;
	} cases[] = {
		{ 4, 4, 4, 4, 0 },  { 4, 4, 1, 1, 0 }, { 8, 2, 2, 2, 0 },  { 4, 4, 5, 4, -1 },
		{ 4, 4, 4, 5, -1 }, { 1, 4, 1, 4, 0 }, { 1, 4, 2, 4, -1 }, { 0, 0, 1, 1, -1 },
	};

	(void)state;
	for (size_t c = 0; c < RTE_DIM(cases); c++) {
		int rc;

		setup(NULL);
		fp.info.max_rx_queues = cases[c].max_rx;
		fp.info.max_tx_queues = cases[c].max_tx;
		capture_begin();
		rc = sr_port_check(PORT, cases[c].n_rx, cases[c].n_tx);
		capture_end();
		if (rc != cases[c].rc)
			fail_msg("case %zu: %u/%u queues for %u/%u: rc %d, want %d", c,
				 cases[c].max_rx, cases[c].max_tx, cases[c].n_rx, cases[c].n_tx, rc,
				 cases[c].rc);
		assert_int_equal(strlen(cap) > 0, rc != 0); /* a refusal says why */
	}

	/* no such port: refused before its info is asked */
	setup(NULL);
	fp.exists = false;
	capture_begin();
	assert_int_equal(sr_port_check(PORT, 1, 1), -1);
	capture_end();
	assert_int_equal(fp.info_gets, 0);
	assert_string_equal(cap, "statsd-relay: port 5 does not exist (0 ports)\n");
}

/* sr_port_init checks the queues itself: too few, nothing is configured. */
static void test_init_too_few_queues(void **state)
{
	uint8_t mac[6];

	(void)state;
	fp.info.max_rx_queues = 2;
	assert_int_equal(port_init(3, true, mac), -1);
	assert_int_equal(fp.configures, 0);
	assert_string_equal(
		cap, "statsd-relay: port 5 has 2 RX / 4 TX queues, 3 pollers need one each\n");

	setup(NULL);
	fp.info.max_tx_queues = 2;
	assert_int_equal(port_init(3, false, mac), -1); /* egress: TX queues still count */
	assert_int_equal(fp.configures, 0);

	setup(NULL);
	fp.exists = false;
	assert_int_equal(port_init(1, true, mac), -1);
	assert_int_equal(fp.configures, 0);
}

/* ---- the set-up calls: counts, order, and what each is given ---- */

static void test_setup_calls(void **state)
{
	uint8_t mac[6] = { 0 };

	(void)state;
	fp.adjust_rxd = 512;
	fp.adjust_txd = 256;
	assert_int_equal(port_init(3, true, mac), 0);
	assert_int_equal(fp.configures, 1);
	assert_int_equal(fp.nb_rx, 3);
	assert_int_equal(fp.nb_tx, 3);
	assert_int_equal(fp.adjusts, 1);
	assert_int_equal(fp.n_rxq, 3);
	assert_int_equal(fp.n_txq, 3);
	for (uint16_t q = 0; q < 3; q++) {
		assert_int_equal(fp.rxq[q].q, q);
		assert_int_equal(fp.rxq[q].nb_desc, 512); /* as the PMD adjusted them */
		assert_int_equal(fp.rxq[q].socket, SOCKET);
		assert_ptr_equal(fp.rxq[q].mp, FAKE_POOL);
		assert_int_equal(fp.txq[q].q, q);
		assert_int_equal(fp.txq[q].nb_desc, 256);
		assert_int_equal(fp.txq[q].socket, SOCKET);
		assert_int_equal(fp.txq[q].conf.tx_free_thresh, 33); /* the PMD's defaults */
		assert_int_equal(fp.txq[q].conf.tx_rs_thresh, 7);
		assert_int_equal(fp.txq[q].conf.offloads, 0);
	}
	assert_int_equal(fp.starts, 1);
	assert_memory_equal(mac, PORT_MAC, 6);
	assert_string_equal(cap, "");

	/* the PMD keeps our ring sizes */
	setup(NULL);
	assert_int_equal(port_init(1, true, mac), 0);
	assert_int_equal(fp.rxq[0].nb_desc, RX_DESC);
	assert_int_equal(fp.txq[0].nb_desc, TX_DESC);
}

/* A failing step stops the set-up there: nothing after it is called, the
 * MAC is not written, one line says so. */
static void test_setup_failures(void **state)
{
	static const uint8_t untouched[6] = { 9, 9, 9, 9, 9, 9 };
	static const struct {
		const char *what;
		int configure_rc, adjust_rc, rxq_fail, txq_fail, start_rc, mac_rc;
		unsigned int n_rxq, n_txq, starts;
		int err; /* in the message */
	} cases[] = {
		{ "configure", -EINVAL, 0, -1, -1, 0, 0, 0, 0, 0, EINVAL },
		{ "adjust", 0, -EINVAL, -1, -1, 0, 0, 0, 0, 0, EINVAL },
		{ "rx queue 0", 0, 0, 0, -1, 0, 0, 1, 0, 0, ENOMEM },
		{ "rx queue 1", 0, 0, 1, -1, 0, 0, 2, 1, 0, ENOMEM },
		{ "tx queue 2", 0, 0, -1, 2, 0, 0, 3, 3, 0, ENOMEM },
		{ "start", 0, 0, -1, -1, -EIO, 0, 3, 3, 1, EIO },
		{ "macaddr", 0, 0, -1, -1, 0, -ENOTSUP, 3, 3, 1, ENOTSUP },
	};
	uint8_t mac[6];
	char want[128];

	(void)state;
	for (size_t c = 0; c < RTE_DIM(cases); c++) {
		setup(NULL);
		fp.configure_rc = cases[c].configure_rc;
		fp.adjust_rc = cases[c].adjust_rc;
		fp.rxq_fail = cases[c].rxq_fail;
		fp.txq_fail = cases[c].txq_fail;
		fp.start_rc = cases[c].start_rc;
		fp.mac_rc = cases[c].mac_rc;
		memcpy(mac, untouched, 6);
		if (port_init(3, true, mac) != -1)
			fail_msg("%s failing: set-up went on", cases[c].what);
		if (fp.n_rxq != cases[c].n_rxq || fp.n_txq != cases[c].n_txq ||
		    fp.starts != cases[c].starts)
			fail_msg("%s failing: %u rx, %u tx set-ups, %u starts; want %u %u %u",
				 cases[c].what, fp.n_rxq, fp.n_txq, fp.starts, cases[c].n_rxq,
				 cases[c].n_txq, cases[c].starts);
		assert_memory_equal(mac, untouched, 6);
		snprintf(want, sizeof(want), "statsd-relay: port 5 set-up failed: %s\n",
			 rte_strerror(cases[c].err));
		assert_string_equal(cap, want);
	}
}

/* ---- the pool, the mbuf field, closing ---- */

static void test_pool_create(void **state)
{
	struct rte_mempool *mp;
	unsigned int n2, n3;

	(void)state;
	mp = sr_pool_create(&relay, "sr_rx", 2, 9216);
	assert_ptr_equal(mp, FAKE_POOL);
	assert_int_equal(pool_call.calls, 1);
	assert_string_equal(pool_call.name, "sr_rx");
	assert_int_equal(pool_call.priv_size, 0);
	assert_int_equal(pool_call.socket_id, SOCKET);
	assert_int_equal(pool_call.data_room_size, RTE_PKTMBUF_HEADROOM + 9216);
	/* enough for both queues' rings, every held packet, reassembly and caches */
	n2 = pool_call.n;
	assert_true(n2 >= 2 * (RX_DESC + 2 * TX_DESC + SR_POOL_SHARDS * (1 + SR_HOLD) +
			       SR_FRAG_ENTRIES + pool_call.cache_size));
	assert_true(pool_call.cache_size > 0 && pool_call.cache_size <= RTE_MEMPOOL_CACHE_MAX_SIZE);
	assert_true(pool_call.cache_size * 3 / 2 <= n2); /* what the mempool accepts */

	/* room for SR_POOL_SHARDS shards at least (a reload may add some);
	 * beyond, a shard more: its open and held packets on each queue */
	relay.cfg.n_shards = SR_POOL_SHARDS;
	assert_non_null(sr_pool_create(&relay, "sr_rx", 2, 2048));
	assert_int_equal(pool_call.n, n2);
	relay.cfg.n_shards = SR_POOL_SHARDS + 1;
	assert_non_null(sr_pool_create(&relay, "sr_rx", 2, 2048));
	n3 = pool_call.n;
	assert_int_equal(n3 - n2, 2 * (1 + SR_HOLD));
	assert_int_equal(pool_call.data_room_size, RTE_PKTMBUF_HEADROOM + 2048);

	pool_call.fail = true;
	capture_begin();
	assert_null(sr_pool_create(&relay, "sr_rx", 2, 2048));
	capture_end();
	assert_non_null(strstr(cap, "statsd-relay: cannot create a pool of "));
}

/* ---- what each kind of port receives into ---- */

static struct rte_devargs devargs;
const struct rte_devargs *__wrap_rte_dev_devargs(const struct rte_device *dev);
const struct rte_devargs *__wrap_rte_dev_devargs(const struct rte_device *dev)
{
	(void)dev;
	return &devargs;
}

static void test_rx_spec(void **state)
{
	static struct {
		int dummy;
	} a_device;
	struct sr_port_rx spec;

	(void)state;
	fp.info.device = (struct rte_device *)(void *)&a_device;
	fp.info.max_rx_pktlen = 9618;
	/* a NIC or net_pcap: a jumbo frame in one buffer, or the MTU's if larger */
	fp.info.driver_name = "net_ixgbe";
	assert_int_equal(sr_port_rx_spec(&relay, PORT, &spec), 0);
	assert_int_equal(spec.data_room, 9216);
	assert_false(spec.kernel_reassembles);
	relay.cfg.mtu = 9500;
	assert_int_equal(sr_port_rx_spec(&relay, PORT, &spec), 0);
	assert_int_equal(spec.data_room, 9500 + 32);
	relay.cfg.mtu = 1500;
	/* AF_XDP: chunks of at most a page */
	fp.info.driver_name = "net_af_xdp";
	fp.info.max_rx_pktlen = 3306;
	assert_int_equal(sr_port_rx_spec(&relay, PORT, &spec), 0);
	assert_int_equal(spec.data_room, RTE_MBUF_DEFAULT_DATAROOM);
	assert_int_equal(spec.frame_max, 3306);
	/* af_packet: a whole ring frame in one buffer (framesz less its header) */
	fp.info.driver_name = "net_af_packet";
	devargs.args = "iface=r0,blocksz=16384,framesz=16384,framecnt=512";
	assert_int_equal(sr_port_rx_spec(&relay, PORT, &spec), 0);
	assert_true(spec.kernel_reassembles);
	assert_int_equal(spec.frame_max, 16384 - 32);
	assert_int_equal(spec.data_room, 16384 - 32);
	devargs.args = "iface=r0"; /* the PMD's own 2048 */
	assert_int_equal(sr_port_rx_spec(&relay, PORT, &spec), 0);
	assert_int_equal(spec.frame_max, 2048 - 32);
	assert_int_equal(spec.data_room, RTE_MBUF_DEFAULT_DATAROOM);
}

/* One line when a port cannot take what the relay accepts, naming the fix. */
static void test_rx_limit_logged(void **state)
{
	struct sr_port_rx spec = { .driver = "net_af_packet", .kernel_reassembles = true };

	(void)state;
	relay.cfg.mtu = 1500;
	relay.cfg.has_listen[SR_V4] = true;
	/* af_packet: the kernel reassembles, so the largest datagram accepted must fit */
	spec.frame_max = 2016;
	capture_begin();
	sr_port_log_rx_limit(&relay, PORT, &spec);
	capture_end();
	assert_non_null(strstr(cap, "ring frames hold 2016 bytes"));
	assert_non_null(strstr(cap, "framesz=12288,blocksz=12288"));
	spec.frame_max = sr_port_frame_needed(&relay, &spec);
	capture_begin();
	sr_port_log_rx_limit(&relay, PORT, &spec);
	capture_end();
	assert_string_equal(cap, "");
	/* a port that hands fragments: a frame of the MTU is enough */
	spec = (struct sr_port_rx){ .driver = "net_af_xdp", .frame_max = 1518 };
	capture_begin();
	sr_port_log_rx_limit(&relay, PORT, &spec);
	capture_end();
	assert_string_equal(cap, "");
	spec.frame_max = 1400;
	capture_begin();
	sr_port_log_rx_limit(&relay, PORT, &spec);
	capture_end();
	assert_non_null(strstr(cap, "receives frames of up to 1400 bytes, --mtu 1500 needs 1518"));
}

static void test_pkt_meta_register(void **state)
{
	(void)state;
	dynfield_answer = 40;
	assert_int_equal(sr_pkt_meta_register(), 0);
	assert_int_equal(sr_pkt_meta_offset, 40);
	assert_string_equal(dynfield_asked.name, "statsd_relay_pkt_meta");
	assert_int_equal(dynfield_asked.size, sizeof(struct sr_pkt_meta));
	assert_int_equal(dynfield_asked.align, __alignof__(struct sr_pkt_meta));

	dynfield_answer = -1;
	capture_begin();
	assert_int_equal(sr_pkt_meta_register(), -1);
	capture_end();
	assert_true(sr_pkt_meta_offset < 0);
	assert_non_null(strstr(cap, "statsd-relay: cannot register an mbuf field: "));
}

static void test_port_close(void **state)
{
	(void)state;
	sr_port_close(PORT);
	assert_string_equal(fp.order, "SC"); /* stopped, then closed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rx_offloads_masked, setup),
		cmocka_unit_test_setup(test_egress_port_wants_nothing, setup),
		cmocka_unit_test_setup(test_rss, setup),
		cmocka_unit_test_setup(test_mtu, setup),
		cmocka_unit_test_setup(test_port_check, setup),
		cmocka_unit_test_setup(test_init_too_few_queues, setup),
		cmocka_unit_test_setup(test_setup_calls, setup),
		cmocka_unit_test_setup(test_setup_failures, setup),
		cmocka_unit_test_setup(test_pool_create, setup),
		cmocka_unit_test_setup(test_rx_spec, setup),
		cmocka_unit_test_setup(test_rx_limit_logged, setup),
		cmocka_unit_test_setup(test_pkt_meta_register, setup),
		cmocka_unit_test_setup(test_port_close, setup),
	};

	return cmocka_run_group_tests_name("app_port", tests, NULL, NULL);
}
