/* A syscall loop for benches/shim-vs-native.sh: runs one syscall pattern for
 * a fixed time and prints the syscalls per second it reached.
 *   sysloop getppid SECONDS   one unselected syscall per iteration
 *   sysloop openat SECONDS    openat("/dev/null") + close per iteration
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
	int open_close = strcmp(argv[1], "openat") == 0;
	double secs = atof(argv[2]), start = now(), elapsed;
	unsigned long iterations = 0;
	do {
		for (int i = 0; i < 256; i++) {
			if (open_close) {
				int fd = openat(AT_FDCWD, "/dev/null", O_RDONLY);
				close(fd);
			} else {
				syscall(SYS_getppid);
			}
		}
		iterations += 256;
		elapsed = now() - start;
	} while (elapsed < secs);
	printf("%.0f\n", iterations / elapsed);
	return 0;
}
