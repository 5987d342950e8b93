// SPDX-License-Identifier: GPL-2.0
/*
 * lfs_selftest: a test-only module for the harness self-test. It lets a
 * guest test provoke what the harness must catch:
 *   echo 1 > /sys/module/lfs_selftest/parameters/warn   a WARNING
 *   echo 1 > /sys/module/lfs_selftest/parameters/pin    refuse to unload
 * Never loaded outside tests/host/harness_selftest.sh.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

static int lfs_selftest_warn(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	WARN(on, "lfs_selftest: deliberate warning\n");
	return 0;
}

static int lfs_selftest_pin(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	if (on)
		__module_get(THIS_MODULE);
	return 0;
}

static const struct kernel_param_ops warn_ops = { .set = lfs_selftest_warn };
static const struct kernel_param_ops pin_ops = { .set = lfs_selftest_pin };

module_param_cb(warn, &warn_ops, NULL, 0200);
MODULE_PARM_DESC(warn, "write 1 to print a WARNING");
module_param_cb(pin, &pin_ops, NULL, 0200);
MODULE_PARM_DESC(pin, "write 1 to take a reference that is never dropped");

static int __init lfs_selftest_init(void)
{
	return 0;
}

static void __exit lfs_selftest_exit(void)
{
}

module_init(lfs_selftest_init);
module_exit(lfs_selftest_exit);

MODULE_DESCRIPTION("layerfs harness self-test helper");
MODULE_LICENSE("GPL");
