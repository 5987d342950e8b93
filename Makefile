# SPDX-License-Identifier: GPL-2.0
#
# layerfs: the single entry point. See README for the targets.
#
#   make                 layerfs.ko for every supported kernel + layermount
#   make KDIR=<tree>     layerfs.ko for the kernel of that build tree only
#   make install         module, helper, man page (KDIR= or KREL= picks the
#                        kernel, default the running one; DESTDIR honoured)
#   make install-dkms    the module's source for DKMS in /usr/src
#   make check           lint, host tests, guest suite on every kernel
#   make check KVERS="6.12" TESTS="copy_up"
#   make lab LAB=N       the student tree of lab N in build/lab-N
#   make lab-check LAB=N its exercises, ok or not ok (REF=1: the real code)
#   make lab-shell LAB=N a guest with that lab's module, interactive
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
TOOL_HDRS	:= $(wildcard tests/tools/*.h)

# the version of layerfs (module, helper, DKMS package), in one place
VERSION		:= $(shell cat $(CURDIR)/VERSION)
ifeq ($(VERSION),)
$(error layerfs: no version: VERSION is missing or empty)
endif
PREFIX		?= /usr/local
DESTDIR		?=
DEPMOD		?= depmod

.PHONY: all deps modules helper tools testmods lint check check-host check-guest \
	demo shell bench bench-report stress check-debug check-mutants clean install \
	install-dkms lab lab-check lab-shell labs-ci FORCE

# One kernel instead of the supported series: KDIR= its build tree, or
# KREL= a release whose build tree is /lib/modules/KREL/build; install
# without either means the running kernel.
ifneq ($(filter install,$(MAKECMDGOALS)),)
ifeq ($(KDIR)$(KREL),)
KREL		:= $(shell uname -r)
endif
endif
ifneq ($(KREL),)
KDIR		?= /lib/modules/$(KREL)/build
endif

ifneq ($(KDIR),)
# the tree's release as its modules' vermagic has it (UTS_RELEASE; on
# Debian's 6.1 headers include/config/kernel.release says 6.1.192)
ifeq ($(KREL),)
KREL		:= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
			$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
endif

all: modules helper

# not `deps`: any kernel, any distribution; what the build needs is in
# README (Requirements)
modules:
	@[ -f "$(KDIR)/Makefile" ] || { echo "layerfs: $(KDIR) is not a kernel build tree (no Makefile): install that kernel's headers, or name a build tree with KDIR= or a release with KREL=" >&2; exit 1; }
	@[ -n "$(KREL)" ] || { echo "layerfs: KDIR=$(KDIR) has no include/generated/utsrelease.h: not a prepared build tree (run make modules_prepare there)" >&2; exit 1; }
	@vm/linktree.sh $(CURDIR) $(BUILD)/$(KREL)
	@$(MAKE) -C $(KDIR) M=$(BUILD)/$(KREL) V=$(V) $(KBUILD_ARGS) modules
	@echo "layerfs: $(BUILD)/$(KREL)/kmod/layerfs.ko (version $(VERSION)) for $(KREL)"

# the module into /lib/modules/KREL/updates, then depmod (DEPMOD=true
# leaves the index to a package's scripts); helper and man page below
# PREFIX
install: modules helper
	install -D -m 0644 $(BUILD)/$(KREL)/kmod/layerfs.ko \
		$(DESTDIR)/lib/modules/$(KREL)/updates/layerfs.ko
	$(DEPMOD) $(if $(DESTDIR),-b $(DESTDIR)) $(KREL)
	@$(MAKE) -C helper install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) \
		SBINDIR=$(PREFIX)/sbin MANDIR=$(PREFIX)/share/man
else
all: modules helper tools testmods
endif

# The module's source for DKMS, in /usr/src/layerfs-VERSION: a plain
# kbuild tree (Kbuild, kmod/, VERSION) and dkms.conf with the version
# filled in. Then: dkms add layerfs/VERSION; dkms build layerfs/VERSION
# -k RELEASE; dkms install layerfs/VERSION -k RELEASE.
DKMS_SRC	:= $(DESTDIR)/usr/src/layerfs-$(VERSION)

install-dkms:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kmod
	install -m 0644 Kbuild VERSION $(DKMS_SRC)/
	install -m 0644 kmod/Kbuild kmod/*.mk kmod/*.c kmod/*.h $(DKMS_SRC)/kmod/
	sed 's/@VERSION@/$(VERSION)/' dkms.conf > $(DKMS_SRC)/dkms.conf
	@echo "layerfs: DKMS source in $(DKMS_SRC); next: dkms add layerfs/$(VERSION)"

deps:
	@vm/deps.sh

# One build directory per kernel release; $(1) is the series.
ifeq ($(KDIR),)
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
endif

# (with KDIR, any distribution: no deps, README lists what the helper needs)
helper: $(if $(KDIR),,deps)
	@$(MAKE) -C helper

tools: $(TOOLS)

$(BUILD)/tools/%: tests/tools/%.c $(TOOL_HDRS) | deps
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

# the tables and charts of the last make bench (build/bench), and the
# README's benchmark block from them; refused for runs of fewer than 5
bench-report:
	@vm/bench-report.py --readme README $(BUILD)/bench

# Kernel-course labs (Documentation/labs/). make lab writes the student
# tree of lab LAB and keeps one that exists (the student's work) unless
# FORCE=1; lab-check builds it for one kernel (KVER, default 6.12), runs
# the lab's exercise tests in one guest and prints ok or not ok per
# exercise; REF=1 runs them on the real code. labs-ci: every lab, the
# reference passes and the skeleton fails every exercise, cleanly.
LAB		?=
KVER		?= 6.12
REF		?=
FORCE		?=
EX		?=

lab: deps
	@[ -n "$(LAB)" ] || { echo "layerfs: make lab LAB=N (labs: $$(vm/lab.py labs))" >&2; exit 1; }
	@if [ -e $(BUILD)/lab-$(LAB) ] && [ -z "$(FORCE)" ]; then \
		echo "layerfs: $(BUILD)/lab-$(LAB) exists and may hold your work: keeping it (FORCE=1 writes a fresh one)" >&2; \
		exit 1; fi
	@vm/lab.py gen $(LAB) $(BUILD)/lab-$(LAB) $(EX)

lab-check: deps tools
	@[ -n "$(LAB)" ] || { echo "layerfs: make lab-check LAB=N [REF=1] [KVER=6.1]" >&2; exit 1; }
	@vm/lab-check.sh $(if $(REF),--ref) --kver $(KVER) $(LAB)

# a guest with lab LAB's module (built by lab-check), interactive
lab-shell: deps tools
	@[ -f $(BUILD)/lab-$(LAB)/kmod/layerfs.ko ] || { echo "layerfs: no $(BUILD)/lab-$(LAB)/kmod/layerfs.ko: make lab-check LAB=$(LAB) builds it" >&2; exit 1; }
	@vm/run.sh --kver $(KVER) --shell --ko $(BUILD)/lab-$(LAB)/kmod/layerfs.ko

labs-ci: deps tools
	@vm/labs-ci.sh
