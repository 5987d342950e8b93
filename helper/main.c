// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: command line of layermount(8).
 *
 *   layermount [OPTIONS] IMAGE MOUNTPOINT   unpack what is missing, mount
 *   layermount unpack [OPTIONS] IMAGE       only fill the store
 *   layermount inspect [OPTIONS] IMAGE      per-layer changes, waste (inspect.c)
 *   layermount umount [-l] MOUNTPOINT       unmount, drop the mount's state
 *   layermount ls [--json] | rm IMAGE | gc [--dry-run] [--all]
 *
 * Modelled on util-linux's boilerplate: usage() on stdout with exit 0,
 * a hint on stderr and exit 1 for a bad command line, -h and -V.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layermount.h"

enum {
	OPT_MAX_BYTES = 256, OPT_MAX_ENTRIES, OPT_MAX_DEPTH, OPT_MAX_JSON,
	OPT_MAX_LAYERS, OPT_MAX_DIR_META, OPT_READ_ONLY, OPT_DEV, OPT_SUID,
	OPT_REF, OPT_PLATFORM, OPT_UPPER, OPT_JSON, OPT_ALL, OPT_FILES, OPT_CI,
	OPT_MAX_WASTED, OPT_MIN_EFF, OPT_FAIL_SECRETS, OPT_OUTPUT,
	OPT_COMPRESS, OPT_MESSAGE, OPT_FORMAT, OPT_SPARSE,
};

/* Which commands take an option (a bit per command). */
enum {
	FOR_MOUNT = 1, FOR_UNPACK = 2, FOR_UMOUNT = 4, FOR_LS = 8,
	FOR_RM = 16, FOR_GC = 32, FOR_INSPECT = 64, FOR_DIFF = 128,
	FOR_COMMIT = 256,
};
#define FOR_IMAGE	(FOR_MOUNT | FOR_UNPACK | FOR_INSPECT)
#define FOR_MNT		(FOR_UMOUNT | FOR_DIFF | FOR_COMMIT)
#define FOR_ALL		(FOR_IMAGE | FOR_MNT | FOR_LS | FOR_RM | FOR_GC)

/* The commands after the options: name, option bit, arguments. */
static const struct {
	const char *name;
	int bit, nargs;
} cmds[] = {
	{ "unpack", FOR_UNPACK, 1 }, { "umount", FOR_UMOUNT, 1 },
	{ "inspect", FOR_INSPECT, 1 }, { "ls", FOR_LS, 0 },
	{ "rm", FOR_RM, 1 }, { "gc", FOR_GC, 0 }, { "diff", FOR_DIFF, 1 },
	{ "commit", FOR_COMMIT, 1 },
};

/* --help: the caps, inspect's options and the exit statuses */
static void usage_tail(void)
{
	printf(
"Caps (a bad image exceeds one: exit 2):\n"
"     --max-layers <n>     layers of an image (default 500, what one\n"
"                          overlayfs mount stacks; layerfs stacks 1024)\n"
"     --max-bytes <size>   uncompressed bytes per layer, and of a compressed\n"
"                          docker save archive (default 256G)\n"
"     --max-entries <n>    tar entries per layer (default 10000000)\n"
"     --max-depth <n>      path components (default 256)\n"
"     --max-json <size>    size of one JSON document (default 16M)\n"
"     --max-dir-meta <size>  directory metadata kept during the unpack of\n"
"                          one layer, about 80 bytes + the path a directory\n"
"                          (default 256M)\n"
"\n"
"Inspect options (inspect reads the image only: no store, no root):\n"
"     --json               the report as JSON (schema layermount-inspect 1)\n"
"     --files[=<n>]        every change of layer <n> (default: all layers)\n"
"     --ci                 check a policy; exit 5 if it fails (default\n"
"                          policy: --fail-on-hidden-secrets)\n"
"     --max-wasted-bytes <size>  fail above this many wasted bytes\n"
"     --min-efficiency <x> fail below this efficiency (0.9 or 90%%)\n"
"     --fail-on-hidden-secrets  fail on a deleted but shipped file whose\n"
"                          name commonly holds secrets\n"
"\n"
" -h, --help               display this help\n"
" -V, --version            display version\n"
"\n"
"Exit status: 0 success, 1 usage, 2 bad or hostile image, 3 no or several\n"
"matching images, 4 local system error, 5 a policy check failed (inspect --ci),\n"
"32 mount failure. See layermount(8).\n");
}

static void usage(void)
{
	printf(
"Usage:\n"
" layermount [options] <image> <mountpoint>\n"
" layermount unpack [options] <image>\n"
" layermount umount [-l] <mountpoint>\n"
" layermount ls [--json]\n"
" layermount rm <image>\n"
" layermount gc [--dry-run] [--all]\n"
" layermount inspect [options] <image>\n"
" layermount diff [--json] <mountpoint>\n"
" layermount commit [--ref <name>] [--output <path> [--format oci|docker]]\n"
"                   [--compress <c>] [--sparse] [-m <message>] <mountpoint>\n"
"\n"
"Verify and unpack an OCI image layout or a docker save archive (file or\n"
"directory, plain, gzip or zstd) into a layer store, and mount it with\n"
"layerfs or overlayfs.  The store records the images it holds and the\n"
"mounts made from it: ls lists them, rm forgets an image (by ref or\n"
"digest), gc removes what nothing recorded uses any more.  diff lists what\n"
"a mount's container changed; commit makes it a new image layer.\n"
"\n"
"Options:\n"
" -s, --store <dir>        layer store (default $LAYERMOUNT_STORE,\n"
"                          else " LM_DEFAULT_STORE ")\n"
"     --ref <name>         image by org.opencontainers.image.ref.name or tag\n"
"     --platform <os/arch[/variant]>  default: the host's\n"
" -q, --quiet              no progress and no messages on success\n"
"\n"
"Mount options (for mounting only):\n"
" -t, --type <fs>          layerfs (default) or overlay\n"
"     --upper <dir>        keep changes in <dir>/upper (work in <dir>/work);\n"
"                          <dir> is made 0700, an existing one must be\n"
"                          root's and closed to others\n"
"     --read-only          mount without an upper layer\n"
" -o, --options <opts>     more mount options (ro, noexec, noatime, ...)\n"
"     --suid               honour set-user/group-ID bits and file\n"
"                          capabilities (default: nosuid). RISK: any user\n"
"                          who reaches the mount runs the image's setuid\n"
"                          programs with their owner's privileges\n"
"     --dev                honour device nodes (default: nodev). RISK: any\n"
"                          user who reaches the mount (or the upper) may\n"
"                          open the image's devices, e.g. raw disks\n"
"\n"
"umount (no --store needed: the mount names its state in its source):\n"
" -l, --lazy               detach now, as umount -l; the state stays until\n"
"                          gc runs after a reboot\n"
"A mount layermount did not make, or that its record does not describe\n"
"(mount ID, boot), is refused before anything is unmounted (exit 1).\n"
"\n"
"ls, gc:\n"
"     --json               ls: the records as JSON (see layermount(8))\n"
" -n, --dry-run            gc: list what would be removed, remove nothing\n"
"     --all                gc: also the layers of stores from before\n"
"                          records (kept by default)\n"
"gc removes dead mounts' state (mount gone; lazily detached ones after a\n"
"reboot), stale temporary entries, and layers no image record and no live\n"
"mount uses; it waits for running unpacks and mounts (store lock).\n"
"\n"
"diff, commit (of a layermount mount with an upper layer):\n"
"     --json               diff: the changes as JSON (see layermount(8))\n"
"     --ref <name>         commit: add the new image to the mounted image's\n"
"                          OCI layout under this ref\n"
"     --output <dir>       commit: write a new OCI layout in <dir> instead\n"
"     --format docker      commit: --output names a docker save archive\n"
"     --compress <c>       commit: gzip (default), zstd or none\n"
"     --sparse             commit: files with holes as sparse entries (PAX\n"
"                          GNU.sparse 1.0; default: dense, holes as zeros)\n"
" -m, --message <text>     commit: the new history entry's created_by\n"
"With SOURCE_DATE_EPOCH set, commit is reproducible: the same upper gives\n"
"the same layer and manifest digests.\n"
"\n");
	usage_tail();
	exit(LM_EXIT_OK);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "layermount: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'layermount --help' for more information.\n");
	va_end(ap);
	exit(LM_EXIT_USAGE);
}

static void size_opt(const char *name, const char *arg, uint64_t *out)
{
	if (lm_parse_size(arg, out) || !*out)
		bad_usage("invalid %s value", name);
}

/*
 * unpack and mount: the store lock is held shared from the first look at
 * the store's layers until the image record and the mount record are
 * written, so gc (exclusive) never takes a layer from under them.
 */
static int image_cmd(struct lm_opts *o, const char *cmd, char **args,
		     struct lm_store *st)
{
	struct lm_source src;
	struct lm_image img;
	int err, lock;

	memset(&img, 0, sizeof(img));
	memset(&src, 0, sizeof(src));
	src.dirfd = src.tarfd = -1;
	lock = lm_store_lock(st, LOCK_SH);
	if (lock < 0)
		return LM_EXIT_SYSTEM;
	/* a compressed archive is decompressed in the store's tmp/ */
	err = lm_source_open(&src, args[0], &o->caps, st);
	if (!err)
		err = lm_image_load(o, &src, &img);
	if (!err)
		img.origin = realpath(args[0], NULL);	/* for commit */
	if (!err)
		err = lm_store_unpack_image(st, o, &src, &img);
	if (!err)
		err = lm_image_record(st, &src, &img);
	if (!err && !strcmp(cmd, "mount"))
		err = lm_mount(o, st, &img, args[1]);
	close(lock);
	lm_image_free(&img);
	lm_source_close(&src);
	return err;
}

static int run(struct lm_opts *o, const char *cmd, char **args)
{
	struct lm_store st;
	struct stat sb;
	int err, lock;

	if (!strcmp(cmd, "inspect") && !o->inspect.ci &&
	    (o->inspect.max_wasted_set || o->inspect.min_eff_set ||
	     o->inspect.fail_secrets))
		bad_usage("%s", "policy options need --ci");
	if (!strcmp(cmd, "inspect"))
		return lm_inspect(o, args[0]);
	if (!strcmp(cmd, "umount"))
		return lm_cmd_umount(o, args[0]);
	if (!strcmp(cmd, "diff"))
		return lm_cmd_diff(o, args[0]);
	if (!strcmp(cmd, "commit"))
		return lm_cmd_commit(o, args[0]);
	if (!strcmp(cmd, "mount") && (stat(args[1], &sb) || !S_ISDIR(sb.st_mode))) {
		lm_err(args[1], "mount point is not a directory");
		return LM_EXIT_MOUNT;
	}
	err = lm_store_open(&st, o->store);
	if (!err)
		err = lm_records_init(&st);
	if (err) {
		lm_store_close(&st);
		return err;
	}
	if (!strcmp(cmd, "ls")) {
		err = lm_cmd_ls(&st, o);
	} else if (!strcmp(cmd, "gc")) {
		err = lm_cmd_gc(&st, o);
	} else if (!strcmp(cmd, "rm")) {
		lock = lm_store_lock(&st, LOCK_SH);
		err = lock < 0 ? LM_EXIT_SYSTEM : lm_cmd_rm(&st, args[0]);
		if (lock >= 0)
			close(lock);
	} else {
		err = image_cmd(o, cmd, args, &st);
	}
	lm_store_close(&st);
	return err;
}

/* Options, with the commands that take them. */
static const struct {
	struct option o;
	int cmds;
} opts[] = {
	{ { "store", required_argument, NULL, 's' }, FOR_ALL },
	{ { "ref", required_argument, NULL, OPT_REF }, FOR_IMAGE | FOR_COMMIT },
	{ { "platform", required_argument, NULL, OPT_PLATFORM }, FOR_IMAGE },
	{ { "type", required_argument, NULL, 't' }, FOR_MOUNT },
	{ { "upper", required_argument, NULL, OPT_UPPER }, FOR_MOUNT },
	{ { "read-only", no_argument, NULL, OPT_READ_ONLY }, FOR_MOUNT },
	{ { "options", required_argument, NULL, 'o' }, FOR_MOUNT },
	{ { "dev", no_argument, NULL, OPT_DEV }, FOR_MOUNT },
	{ { "suid", no_argument, NULL, OPT_SUID }, FOR_MOUNT },
	{ { "quiet", no_argument, NULL, 'q' }, FOR_ALL },
	{ { "lazy", no_argument, NULL, 'l' }, FOR_UMOUNT },
	{ { "json", no_argument, NULL, OPT_JSON }, FOR_LS | FOR_INSPECT | FOR_DIFF },
	{ { "output", required_argument, NULL, OPT_OUTPUT }, FOR_COMMIT },
	{ { "compress", required_argument, NULL, OPT_COMPRESS }, FOR_COMMIT },
	{ { "format", required_argument, NULL, OPT_FORMAT }, FOR_COMMIT },
	{ { "message", required_argument, NULL, 'm' }, FOR_COMMIT },
	{ { "sparse", no_argument, NULL, OPT_SPARSE }, FOR_COMMIT },
	{ { "dry-run", no_argument, NULL, 'n' }, FOR_GC },
	{ { "all", no_argument, NULL, OPT_ALL }, FOR_GC },
	{ { "max-layers", required_argument, NULL, OPT_MAX_LAYERS }, FOR_IMAGE },
	{ { "max-bytes", required_argument, NULL, OPT_MAX_BYTES }, FOR_IMAGE | FOR_COMMIT },
	{ { "max-entries", required_argument, NULL, OPT_MAX_ENTRIES }, FOR_IMAGE },
	{ { "max-depth", required_argument, NULL, OPT_MAX_DEPTH }, FOR_IMAGE | FOR_MNT },
	{ { "max-json", required_argument, NULL, OPT_MAX_JSON }, FOR_IMAGE },
	{ { "max-dir-meta", required_argument, NULL, OPT_MAX_DIR_META }, FOR_IMAGE },
	{ { "files", optional_argument, NULL, OPT_FILES }, FOR_INSPECT },
	{ { "ci", no_argument, NULL, OPT_CI }, FOR_INSPECT },
	{ { "max-wasted-bytes", required_argument, NULL, OPT_MAX_WASTED }, FOR_INSPECT },
	{ { "min-efficiency", required_argument, NULL, OPT_MIN_EFF }, FOR_INSPECT },
	{ { "fail-on-hidden-secrets", no_argument, NULL, OPT_FAIL_SECRETS }, FOR_INSPECT },
	{ { "help", no_argument, NULL, 'h' }, FOR_ALL },
	{ { "version", no_argument, NULL, 'V' }, FOR_ALL },
};
#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

/* Options that mount(8) users might pass with -o but layermount owns. */
static void check_mount_opts(const char *s)
{
	static const char *const owned[] = {
		"lowerdir", "lowerdir+", "upperdir", "workdir", "datadir+",
		"suid", "dev", "rw",
	};
	char *copy = lm_xstrdup(s), *save = NULL, *tok;
	size_t i, n;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		n = strcspn(tok, "=");
		for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
			if (strlen(owned[i]) == n && !strncmp(tok, owned[i], n))
				bad_usage("-o %s: set by layermount (see --suid, "
					  "--dev, --upper, --read-only)", tok);
	}
	free(copy);
}

/* inspect's options (see inspect.c). */
static void inspect_opt(struct lm_inspect_opts *io, int c, const char *arg)
{
	uint64_t n = 0;
	char *end;
	double v;

	switch (c) {
	case OPT_CI: io->ci = true; break;
	case OPT_FAIL_SECRETS: io->fail_secrets = true; break;
	case OPT_FILES:
		io->files = true;
		if (arg && (lm_parse_size(arg, &n) || !n || n > 1U << 20))
			bad_usage("invalid --files value '%s'", arg);
		io->files_layer = n;
		break;
	case OPT_MAX_WASTED:
		if (lm_parse_size(arg, &io->max_wasted))
			bad_usage("invalid --max-wasted-bytes value");
		io->max_wasted_set = true;
		break;
	case OPT_MIN_EFF:
		v = strtod(arg, &end);
		if (*end == '%' && end[1] == '\0')
			v /= 100, end++;
		if (end == arg || *end || !(v >= 0 && v <= 1))
			bad_usage("invalid --min-efficiency value (0 to 1, or a percentage)");
		io->min_eff = v;
		io->min_eff_set = true;
		break;
	}
}

/* For "option X is for ...". */
static const char *opt_for(int bits)
{
	return bits == FOR_MOUNT ? "mounting an image" :
	       bits == FOR_IMAGE ? "mounting an image, unpacking or inspecting it" :
	       bits == FOR_UMOUNT ? "umount" : bits == FOR_LS ? "ls" :
	       bits == FOR_INSPECT ? "inspect" :
	       bits == (FOR_LS | FOR_INSPECT | FOR_DIFF) ? "ls, inspect or diff" :
	       bits == FOR_COMMIT ? "commit" :
	       bits == (FOR_IMAGE | FOR_COMMIT) ?
	       "mounting an image, unpacking or inspecting it, or commit" :
	       bits == (FOR_IMAGE | FOR_MNT) ?
	       "mounting an image, unpack, inspect, umount, diff or commit" : "gc";
}

static int opt_index(int val)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (opts[i].o.val == val)
			return i;
	return -1;
}

/* The option as the user wrote it, for messages: "--name" or "-x". */
static const char *opt_word(char **argv, int optind_after)
{
	const char *w = argv[optind_after - 1];
	static char buf[64];

	if (optarg == w && optind_after >= 2)	/* "--opt ARG": ARG is apart */
		w = argv[optind_after - 2];
	if (strncmp(w, "--", 2))
		return w;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(w, "="), w);
	return buf;
}

/* Sets the option @c of getopt_long(); exits on a bad value. */
static void set_opt(struct lm_opts *o, int c, char **argv)
{
	switch (c) {
	case 's': o->store = optarg; o->store_given = true; break;
	case 'l': o->lazy = true; break;
	case 'n': o->dry_run = true; break;
	case OPT_JSON: o->json = o->inspect.json = true; break;
	case OPT_ALL: o->all = true; break;
	case OPT_REF: o->ref = optarg; break;
	case OPT_PLATFORM:
		if (!strchr(optarg, '/'))
			bad_usage("invalid platform '%s' (want os/arch)", optarg);
		o->platform = optarg;
		break;
	case 't':
		if (strcmp(optarg, "layerfs") && strcmp(optarg, "overlay"))
			bad_usage("unknown type '%s'", optarg);
		o->type = optarg;
		break;
	case 'o':
		check_mount_opts(optarg);
		o->mount_opts = optarg;
		break;
	case OPT_UPPER: o->upper = optarg; break;
	case OPT_OUTPUT: o->output = optarg; break;
	case 'm': o->message = optarg; break;
	case OPT_SPARSE: o->sparse = true; break;
	case OPT_FORMAT:
		if (strcmp(optarg, "oci") && strcmp(optarg, "docker"))
			bad_usage("unknown format '%s' (oci or docker)", optarg);
		o->format = optarg;
		break;
	case OPT_COMPRESS:
		if (strcmp(optarg, "gzip") && strcmp(optarg, "zstd") &&
		    strcmp(optarg, "none"))
			bad_usage("unknown compression '%s' (gzip, zstd or none)",
				  optarg);
		o->compress = optarg;
		break;
	case OPT_READ_ONLY: o->read_only = true; break;
	case OPT_DEV: o->dev = true; break;
	case OPT_SUID: o->suid = true; break;
	case 'q': lm_quiet = true; break;
	case OPT_MAX_LAYERS: size_opt("--max-layers", optarg, &o->caps.layers); break;
	case OPT_MAX_BYTES: size_opt("--max-bytes", optarg, &o->caps.bytes); break;
	case OPT_MAX_ENTRIES: size_opt("--max-entries", optarg, &o->caps.entries); break;
	case OPT_MAX_DEPTH: size_opt("--max-depth", optarg, &o->caps.depth); break;
	case OPT_MAX_JSON: size_opt("--max-json", optarg, &o->caps.json); break;
	case OPT_MAX_DIR_META: size_opt("--max-dir-meta", optarg, &o->caps.dir_meta); break;
	case OPT_FILES: case OPT_CI: case OPT_MAX_WASTED:
	case OPT_MIN_EFF: case OPT_FAIL_SECRETS: inspect_opt(&o->inspect, c, optarg); break;
	case 'h': usage(); break;
	case 'V':
		printf("layermount %s\n", LM_VERSION);
		exit(LM_EXIT_OK);
	case ':':
		bad_usage("option %s requires an argument",
			  opt_word(argv, optind));
		break;
	default:
		if (optopt) {
			char s[3] = { '-', (char)optopt, '\0' };

			bad_usage("unrecognized option '%s'", s);
		}
		bad_usage("unrecognized option '%s'", argv[optind - 1]);
	}
}

/* The options; @given[k]: how the user wrote opts[k], NULL if not given. */
static void parse_opts(int argc, char **argv, struct lm_opts *o,
		       const char **given)
{
	struct option longopts[NOPTS + 1];
	size_t i;
	int c, k;

	memset(longopts, 0, sizeof(longopts));
	for (i = 0; i < NOPTS; i++)
		longopts[i] = opts[i].o;
	opterr = 0;	/* our own messages, without the program's path */
	while ((c = getopt_long(argc, argv, ":s:t:o:m:qlnhV", longopts, NULL)) != -1) {
		k = opt_index(c);
		if (k >= 0)
			given[k] = opt_word(argv, optind);
		set_opt(o, c, argv);
	}
}

static const struct lm_caps default_caps = {
	.bytes = 256ULL << 30,
	.entries = 10000000,
	.depth = 256,
	.json = 16 << 20,
	.layers = 500,
	.dir_meta = 256 << 20,
};

/*
 * The command (default: mount) after the options: takes it off @args,
 * and checks that it takes the options @given and its number of arguments.
 */
static const char *pick_cmd(char ***args, int *nargs, const char **given)
{
	const char *cmd = "mount";
	int bit = FOR_MOUNT, want = 2;
	size_t i;

	for (i = 0; *nargs && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp((*args)[0], cmds[i].name)) {
			cmd = cmds[i].name;
			bit = cmds[i].bit;
			want = cmds[i].nargs;
			(*args)++;
			(*nargs)--;
			break;
		}
	for (i = 0; i < NOPTS; i++)
		if (given[i] && !(opts[i].cmds & bit))
			bad_usage("%s: option %s is for %s", cmd, given[i],
				  opt_for(opts[i].cmds));
	if (*nargs != want)
		bad_usage("%s", *nargs < want ? "missing argument" :
			  "too many arguments");
	return cmd;
}

int main(int argc, char **argv)
{
	const char *given[NOPTS] = { NULL };
	struct lm_opts o = { .type = "layerfs", .caps = default_caps };
	const char *cmd;
	int nargs;
	char **args;

	parse_opts(argc, argv, &o, given);
	args = argv + optind;
	nargs = argc - optind;
	cmd = pick_cmd(&args, &nargs, given);
	if (o.upper && o.read_only)
		bad_usage("%s", "--upper and --read-only exclude each other");
	if (!o.store)
		o.store = getenv("LAYERMOUNT_STORE");
	if (!o.store || !*o.store)
		o.store = LM_DEFAULT_STORE;
	umask(0);
	return run(&o, cmd, args);
}
