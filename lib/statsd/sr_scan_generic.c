/* SPDX-License-Identifier: BSD-3-Clause */
/* sr_payload_scan built for the baseline instruction set. */
#include "statsd/sr_scan_impl.h"

SR_SCAN_VARIANT(sr_payload_scan_generic)
