// SPDX-License-Identifier: BSD-3-Clause
// The node etsy statsd's proxy.js picks, computed by the real npm packages:
// the ring is built by `hashring` with the options object taken verbatim from
// statsd/proxy.js (config = {}), node names as proxy.js makes them, weight 100
// each. Reads "N<TAB>node,node,...<TAB>key" lines on stdin, prints
// "N<TAB>key<TAB>node".
//   node proxy_ring.js NODE_MODULES     the folder tests/peers/install.sh prints
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');

if (process.argv.length !== 3) {
  console.error('usage: node proxy_ring.js NODE_MODULES (the folder tests/peers/install.sh prints)');
  process.exit(2);
}
const peers = path.resolve(process.argv[2]);
const HashRing = require(path.join(peers, 'hashring'));
const proxySrc = fs.readFileSync(path.join(peers, 'statsd', 'proxy.js'), 'utf8');

// proxy.js: var ring = new hashring(node_ring, 'md5', { ...options... });
const m = proxySrc.match(/new hashring\(\s*node_ring,\s*'md5',\s*(\{[\s\S]*?\})\s*\);/);
if (!m || !/node_ring\[element\.host \+ ':' \+ element\.port\] = 100;/.test(proxySrc)) {
  console.error('proxy_ring.js: proxy.js no longer builds its ring as expected');
  process.exit(2);
}
const config = {}; // proxy.js reads config.cacheSize in the options
const options = eval('(' + m[1] + ')'); // eslint-disable-line no-eval

const rings = new Map();
function ring(nodes) {
  if (!rings.has(nodes)) {
    const nodeRing = {};
    nodes.split(',').forEach((n) => { nodeRing[n] = 100; });
    rings.set(nodes, new HashRing(nodeRing, 'md5', options));
  }
  return rings.get(nodes);
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
const out = [];
rl.on('line', (line) => {
  const [n, nodes, key] = line.split('\t');
  // proxy.js: key = line.split(':').shift(); lines here are "key:1|c"
  out.push(n + '\t' + key + '\t' + ring(nodes).get(key));
});
rl.on('close', () => process.stdout.write(out.join('\n') + '\n'));
