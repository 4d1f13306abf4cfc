/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP fragmentation of a datagram the relay sends that is larger than the
 * MTU: a line longer than --max-payload (in a datagram of its own), the
 * answer to a large echo request. The datagram is a linear frame (Ethernet,
 * then an IPv4 header without options or an IPv6 header without extension
 * headers, then the whole IP payload with its UDP or ICMP header and
 * checksum); each fragment is written straight into its own buffer: one
 * copy, and every fragment one segment, which every PMD sends (AF_XDP in
 * DPDK 22.11 sends only the first segment of a chain).
 *   IPv4 (RFC 791 3.2): the header is copied, the fragment offset counted in
 *   8-byte units, MF on all but the last, DF off, the checksum recomputed.
 *   IPv6 (RFC 8200 4.5): a Fragment header after the fixed header, the
 *   upper-layer header only in the first fragment.
 * `id` is the datagram's identification: fresh for each (RFC 6864 4.1,
 * RFC 8200 4.5); the caller keeps the counter.
 */
#ifndef SR_FRAGMENT_H
#define SR_FRAGMENT_H

#include <stdbool.h>
#include <stdint.h>

#define SR_FRAGMENT_MAX 64 /* a 65535-byte datagram over a 1280-byte MTU needs 52 */

/* The IP payload bytes each fragment but the last carries, a multiple of 8. */
uint32_t sr_fragment_size(bool v6, uint32_t mtu);

/* How many fragments the frame (l2 bytes of Ethernet, and VLAN tag, first)
 * needs at mtu; 0 when it cannot be fragmented (IPv4 options or IPv6
 * extension headers, the MTU leaves no room, too many). */
uint32_t sr_fragment_count(const uint8_t *frame, uint32_t frame_len, uint32_t l2, uint32_t mtu);

/* Write fragment k (0-based, k < count) into out (room for l2 + mtu bytes);
 * returns its frame length. */
uint32_t sr_fragment_write(const uint8_t *frame, uint32_t frame_len, uint32_t l2, uint32_t mtu,
			   uint32_t id, uint32_t k, uint8_t *out);

#endif
