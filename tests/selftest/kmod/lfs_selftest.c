// SPDX-License-Identifier: GPL-2.0
/*
 * lfs_selftest: a test-only module for the harness self-test. It lets a
 * guest test provoke what the harness must catch:
 *   echo 1 > /sys/module/lfs_selftest/parameters/warn   a WARNING
 *   echo 1 > /sys/module/lfs_selftest/parameters/pin    refuse to unload
 * and, for the debug kernels' detectors (vm/check-debug.sh):
 *   echo 1 > .../parameters/lockinv   lock order inversion (lockdep)
 *   echo 1 > .../parameters/oob       slab-out-of-bounds read (KASAN)
 *   echo 1 > .../parameters/shift     shift out of bounds (UBSAN)
 * Never loaded outside tests/host/harness_selftest.sh.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>

static DEFINE_MUTEX(lfs_selftest_a);
static DEFINE_MUTEX(lfs_selftest_b);

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

/* a then b, later b then a: lockdep reports it (one thread, no deadlock) */
static int lfs_selftest_lockinv(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err || !on)
		return err;
	mutex_lock(&lfs_selftest_a);
	mutex_lock(&lfs_selftest_b);
	mutex_unlock(&lfs_selftest_b);
	mutex_unlock(&lfs_selftest_a);
	mutex_lock(&lfs_selftest_b);
	mutex_lock(&lfs_selftest_a);
	mutex_unlock(&lfs_selftest_a);
	mutex_unlock(&lfs_selftest_b);
	return 0;
}

/* reads one byte past an 8-byte allocation */
static int lfs_selftest_oob(const char *val, const struct kernel_param *kp)
{
	bool on;
	char *p;
	int err = kstrtobool(val, &on);

	if (err || !on)
		return err;
	p = kmalloc(8, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	pr_info("lfs_selftest: byte past the end: %d\n", READ_ONCE(p[8]));
	kfree(p);
	return 0;
}

/* shifts a 32-bit int by 40 */
static int lfs_selftest_shift(const char *val, const struct kernel_param *kp)
{
	bool on;
	int n = 40, one = 1;
	int err = kstrtobool(val, &on);

	if (err || !on)
		return err;
	OPTIMIZER_HIDE_VAR(n);
	pr_info("lfs_selftest: 1 << %d = %d\n", n, one << n);
	return 0;
}

static const struct kernel_param_ops warn_ops = { .set = lfs_selftest_warn };
static const struct kernel_param_ops pin_ops = { .set = lfs_selftest_pin };
static const struct kernel_param_ops lockinv_ops = { .set = lfs_selftest_lockinv };
static const struct kernel_param_ops oob_ops = { .set = lfs_selftest_oob };
static const struct kernel_param_ops shift_ops = { .set = lfs_selftest_shift };

module_param_cb(warn, &warn_ops, NULL, 0200);
MODULE_PARM_DESC(warn, "write 1 to print a WARNING");
module_param_cb(pin, &pin_ops, NULL, 0200);
MODULE_PARM_DESC(pin, "write 1 to take a reference that is never dropped");
module_param_cb(lockinv, &lockinv_ops, NULL, 0200);
MODULE_PARM_DESC(lockinv, "write 1 to take two mutexes in both orders");
module_param_cb(oob, &oob_ops, NULL, 0200);
MODULE_PARM_DESC(oob, "write 1 to read past the end of an allocation");
module_param_cb(shift, &shift_ops, NULL, 0200);
MODULE_PARM_DESC(shift, "write 1 to shift an int by more than its width");

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
