// SPDX-License-Identifier: MIT
/*
 * Checks that run before rackbootd touches any interface: the
 * privileges it needs, and the TFTP root folder of the config, which
 * libyang cannot check.  Each failure is logged with its fix.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "rackbootd/daemon.h"

#define RB_CFG_TFTP_ROOT "/rackboot:rackboot/tftp/root"

static bool cap_effective(const struct __user_cap_data_struct data[2], unsigned int cap)
{
	return data[cap / 32].effective & (1u << (cap % 32));
}

static void append(char *list, size_t size, const char *name)
{
	size_t used = strlen(list);

	snprintf(list + used, size - used, "%s%s", used ? ", " : "", name);
}

int rb_daemon_check_privileges(void)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	char missing[64] = "";

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &header, data) < 0) {
		log_debug("reading the capabilities of rackbootd failed: %s", strerror(errno));
		if (geteuid() == 0)
			return 0;
		strcpy(missing, "unknown");
	} else {
		/* CAP_SYS_ADMIN grants BPF too, also on kernels before 5.8 without CAP_BPF. */
		if (!cap_effective(data, CAP_BPF) && !cap_effective(data, CAP_SYS_ADMIN))
			append(missing, sizeof(missing), "CAP_BPF");
		if (!cap_effective(data, CAP_NET_ADMIN))
			append(missing, sizeof(missing), "CAP_NET_ADMIN");
		if (!cap_effective(data, CAP_NET_RAW))
			append(missing, sizeof(missing), "CAP_NET_RAW");
	}
	if (missing[0] == '\0')
		return 0;

	log_err("rackbootd needs root: it loads BPF programs and attaches XDP to interfaces "
		"(CAP_BPF, CAP_NET_ADMIN) and sends raw frames (CAP_NET_RAW), and this process "
		"lacks %s (effective user id %u); run it as root", missing, (unsigned int)geteuid());
	return -EPERM;
}

int rb_daemon_check_tftp_root(const char *config_path, const struct rb_config *cfg)
{
	const char *root = cfg->tftp_root;
	struct stat st;
	int err;

	if (root[0] == '\0')
		return 0;

	if (stat(root, &st) < 0) {
		err = -errno;
		if (err == -ENOENT)
			log_err("config %s: %s: value \"%s\": folder not found; create it "
				"(mkdir -p %s) or fix %s", config_path, RB_CFG_TFTP_ROOT, root, root,
				RB_CFG_TFTP_ROOT);
		else
			log_err("config %s: %s: value \"%s\": reading the folder failed: %s",
				config_path, RB_CFG_TFTP_ROOT, root, strerror(-err));
		return err;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_err("config %s: %s: value \"%s\": not a folder; set %s to the folder that "
			"holds the boot files", config_path, RB_CFG_TFTP_ROOT, root,
			RB_CFG_TFTP_ROOT);
		return -ENOTDIR;
	}
	return 0;
}
