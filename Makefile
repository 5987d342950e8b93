# SPDX-License-Identifier: GPL-2.0
#
# layerfs: the single entry point. See README for the targets.
#
#   make                 layerfs.ko for every supported kernel + layermount
#   make check           lint, host tests, guest suite on every kernel
#   make check KVERS="6.12" TESTS="copy_up"
#
# The module is built once per kernel in build/<release>/, from a tree of
# symbolic links to the sources, so kmod/ itself stays free of objects.

# every supported kernel series: plain make builds the module for each
SERIES		:= 6.1 6.12 7.3
# the series make check (and check-guest, stress, shell) test by default;
# 7.3 is tested in .ci/run after make check, for make check's time budget
KVERS		?= 6.1 6.12
TESTS		?=
BUILD		:= $(CURDIR)/build
V		?= 0

export KVERS TESTS BUILD

CC		?= cc
TOOL_CFLAGS	:= -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE

TOOL_SRCS	:= $(wildcard tests/tools/*.c)
TOOLS		:= $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))

.PHONY: all deps modules helper tools testmods lint check check-host check-guest \
	demo shell bench stress check-debug check-mutants clean FORCE

all: modules helper tools testmods

deps:
	@vm/deps.sh

# One build directory per kernel release; $(1) is the series.
define module_rule
modules: module-$(1)
.PHONY: module-$(1)
module-$(1): deps
	@rel=$$$$(vm/krel $(1)) && \
	kdir=$$$$(vm/krel --kdir $(1)) && \
	vm/linktree.sh $(CURDIR) $(BUILD)/$$$$rel && \
	$(MAKE) -C $$$$kdir M=$(BUILD)/$$$$rel \
		V=$(V) $(KBUILD_ARGS) modules

# the harness self-test's module (tests/selftest/kmod), same scheme
testmods: testmod-$(1)
.PHONY: testmod-$(1)
testmod-$(1): deps
	@rel=$$$$(vm/krel $(1)) && d=$(BUILD)/$$$$rel/selftest && \
	kdir=$$$$(vm/krel --kdir $(1)) && \
	mkdir -p $$$$d && \
	ln -sfn $(CURDIR)/tests/selftest/kmod/lfs_selftest.c $$$$d/ && \
	ln -sfn $(CURDIR)/tests/selftest/kmod/Kbuild $$$$d/ && \
	$(MAKE) -C $$$$kdir M=$$$$d V=$(V) modules
endef
$(foreach s,$(SERIES),$(eval $(call module_rule,$(s))))

helper: deps
	@$(MAKE) -C helper

tools: $(TOOLS)

$(BUILD)/tools/%: tests/tools/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -o $@ $< -lpthread

lint: deps
	@vm/lint.sh

# (check.sh builds all itself, to time it)
check: deps
	@tests/check.sh

check-host: all
	@tests/run-host.sh

check-guest: all
	@for s in $(KVERS); do vm/run.sh --kver $$s || exit 1; done

demo: all
	@vm/demo.sh

shell: all
	@vm/run.sh --kver $(firstword $(KVERS)) --shell

clean:
	rm -rf $(BUILD)
	@$(MAKE) -C helper clean

stress: all
	@for s in $(KVERS); do vm/run.sh --kver $$s --suite stress || exit 1; done

# deliberate breakages of kmod/ and helper/ (tests/mutants), each of which a
# test must catch; MUTANTS="glob ..." picks some. Not part of check.
MUTANTS		?=
check-mutants: all
	@vm/mutants.py $(MUTANTS)

# debug kernels (KASAN, lockdep, kmemleak, ...): built once, cached in
# /var/cache/layerfs/debug; not part of check or CI
check-debug: helper tools
	@vm/check-debug.sh

bench: all
	@vm/bench.sh
