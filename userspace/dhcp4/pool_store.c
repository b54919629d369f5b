// SPDX-License-Identifier: MIT
/* The store as the lender of XDP pool addresses (pool_lend.h). */
#include "dhcp4/pool_lend.h"
#include "store/store.h"

static int store_begin(void *arg)
{
	return rb_store_begin(arg);
}

static int store_commit(void *arg)
{
	return rb_store_commit(arg);
}

static void store_abort(void *arg)
{
	rb_store_abort(arg);
}

static int store_lend(void *arg, uint32_t ipv4)
{
	return rb_store_lend(arg, ipv4);
}

static int store_unlend(void *arg, uint32_t ipv4)
{
	return rb_store_unlend(arg, ipv4);
}

static int store_foreach_lent(void *arg, int (*fn)(uint32_t ipv4, void *fn_arg), void *fn_arg)
{
	return rb_store_foreach_lent(arg, fn, fn_arg);
}

void rb_dhcp4_lender_of_store(struct rb_store *st, struct rb_dhcp4_lender *out)
{
	*out = (struct rb_dhcp4_lender){
		.begin = store_begin,
		.commit = store_commit,
		.abort = store_abort,
		.lend = store_lend,
		.unlend = store_unlend,
		.foreach_lent = store_foreach_lent,
		.arg = st,
	};
}
