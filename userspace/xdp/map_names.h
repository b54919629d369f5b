/* SPDX-License-Identifier: MIT */
/*
 * Names of the enums in rackboot/maps.h, as rackbootctl prints them and
 * as its JSON output uses them as keys: lower snake case without the
 * RB_PHASE_, RB_XC_ or RB_UC_ prefix.
 */
#ifndef RB_MAP_NAMES_H
#define RB_MAP_NAMES_H

#include "rackboot/maps.h"

extern const char *const rb_phase_names[];	/* RB_PHASE_COUNT entries */
extern const char *const rb_xdp_counter_names[];	/* RB_XC_COUNT entries */
extern const char *const rb_us_counter_names[];	/* RB_UC_COUNT entries */

/* The name of phase, or "unknown" for a value past RB_PHASE_COUNT. */
const char *rb_phase_name(unsigned int phase);

#endif
