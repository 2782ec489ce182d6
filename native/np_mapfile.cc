/*
 * Files mapped into memory, for np.memmap and np.load(..., { mmapMode }) (lib/np/memmap.ts).
 *
 * mapFile(fd, offset, length, shared) maps `length` bytes of the open file from `offset` and
 * returns them as a SharedArrayBuffer, so lib/np's arrays, the da pool's threads and the
 * addon's loops read the file's pages where they lie, with no copy. `shared`: the file's own
 * pages (MAP_SHARED: writes reach the file, NumPy's "r+" and "w+"); else private ones
 * (MAP_PRIVATE, NumPy's "c", and "r", which lib/np refuses to write but which a write through
 * the typed array then copies instead of faulting the process). The mapping is writable
 * either way, so no store from JavaScript can crash the executor. The mapping starts at the
 * page holding `offset`; the buffer starts at `offset` itself. V8 calls the deleter when the
 * last SharedArrayBuffer on it is collected (on whichever thread), which unmaps it: `del mm`
 * gives the mapping back at the next full collection, as Python's refcount does at once.
 *
 * syncMapped(buffer) writes a shared mapping's changed pages to the file (msync, NumPy's
 * flush()). mappedPrivateBytes() counts, over every live private mapping this addon made (any
 * thread's), the pages the process has copied by writing them: memory of its own, which the
 * memory probes count, while the file's pages are the page cache's, as they are for NumPy's
 * memmap (psutil's `available` does not drop for them). /proc/self/pagemap tells them apart: a
 * copied page is present and not file-backed.
 */
#include <v8.h>
#include <node_api.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_set>

#if defined(__linux__)
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "np_pagemap.h"

namespace {

struct Mapping {
  void *base;
  size_t length;
};

/* The live private mappings (shared ones hold only the file's pages). */
std::mutex private_mutex;
std::unordered_set<Mapping *> private_mappings;

void unmap(void *data, size_t length, void *deleter_data) {
  (void)data;
  (void)length;
  auto *m = static_cast<Mapping *>(deleter_data);
  {
    std::lock_guard<std::mutex> lock(private_mutex);
    private_mappings.erase(m);
  }
#if defined(__linux__)
  munmap(m->base, m->length);
#endif
  delete m;
}

bool get_number(napi_env env, napi_value v, double *d) {
  return napi_get_value_double(env, v, d) == napi_ok && *d >= 0 && *d <= 9007199254740991.0 && *d == (double)(int64_t)*d;
}

/* The page range a SharedArrayBuffer's bytes lie in, or false. */
bool page_range(napi_env env, napi_value v, uintptr_t *start, uintptr_t *end, const char *what) {
  v8::Local<v8::Value> value = *reinterpret_cast<v8::Local<v8::Value> *>(&v);
  if (!value->IsSharedArrayBuffer()) {
    napi_throw_type_error(env, NULL, what);
    return false;
  }
  std::shared_ptr<v8::BackingStore> store = value.As<v8::SharedArrayBuffer>()->GetBackingStore();
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t data = (uintptr_t)store->Data();
  *start = data & ~(page - 1);
  *end = (data + store->ByteLength() + page - 1) & ~(page - 1);
  return true;
}

}  // namespace

extern "C" napi_value np_map_file(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  double fd, offset, length;
  bool shared = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || !get_number(env, argv[0], &fd) ||
      !get_number(env, argv[1], &offset) || !get_number(env, argv[2], &length) || length < 1 ||
      napi_get_value_bool(env, argv[3], &shared) != napi_ok) {
    napi_throw_type_error(env, NULL, "lazylab native mapFile: expected (fd, offset, length >= 1, shared: boolean)");
    return NULL;
  }
#if defined(__linux__)
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t lead = (size_t)offset % page;
  size_t span = lead + (size_t)length;
  void *base = mmap(NULL, span, PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, (int)fd, (off_t)((size_t)offset - lead));
  if (base == MAP_FAILED) {
    std::string message = std::string("mmap: ") + strerror(errno);
    napi_throw_error(env, NULL, message.c_str());
    return NULL;
  }
  auto *m = new Mapping{ base, span };
  if (!shared) {
    std::lock_guard<std::mutex> lock(private_mutex);
    private_mappings.insert(m);
  }
  std::unique_ptr<v8::BackingStore> store =
      v8::SharedArrayBuffer::NewBackingStore(static_cast<char *>(base) + lead, (size_t)length, unmap, m);
  v8::Local<v8::SharedArrayBuffer> buffer = v8::SharedArrayBuffer::New(v8::Isolate::GetCurrent(), std::move(store));
  return reinterpret_cast<napi_value>(*buffer);
#else
  (void)fd;
  (void)shared;
  napi_throw_error(env, NULL, "lazylab native mapFile: memory-mapped files need Linux");
  return NULL;
#endif
}

extern "C" napi_value np_sync_mapped(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uintptr_t start, end;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      !page_range(env, argv[0], &start, &end, "lazylab native syncMapped: expected a SharedArrayBuffer")) return NULL;
#if defined(__linux__)
  if (end > start && msync((void *)start, end - start, MS_SYNC) != 0) {
    std::string message = std::string("msync: ") + strerror(errno);
    napi_throw_error(env, NULL, message.c_str());
  }
#endif
  return NULL;
}

extern "C" napi_value np_mapped_private_bytes(napi_env env, napi_callback_info info) {
  (void)info;
  double bytes = 0;
#if defined(__linux__)
  std::lock_guard<std::mutex> lock(private_mutex);
  np_pagemap::Reader pagemap(!private_mappings.empty());
  if (pagemap.ok()) {
    uintptr_t page = pagemap.page();
    for (Mapping *m : private_mappings) {
      uintptr_t start = (uintptr_t)m->base, end = start + ((m->length + page - 1) & ~(page - 1));
      /* A copied page: present and not a file page. */
      bytes += (double)(pagemap.count(start, end, [](uint64_t e) { return np_pagemap::present(e) && !np_pagemap::file_or_shared(e); }) * page);
    }
  }
#endif
  napi_value r;
  napi_create_double(env, bytes, &r);
  return r;
}
