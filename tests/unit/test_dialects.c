/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Each dialect against its peer's own parser tests: the inputs and verdicts
 * of Telegraf's statsd_test.go / datadog_test.go, datadog-agent's
 * parse_*_test.go and etsy statsd's helpers_tests.js / graphite_tests.js,
 * plus rules read from their code. A = accepted, else the drop reason; the
 * key column is the canonical text where the test pins it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dialect/sr_dialect.h"
#include "shard/sr_key.h"

#define A SR_OK
#define T SR_DIALECT_TELEGRAF
#define D SR_DIALECT_DOGSTATSD
#define E SR_DIALECT_ETSY

struct row {
	enum sr_dialect dialect;
	const char *line;
	int verdict;
	const char *key; /* NULL: not checked */
};

static const struct row rows[] = {
	/* ---- Telegraf, TestParse_ValidLines / Gauges / Sets / Counters ---- */
	{ T, "valid:45|c", A, "valid" },
	{ T, "valid:45|s", A, NULL },
	{ T, "valid:45|g", A, NULL },
	{ T, "valid.timer:45|ms", A, "valid_timer" },
	{ T, "valid.timer:45|h", A, NULL },
	{ T, "plus.minus:-10|g", A, NULL },
	{ T, "plus.minus:+30|g", A, NULL },
	{ T, "lone.plus:+100|g", A, NULL },
	{ T, "scientific.notation:4.696E+5|g", A, NULL },
	{ T, "scientific.notation.minus:4.7E-5|g", A, NULL },
	{ T, "scientific.notation.sets:4.696E+5|s", A, NULL },
	{ T, "string.sets:foobar|s", A, NULL },
	{ T, "sample.rate:1|c|@0.1", A, NULL },
	{ T, "scientific.notation:4.696E+5|c", A, NULL },
	{ T, "negative.test:-5|c", A, NULL },
	{ T, "zero.init:0|c", A, NULL },
	{ T, "test.distribution:1|d", A, NULL },
	{ T, "scientific.notation:4.6968460083008E-5|ms", A, NULL },
	/* TestParse_InvalidLines */
	{ T, "i.dont.have.a.pipe:45g", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ T, "i.dont.have.a.colon45|c", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ T, "invalid.metric.type:45|e", SR_DROP_LINE_UNKNOWN_TYPE, NULL },
	{ T, "invalid.plus.minus.non.gauge:+10|s", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "invalid.plus.minus.non.gauge:+10|ms", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "invalid.plus.minus.non.gauge:+10|h", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "invalid.value:foobar|c", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "invalid.value:d11|c", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "invalid.value:1d1|c", SR_DROP_LINE_BAD_VALUE, NULL },
	/* TestParse_InvalidSampleRate: a bad rate is ignored */
	{ T, "invalid.sample.rate:45|c|0.1", A, NULL },
	{ T, "invalid.sample.rate.2:45|c|@foo", A, NULL },
	{ T, "invalid.sample.rate:45|g|@0.1", A, NULL },
	{ T, "invalid.sample.rate:45|s|@0.1", A, NULL },
	/* names and tags */
	{ T, "valid.foo-bar:11|c", A, "valid_foo-bar" },
	{ T, "cpu.idle,host=localhost,color=red,region=west:1|c", A,
	  "cpu_idle,color=red,host=localhost,region=west" },
	{ T, "my_counter:1|c|#host:localhost,environment:prod,endpoint:/:tenant?/oauth/ro", A,
	  "my_counter,endpoint=/:tenant?/oauth/ro,environment=prod,host=localhost" },
	{ T, "my_gauge:10.1|g|#live", A, "my_gauge,live=true" },
	{ T, "my_timer:3|ms|@0.1|#live,host:localhost", A, "my_timer,host=localhost,live=true" },
	{ T, "cpu:42|c|#", A, "cpu" },
	{ T, "my_counter:1|c|#host:localhost|c:f76b", A, "my_counter,host=localhost" },
	{ T, "cpu:42|c|#live,host:localhost|c:f76b", A, "cpu,host=localhost,live=true" },
	{ T, "test.counter,host=localhost:1|c", A, "test_counter,host=localhost" },
	{ T, "valid.multiple:0|ms|@0.1:0|ms|:1|ms", A, NULL },
	{ T, "valid.multiple.duplicate:1|c:1|c:2|c:1|c", A, NULL },
	{ T, "valid.multiple.mixed:1|c:1|ms:2|s:1|g", A, NULL },
	{ T, "valid.multiple:0|ms|", A, NULL },
	{ T, "test.service.stat.missing_value:|h", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "url,k=/api/q?key1=val1&key2=value:1|c", A, "url,k=/api/q?key1\\=val1&key2\\=value" },
	{ T, "a,k=v=w:1|c", A, "a,k=v\\=w" },
	{ T, "a,baz:1|c", A, "a" },
	{ T, "regex.ARP flood stats:1|c", A, "regex_ARP" },
	{ T, "  a:1|c  ", A, "a" },
	{ T, "a:1 |c", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "a:1", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ T, "a:1:2:3|ms", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ T, "a:1|c|T1657100430", A, NULL },
	{ T, "a:1|c|c:abc", A, "a" },
	{ T, "a:1|c:2|ms", A, "a" },
	{ T, "c:1|c", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ T, "a:NaN|g", A, NULL },
	{ T, "a:1e400|g", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "a:0x10|g", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "a:0x1p4|g", A, NULL },
	{ T, "a:1_000|ms", A, NULL },
	{ T, "a:-1|s", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "a:|s", A, NULL },
	{ T, ":1|c", SR_DROP_LINE_BAD_NAME, NULL },
	/* parseDataDogTags quirks */
	{ T, "a:1|c|#k:v:w", A, "a,k=v:w" },
	{ T, "a:1|c|#k:", A, "a,k=true" },
	{ T, "a:1|c|#a,b", A, "a,a=b" },
	{ T, "a:1|c|#a,b,c", A, "a,a=b,c=true" },
	{ T, "a:1|c|#a:1,b,c", A, "a,a=1,b=c" },
	{ T, "a,x=1:1|c|#x:2", A, "a,x=2" },
	{ T, "a:1|c|#x:1,y:2", A, "a,x=1,y=2" },
	{ T, "a:1|c|#y:2,x:1", A, "a,x=1,y=2" },
	{ T, "a,y=2,x=1:1|c", A, "a,x=1,y=2" },
	/* events and service checks */
	{ T, "_e{10,9}:test title|test text", A, "test title" },
	{ T, "_e{10,24}:test|title|test\\line1\\nline2\\nline3", A, "test|title" },
	{ T, "_e{10,9}:test title|test text|d:21", A, NULL },
	{ T, "_e{10,9}:test title|test text|p:low", A, NULL },
	{ T, "_e{10,9}:test title|test text|#host:localhost", A, NULL },
	{ T,
	  "_e{10,9}:test title|test text|t:warning|d:12345|p:low|h:some.host|k:aggKey|s:source test|#tag1,tag2:test",
	  A, NULL },
	{ T, "_e{5,4}:title|text|d:abc", A, NULL },
	{ T, "_e{5,4}:title|text|x:1234", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{10,10}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{0,0}:a|a", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{5555:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{a,1}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{1,a}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{5,}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{,4}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{-5,5}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_errors:1|c", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_sc|my.service.check|0", A, "my.service.check" },
	{ T, "_sc|jmxfetch-config.can_connect|3", A, NULL },
	{ T, "_sc|my.check|0|m:Service is healthy", A, NULL },
	{ T, "_sc|my.check|2|d:1234567890|h:myhost|#env:test,region:us-west|m:Connection failed", A,
	  NULL },
	{ T, "_sc|my.check|+1", A, NULL },
	{ T, "_sc|my.check", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ T, "_sc||0", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ T, "_sc|my.check|abc", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ T, "_sc|my.check|4", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ T, "_sc|my.check|-1", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ T, "_scale:1|c", A, "_scale" },

	/* White space, field by field (issue 12). statsd.go parser() runs
	 * strings.TrimSpace over each line (Unicode white space, U+0085 too), and
	 * nothing else is trimmed: parseStatsdLine splits on '|' and ':' as is. */
	{ T, "\302\240a:1|c\302\205", A, "a" },	     /* U+00A0, U+0085 (UTF-8 in octal) */
	{ T, "   ", SR_DROP_LINE_BAD_FORMAT, NULL }, /* "" once trimmed: skipped, nothing to send */
	/* ... but the relay refuses ASCII controls in every dialect (sr_text_check):
	 * Telegraf would trim this tab and take the line. */
	{ T, "\ta:1|c", SR_DROP_LINE_CONTROL_CHAR, NULL },
	/* name: parseName -> graphite ApplyTemplate keeps strings.Fields(name)[0] */
	{ T, "a :1|c", A, "a" },
	{ T, "a\302\240b:1|c", A, "a" },
	{ T, "#t| a:1|c", A, "a,t=true" }, /* " a" once the tag segment is removed */
	/* influx tags: parseKeyValue splits on '=' and keeps the spaces */
	{ T, "a,k= v:1|c", A, "a,k=\\ v" },
	{ T, "a, k=v:1|c", A, "a,\\ k=v" },
	{ T, "a,k=v :1|c", A, "a,k=v\\ " },
	/* value: ParseInt / ParseFloat refuse any space; the sign rule sees ' ' */
	{ T, "a: 1|c", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "a: |c", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "a: +1|ms", SR_DROP_LINE_BAD_VALUE, NULL },
	{ T, "a:1|c: 2|ms", A, "a" }, /* "c: 2" is a container segment: removed */
	{ T, "a: |s", A, NULL },      /* sets: strvalue as sent */
	{ T, "a: -1|s", A, NULL },
	/* type: the switch on pipesplit[1] knows "c", not " c" or "c " */
	{ T, "a:1| c", SR_DROP_LINE_UNKNOWN_TYPE, NULL },
	{ T, "a:1|c |@0.1", SR_DROP_LINE_UNKNOWN_TYPE, NULL },
	{ T, "a:1|c |#t", SR_DROP_LINE_UNKNOWN_TYPE, NULL }, /* trimmed before "#t" goes */
	/* sample rate: a ParseFloat error is only logged */
	{ T, "a:1|c|@ 0.1", A, NULL },
	{ T, "a:1|c| @0.1", A, NULL },
	/* timestamp: a field Telegraf does not read */
	{ T, "a:1|c| T1657100430", A, NULL },
	/* tags: segment[0] == '#' only; parseDataDogTags keeps the spaces */
	{ T, "a:1|c|#t ", A, "a,t=true" },
	{ T, "a:1|c|# t", A, "a,\\ t=true" },
	{ T, "a:1|c|#k: v", A, "a,k=\\ v" },
	{ T, "a:1|c|#k :v", A, "a,k\\ =v" },
	{ T, "a:1|c| #t", A, "a" }, /* no tag segment: a third field, ignored */
	{ T, "a:1|c| #k:v", SR_DROP_LINE_BAD_FORMAT, NULL }, /* its ':' makes a bit "v" */
	/* container: HasPrefix(segment, "c:") only */
	{ T, "a:1|c| c:abc", SR_DROP_LINE_BAD_FORMAT, NULL },
	/* events (parseEventMessage): lengths by ParseInt, the byte after the text
	 * skipped, each metadata field needs a known "x:" or '#' at its start */
	{ T, " _e{5,4}:title|text ", A, "title" }, /* trimmed before the "_e" test */
	{ T, "_e{7,4}: title |text", A, " title " },
	{ T, "_e{ 5,4}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{5,4 }:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{5,4}:title|text| p:low", SR_DROP_LINE_BAD_EVENT, NULL },
	{ T, "_e{5,4}:title|text |p:low", SR_DROP_LINE_BAD_EVENT, NULL }, /* "" too short */
	{ T, "_e{5,4}:title|text|p: low", A, NULL }, /* an unknown priority is skipped */
	/* service checks (parseServiceCheckMessage): name as sent, status by ParseInt */
	{ T, " _sc|a|0 ", A, "a" },
	{ T, "_sc| a|0", A, " a" },
	{ T, "_sc|a| 0", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ T, "_sc |a|0", SR_DROP_LINE_BAD_FORMAT, NULL }, /* not "_sc|": a metric, no ':' */
	{ T, "_sc|a|0|d: 1", A, NULL },			  /* a bad timestamp is skipped */
	{ T, "_sc|a|0| d:1", A, NULL },

	/* ---- DogStatsD: parse_metrics_test.go, parse_events_test.go, ... ---- */
	{ D, "daemon:666|g", A, "daemon" },
	{ D, "daemon:666:777|g", A, NULL },
	{ D, "daemon:21|c", A, NULL },
	{ D, "custom_counter:1|c|#protocol:http,bench", A, "custom_counter|#bench,protocol:http" },
	{ D, "daemon:21|h", A, NULL },
	{ D, "daemon:21:22|ms", A, NULL },
	{ D, "daemon:abc|s", A, NULL },
	{ D, "daemon:abc:def|s", A, NULL },
	{ D, "daemon:3.5:4.5|d", A, NULL },
	{ D, "daemon:\xe2\x99\xac\xe2\x80\xa0|s", A, NULL },
	{ D, "daemon:666|g|#sometag1:somevalue1,sometag2:somevalue2", A, NULL },
	{ D, "daemon:666|g|@0.21", A, NULL },
	{ D, "daemon:666|g|#", A, "daemon" },
	{ D, "daemon:666", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ D, "daemon:666|", SR_DROP_LINE_UNKNOWN_TYPE, NULL },
	{ D, "daemon:|g", SR_DROP_LINE_BAD_VALUE, NULL },
	{ D, ":666|g", SR_DROP_LINE_BAD_NAME, NULL },
	{ D, "abc666|g", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ D, "daemon:666|g|m:test", A, NULL },
	{ D, "daemon:abc|g", SR_DROP_LINE_BAD_VALUE, NULL },
	{ D, "daemon:666|unknown", SR_DROP_LINE_UNKNOWN_TYPE, NULL },
	{ D, "daemon:666|g|@abc", SR_DROP_LINE_BAD_RATE, NULL },
	{ D, "metric:1234|g|#onetag|T1657100430", A, "metric|#onetag" },
	{ D, "metric:1234|g|#|T1657100430", A, NULL },
	{ D, "metric:1234|g|#thereisatag|T1657100540|@0.21", A, NULL },
	{ D, "metric:1234|g|@0.21|T1657100540|#thereisatag", A, NULL },
	{ D, "metric:1234|g|#onetag|TABCD", SR_DROP_LINE_BAD_TIMESTAMP, NULL },
	{ D, "metric:1234|g|#onetag|T", SR_DROP_LINE_BAD_TIMESTAMP, NULL },
	{ D, "metric:1234|g|#onetag|T-102348932", SR_DROP_LINE_BAD_TIMESTAMP, NULL },
	{ D,
	  "example.metric:2.39283|d|@1.000000|#environment:dev|c:2a25f7fc8fbf573d62053d7263dd2d440c07b6ab4d2b107e50b0d4df1f2ee15f",
	  A, "example.metric|#environment:dev" },
	{ D, "a:1.1234:21.5:13|ms", A, NULL },
	{ D, "a:1.1234::41|ms", A, NULL },
	{ D, "a::|ms", SR_DROP_LINE_BAD_VALUE, NULL },
	{ D, " daemon:1|c", A, " daemon" },
	{ D, "daemon:1|c ", SR_DROP_LINE_UNKNOWN_TYPE, NULL },
	{ D, "a:1|c:2|ms", SR_DROP_LINE_UNKNOWN_TYPE, NULL },
	{ D, "a:1|c|@0", A, NULL },
	{ D, "a:1|c|@", SR_DROP_LINE_BAD_RATE, NULL },
	{ D, "a:1e400|g", SR_DROP_LINE_BAD_VALUE, NULL },
	{ D, "a:+5|ms", A, NULL },
	{ D, "a:1|c|#t1|#t2", A, "a|#t2" },
	{ D, "a:1|c|#x:1,y:2", A, "a|#x:1,y:2" },
	{ D, "a:1|c|#y:2,x:1", A, "a|#x:1,y:2" },
	{ D, "a:1|c|#x,x", A, "a|#x" },
	{ D, "a:1|c|#k:1,k:2", A, "a|#k:1,k:2" },
	{ D, "a:1|c|#host:h1,t,host:h2", A, "a|#host:h2,t" },
	{ D, "a:1|c|#dd.internal.entity_id:abc,t", A, "a|#t" },
	{ D, "name,k=v:1|c", A, "name,k=v" },
	{ D, "_e{10,9}:test title|test text", A, "test title" },
	{ D, "_e{10,24}:test|title|test\\line1\\nline2\\nline3", A, "test|title" },
	{ D, "_e{5,4}:title|text|x:1234", A, NULL },
	{ D, "_e{5,4}:title|text|p:urgent", A, NULL },
	{ D, "_e{10,0}:test title|", A, NULL },
	{ D, "_e{10,0}:test title||t:warning", A, NULL },
	{ D, "_e{0,9}:|test text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ D, "_e:title|text", SR_DROP_LINE_UNKNOWN_TYPE, NULL }, /* not "_e{": a metric */
	{ D, "_e{10,10}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ D, "_e{0,0}:a|a", SR_DROP_LINE_BAD_EVENT, NULL },
	{ D, "_e{5555:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ D, "_e{a,1}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ D, "_e{-123,-987}:", SR_DROP_LINE_BAD_EVENT, NULL },
	{ D, "_sc|agent.up|0", A, "agent.up" },
	{ D, "_sc|agent.up|0|d:21|h:localhost|#tag1:test,tag2|m:this is fine", A, NULL },
	{ D, "_sc|agent.up|0|d:some_time", A, NULL },
	{ D, "_sc|agent.up", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ D, "_sc|agent.up|", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ D, "_sc||", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ D, "_sc|", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ D, "_sc|agent.up|OK", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ D, "_sc|agent.up|21", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ D, "_sc|agent.up|+1", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ D, "_scale:1|c", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },

	/* White space, field by field (issue 12): the Agent trims nothing.
	 * server.go nextMessage/scanLines split on '\n' and drop one '\r';
	 * parseMetricSample compares and parses each field as sent. */
	{ D, "   ", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ D, "a:1|c\302\240", SR_DROP_LINE_UNKNOWN_TYPE, NULL },
	{ D, "a:1|c\t", SR_DROP_LINE_CONTROL_CHAR, NULL }, /* the Agent too: type "c\t" */
	/* name: parseMetricSampleNameAndRawValue, up to the first ':' */
	{ D, "a :1|c", A, "a " },
	/* value: parseFloat64 (strconv.ParseFloat) refuses any space */
	{ D, "a: 1|c", SR_DROP_LINE_BAD_VALUE, NULL },
	{ D, "a:1 |c", SR_DROP_LINE_BAD_VALUE, NULL },
	{ D, "a: |c", SR_DROP_LINE_BAD_VALUE, NULL },
	{ D, "a: |s", A, NULL }, /* sets: setValue as sent */
	{ D, "a: x |s", A, NULL },
	/* packed values: parseFloat64List skips "" only, not " " */
	{ D, "a:1: 2|ms", SR_DROP_LINE_BAD_VALUE, NULL },
	{ D, "a:1 :2|ms", SR_DROP_LINE_BAD_VALUE, NULL },
	{ D, "a:1: |ms", SR_DROP_LINE_BAD_VALUE, NULL },
	/* type: parseMetricSampleMetricType, bytes.Equal */
	{ D, "a:1| c", SR_DROP_LINE_UNKNOWN_TYPE, NULL },
	{ D, "a:1|c |#t", SR_DROP_LINE_UNKNOWN_TYPE, NULL },
	/* optional fields: by their first byte (bytes.HasPrefix), unknown ones ignored */
	{ D, "a:1|c|@ 0.5", SR_DROP_LINE_BAD_RATE, NULL }, /* parseMetricSampleSampleRate */
	{ D, "a:1|c|@0.5 ", SR_DROP_LINE_BAD_RATE, NULL },
	{ D, "a:1|c| @0.5", A, NULL },
	/* strconv.ParseInt (dogstatsd_no_aggregation_pipeline, on by default) */
	{ D, "a:1|c|T1657100430 ", SR_DROP_LINE_BAD_TIMESTAMP, NULL },
	{ D, "a:1|c|T 1657100430", SR_DROP_LINE_BAD_TIMESTAMP, NULL },
	{ D, "a:1|c| T1657100430", A, NULL },
	{ D, "a:1|c|c: abc", A, NULL }, /* parseLocalData only logs its errors */
	{ D, "a:1|c| c:abc", A, NULL },
	/* tags: parseTags keeps each comma-separated string as sent */
	{ D, "a:1|c|# t", A, "a|# t" },
	{ D, "a:1|c|#t ", A, "a|#t " },
	{ D, "a:1|c|#t1, t2", A, "a|# t2,t1" },
	{ D, "a:1|c|#host: h", A, "a|#host: h" }, /* the host is " h" */
	{ D, "a:1|c|# host:h", A, "a|# host:h" }, /* no "host:" prefix: a tag */
	{ D, "a:1|c| #t", A, "a" },
	{ D, "a:1|c|#t| ", A, "a|#t" },
	/* events (parseEvent): lengths by Atoi; optional fields only logged */
	{ D, "_e{7,4}: title |text", A, " title " },
	{ D, "_e{ 5,4}:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ D, "_e{5,4 }:title|text", SR_DROP_LINE_BAD_EVENT, NULL },
	{ D, " _e{5,4}:title|text", SR_DROP_LINE_UNKNOWN_TYPE, NULL }, /* a metric, type "text" */
	{ D, "_e{5,4}:title|text ", A, NULL },
	{ D, "_e{5,4}:title|text| p:low", A, NULL },
	{ D, "_e{5,4}:title|text|p: low", A, NULL },
	/* service checks (parseServiceCheck): name as sent, status bytes.Equal "0".."3" */
	{ D, "_sc| a|0", A, " a" },
	{ D, "_sc|a |0", A, "a " },
	{ D, "_sc|a| 0", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ D, "_sc|a|0 ", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL },
	{ D, "_sc |a|0", SR_DROP_LINE_BAD_SERVICE_CHECK, NULL }, /* message[4:] starts "|" */
	{ D, " _sc|a|0", SR_DROP_LINE_BAD_FORMAT, NULL },	 /* a metric, no ':' */
	{ D, "_sc|a|0|d: 1", A, NULL },

	/* ---- Etsy: helpers_tests.js (is_valid_packet), graphite_tests.js ---- */
	{ E, "foo", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ E, "a:0,345345|ms", SR_DROP_LINE_BAD_VALUE, NULL },
	{ E, "a:345345|ms|0,456456", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:|c", SR_DROP_LINE_BAD_VALUE, NULL },
	{ E, "a:+10e1|c", A, NULL },
	{ E, "a:+10|c", A, NULL },
	{ E, "a:-10|c", A, NULL },
	{ E, "a:-1|ms", SR_DROP_LINE_BAD_VALUE, NULL },
	{ E, "a:-1.0|ms", SR_DROP_LINE_BAD_VALUE, NULL },
	{ E, "a:+1|ms", A, NULL },
	{ E, "a:-0.0|ms", A, NULL },
	{ E, "a:0|ms", A, NULL },
	{ E, "a:|g", SR_DROP_LINE_BAD_VALUE, NULL },
	{ E, "a:-10.0|g", A, NULL },
	{ E, "a:foo|s", A, NULL },
	{ E, "a:345345|ms|", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:345345|ms|b", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:345345|ms|@", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:345345|ms|@blah", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:345345|ms|@.", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:345345|ms|@.1.", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:345345|ms|@.1.2.3", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:345345|ms|@-1.0", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:345345|ms|@2", A, NULL },
	{ E, "a:345345|ms|@.2", A, NULL },
	{ E, "a:345345|ms|@0.2", A, NULL },
	{ E, "a:345345|ms|@2e-1", A, NULL },
	{ E, "a:1.0|c|@0.1", A, NULL },
	{ E, "a:1|c|@+0.5", SR_DROP_LINE_BAD_RATE, NULL },     /* would crash statsd */
	{ E, "a:1|c|@Infinity", SR_DROP_LINE_BAD_RATE, NULL }, /* would crash statsd */
	{ E, "a_bad_test_value|z", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ E, "fo/o:250|c", A, "fo-o" },
	{ E, "b ar:250|c", A, "b_ar" },
	{ E, "foo+bar:250|c", A, "foobar" },
	{ E, "fo/o;tag1=val1:250|c", A, "fo-o;tag1=val1" },
	{ E, "foo+bar;tag1=val1;tag3=val3;tag2=val2:250|c", A,
	  "foobar;tag1=val1;tag2=val2;tag3=val3" },
	{ E, "b ar:250|c|#tag1:val1,tag2:val2", A, "b_ar;tag1=val1;tag2=val2" },
	{ E, "foo+bar:250|c|#tag1:val;1,tag3:val3,tag2:val2", A,
	  "foobar;tag1=val_1;tag2=val2;tag3=val3" },
	{ E, "a:1|h", A, NULL },
	{ E, "a:1|x", A, NULL },
	{ E, "a:1|", A, NULL },
	{ E, "a:1e400|c", A, NULL },
	{ E, "a:0x10|g", A, NULL },
	{ E, "a:NaN|g", SR_DROP_LINE_BAD_VALUE, NULL },
	{ E, "a:1_0|c", SR_DROP_LINE_BAD_VALUE, NULL },
	{ E, "a:|s", A, NULL },
	{ E, "a:1|c|T123", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:1|c|@0.5|T123", A, NULL },
	{ E, " a:1|c", A, "_a" },
	{ E, "a:1|c:2|ms", A, "a" },
	{ E, "a:1:2:3|ms", SR_DROP_LINE_BAD_FORMAT, NULL },
	{ E, ":1|c", A, "" },
	{ E, "_e{5,4}:title|text", SR_DROP_LINE_BAD_VALUE, NULL },
	{ E, "a:foo|s ", SR_DROP_LINE_BAD_VALUE, NULL },
	{ E, "a:-1|ms ", A, NULL },
	{ E, "a:1|c|#x:1,y:2", A, "a;x=1;y=2" },
	{ E, "a:1|c|#y:2,x:1", A, "a;x=1;y=2" },
	{ E, "a,k=v:1|c", A, "ak=v" },

	/* White space, field by field (issue 12). handlePacket trims nothing:
	 * split on "\n", then "|#", ':' and '|'. JS white space (sr_js_space_len:
	 * Go's less U+0085, plus U+FEFF) counts where Number() reads a value or a
	 * rate and where sanitizeKeyName turns \s+ into '_'. */
	{ E, "   ", SR_DROP_LINE_BAD_FORMAT, NULL }, /* a bad line: no type field */
	/* ... the relay refuses ASCII controls in every dialect (sr_text_check):
	 * statsd would count this one ("c\t" is no known type: a counter). */
	{ E, "a:1|c\t", SR_DROP_LINE_CONTROL_CHAR, NULL },
	/* name and tags: sanitizeKeyName over "name;tag;..." */
	{ E, "a :1|c", A, "a_" },
	{ E, "a;k=v :1|c", A, "a;k=v_" },
	{ E, "a:1|c|# t", A, "a;_t" },
	{ E, "a:1|c|#t ", A, "a;t_" },
	{ E, "a:1|c|#k: v", A, "a;k=_v" },
	{ E, "a\302\240b:1|c", A, "a_b" },
	{ E, "a\302\205b:1|c", A, "ab" },      /* U+0085 is no \s: dropped */
	{ E, "a:1|c|#t\302\205u", A, "a;tu" }, /* the same in a tag */
	/* value: isNumber, Number() skipping JS white space at both ends */
	{ E, "a: 1|c", A, NULL },
	{ E, "a:1 |g", A, NULL },
	{ E, "a: |c", A, NULL }, /* Number(" ") is 0, and " " is truthy */
	{ E, "a: |ms", A, NULL },
	{ E, "a: -1|ms", SR_DROP_LINE_BAD_VALUE, NULL },
	{ E, "a:1|c: 2|c", A, NULL },
	{ E, "a: x|s", A, NULL },
	{ E, "a:\302\2401|c", A, NULL },
	{ E, "a:\357\273\2771|c", A, NULL },
	{ E, "a:\302\2051|c", SR_DROP_LINE_BAD_VALUE, NULL }, /* Number() is NaN */
	{ E, "a:1\302\205|c", SR_DROP_LINE_BAD_VALUE, NULL },
	/* type: is_valid_packet compares it untrimmed; handlePacket then trims it */
	{ E, "a:x| s", SR_DROP_LINE_BAD_VALUE, NULL }, /* not 's': the value must be a number */
	{ E, "a:-1| ms", A, NULL },		       /* not 'ms': no >= 0 check */
	{ E, "a:1| ", A, NULL },
	{ E, "a:1|c |#t", A, "a;t" }, /* "|#" still starts the tags */
	/* sample rate: isValidSampleRate (str[0] === '@', isNumber), then
	 * match(/^@([\d\.]+)/)[1], which throws when the number starts with a space */
	{ E, "a:1|c|@0.5 ", A, NULL },
	{ E, "a:1|c| @0.5", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:1|c|@ 0.5", SR_DROP_LINE_BAD_RATE, NULL }, /* would crash statsd */
	{ E, "a:1|c|@ ", SR_DROP_LINE_BAD_RATE, NULL },	   /* would crash statsd */
	{ E, "a:1|c|@0.5\302\205", SR_DROP_LINE_BAD_RATE, NULL },
	{ E, "a:1|c| #t", SR_DROP_LINE_BAD_RATE, NULL }, /* no "|#": the rate field */
	{ E, "a:1|c|@0.5|T1 ", A, NULL },		 /* fields after the rate: unread */
};

static void test_table(void **state)
{
	static struct sr_line l;
	char key[1024];
	size_t i;
	int failures = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct sr_parse_cfg cfg = { .dialect = r->dialect, .max_line = 8972 };
		size_t n = strlen(r->line);
		uint8_t *buf = malloc(n ? n : 1); /* exact size: ASan sees any overread */
		int rc;

		memcpy(buf, r->line, n);
		rc = sr_line_parse(&cfg, buf, (uint32_t)n, &l);
		if (rc != r->verdict) {
			printf("  %s \"%s\": got %s, want %s\n", sr_dialect_name(r->dialect),
			       r->line, rc == SR_OK ? "accept" : sr_drop_names[rc],
			       r->verdict == SR_OK ? "accept" : sr_drop_names[r->verdict]);
			failures++;
		} else if (rc == SR_OK && r->key) {
			sr_line_key_text(&l, SR_KEY_NAME_TAGS, key, sizeof(key));
			if (strcmp(key, r->key)) {
				printf("  %s \"%s\": key \"%s\", want \"%s\"\n",
				       sr_dialect_name(r->dialect), r->line, key, r->key);
				failures++;
			}
		}
		free(buf);
	}
	printf("  %zu rows, %d wrong\n", sizeof(rows) / sizeof(rows[0]), failures);
	assert_int_equal(failures, 0);
}

/* Lines whose canonical texts are equal hash alike; the table's keys say so. */
static void test_equal_texts_equal_hashes(void **state)
{
	static struct sr_line a, b;
	size_t i, j;
	char ka[1024], kb[1024];
	int pairs = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sr_parse_cfg cfg = { .dialect = rows[i].dialect, .max_line = 8972 };
		if (sr_line_parse(&cfg, (const uint8_t *)rows[i].line,
				  (uint32_t)strlen(rows[i].line), &a) != SR_OK)
			continue;
		sr_line_key_text(&a, SR_KEY_NAME_TAGS, ka, sizeof(ka));
		for (j = i + 1; j < sizeof(rows) / sizeof(rows[0]); j++) {
			if (rows[j].dialect != rows[i].dialect ||
			    sr_line_parse(&cfg, (const uint8_t *)rows[j].line,
					  (uint32_t)strlen(rows[j].line), &b) != SR_OK)
				continue;
			sr_line_key_text(&b, SR_KEY_NAME_TAGS, kb, sizeof(kb));
			if (!strcmp(ka, kb)) {
				assert_true(sr_line_key_hash(&a, SR_KEY_NAME_TAGS) ==
					    sr_line_key_hash(&b, SR_KEY_NAME_TAGS));
				pairs++;
			} else {
				assert_true(sr_line_key_hash(&a, SR_KEY_NAME_TAGS) !=
					    sr_line_key_hash(&b, SR_KEY_NAME_TAGS));
			}
		}
	}
	assert_true(pairs > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_equal_texts_equal_hashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
