// SPDX-License-Identifier: GPL-2.0
/*
 * main.c: command line of layermount(8).
 *
 *   layermount [OPTIONS] IMAGE MOUNTPOINT   unpack what is missing, mount
 *   layermount unpack [OPTIONS] IMAGE       only fill the store
 *   layermount umount [OPTIONS] MOUNTPOINT  unmount, drop an ephemeral upper
 *
 * Modelled on util-linux's boilerplate: usage() on stdout with exit 0,
 * a hint on stderr and exit 1 for a bad command line, -h and -V.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "layermount.h"

enum {
	OPT_MAX_BYTES = 256, OPT_MAX_ENTRIES, OPT_MAX_DEPTH, OPT_MAX_JSON,
	OPT_READ_ONLY, OPT_DEV, OPT_REF, OPT_PLATFORM, OPT_UPPER,
};

static void usage(void)
{
	printf(
"Usage:\n"
" layermount [options] <image> <mountpoint>\n"
" layermount unpack [options] <image>\n"
" layermount umount [options] <mountpoint>\n"
"\n"
"Verify and unpack an OCI image layout or a docker save archive (file or\n"
"directory) into a layer store, and mount it with layerfs or overlayfs.\n"
"\n"
"Options:\n"
" -s, --store <dir>        layer store (default $LAYERMOUNT_STORE,\n"
"                          else " LM_DEFAULT_STORE ")\n"
"     --ref <name>         image by org.opencontainers.image.ref.name or tag\n"
"     --platform <os/arch[/variant]>  default: the host's\n"
" -t, --type <fs>          layerfs (default) or overlay\n"
"     --upper <dir>        keep changes in <dir>/upper (work in <dir>/work)\n"
"     --read-only          mount without an upper layer\n"
"     --dev                allow device nodes (default: nodev)\n"
" -q, --quiet              no progress and no messages on success\n"
"     --max-bytes <size>   uncompressed bytes per layer (default 256G)\n"
"     --max-entries <n>    tar entries per layer (default 10000000)\n"
"     --max-depth <n>      path components (default 256)\n"
"     --max-json <size>    size of one JSON document (default 16M)\n"
"\n"
" -h, --help               display this help\n"
" -V, --version            display version\n"
"\n"
"Exit status: 0 success, 1 usage, 2 bad or hostile image, 3 no or several\n"
"matching images, 4 system error, 32 mount failure. See layermount(8).\n");
	exit(LM_EXIT_OK);
}

static void __attribute__((noreturn)) bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "layermount: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'layermount --help' for more information.\n");
	exit(LM_EXIT_USAGE);
}

static void size_opt(const char *name, const char *arg, uint64_t *out)
{
	if (lm_parse_size(arg, out) || !*out)
		bad_usage("invalid %s value", name);
}

/* One lock fd per missing layer: allow images of thousands of layers. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int run(struct lm_opts *o, const char *cmd, char **args, int nargs)
{
	struct lm_source src;
	struct lm_image img;
	struct lm_store st;
	struct stat sb;
	int err;

	if (!strcmp(cmd, "umount")) {
		err = lm_store_open(&st, o->store);
		if (!err)
			err = lm_umount(&st, args[0]);
		lm_store_close(&st);
		return err;
	}
	if (!strcmp(cmd, "mount") && (stat(args[1], &sb) || !S_ISDIR(sb.st_mode))) {
		lm_err(args[1], "mount point is not a directory");
		return LM_EXIT_MOUNT;
	}
	(void)nargs;
	err = lm_source_open(&src, args[0], &o->caps);
	if (err)
		goto out_src;
	err = lm_image_load(o, &src, &img);
	if (err)
		goto out_img;
	err = lm_store_open(&st, o->store);
	if (!err)
		err = lm_store_fetch(&st, o, &src, &img);
	if (!err && !strcmp(cmd, "mount"))
		err = lm_mount(o, &st, &img, args[1]);
	lm_store_close(&st);
out_img:
	lm_image_free(&img);
out_src:
	lm_source_close(&src);
	return err;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "ref", required_argument, NULL, OPT_REF },
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "type", required_argument, NULL, 't' },
		{ "upper", required_argument, NULL, OPT_UPPER },
		{ "read-only", no_argument, NULL, OPT_READ_ONLY },
		{ "dev", no_argument, NULL, OPT_DEV },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
		{ "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
		{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
		{ "max-json", required_argument, NULL, OPT_MAX_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct lm_opts o = {
		.type = "layerfs",
		.caps = {
			.bytes = 256ULL << 30,
			.entries = 10000000,
			.depth = 256,
			.json = 16 << 20,
		},
	};
	const char *cmd = "mount";
	int c, nargs, want = 2;
	char **args;

	while ((c = getopt_long(argc, argv, "s:t:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.store = optarg; break;
		case OPT_REF: o.ref = optarg; break;
		case OPT_PLATFORM:
			if (!strchr(optarg, '/'))
				bad_usage("invalid platform '%s' (want os/arch)",
					  optarg);
			o.platform = optarg;
			break;
		case 't':
			if (strcmp(optarg, "layerfs") && strcmp(optarg, "overlay"))
				bad_usage("unknown type '%s'", optarg);
			o.type = optarg;
			break;
		case OPT_UPPER: o.upper = optarg; break;
		case OPT_READ_ONLY: o.read_only = true; break;
		case OPT_DEV: o.dev = true; break;
		case 'q': o.quiet = lm_quiet = true; break;
		case OPT_MAX_BYTES: size_opt("--max-bytes", optarg, &o.caps.bytes); break;
		case OPT_MAX_ENTRIES: size_opt("--max-entries", optarg, &o.caps.entries); break;
		case OPT_MAX_DEPTH: size_opt("--max-depth", optarg, &o.caps.depth); break;
		case OPT_MAX_JSON: size_opt("--max-json", optarg, &o.caps.json); break;
		case 'h': usage(); break;
		case 'V':
			printf("layermount %s\n", LM_VERSION);
			return LM_EXIT_OK;
		default:
			bad_usage("%s", "bad option");
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	if (nargs && (!strcmp(args[0], "unpack") || !strcmp(args[0], "umount"))) {
		cmd = args[0];
		want = 1;
		args++;
		nargs--;
	}
	if (nargs != want)
		bad_usage("%s", nargs < want ? "missing argument" :
			  "too many arguments");
	if (o.upper && o.read_only)
		bad_usage("%s", "--upper and --read-only exclude each other");
	if (!o.store)
		o.store = getenv("LAYERMOUNT_STORE");
	if (!o.store || !*o.store)
		o.store = LM_DEFAULT_STORE;
	umask(0);
	raise_fd_limit();
	return run(&o, cmd, args, nargs);
}
