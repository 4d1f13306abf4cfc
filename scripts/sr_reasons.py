# SPDX-License-Identifier: BSD-3-Clause
"""The relay's drop reasons, read from lib/sr_counters.h: the one list the C
code and the replay checker both use."""
import re
from pathlib import Path

_HEADER = Path(__file__).resolve().parent.parent / 'lib' / 'sr_counters.h'


def _names(macro):
    text = _HEADER.read_text()
    body = re.search(r'#define %s\(X\)(.*?)\n(?!\t)' % macro, text, re.S)
    if not body:
        raise RuntimeError('%s not found in %s' % (macro, _HEADER))
    return re.findall(r'X\(\w+, "(\w+)"\)', body.group(1))


FRAME_REASONS = _names('SR_FRAME_DROPS')
LINE_REASONS = _names('SR_LINE_DROPS')
