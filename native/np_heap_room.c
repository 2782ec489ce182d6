/*
 * Room for malloc's main heap to grow in place.
 *
 * glibc's main arena grows by moving the program break up, right above the executable. V8
 * reserves each isolate's 512 MB code range near the executable too: it reads
 * /proc/self/maps, takes the first free gap within 2 GB of its builtins that is large enough,
 * and asks for its start. When that gap is the one above the heap and the break's end is
 * aligned the way V8 rounds (about one isolate in a hundred, measured here: 3 of 300 runs of
 * `node` with one worker), the code range lands flush against the heap, and the break can
 * never move up again. glibc then takes every later extension of the main arena from mmap: it
 * never gives them back, and marks each with fenceposts that mallinfo2 counts as bytes in
 * use. In a kernel, that was 1 of 80 fresh executors measured: across the first
 * `sys.getrefcount` (whose heap snapshot grows the main arena by ~42 MB) the memory figure
 * read ~10 KB more than in the others (+302 extensions, 32 bytes each), and the 42 MB stayed
 * resident afterwards.
 *
 * keepHeapRoom(room, topPad) makes that impossible for isolates created after it: it reserves
 * the address space from `room` bytes above the heap's start (or above its end, if it is
 * longer) up to 2 GB further, with no access and no memory behind it, so the free gap above the
 * heap is smaller than a code range while the heap keeps `room` bytes to grow into. The
 * executor's own isolate is created before any of its code runs: the kernel starts it with
 * malloc's top pad set to `room` (MALLOC_TOP_PAD_), so that the first extension of the break,
 * made while Node starts, already spans `room` bytes and a code range placed above it leaves
 * the heap that much; keepHeapRoom then sets the top pad back to `topPad` (glibc's default,
 * 128 KB), and removes MALLOC_TOP_PAD_ from the environment so that child processes do not
 * inherit it. The heap's unused end is given back to the system as before (malloc trims it on
 * a later free): only address space is kept, never memory. Nothing is reserved where the
 * address space is limited (RLIMIT_AS).
 */
#include "np_common.h"

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* The reserved span: V8's near-code region reaches 2 GB past its builtins, which sit below the heap. */
#define GUARD_SPAN ((uintptr_t)2 << 30)

/* The [heap] mapping and the start of the mapping after it (0 when none); 0 when there is no [heap]. */
static int heap_mapping(uintptr_t *start, uintptr_t *end, uintptr_t *next) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (f == NULL) return 0;
  char line[512];
  int found = 0;
  *next = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    unsigned long a, b;
    if (sscanf(line, "%lx-%lx", &a, &b) != 2) continue;
    if (found) {
      *next = a;
      break;
    }
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' ')) n--;
    if (n >= 6 && memcmp(line + n - 6, "[heap]", 6) == 0) {
      *start = a;
      *end = b;
      found = 1;
    }
  }
  fclose(f);
  return found;
}
#endif

static void set_number(napi_env env, napi_value obj, const char *key, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, obj, key, v);
}

/* keepHeapRoom(room, topPad): see the file comment. Returns { heapStart, heapEnd, guardStart,
 * guardEnd } (addresses as numbers, the guard's 0 when none was made), or null where there is
 * no [heap] mapping to read. A negative topPad leaves malloc's top pad as it is. */
napi_value np_keep_heap_room(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  double room = 0, top_pad = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_double(env, argv[0], &room) != napi_ok || !(room > 0) ||
      (argc > 1 && napi_get_value_double(env, argv[1], &top_pad) != napi_ok)) {
    napi_throw_type_error(env, NULL, "lazylab native keepHeapRoom: expected (room: bytes > 0, topPad?: bytes)");
    return NULL;
  }
  napi_value result;
  napi_get_null(env, &result);
#if defined(__linux__) && defined(__GLIBC__)
  if (top_pad >= 0) {
    mallopt(M_TOP_PAD, (int)top_pad);
    unsetenv("MALLOC_TOP_PAD_");
  }
  uintptr_t start, end, next;
  if (!heap_mapping(&start, &end, &next)) return result;
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t guard_start = (start + (uintptr_t)room + page - 1) & ~(page - 1);
  if (guard_start < end) guard_start = (end + page - 1) & ~(page - 1);
  uintptr_t guard_end = guard_start + GUARD_SPAN;
  if (next != 0 && next < guard_end) guard_end = next > guard_start ? next : guard_start;
  /* Where address space is limited, a 2 GB reservation would count against what the program may map. */
  struct rlimit as;
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) guard_end = guard_start;
  if (guard_end > guard_start) {
    void *p = mmap((void *)guard_start, guard_end - guard_start, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) {
      guard_start = guard_end = 0;
    } else if ((uintptr_t)p != guard_start) {
      /* A kernel older than MAP_FIXED_NOREPLACE took the address as a hint and mapped elsewhere. */
      munmap(p, guard_end - guard_start);
      guard_start = guard_end = 0;
    }
  } else {
    guard_start = guard_end = 0;
  }
  napi_create_object(env, &result);
  set_number(env, result, "heapStart", (double)start);
  set_number(env, result, "heapEnd", (double)end);
  set_number(env, result, "guardStart", (double)guard_start);
  set_number(env, result, "guardEnd", (double)guard_end);
#else
  (void)room;
  (void)top_pad;
#endif
  return result;
}
