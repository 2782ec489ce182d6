/*
 * Array memory and the kernel's pages: transparent huge pages for large arrays, and fresh
 * outputs faulted in by one system call before a loop writes them.
 *
 * Huge pages, as NumPy asks for them (its allocator advises every data buffer of 4 MiB or more
 * with MADV_HUGEPAGE on Linux). Where /sys/kernel/mm/transparent_hugepage/enabled is `madvise`
 * (Debian's default, and this project's machines), only advised memory gets 2 MiB pages; a
 * fresh 128 MB array then takes 64 page faults instead of 32,768 (first touch of 16e6 doubles:
 * 3.2-3.8 ns/element with 4 KiB pages, 1.6-1.7 with huge pages, C alone). Only the 2 MiB-aligned
 * interior of the array is advised, never the partial pages at its ends, so the advice never
 * reaches memory other allocations share, and a written array is resident to the same byte
 * count with either page size: the memory probes' figures do not change. (glibc's
 * `glibc.malloc.hugetlb=1` tunable, used before, advises all of malloc's memory, the heap
 * included: small allocations then made RSS jump by 2 MiB at a time, which the process-view
 * test caught on a 6.18 kernel.)
 *
 * Faulting in: a new 128 MB array is memory the process has never touched: its first write to
 * each page traps into the kernel, which zeroes a page and returns. Taken in the middle of a
 * streaming loop, those traps cost more than the loop itself. MADV_POPULATE_WRITE (Linux
 * 5.14) makes the same pages in one call, and the loop then runs at the speed it has on memory
 * already touched. `y = x*x` into fresh memory, C alone, 16e6 doubles (median of 12): plain
 * stores 35 ms, streaming stores 38 ms, populate then streaming stores 27 ms; NumPy's
 * `np.square(x)` 30 ms on the same machine.
 *
 * Only what the loop is about to write is populated, so the process holds the same pages after
 * the call either way, and the memory probes' figures do not change. Memory already resident
 * (an `out` array, a buffer written before) is left alone: one mincore() call on the first
 * whole page tells which. Elsewhere (not Linux, an older kernel) this does nothing.
 */
#include "np_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef PR_SET_THP_DISABLE
#define PR_SET_THP_DISABLE 41
#define PR_GET_THP_DISABLE 42
#endif
#ifndef PR_THP_DISABLE_EXCEPT_ADVISED
#define PR_THP_DISABLE_EXCEPT_ADVISED (1 << 1)
#endif
#endif

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HAVE_MALLINFO2 1
#endif

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* mallocInUse(): bytes malloc has handed out and not had back, in every arena and in its
 * mmapped chunks (glibc's mallinfo2 uordblks + hblkhd), or -1 where there is no mallinfo2.
 * Free lists and trimmed-but-kept heap are not counted: this is what the process's native
 * code (array buffers, zlib, addons) holds, not what the allocator keeps for later; nor what
 * lib/np's mid-size pool keeps for the next arrays (np_heap.cc). */
double np_mid_pooled_bytes(void);
static napi_value js_malloc_in_use(napi_env env, napi_callback_info info) {
  (void)info;
  double bytes = -1;
#if defined(HAVE_MALLINFO2)
  double pooled = np_mid_pooled_bytes();
  struct mallinfo2 m = mallinfo2();
  bytes = (double)m.uordblks + (double)m.hblkhd - pooled;
#endif
  napi_value r;
  napi_create_double(env, bytes, &r);
  return r;
}

/* mallocParts(): glibc's mallinfo2 split: { arena, inUse, free, mmapped, mmappedBlocks } (bytes
 * the arenas have from the system, handed out from them, free in them; bytes and count of the
 * blocks mmapped each on its own), or null without mallinfo2. */
static napi_value js_malloc_parts(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
#if defined(HAVE_MALLINFO2)
  struct mallinfo2 m = mallinfo2();
  napi_create_object(env, &r);
  const char *names[] = { "arena", "inUse", "free", "mmapped", "mmappedBlocks" };
  double values[] = { (double)m.arena, (double)m.uordblks, (double)m.fordblks, (double)m.hblkhd, (double)m.hblks };
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    napi_value v;
    napi_create_double(env, values[i], &v);
    napi_set_named_property(env, r, names[i], v);
  }
#else
  napi_get_null(env, &r);
#endif
  return r;
}

/* mallocTrim(): gives malloc's free pages back to the system, in every arena (glibc's
 * malloc_trim(0)); returns whether any were. For readings of the resident set size that show
 * what the process holds rather than what its allocator keeps for later. */
static napi_value js_malloc_trim(napi_env env, napi_callback_info info) {
  (void)info;
  bool released = false;
#if defined(HAVE_MALLINFO2)
  released = malloc_trim(0) != 0;
#endif
  napi_value r;
  napi_get_boolean(env, released, &r);
  return r;
}

/* reduceHeap(): a memory-reducing full collection of the calling thread's isolate (np_heap.cc). */
void np_reduce_heap(void);
static napi_value js_reduce_heap(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  np_reduce_heap();
  return NULL;
}

/* The unwritten-pages list of np_heap.cc learns which interior was advised. */
void np_note_advised(void *data, uintptr_t start, uintptr_t end);

#if defined(__linux__)
/* The system's transparent huge pages mode, the bracketed word of
 * /sys/kernel/mm/transparent_hugepage/enabled ("always", "madvise", "never"; "" when unknown). */
static const char *system_huge_pages_mode(void) {
  static char mode[16] = { 0 };
  static int read_once = 0;
  if (!read_once) {
    read_once = 1;
    char text[128] = { 0 };
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f) {
      if (fgets(text, sizeof text, f)) {
        const char *open = strchr(text, '['), *close = open ? strchr(open, ']') : NULL;
        if (open && close && close - open - 1 < (long)sizeof mode) memcpy(mode, open + 1, (size_t)(close - open - 1));
      }
      fclose(f);
    }
  }
  return mode;
}

/* Set by limitHugePages when it had to turn huge pages off for the whole process. */
static int huge_pages_off = 0;

/* Whether the kernel backs advised memory with transparent huge pages at all in this process
 * (the system's mode is "always" or "madvise", and limitHugePages did not turn them off). */
static int huge_pages_enabled(void) {
  const char *mode = system_huge_pages_mode();
  return !huge_pages_off && (strcmp(mode, "always") == 0 || strcmp(mode, "madvise") == 0);
}
#endif

/* limitHugePages(): transparent huge pages for this process only where it advises them
 * (MADV_HUGEPAGE: lib/np's large arrays), whatever the system's mode; returns what was done.
 *
 * Where the mode is "always", the kernel backs any 2 MiB-aligned stretch of anonymous memory
 * with one huge page at its first write when it has one free, which depends on how fragmented
 * the machine's memory is at that moment. The memory probes count WebAssembly memories and
 * resizable buffers by their resident pages (mincore), so those figures then moved by whole
 * megabytes from one run to the next: the first `xr.openDataset` of test/xr-loop-figures read
 * 31.39 MB under "madvise", and 32.70 or 34.28 MB in different kernels under "always" (h5wasm's
 * memories counted 2.5 or 4.2 MB resident for 1.2 MB written).
 *
 * prctl(PR_SET_THP_DISABLE) with PR_THP_DISABLE_EXCEPT_ADVISED (Linux 6.18) gives the process
 * the "madvise" mode's behaviour: "advised". On an older kernel under "always", huge pages are
 * turned off for the process altogether ("off"): figures that repeat come before large arrays'
 * faster first touch. Otherwise the system's mode is already what is wanted ("system"). Both
 * settings are inherited by child processes, and kept across exec. */
static napi_value js_limit_huge_pages(napi_env env, napi_callback_info info) {
  (void)info;
  const char *done = "system";
#if defined(__linux__)
  if (prctl(PR_SET_THP_DISABLE, 1, PR_THP_DISABLE_EXCEPT_ADVISED, 0, 0) == 0) done = "advised";
  else if (strcmp(system_huge_pages_mode(), "always") == 0 && prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0) {
    huge_pages_off = 1;
    done = "off";
  }
#endif
  napi_value r;
  napi_create_string_utf8(env, done, NAPI_AUTO_LENGTH, &r);
  return r;
}

/* hugePagesLimit(): the process's setting, as prctl(PR_GET_THP_DISABLE) reads it: "advised"
 * (huge pages only where advised), "off", or "system" (the system's mode applies). */
static napi_value js_huge_pages_limit(napi_env env, napi_callback_info info) {
  (void)info;
  const char *setting = "system";
#if defined(__linux__)
  int flags = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
  if (flags > 0) setting = flags & PR_THP_DISABLE_EXCEPT_ADVISED ? "advised" : "off";
#endif
  napi_value r;
  napi_create_string_utf8(env, setting, NAPI_AUTO_LENGTH, &r);
  return r;
}

/* adviseHugePages(a): advises the 2 MiB-aligned interior of typed array a's bytes with
 * MADV_HUGEPAGE; returns the bytes advised (0 where the system has no such advice). */
static napi_value js_advise_huge_pages(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab native adviseHugePages: expected a typed array");
    return NULL;
  }
  size_t width = type == napi_float64_array || type == napi_bigint64_array || type == napi_biguint64_array ? 8
               : type == napi_float32_array || type == napi_int32_array || type == napi_uint32_array ? 4
               : type == napi_int16_array || type == napi_uint16_array ? 2 : 1;
  double advised = 0;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  uintptr_t start = ((uintptr_t)data + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  uintptr_t end = ((uintptr_t)data + length * width) & ~(HUGE_PAGE - 1);
  if (data != NULL && end > start && madvise((void *)start, end - start, MADV_HUGEPAGE) == 0) {
    advised = (double)(end - start);
    if (huge_pages_enabled()) np_note_advised(data, start, end);
  }
#else
  (void)data;
  (void)width;
#endif
  napi_value r;
  napi_create_double(env, advised, &r);
  return r;
}

/* residentBytes(buffer): how many of an ArrayBuffer's bytes are in resident pages (mincore),
 * whole pages counted; its byteLength where mincore is not available. For WebAssembly
 * memories, whose pages the kernel supplies only when first written. */
static napi_value js_resident_bytes(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data;
  size_t length;
  bool is_ab = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_is_arraybuffer(env, argv[0], &is_ab) != napi_ok || !is_ab ||
      napi_get_arraybuffer_info(env, argv[0], &data, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab native residentBytes: expected an ArrayBuffer");
    return NULL;
  }
  double bytes = (double)length;
#if defined(__linux__)
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t start = (uintptr_t)data & ~(page - 1);
  uintptr_t end = ((uintptr_t)data + length + page - 1) & ~(page - 1);
  if (data != NULL && end > start) {
    size_t pages = (end - start) / page;
    unsigned char *vec = malloc(pages);
    if (vec != NULL && mincore((void *)start, end - start, vec) == 0) {
      size_t n = 0;
      for (size_t i = 0; i < pages; i++) n += vec[i] & 1;
      bytes = (double)n * (double)page;
    }
    free(vec);
  }
#endif
  napi_value r;
  napi_create_double(env, bytes, &r);
  return r;
}

#if defined(__linux__)
struct region { uintptr_t start, end; int none, rw_anon; };
#define GiB ((uintptr_t)1 << 30)
#endif

/* wasmReservedBytes(known): resident bytes of the WebAssembly memories in this process that
 * JavaScript cannot see (a module's own memory it does not export), found by how V8 maps a
 * 32-bit memory on 64-bit Linux: its pages at the start of a reservation with 2 GiB of
 * inaccessible guard below and inaccessible address space up to 8 GiB from the start above
 * (the trap handler's bounds). Anonymous read-write mappings of that shape whose start is not
 * in `known` (the memories lib/psutil/wasm.ts tracks, any thread) are counted by mincore, as
 * the tracked ones are. 0 where there is no /proc/self/maps. */
static napi_value js_wasm_reserved_bytes(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool is_array = false;
  uint32_t nknown = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[0], &nknown) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab native wasmReservedBytes: expected an array of known start addresses");
    return NULL;
  }
  double bytes = 0;
#if defined(__linux__)
  double *known = malloc(sizeof(double) * (nknown ? nknown : 1));
  for (uint32_t i = 0; known && i < nknown; i++) {
    napi_value v;
    known[i] = -1;
    if (napi_get_element(env, argv[0], i, &v) == napi_ok) napi_get_value_double(env, v, &known[i]);
  }
  FILE *f = fopen("/proc/self/maps", "re");
  size_t cap = 1024, n = 0;
  struct region *rs = malloc(cap * sizeof *rs);
  char *line = NULL;
  size_t len = 0;
  while (f && rs && getline(&line, &len, f) > 0) {
    unsigned long a, b, inode;
    char perms[8], dev[16];
    unsigned long long off;
    int path_at = 0;
    if (sscanf(line, "%lx-%lx %7s %llx %15s %lu %n", &a, &b, perms, &off, dev, &inode, &path_at) < 6) continue;
    if (n == cap) {
      struct region *grown = realloc(rs, (cap *= 2) * sizeof *rs);
      if (!grown) break;
      rs = grown;
    }
    const char *path = line + path_at;
    int anon = inode == 0 && (path[0] == '\n' || path[0] == '\0');
    rs[n].start = a;
    rs[n].end = b;
    rs[n].none = perms[0] == '-' && perms[1] == '-' && perms[2] == '-';
    rs[n].rw_anon = anon && perms[0] == 'r' && perms[1] == 'w';
    n++;
  }
  free(line);
  if (f) fclose(f);
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  for (size_t i = 0; rs && i < n; i++) {
    if (!rs[i].rw_anon) continue;
    uintptr_t start = rs[i].start;
    /* Guard below: contiguous inaccessible mappings reaching 2 GiB down. */
    uintptr_t low = start;
    for (size_t j = i; j > 0 && rs[j - 1].none && rs[j - 1].end == low && start - low < 2 * GiB; j--) low = rs[j - 1].start;
    if (start - low < 2 * GiB) continue;
    /* Above: the pages, then inaccessible mappings up to 8 GiB from the start. */
    uintptr_t high = rs[i].end;
    for (size_t j = i + 1; j < n && rs[j].none && rs[j].start == high && high - start < 8 * GiB; j++) high = rs[j].end;
    if (high - start < 8 * GiB) continue;
    int seen = 0;
    for (uint32_t k = 0; known && k < nknown; k++) seen |= known[k] == (double)start;
    if (seen) continue;
    size_t pages = (rs[i].end - start) / page;
    unsigned char *vec = malloc(pages ? pages : 1);
    if (vec && mincore((void *)start, rs[i].end - start, vec) == 0) {
      for (size_t p = 0; p < pages; p++) bytes += (vec[p] & 1) ? (double)page : 0;
    }
    free(vec);
  }
  free(rs);
  free(known);
#else
  (void)nknown;
#endif
  napi_value r;
  napi_create_double(env, bytes, &r);
  return r;
}

/* The window that hands a just-freed large buffer to the next array of its size (np_heap.cc). */
napi_value np_keep_freed(napi_env env, napi_callback_info info);
napi_value np_shared_buffer(napi_env env, napi_callback_info info);
napi_value np_buffer_pool(napi_env env, napi_callback_info info);
napi_value np_unwritten_bytes(napi_env env, napi_callback_info info);
/* Mid-size buffers freed in a cell, handed to the next arrays of their sizes (np_heap.cc). */
napi_value np_mid_buffer(napi_env env, napi_callback_info info);
napi_value np_mid_pool_open(napi_env env, napi_callback_info info);
napi_value np_mid_pool_flush(napi_env env, napi_callback_info info);
napi_value np_mid_pool(napi_env env, napi_callback_info info);
/* Files mapped into memory (np_mapfile.cc). */
napi_value np_map_file(napi_env env, napi_callback_info info);
napi_value np_sync_mapped(napi_env env, napi_callback_info info);
napi_value np_mapped_private_bytes(napi_env env, napi_callback_info info);
napi_value np_buffer_address(napi_env env, napi_callback_info info);
/* Room for malloc's main heap to grow (np_heap_room.c). */
napi_value np_keep_heap_room(napi_env env, napi_callback_info info);

void np_memory_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "adviseHugePages", NULL, js_advise_huge_pages, NULL, NULL, NULL, napi_default, NULL },
    { "bufferAddress", NULL, np_buffer_address, NULL, NULL, NULL, napi_default, NULL },
    { "bufferPool", NULL, np_buffer_pool, NULL, NULL, NULL, napi_default, NULL },
    { "keepFreed", NULL, np_keep_freed, NULL, NULL, NULL, napi_default, NULL },
    { "hugePagesLimit", NULL, js_huge_pages_limit, NULL, NULL, NULL, napi_default, NULL },
    { "keepHeapRoom", NULL, np_keep_heap_room, NULL, NULL, NULL, napi_default, NULL },
    { "limitHugePages", NULL, js_limit_huge_pages, NULL, NULL, NULL, napi_default, NULL },
    { "midBuffer", NULL, np_mid_buffer, NULL, NULL, NULL, napi_default, NULL },
    { "midPool", NULL, np_mid_pool, NULL, NULL, NULL, napi_default, NULL },
    { "midPoolFlush", NULL, np_mid_pool_flush, NULL, NULL, NULL, napi_default, NULL },
    { "midPoolOpen", NULL, np_mid_pool_open, NULL, NULL, NULL, napi_default, NULL },
    { "sharedBuffer", NULL, np_shared_buffer, NULL, NULL, NULL, napi_default, NULL },
    { "mapFile", NULL, np_map_file, NULL, NULL, NULL, napi_default, NULL },
    { "mappedPrivateBytes", NULL, np_mapped_private_bytes, NULL, NULL, NULL, napi_default, NULL },
    { "syncMapped", NULL, np_sync_mapped, NULL, NULL, NULL, napi_default, NULL },
    { "unwrittenBytes", NULL, np_unwritten_bytes, NULL, NULL, NULL, napi_default, NULL },
    { "mallocInUse", NULL, js_malloc_in_use, NULL, NULL, NULL, napi_default, NULL },
    { "mallocParts", NULL, js_malloc_parts, NULL, NULL, NULL, napi_default, NULL },
    { "mallocTrim", NULL, js_malloc_trim, NULL, NULL, NULL, napi_default, NULL },
    { "reduceHeap", NULL, js_reduce_heap, NULL, NULL, NULL, napi_default, NULL },
    { "residentBytes", NULL, js_resident_bytes, NULL, NULL, NULL, napi_default, NULL },
    { "wasmReservedBytes", NULL, js_wasm_reserved_bytes, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}

#if defined(__linux__)
/* The first whole page of [p, p+bytes) and the last, or 0 when there is none (page-aligned). */
static int whole_pages(void *p, size_t bytes, uintptr_t *start, uintptr_t *end) {
  static uintptr_t page = 0;
  if (!page) page = (uintptr_t)sysconf(_SC_PAGESIZE);
  *start = ((uintptr_t)p + page - 1) & ~(page - 1);
  *end = ((uintptr_t)p + bytes) & ~(page - 1);
  return *end > *start;
}
#endif

int np_untouched(void *p, size_t bytes) {
#if defined(__linux__)
  uintptr_t start, end;
  unsigned char resident = 0;
  return whole_pages(p, bytes, &start, &end) && mincore((void *)start, 1, &resident) == 0 && !(resident & 1);
#else
  (void)p;
  (void)bytes;
  return 0;
#endif
}

void np_populate(void *p, size_t bytes) {
#if defined(__linux__)
  uintptr_t start, end;
  if (whole_pages(p, bytes, &start, &end)) madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#else
  (void)p;
  (void)bytes;
#endif
}

void np_prefault(void *p, size_t bytes) {
  if (np_untouched(p, bytes)) np_populate(p, bytes);
}
