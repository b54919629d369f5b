// SPDX-License-Identifier: MIT
/*
 * The libyang context of one config load.  The module text is compiled
 * into the binary (build/rackboot_yang.h, made from yang/rackboot.yang
 * by the Makefile), and ietf-inet-types and ietf-yang-types are built
 * into libyang 2, so loading reads no file from disk.
 */
#include <errno.h>

#include "config/config_internal.h"
#include "rackboot_yang.h"

int rb_cfg_ctx_new(struct ly_ctx **ctx, const struct lys_module **module,
		   struct rb_cfg_errors *errs)
{
	struct lys_module *mod = NULL;

	*ctx = NULL;
	*module = NULL;

	/* The parsed nodes name the types, for rb_cfg_err_add_examples(). */
	if (ly_ctx_new(NULL, LY_CTX_NO_YANGLIBRARY | LY_CTX_DISABLE_SEARCHDIRS |
		       LY_CTX_SET_PRIV_PARSED, ctx)) {
		rb_cfg_err_add(errs, NULL, NULL,
			       "cannot create a libyang context (out of memory?)");
		return -ENOMEM;
	}

	if (lys_parse_mem(*ctx, rb_yang_module, LYS_IN_YANG, &mod)) {
		rb_cfg_err_add_ly_stored(errs, *ctx);
		rb_cfg_err_add(errs, NULL, NULL,
			       "the built-in YANG module %s failed to compile with the installed "
			       "libyang; rebuild rackboot against it",
			       RB_CFG_MODULE);
		ly_ctx_destroy(*ctx);
		*ctx = NULL;
		return -EINVAL;
	}

	*module = mod;
	return 0;
}
