/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * State shared by the app's pieces. The control side (main lcore) builds a
 * struct sr_relay before the pollers start; pollers only read it. Each
 * poller owns one struct sr_poller and is its only writer.
 */
#ifndef SR_APP_RELAY_H
#define SR_APP_RELAY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ip_frag.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "net/sr_frag_guard.h"
#include "net/sr_frame.h"
#include "net/sr_health.h"
#include "net/sr_neigh.h"
#include "net/sr_rewrite.h"
#include "sr_config.h"
#include "sr_counters.h"
#include "statsd/sr_coalesce.h"
#include "statsd/sr_payload.h"

#define SR_BURST 32
#define SR_REFS_MAX 256	     /* valid lines held per scan step */
#define SR_SCRATCH_LEN 65536 /* linear copy of a multi-segment datagram (any UDP datagram) */
#define SR_HOLD 8	     /* packets held per shard while its neighbour resolves */
#define SR_HOLD_MS 3000	     /* ... at most this long */
#define SR_FRAG_ENTRIES 1024 /* datagrams being reassembled per queue */
#define SR_FRAG_MS 1000	     /* ... at most this long */
#define SR_POOL_SHARDS 128   /* shards the pool has room for at least (reloads add some) */

/*
 * What the pollers read of the configuration, published as one pointer that
 * each poller loads once per burst. Built on the control side (plane.c), at
 * start and for each reload; a poller that finds a new one finishes what it
 * built under the old (open packets, held ones) before taking it, and the
 * old one is freed once every poller has reported quiescent (rte_rcu_qsbr).
 */
struct sr_plane {
	struct sr_payload_cfg payload;	/* parse rules, key mode, shard map */
	const struct sr_hdr_tmpl *tmpl; /* [n_shards] outgoing headers */
	/* Next-hop MAC per shard (sr_neigh_word): written by the control
	 * side, read by every poller with one atomic load. */
	uint64_t *nh_word;	   /* [n_shards] */
	const uint16_t *slot;	   /* [n_shards] where the shard's figures are counted */
	struct sr_frame_ctx frame; /* what is taken in: listen addresses, --allow */
	uint64_t flush_cycles;	   /* --flush-us */
	uint32_t n_shards;
	bool all_down; /* every shard down (reshard): lines are line_no_shard */
	/* Read by the control side only. */
	uint32_t generation; /* config_generation of this state */
	uint64_t fingerprint;
	int *shard_neigh; /* [n_shards] -> neighbour entry */
	struct sr_prefix allow[SR_MAX_ALLOW];
};

/*
 * What a poller knows of a packet it sends, kept in an mbuf dynamic field
 * so that a packet the PMD refuses can be counted back.
 */
enum sr_pkt_piece {
	SR_PKT_WHOLE,	   /* a packet as it is sent */
	SR_PKT_FRAG_FIRST, /* the first fragment of a datagram (its lines and bytes) */
	SR_PKT_FRAG_MORE,  /* a later fragment of the same datagram */
};

struct sr_pkt_meta {
	uint32_t lines; /* StatsD lines carried; 0: an answer or a request of ours */
	uint32_t shard; /* the slot its figures are counted in (struct sr_plane.slot) */
	uint32_t bytes; /* UDP payload bytes of the datagram */
	uint8_t piece;	/* enum sr_pkt_piece */
};

extern int sr_pkt_meta_offset; /* registered by sr_pkt_meta_register() */

static inline struct sr_pkt_meta *sr_pkt_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, sr_pkt_meta_offset, struct sr_pkt_meta *);
}

/* Packets of a shard waiting for its next hop's MAC. */
struct sr_held {
	struct rte_mbuf *m[SR_HOLD];
	uint64_t since; /* TSC of the oldest */
	uint8_t n;
};

/* What a poller tells the control side: a neighbour seen (to learn), or
 * what the health checks hear (net/sr_health.h). */
enum sr_ctl_msg_kind {
	SR_MSG_LEARN,	    /* ip is at mac */
	SR_MSG_ECHO_REPLY,  /* ip answered echo seq */
	SR_MSG_UNREACHABLE, /* ip:port answered a datagram of ours with port unreachable */
};

struct sr_ctl_msg {
	uint8_t kind; /* enum sr_ctl_msg_kind */
	uint8_t mac[6];
	struct sr_ip ip;
	uint16_t port; /* host order */
	uint16_t seq;
	uint8_t pad[3]; /* ring elements are multiples of 4 bytes */
};

struct sr_poller {
	unsigned int lcore;
	uint16_t rxq, txq;
	bool is_main;
	struct sr_relay *relay;	      /* read only */
	const struct sr_plane *plane; /* as loaded for the burst being handled */
	struct rte_eth_dev_tx_buffer *txb;
	struct sr_counters ctr;
	struct sr_shard_counters *shard_ctr; /* [SR_MAX_SHARDS] by slot */
	struct sr_coalescer co;		     /* per-shard packets being filled */
	struct sr_coalescer self_co;	     /* ... with our own lines (self metrics) */
	struct sr_counters self_scan;	     /* their scan's counts: not the relay's */
	struct sr_held *held;		     /* [SR_MAX_SHARDS] by plane index */
	uint32_t n_held;
	struct rte_ip_frag_tbl *frags;
	struct rte_ip_frag_death_row death_row;
	struct sr_frag_guard frag_guard; /* duplicates and overlaps, before the table */
	unsigned int qs_id;		 /* its reader id in the relay's rte_rcu_qsbr */
	bool io_mode, record_cycles;
	uint64_t busy_cycles;  /* --record-cycles: TSC spent on bursts that carried frames */
	uint64_t rx_gap_max;   /* longest time between two RX bursts (TSC) */
	uint64_t planes_taken; /* published states taken after the first */
	uint64_t take_max;     /* ... the longest a take lasted (TSC) */
	uint64_t start_tsc;
	uint64_t last_rx_tsc; /* read by the main lcore for --exit-idle */
	uint64_t next_flush_tsc;
	uint8_t *scratch;    /* a received chain read linearly */
	uint8_t *tx_scratch; /* a datagram being fragmented or built */
	uint32_t next_ip_id; /* identification of the next fragmented datagram */
	struct sr_line_ref refs[SR_REFS_MAX];
} __rte_cache_aligned;

/* Where a shard's figures are counted: a slot keeps its figures across
 * reloads as long as the shard keeps its name or its address. */
struct sr_slot {
	bool in_use;
	struct sr_shard_counters base; /* figures of the slot's earlier shards */
};

/* A shard a reload removed: its figures stay in the report. */
struct sr_removed_shard {
	char id[64];
	char name[128];
	struct sr_shard_counters ctr;
	uint64_t probes_sent; /* the health checks' empty datagrams to it */
};

enum sr_reload_outcome {
	SR_RELOAD_NONE,
	SR_RELOAD_APPLIED,
	SR_RELOAD_REJECTED,
	SR_RELOAD_NOTHING, /* no --config to re-read */
};

/* The reloads asked for and done (reload.c); read under view_lock. */
struct sr_reload_status {
	uint64_t reloads;	  /* applied */
	uint64_t reload_failures; /* rejected */
	uint32_t generation;	  /* config_generation: 1 at start */
	enum sr_reload_outcome last;
	uint64_t last_unix; /* time of the last reload asked for (s); 0: none */
	char last_reason[256];
	enum sr_reload_outcome answer; /* of the request answered last */
	uint32_t asked, done;	       /* requests (SIGHUP, telemetry) and those answered */
};

struct sr_reload; /* a reload in progress, reload.c's own */

/* A shard's health (health.c), by slot: it follows the shard. */
struct sr_shard_health {
	struct sr_health h;
	uint64_t down_mark;	   /* the slot's lines when it went down */
	uint64_t lines_while_down; /* lines sent to it while down, before now */
};

struct sr_relay {
	/* The configuration in force (the control thread swaps it under
	 * view_lock; pollers read only the plane). */
	struct sr_config cfg;
	int argc; /* the relay's arguments, re-read by a reload */
	char **argv;
	uint16_t port_id;		/* receives; answers ARP, ND, ICMP */
	uint16_t tx_port;		/* sends StatsD: port_id, or --egress-port */
	uint8_t tx_mac[6];		/* its MAC: the source of what is sent */
	struct sr_ip src[SR_FAMILIES];	/* source address of what is sent, per family */
	struct sr_frame_ctx egress;	/* two-armed: ARP/ND/ICMP on the egress port */
	bool poll_egress;		/* ... whose neighbours are resolved there */
	struct rte_mempool *pool;	/* what is sent is built in: the sending port's */
	struct rte_mempool *rx_pool[2]; /* [0] the receiving port's, [1] the egress port's */
	uint32_t mtu;			/* largest IP packet sent whole */
	struct sr_frame_ctx frame;	/* the receiving side, before --allow (plane.c copies it) */
	struct sr_plane *plane;		/* published: pollers load it once per burst */
	struct rte_rcu_qsbr *qsv;	/* pollers' quiescent states, for freeing a plane */
	struct rte_ring *learn;	 /* pollers -> control: neighbours seen, health (sr_ctl_msg) */
	struct rte_ring *ctl_tx; /* control -> first poller: frames to send (ARP, ND) */
	int learn_fd;		 /* ... and its doorbell: the control thread wakes at once */
	pthread_t control_tid;
	bool control_running;
	/* Control side, on its thread (control.c, reload.c): owned there. */
	struct sr_neigh_table *neigh;
	struct sr_reload *reload;		    /* in progress, or NULL */
	uint64_t bad_cksum_seen, bad_cksum_said_ms; /* watch_udp_checksums() */
	/* What readers outside the control thread (telemetry, the exit report)
	 * see of it: cfg, plane, slots, removed, status. */
	pthread_mutex_t view_lock;
	struct sr_slot slots[SR_MAX_SHARDS];
	struct sr_removed_shard removed[SR_MAX_SHARDS];
	uint32_t n_removed;
	struct sr_reload_status status;
	struct sr_shard_health health[SR_MAX_SHARDS];
	struct sr_health_cfg health_cfg;
	uint64_t next_check_ms; /* the next health check (0: first round to come) */
	uint16_t echo_seq;	/* of this interval's echo probes */
	bool placement_stale;	/* a shard changed state: a placement without the down is due */
	/* self_metrics.c, on the control thread */
	struct rte_ring *self_rx; /* control -> first poller: datagrams of our own lines */
	uint64_t self_lines;	  /* lines of ours emitted (self_metrics_lines) */
	uint64_t self_lost_lines; /* ... of which the first poller had no room for */
	uint64_t self_next_ms;
	struct sr_counters self_last;  /* what the last round said */
	struct sr_counters stats_last; /* --stats-interval */
	uint64_t stats_last_ms;
	uint64_t idle_cycles;
	unsigned int n_pollers;
	struct sr_poller *pollers[RTE_MAX_LCORE];
};

/* Set by SIGINT/SIGTERM or --exit-idle; pollers stop at their next turn. */
extern volatile bool sr_force_quit;

/* nexthop.c */
/* The neighbour entry shard s of cfg is sent through (added when new). */
int sr_nexthop_bind(struct sr_relay *r, const struct sr_config *cfg, uint32_t s);
/* The next-hop word of every shard of a plane, from the neighbour table. */
void sr_nexthop_publish(struct sr_relay *r, struct sr_plane *pl);

/* slots.c */
/* The poller counters summed. */
void sr_counters_sum(const struct sr_relay *r, struct sr_counters *t);
/* A shard's figures now: its slot summed over pollers, less earlier owners'. */
struct sr_shard_counters sr_slot_figures(const struct sr_relay *r, uint16_t slot);

/* plane.c */
/* A state for the pollers from cfg (NULL with a reason in err): its map,
 * headers, neighbour entries (added to r->neigh) and slots (slot[i] given,
 * or when NULL matched against the plane in force by name, then address). */
struct sr_plane *sr_plane_build(struct sr_relay *r, const struct sr_config *cfg, char *err,
				size_t errlen);
void sr_plane_free(struct sr_plane *pl);
/* The share of keys that a move from a to b sends to another shard (by
 * name), and whether it is exact (the Maglev tables compared entry by
 * entry) rather than sampled. */
double sr_plane_moved(const struct sr_plane *a, const struct sr_config *ca,
		      const struct sr_plane *b, const struct sr_config *cb, bool *exact);

/* health.c (on the control thread; readers lock view_lock) */
void sr_health_init(struct sr_relay *r);
void sr_health_hear(struct sr_relay *r, const struct sr_ctl_msg *msg, uint64_t now_ms);
void sr_health_tick(struct sr_relay *r, uint64_t now_ms);
bool sr_shard_down(const struct sr_relay *r, uint16_t slot);
uint64_t sr_shard_lines_while_down(const struct sr_relay *r, uint16_t slot);
/* The operator (telemetry): drain NAME (its name on the ring or address) or
 * give it back to the checks; its state now in state. -1: no such shard. */
int sr_health_drain(struct sr_relay *r, const char *name, bool drain, char *state, size_t len);

/* reload.c */
/* Ask for a reload (async-signal-safe: SIGHUP's handler calls it); the
 * request's number: answered when status.done reaches it. */
uint32_t sr_reload_ask(struct sr_relay *r);
/* On the control thread, each round: start, publish and finish reloads. */
void sr_reload_tick(struct sr_relay *r, uint64_t now_ms);
const char *sr_reload_outcome_name(enum sr_reload_outcome o);

/* self_metrics.c (control thread; the final round at exit, after the pollers) */
void sr_self_metrics_tick(struct sr_relay *r, uint64_t now_ms);
void sr_self_metrics_final(struct sr_relay *r);

/* control.c */
int sr_control_init(struct sr_relay *r, unsigned int n_pollers);

int sr_control_start(struct sr_relay *r); /* its thread, until sr_force_quit */
void sr_control_stop(struct sr_relay *r);

/* worker.c */
int sr_poller_init(struct sr_poller *p, struct sr_relay *r, unsigned int lcore, uint16_t queue,
		   bool is_main);
int sr_poller_run(void *arg);
/* Our own lines (a datagram's payload in m) sharded like any, sent
 * uncounted in the relay's figures; m is freed. */
void sr_poller_take_self(struct sr_poller *p, struct rte_mbuf *m, uint64_t now);
/* After the pollers stopped: take the published state (nothing is open)
 * and, when done, send what is buffered. */
void sr_poller_resume(struct sr_poller *p);
void sr_poller_flush(struct sr_poller *p);
void sr_control_loop(const struct sr_relay *r);

/* port.c */
int sr_pkt_meta_register(void);
int sr_port_check(uint16_t port, uint16_t n_rx, uint16_t n_tx);
/* What a port receives into (sr_port_rx_spec): its mbufs' data room, the
 * largest frame it takes whole, whether its kernel reassembles (af_packet). */
struct sr_port_rx {
	char driver[32];
	uint32_t data_room;
	uint32_t frame_max;
	bool kernel_reassembles;
};
#define SR_AF_PACKET_DEFAULT_FRAME 2048 /* the PMD's framesz when none is given */
int sr_port_rx_spec(const struct sr_relay *r, uint16_t port, struct sr_port_rx *spec);
uint32_t sr_port_frame_needed(const struct sr_relay *r, const struct sr_port_rx *spec);
void sr_port_log_rx_limit(const struct sr_relay *r, uint16_t port, const struct sr_port_rx *spec);
/* An af_packet ring frame size (framesz = blocksz) that holds frames of this size. */
uint32_t sr_af_packet_frame_for(uint32_t frame);
struct rte_mempool *sr_pool_create(const struct sr_relay *r, const char *name, uint16_t n_queues,
				   uint32_t data_room);
int sr_port_init(struct sr_relay *r, uint16_t port, uint16_t n_queues, bool receives,
		 struct rte_mempool *pool, uint8_t mac[6]);
void sr_port_close(uint16_t port);
/* Frames an af_packet or AF_XDP port's kernel ring dropped, so far (0 elsewhere). */
uint64_t sr_port_ring_drops(uint16_t port);

/* stats.c */
/* They lock r->view_lock: not from the control thread. */
void sr_stats_report(struct sr_relay *r, FILE *out);
int sr_stats_write_json(struct sr_relay *r, const char *file);
void sr_stats_telemetry(struct sr_relay *r);

#endif
