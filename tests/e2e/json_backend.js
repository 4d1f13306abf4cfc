/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A tiny etsy statsd backend for the end-to-end tests: it accumulates what the
 * server aggregates and, after every flush, writes it atomically (temp file +
 * rename) as JSON to config.jsonBackend.file:
 *
 *   { "flushes": N, "counters": {key: sum over all flushes},
 *     "gauges": {key: last value}, "sets": {key: [members ever seen]},
 *     "timers": {key: samples counted (rate-adjusted), summed over flushes},
 *     "internal": {"statsd.metrics_received": sum, ...} }
 *
 * statsd resets counters, timers and sets at every flush; the sums here are
 * what the server saw over its whole life. Keys under the server's own stats
 * prefix (prefixStats, default "statsd") go to "internal".
 *
 * Load it with  backends: ["/abs/path/json_backend.js"],
 *               jsonBackend: { file: "/abs/path/out.json" }
 */
'use strict';

const fs = require('fs');

exports.init = function (startupTime, config, events, logger) {
	const opts = config.jsonBackend || {};
	const file = opts.file;
	if (!file) {
		if (logger) logger.log('json_backend: config.jsonBackend.file is not set', 'ERROR');
		return false;
	}
	const prefix = (config.prefixStats !== undefined ? config.prefixStats : 'statsd') + '.';
	const state = { flushes: 0, counters: {}, gauges: {}, sets: {}, timers: {}, internal: {} };
	const setMembers = {}; // key -> Set of members

	const write = function () {
		const tmp = file + '.tmp';
		fs.writeFileSync(tmp, JSON.stringify(state));
		fs.renameSync(tmp, file);
	};

	events.on('flush', function (ts, metrics) {
		let key;
		for (key in metrics.counters) {
			const v = Number(metrics.counters[key]) || 0;
			const into = key.startsWith(prefix) ? state.internal : state.counters;
			if (v !== 0 || key in into || key.startsWith(prefix))
				into[key] = (into[key] || 0) + v;
		}
		for (key in metrics.gauges) {
			if (key.startsWith(prefix)) continue;
			state.gauges[key] = metrics.gauges[key];
		}
		for (key in metrics.sets) {
			const vals = metrics.sets[key].values();
			if (vals.length === 0) continue;
			if (!setMembers[key]) setMembers[key] = new Set();
			for (const m of vals) setMembers[key].add(String(m));
			state.sets[key] = Array.from(setMembers[key]).sort();
		}
		for (key in metrics.timer_counters) {
			const n = Number(metrics.timer_counters[key]) || 0;
			if (n !== 0 || key in state.timers)
				state.timers[key] = (state.timers[key] || 0) + n;
		}
		state.flushes++;
		state.last_flush = ts;
		try {
			write();
		} catch (e) {
			if (logger) logger.log('json_backend: cannot write ' + file + ': ' + e, 'ERROR');
		}
	});

	write(); /* the file exists (flushes 0) once the server is up */
	return true;
};
