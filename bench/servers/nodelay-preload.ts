// ngircd and InspIRCd leave Nagle's algorithm on for their clients' sockets; confab turns it off
// (TCP_NODELAY). On one machine that difference moves CPU between processes: with Nagle on, a
// write made while earlier bytes are unacknowledged only queues them, and the kernel sends them
// when the acknowledgement comes, in the time of the process that sent it: the load generator.
// The server's own CPU then leaves out part of its sending. For a like-for-like comparison
// (`--ircd-nodelay`) the bench starts the C servers with this small preload library, which sets
// TCP_NODELAY on every socket they accept, as confab does; nothing else about them changes.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = `#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static int with_nodelay(int fd) {
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

int accept(int s, struct sockaddr *addr, socklen_t *len) {
  static int (*real)(int, struct sockaddr *, socklen_t *);
  if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "accept");
  return with_nodelay(real(s, addr, len));
}

int accept4(int s, struct sockaddr *addr, socklen_t *len, int flags) {
  static int (*real)(int, struct sockaddr *, socklen_t *, int);
  if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *, int))dlsym(RTLD_NEXT, "accept4");
  return with_nodelay(real(s, addr, len, flags));
}
`;

/** Thrown when there is no C compiler to build the library with. */
export class NoCompiler extends Error {}

/** Builds the library into `dir` with the system's C compiler; returns its path (for LD_PRELOAD). */
export function buildNodelayPreload(dir: string): string {
  const source = join(dir, 'nodelay.c');
  const library = join(dir, 'nodelay.so');
  writeFileSync(source, SOURCE);
  try {
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', library, source, '-ldl'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new NoCompiler(`--ircd-nodelay needs a C compiler (cc): ${(err as Error).message.split('\n')[0]}`);
  }
  return library;
}
