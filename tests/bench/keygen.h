/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Realistic StatsD lines for the hash measurements: a fleet's services,
 * endpoints, hosts and tag sets, drawn from a fixed-seed PRNG so every run
 * (and every test) sees the same keys.
 */
#ifndef SR_BENCH_KEYGEN_H
#define SR_BENCH_KEYGEN_H

#include <stdint.h>
#include <stdio.h>

static inline uint64_t kg_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Line number i of the fleet (distinct i: distinct series). */
static inline int kg_line(uint64_t i, char *buf, size_t cap)
{
	static const char *svc[] = { "api",	 "checkout", "search", "auth",	   "cart",
				     "payments", "catalog",  "ads",    "mailer",   "billing",
				     "gateway",	 "profile",  "feed",   "inventory" };
	static const char *metric[] = {
		"http.request.duration", "http.requests", "db.query.time", "cache.hits",
		"cache.misses",		 "queue.depth",	  "gc.pause",	   "jvm.heap.used",
		"kafka.consumer.lag",	 "errors",	  "cpu.load",	   "mem.rss"
	};
	static const char *method[] = { "GET", "POST", "PUT", "DELETE" };
	static const char *dc[] = { "fra1", "ams2", "iad1", "sfo3", "sgp1" };
	static const char type[] = "cgmhsd";
	uint64_t s = i * 0x2545f4914f6cdd1dull + 1;
	uint64_t a = kg_next(&s), b = kg_next(&s);
	const char *t = type[a % 6] == 'm' ? "ms" : (char[]){ type[a % 6], 0 };

	/* the series counter i is spread over host, route and status so keys stay distinct */
	switch (i % 3) {
	case 0: /* DogStatsD tags */
		return snprintf(
			buf, cap,
			"%s.%s:%u|%s|#env:prod,dc:%s,host:web-%llu,route:/v1/r%llu,method:%s",
			svc[a % 14], metric[b % 12], (unsigned)(a % 1000), t, dc[b % 5],
			(unsigned long long)(i / 3 % 4096), (unsigned long long)(i / 3 / 4096),
			method[(a >> 8) % 4]);
	case 1: /* influx tags */
		return snprintf(buf, cap, "%s.%s,env=prod,dc=%s,host=db-%llu,shard=%llu:%u|%s",
				svc[a % 14], metric[b % 12], dc[b % 5],
				(unsigned long long)(i / 3 % 2048),
				(unsigned long long)(i / 3 / 2048), (unsigned)(b % 100), t);
	default: /* plain names, as Graphite-era clients send */
		return snprintf(buf, cap, "stats.%s.%s.host%llu.p%llu:%u|%s", svc[a % 14],
				metric[b % 12], (unsigned long long)(i / 3 % 8192),
				(unsigned long long)(i / 3 / 8192), (unsigned)(a % 50), t);
	}
}

#endif
