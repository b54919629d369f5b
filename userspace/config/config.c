// SPDX-License-Identifier: MIT
/*
 * Loading the config file: a strict libyang parse and validation, and
 * when that fails, a diagnosis that lists every error instead of the
 * first.  A valid tree is converted to struct rb_config and checked for
 * what YANG cannot express.  Any error rejects the whole file.  Each load
 * has its own libyang context, freed before returning.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_internal.h"

/* Large enough for RB_MAX_DEVICES devices at a few hundred bytes each. */
#define RB_CFG_FILE_MAX	(256u << 20)

/*
 * Whether the subnets of each kind came through the diagnosis intact.
 * When one did not, a device address outside all subnets of that kind
 * is not reported, because the damaged subnet may be the one that
 * contains it.
 */
struct rb_cfg_completeness {
	bool subnets;
	bool subnets6;
};

static bool is_blank(const char *text)
{
	return text[strspn(text, " \t\r\n")] == '\0';
}

static bool has_root(const struct lyd_node *tree)
{
	const struct lyd_node *node;

	LY_LIST_FOR(tree, node) {
		if (node->schema && strcmp(node->schema->module->name, RB_CFG_MODULE) == 0)
			return true;
	}
	return false;
}

/*
 * Parse and validate json into *tree.  Returns 0 with a valid tree, or
 * -EINVAL with every error in errs and *tree repaired for the checks in
 * C (or NULL when it could not be repaired).
 */
static int parse(struct ly_ctx *ctx, const struct lys_module *module, const char *json,
		 struct lyd_node **tree, struct rb_cfg_completeness *complete,
		 struct rb_cfg_errors *errs)
{
	struct rb_cfg_errors strict = { 0 };
	struct rb_cfg_diagnosis diag;

	complete->subnets = true;
	complete->subnets6 = true;
	if (lyd_parse_data_mem(ctx, json, LYD_JSON, LYD_PARSE_STRICT, LYD_VALIDATE_PRESENT,
			       tree) == LY_SUCCESS) {
		/* An empty object is all defaults: let libyang add them. */
		if (!has_root(*tree) && lyd_validate_module(tree, module, 0, NULL)) {
			rb_cfg_err_add_ly_stored(errs, ctx);
			return -EINVAL;
		}
		return 0;
	}

	rb_cfg_err_add_ly_stored(&strict, ctx);
	lyd_free_all(*tree);
	*tree = NULL;

	rb_cfg_diagnose(ctx, json, errs, &diag);
	*tree = diag.tree;
	complete->subnets = !diag.subnets_damaged;
	complete->subnets6 = !diag.subnets6_damaged;

	/* The strict errors stand in if the diagnosis found none. */
	if (rb_cfg_err_total(errs) == 0) {
		rb_cfg_errors_free(errs);
		*errs = strict;
		strict = (struct rb_cfg_errors){ 0 };
	}
	if (rb_cfg_err_total(errs) == 0)
		rb_cfg_err_add(errs, NULL, NULL, "libyang rejected the file without an error message");
	rb_cfg_errors_free(&strict);
	return -EINVAL;
}

static int convert_and_check(const struct lyd_node *tree,
			     const struct rb_cfg_completeness *complete, struct rb_config **out,
			     struct rb_cfg_errors *errs)
{
	struct rb_cfg_sources src = { 0 };
	struct rb_config *cfg;
	int ret;

	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return -ENOMEM;

	ret = rb_cfg_convert(tree, cfg, &src, errs);
	if (!ret)
		ret = rb_cfg_index_devices(cfg);
	if (!ret)
		ret = rb_cfg_index_devices6(cfg);
	if (!ret) {
		rb_cfg_check(cfg, &src, complete->subnets, errs);
		rb_cfg_check6(cfg, &src, complete->subnets6, errs);
		rb_cfg_check_dns(cfg, src.dns, errs);
	}
	rb_cfg_sources_free(&src);

	if (!ret && rb_cfg_err_total(errs) > 0)
		ret = -EINVAL;
	if (ret) {
		rb_config_free(cfg);
		return ret;
	}
	*out = cfg;
	return 0;
}

static int load_with_libyang(const char *json, struct rb_config **out, struct rb_cfg_errors *errs)
{
	const struct lys_module *module;
	struct lyd_node *tree = NULL;
	struct ly_ctx *ctx;
	struct rb_cfg_completeness complete;
	int ret, parsed;

	ret = rb_cfg_ctx_new(&ctx, &module, errs);
	if (ret)
		return ret;

	parsed = parse(ctx, module, json, &tree, &complete, errs);

	/* A rejected file is still checked, so that all its errors show at once. */
	ret = tree ? convert_and_check(tree, &complete, out, errs) : 0;
	if (parsed && ret == 0) {
		rb_config_free(*out);
		*out = NULL;
		ret = parsed;
	}
	if (ret == -ENOMEM)
		rb_cfg_err_add(errs, NULL, NULL, "out of memory while loading the config");

	rb_cfg_err_add_examples(errs, ctx);
	lyd_free_all(tree);
	ly_ctx_destroy(ctx);
	return ret;
}

int rb_config_load_string(const char *json, struct rb_config **out, struct rb_cfg_errors *errs)
{
	uint32_t log_options;
	int ret;

	*out = NULL;
	*errs = (struct rb_cfg_errors){ 0 };

	if (!json || is_blank(json)) {
		rb_cfg_err_add(errs, NULL, NULL,
			       "the config is empty; it must be a JSON object with the member "
			       "\"%s:%s\"", RB_CFG_MODULE, RB_CFG_MODULE);
		return -EINVAL;
	}

	/*
	 * Store libyang's errors instead of printing them.  NOTE: this sets
	 * the process-wide options, because libyang 2.1.30 prints failed
	 * leafrefs with those even when ly_temp_log_options() is set.
	 */
	log_options = ly_log_options(LY_LOSTORE);
	ret = load_with_libyang(json, out, errs);
	ly_log_options(log_options);
	return ret;
}

static int read_file(const char *path, char **text, struct rb_cfg_errors *errs)
{
	struct stat st;
	ssize_t n = 0;
	size_t used = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		err = errno;
		rb_cfg_err_add(errs, NULL, path, "cannot open the config file: %s", strerror(err));
		if (fd >= 0)
			close(fd);
		return -err;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > RB_CFG_FILE_MAX) {
		rb_cfg_err_add(errs, NULL, path,
			       "the config must be a regular file of at most %u MiB",
			       RB_CFG_FILE_MAX >> 20);
		close(fd);
		return -EINVAL;
	}

	*text = malloc((size_t)st.st_size + 1);
	if (!*text) {
		close(fd);
		return -ENOMEM;
	}
	while (used < (size_t)st.st_size &&
	       (n = read(fd, *text + used, (size_t)st.st_size - used)) > 0)
		used += (size_t)n;
	err = n < 0 ? errno : 0;
	close(fd);

	if (err) {
		rb_cfg_err_add(errs, NULL, path, "cannot read the config file: %s", strerror(err));
		free(*text);
		*text = NULL;
		return -err;
	}
	(*text)[used] = '\0';
	return 0;
}

int rb_config_load(const char *path, struct rb_config **out, struct rb_cfg_errors *errs)
{
	char *json = NULL;
	int ret;

	*out = NULL;
	*errs = (struct rb_cfg_errors){ 0 };

	ret = read_file(path, &json, errs);
	if (ret)
		return ret;
	ret = rb_config_load_string(json, out, errs);
	free(json);
	return ret;
}

void rb_config_free(struct rb_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->ifaces);
	free(cfg->subnets);
	free(cfg->profiles);
	free(cfg->devices);
	free(cfg->devices_by_mac);
	free(cfg->devices_by_ipv4);
	free(cfg->devices_by_duid);
	free(cfg->devices_by_ipv6);
	free(cfg->subnets6);
	free(cfg->ras);
	free(cfg->dns.hosts);
	free(cfg->dns.cnames);
	free(cfg->dns.srvs);
	free(cfg->dns.txts);
	free(cfg);
}
