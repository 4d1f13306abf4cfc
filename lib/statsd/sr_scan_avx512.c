/* SPDX-License-Identifier: BSD-3-Clause */
/* sr_payload_scan built for avx512 (meson adds the -m flags; sr_payload.c checks the CPU). */
#include "statsd/sr_scan_impl.h"

SR_SCAN_VARIANT(sr_payload_scan_avx512)
