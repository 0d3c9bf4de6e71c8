/* Syscall loop for the capture benchmarks (benches/bpf/run.sh,
 * benches/shim-vs-native.sh): calls one syscall pattern for N seconds and
 * prints the iterations per second.
 *   sysloop getppid SECONDS   getppid() in a loop (one syscall per iteration)
 *   sysloop openat SECONDS    openat("/dev/null") + close() (two per iteration)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: sysloop getppid|openat SECONDS\n");
		return 2;
	}
	int openat_mode = strcmp(argv[1], "openat") == 0;
	double seconds = atof(argv[2]);
	double start = now(), elapsed = 0;
	unsigned long iterations = 0;
	while (elapsed < seconds) {
		for (int i = 0; i < 256; i++) {
			if (openat_mode) {
				int fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
				syscall(SYS_close, fd);
			} else {
				syscall(SYS_getppid);
			}
		}
		iterations += 256;
		elapsed = now() - start;
	}
	printf("%.0f\n", iterations / elapsed);
	return 0;
}
