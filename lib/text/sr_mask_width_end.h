/* SPDX-License-Identifier: BSD-3-Clause */
/* The end of a template's width (text/sr_mask_width.h): its names undefined. */
#undef FM_WIDTH
#undef FM_MASK
#undef FM_CLS
#undef FM_FN
#undef FM_FIRST
#undef FM_BELOW
#undef FM_RANGE
#undef FM_SINGLE
