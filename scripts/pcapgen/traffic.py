# SPDX-License-Identifier: BSD-3-Clause
"""What clients send: the demo catalogue of series (a small service fleet), values of each
type, lines rendered with tags in both styles and shuffled order, lines with exactly one
fault, and the client addresses and ping data several fixtures share."""

# Clients of ipv6.pcap, fragments.pcap and the neighbour fixtures.
V6_CLIENTS = ['2001:db8::%x' % i for i in range(0x10, 0x24)]
V4_CLIENTS = ['198.18.0.%d' % i for i in range(10, 30)]


def demo_catalog():
    """~130 series of a small service fleet: (name, [(tag, value)...], type)."""
    cat = []
    routes = {
        'checkout': ['/api/v1/checkout', '/api/v1/checkout/{id}'],
        'cart': ['/api/v1/cart', '/api/v1/cart/items'],
        'search': ['/api/v1/search'],
        'auth': ['/oauth/token', '/api/v1/session'],
    }
    for svc, rs in routes.items():
        for route in rs:
            for method in ('GET', 'POST'):
                for status in ('200', '500'):
                    tags = [('service', svc), ('route', route), ('method', method), ('status', status)]
                    cat.append(('http.request.duration', tags, 'ms'))
                    if status == '200':
                        cat.append(('http.requests', tags, 'c'))
                    else:
                        cat.append(('http.errors', tags + [('canary', 'true')] if svc == 'cart' else tags, 'c'))
    for svc in routes:
        cat.append(('http.response.size', [('service', svc)], 'h'))
    for db in ('orders', 'users'):
        for op in ('select', 'insert', 'update'):
            for table in ('items', 'accounts'):
                cat.append(('db.query.duration', [('db', db), ('op', op), ('table', table)], 'h'))
    for cache in ('sessions', 'catalog'):
        for host in ('web-01', 'web-02', 'web-03'):
            cat.append(('cache.hits', [('cache', cache), ('host', host)], 'c'))
            cat.append(('cache.misses', [('cache', cache), ('host', host)], 'c'))
    for q in ('emails', 'invoices', 'thumbnails'):
        cat.append(('queue.depth', [('queue', q)], 'g'))
        cat.append(('worker.jobs', [('queue', q), ('status', 'ok')], 'c'))
        cat.append(('worker.jobs', [('queue', q), ('status', 'failed')], 'c'))
        cat.append(('worker.job.duration', [('queue', q)], 'd'))
    for host in ('web-01', 'web-02', 'web-03', 'api-01', 'api-02', 'batch-01'):
        cat.append(('jvm.heap.used', [('host', host), ('env', 'prod')], 'g'))
        cat.append(('stats.%s.cpu.load' % host, [], 'g'))
    for svc in ('checkout', 'search', 'auth'):
        cat.append(('users.active', [('service', svc)], 's'))
    for cur in ('EUR', 'USD', 'GBP', 'JPY'):
        cat.append(('payments.amount', [('currency', cur), ('provider', 'stripe')], 'd'))
    for topic in ('orders', 'clicks'):
        for part in range(4):
            cat.append(('kafka.consumer.lag', [('topic', topic), ('partition', str(part)),
                                               ('group', 'etl')], 'g'))
    for rack in ('a1', 'a2', 'b1'):
        cat.append(('temp.°C', [('rack', rack), ('dc', 'fra')], 'g'))
    cat.append(('build.info', [('version', '2.4.1'), ('commit', 'a1b2c3d')], 'g'))
    cat.append(('request.size', [], 'h'))
    cat.append(('logins', [('method', 'sso'), ('region', 'eu-west-1')], 'c'))
    return cat


def demo_value(rng, mtype):
    r = rng.random()
    if mtype == 'c':
        if r < 0.75:
            return '1'
        if r < 0.9:
            return str(rng.randint(2, 50))
        return rng.choice(['-1', '+3', '0.5', '1e2'])
    if mtype == 'g':
        if r < 0.7:
            return '%.2f' % rng.uniform(0, 5000)
        if r < 0.9:
            return rng.choice(['+', '-']) + str(rng.randint(1, 20))
        return rng.choice(['1e3', '2.5E-1', '0', '-0.5'])
    if mtype == 'ms':
        return '%.3f' % rng.lognormvariate(3, 1) if r < 0.8 else str(rng.randint(0, 900))
    if mtype == 'h':
        return str(rng.randint(0, 100000))
    if mtype == 'd':
        return '%.2f' % rng.uniform(0.5, 500) if r < 0.9 else '3e1'
    if mtype == 's':
        return rng.choice(['u%d' % rng.randint(1000, 1200), 'alice', 'bob', 'carol', 'svc-42',
                           'dave@example.org'])
    raise ValueError(mtype)


def render(rng, name, tags, mtype, values, rate=None, style=None, decoy=False):
    """Render one line of a series, tag order shuffled, tags split between both styles."""
    tags = list(tags)
    rng.shuffle(tags)
    style = style or rng.choice(['influx', 'dd', 'mixed', 'dd'])
    if not tags:
        style = 'none'
    if style == 'influx':
        inf, dd = tags, []
    elif style == 'dd':
        inf, dd = [], tags
    elif style == 'mixed':
        cut = rng.randint(0, len(tags))
        inf, dd = tags[:cut], tags[cut:]
    else:
        inf, dd = [], []
    inf = [(k, v) for k, v in inf]
    dd = [(k, v) for k, v in dd]
    if decoy and tags:
        # A repeated key that must lose: an earlier influx value, or any influx value when the
        # datadog tags carry the key, or an earlier datadog value.
        k, v = rng.choice(tags)
        fake = 'decoy%d' % rng.randint(0, 9)
        if any(k == x for x, _ in dd):
            if rng.random() < 0.5:
                inf.insert(rng.randint(0, len(inf)), (k, fake))
            else:
                dd.insert([x for x, _ in dd].index(k), (k, fake))
        else:
            inf.insert([x for x, _ in inf].index(k), (k, fake))
    s = name + ''.join(',%s=%s' % kv for kv in inf) + ':' + ':'.join('%s|%s' % (v, mtype) for v in values)
    if rate:
        s += '|@' + rate
    if dd:
        parts = []
        for k, v in dd:
            if v == 'true':
                parts.append(rng.choice([k, k + ':', k + ':true']))
            else:
                parts.append('%s:%s' % (k, v))
        s += '|#' + ','.join(parts)
    return s.encode('utf-8')


def demo_line(rng, series):
    name, tags, mtype = series
    nvals = 2 if rng.random() < 0.03 else 1
    values = [demo_value(rng, mtype) for _ in range(nvals)]
    rate = rng.choice(['0.1', '0.5', '0.25']) if mtype in ('c', 'ms') and rng.random() < 0.2 else None
    return render(rng, name, tags, mtype, values, rate, decoy=rng.random() < 0.02)


def insert_at(line, pos, junk):
    return line[:pos] + junk + line[pos:]


LONG_LINE = 'long_line'


def demo_reject(rng, series):
    """A line with exactly one fault: (line, reason); or, as often as each fault, a valid set
    line of 1440-1460 bytes, longer than max-payload (once line_too_long; now it goes alone):
    (line, LONG_LINE)."""
    name, tags, mtype = series
    base = render(rng, name, tags, mtype, [demo_value(rng, mtype)])
    reason = rng.choice(['line_control_char', 'line_bad_utf8', 'line_bad_format', 'line_bad_name',
                         'line_unknown_type', 'line_bad_value', LONG_LINE])
    nlen = len(name.encode())
    if reason == 'line_control_char':
        junk = rng.choice([b'\x00', b'\t', b'\x1b', b'\x7f', b'\x01', b'\r', b'\x0b'])
        line = insert_at(base, rng.randint(1, len(base) - 1), junk)
    elif reason == 'line_bad_utf8':
        junk = rng.choice([b'\xff', b'\xc3', b'\xe2\x82', b'\x80', b'\xc0\xaf', b'\xed\xa0\x80', b'\xfe'])
        line = insert_at(base, rng.randint(1, nlen), junk)
    elif reason == 'line_bad_format':
        line = rng.choice([name.encode(), name.encode() + b':' + demo_value(rng, mtype).encode(),
                           name.encode() + b' 1 c', base.split(b'|')[0]])
    elif reason == 'line_bad_name':
        line = base[nlen:] if base[nlen:nlen + 1] in (b':', b',') else b':1|c'
    elif reason == 'line_unknown_type':
        t = rng.choice([b'x', b'C', b'timer', b'gauge', b'G', b'mss', b'hh'])
        line = name.encode() + b':1|' + t
    elif reason == 'line_bad_value':
        v = rng.choice([b'abc', b'1.2.3', b'', b'12ms', b'--1', b'1e', b'NaN%', b'0x'])
        if mtype == 's' or (mtype not in ('c', 'g') and rng.random() < 0.4):
            v = rng.choice([b'-5', b'+2', b'-alice'] if mtype == 's' else [b'-5', b'+2'])
        line = name.encode() + b':' + v + b'|' + mtype.encode()
    else:
        line = name.encode() + b':' + b'v' * (rng.randint(1440, 1460) - nlen - 3) + b'|s'
    return line, reason


def ping_data(rng, n):
    return bytes(rng.randrange(256) for _ in range(n))


def statsd_lines(rng, cat, n, reject_rate=0.0):
    lines, wants = [], []
    for _ in range(n):
        s = rng.choice(cat)
        if rng.random() < reject_rate:
            ln, want = demo_reject(rng, s)
            if want == LONG_LINE:
                continue
        else:
            ln, want = demo_line(rng, s), None
        lines.append(ln)
        wants.append(want)
    return lines, wants


def frag_payload(rng, cat, size):
    """StatsD lines of about size bytes (valid ones)."""
    lines = []
    total = 0
    while total < size:
        ln = demo_line(rng, rng.choice(cat))
        lines.append(ln)
        total += len(ln) + 1
    return lines, b'\n'.join(lines) + b'\n'
