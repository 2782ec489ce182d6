/* What lazylab asks of V8's and Node's C++ APIs rather than Node-API: a memory-reducing
 * collection (below), large SharedArrayBuffers whose freeing lib/np can intercept for a
 * moment (further down), and where a buffer's bytes lie (at the end).
 *
 * The memory-reducing collection of the calling thread's isolate
 * (v8::Isolate::LowMemoryNotification). Unlike
 * gc() it also shrinks the young generation back to its initial capacity and uncommits its
 * from-space, which no JavaScript call can ask for; lib/psutil/isolate-probe.ts runs it in a
 * worker whose young generation V8 grew, so that what the process view counts for it is what
 * the worker's pages hold (docs/porting.md, "What the process view counts"). */
#include <v8.h>

extern "C" void np_reduce_heap(void) {
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  if (isolate) isolate->LowMemoryNotification();
}

/*
 * Large array buffers, and the one just freed handed to the next array of its size.
 *
 * A new array that its operation writes in full (`r = x > 0`, `r = x * y`) needs no zeroed
 * memory, but a buffer the kernel has never mapped is zeroed page by page on its first write:
 * for `x > 0` over 4000×4000 (a 16 MB result) the kernel's clear_page took 25% of the
 * statement's samples (perf, beside 33% for the comparison loop itself). NumPy pays none of it:
 * glibc's dynamic mmap threshold hands its next result the chunk the last one freed. The
 * executor's fixed threshold (kernel/executor/supervisor.ts) is what makes a dropped array's
 * memory go back at once, for the memory probes, so lazylab reuses in one place only, and only
 * for a moment:
 *
 *   keepFreed(bytes) opens a window; lib/np's allocation then runs its garbage collection; a
 *   large buffer of exactly `bytes` freed by that collection is kept instead of given back;
 *   sharedBuffer(bytes, written) closes the window at once, handing the kept buffer (contents
 *   unspecified) to a caller that writes every byte, and giving back anything else.
 *
 * So nothing is ever held between statements: no memory reading (psutil, the probes,
 * /proc/self) can fall inside the window, which spans one collection and one allocation in the
 * same call; peak memory is never above what a fresh buffer gives (the kept buffer stands in
 * for the new one); and the counts stay as they are, because buffers are allocated and freed
 * through Node's own array buffer allocator (what process.memoryUsage().arrayBuffers counts,
 * calloc underneath, what mallinfo2 counts): a kept buffer was counted as in use when freed and
 * still is when reused. A fully written result is resident to the same bytes either way.
 */
#include <node.h>
#include <node_api.h>
#include <mutex>
#include <unordered_map>

#if defined(__linux__)
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>
#include <vector>
#endif

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HAVE_MALLINFO2 1
#endif

#include "np_pagemap.h"

namespace {

std::mutex pool_mutex;
/* The open window: buffers of exactly this many bytes made by this allocator may be kept
 * (0: no window). */
size_t window_bytes = 0;
node::ArrayBufferAllocator *window_allocator = nullptr;
/* The buffer kept in the window, if any (window_bytes long, from window_allocator). */
void *kept = nullptr;
/* Buffers reused so far (tests read it to know that the path ran). */
double reuses = 0;
/* Buffers handed out zeroed (np.zeros, np.empty: not written in full), by where their bytes start:
 * pages of them the program has not written may hold no memory yet (see np_unwritten_bytes). A
 * buffer leaves when it is freed, or once every page of it has been written. `huge_start` and
 * `huge_end` bound its interior advised for transparent huge pages (np_note_advised), where the
 * kernel may back a write with a whole 2 MiB page. */
struct Unwritten {
  size_t bytes;
  uintptr_t huge_start;
  uintptr_t huge_end;
};
std::unordered_map<void *, Unwritten> unwritten;

/* The backing store's deleter: V8 calls it when the last SharedArrayBuffer on the memory is
 * collected, on whichever thread that is. */
void release(void *data, size_t length, void *deleter_data) {
  auto *allocator = static_cast<node::ArrayBufferAllocator *>(deleter_data);
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    unwritten.erase(data);
    if (window_bytes != 0 && length == window_bytes && allocator == window_allocator && kept == nullptr) {
      kept = data;
      return;
    }
  }
  allocator->Free(data, length);
}

node::ArrayBufferAllocator *current_allocator(v8::Isolate *isolate) {
  node::Environment *env = node::GetCurrentEnvironment(isolate->GetCurrentContext());
  return env ? node::GetArrayBufferAllocator(node::GetEnvironmentIsolateData(env)) : nullptr;
}

/* Closes the window; returns the kept buffer when it fits (bytes, allocator) and `take`,
 * else gives it back and returns nullptr. */
void *close_window(size_t bytes, node::ArrayBufferAllocator *allocator, bool take) {
  void *buffer;
  size_t length;
  node::ArrayBufferAllocator *owner;
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    buffer = kept;
    length = window_bytes;
    owner = window_allocator;
    kept = nullptr;
    window_bytes = 0;
    window_allocator = nullptr;
  }
  if (buffer == nullptr) return nullptr;
  if (take && length == bytes && owner == allocator) {
    reuses++;
    return buffer;
  }
  owner->Free(buffer, length);
  return nullptr;
}

bool get_bytes(napi_env env, napi_value v, size_t *bytes) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 1) || d > 9007199254740991.0 || d != (double)(size_t)d) {
    napi_throw_range_error(env, NULL, "lazylab native buffers: expected a positive whole number of bytes");
    return false;
  }
  *bytes = (size_t)d;
  return true;
}

/* The one argument of keepFreed and midBuffer, a number of bytes: false when there is none,
 * or (a RangeError pending) when it is not a whole number of bytes. */
bool bytes_argument(napi_env env, napi_callback_info info, size_t *bytes) {
  size_t argc = 1;
  napi_value argv[1];
  return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= 1 && get_bytes(env, argv[0], bytes);
}

}  // namespace

/* keepFreed(bytes): opens the window for buffers of `bytes` (a kept one from an earlier window
 * that was never closed is given back first). */
extern "C" napi_value np_keep_freed(napi_env env, napi_callback_info info) {
  size_t bytes;
  if (!bytes_argument(env, info, &bytes)) return NULL;
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  close_window(0, nullptr, false);
  node::ArrayBufferAllocator *allocator = current_allocator(isolate);
  if (allocator == nullptr) return NULL;
  std::lock_guard<std::mutex> lock(pool_mutex);
  window_bytes = bytes;
  window_allocator = allocator;
  return NULL;
}

/* sharedBuffer(bytes, written): a SharedArrayBuffer of `bytes` from Node's allocator, zeroed,
 * or, when `written` (the caller writes every byte before anyone reads), the buffer kept in the
 * window if there is one. Closes the window either way. */
extern "C" napi_value np_shared_buffer(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  size_t bytes;
  bool written = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || !get_bytes(env, argv[0], &bytes) ||
      napi_get_value_bool(env, argv[1], &written) != napi_ok) {
    if (argc >= 2) napi_throw_type_error(env, NULL, "lazylab native sharedBuffer: expected (bytes, written: boolean)");
    close_window(0, nullptr, false);
    return NULL;
  }
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  node::ArrayBufferAllocator *allocator = current_allocator(isolate);
  void *data = close_window(bytes, allocator, written);
  if (allocator == nullptr) {
    napi_throw_error(env, NULL, "lazylab native sharedBuffer: no Node environment on this thread");
    return NULL;
  }
  if (data == nullptr) data = allocator->Allocate(bytes);
  if (data == nullptr) {
    napi_throw_range_error(env, "ERR_MEMORY_ALLOCATION_FAILED", "Array buffer allocation failed");
    return NULL;
  }
  if (!written) {
    std::lock_guard<std::mutex> lock(pool_mutex);
    unwritten[data] = Unwritten{bytes, 0, 0};
  }
  std::unique_ptr<v8::BackingStore> store = v8::SharedArrayBuffer::NewBackingStore(data, bytes, release, allocator);
  v8::Local<v8::SharedArrayBuffer> buffer = v8::SharedArrayBuffer::New(isolate, std::move(store));
  // Node-API's values are V8's local handles (node's js_native_api_v8.h converts them so).
  return reinterpret_cast<napi_value>(*buffer);
}

/* bufferPool(): { keptBytes, reuses }: bytes the window holds now (0 outside lib/np's
 * allocation), and how many buffers were reused so far. */
extern "C" napi_value np_buffer_pool(napi_env env, napi_callback_info info) {
  (void)info;
  double held;
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    held = kept ? (double)window_bytes : 0;
  }
  napi_value r, v;
  napi_create_object(env, &r);
  napi_create_double(env, held, &v);
  napi_set_named_property(env, r, "keptBytes", v);
  napi_create_double(env, reuses, &v);
  napi_set_named_property(env, r, "reuses", v);
  return r;
}

/*
 * Mid-size buffers (lib/np's written arrays from 16 KiB up to its shared buffers), and the ones
 * freed in a cell handed to the next arrays of their sizes.
 *
 * NumPy frees a dropped temporary at once and malloc hands its block, still in the caches, to
 * the next array; V8 frees a dropped array buffer only at a collection. lib/np runs a minor one
 * after each MiB of mid-size arrays (lib/np/dtype.ts), which hands malloc the buffers the last
 * statements dropped; but from 128 KiB malloc maps each buffer on its own (the executor's fixed
 * threshold) and unmaps it when freed, so every new one was faulted in afresh, page by page:
 * `r = v * 2` of 100,000 elements cost 2.7 ns/element, NumPy 0.27-0.34. So from the first such
 * collection of a cell (midPoolOpen) until the end of the cell or the next memory reading
 * (midPoolFlush), a mid-size buffer freed is kept, up to kMidPoolBytes in all, and midBuffer
 * hands it to the next array of its size that is written in full. Nothing is held past a
 * cell or into a reading (both flush), and mallocInUse() does not count what the pool holds
 * (np_memory.c), so that a reading taken without a flush counts a dropped array as freed too.
 */
namespace {

struct Pooled {
  void *data;
  size_t bytes;
  node::ArrayBufferAllocator *allocator;
};
constexpr size_t kMidPoolBytes = 4u << 20;
std::vector<Pooled> mid_pool;  // guarded by pool_mutex, as the four below
size_t mid_pooled_bytes = 0;
bool mid_pool_open = false;
/* The allocator of the thread that opened the pool: only its buffers are kept (a worker's
 * allocator ends with the worker, and the pool is given back from the notebook's thread). */
node::ArrayBufferAllocator *mid_pool_allocator = nullptr;
double mid_reuses = 0;

/* The deleter of midBuffer's backing stores (V8 calls it when the buffer is collected). */
void release_mid(void *data, size_t length, void *deleter_data) {
  auto *allocator = static_cast<node::ArrayBufferAllocator *>(deleter_data);
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    if (mid_pool_open && allocator == mid_pool_allocator && mid_pooled_bytes + length <= kMidPoolBytes) {
      mid_pool.push_back(Pooled{data, length, allocator});
      mid_pooled_bytes += length;
      return;
    }
  }
  allocator->Free(data, length);
}

}  // namespace

/* midBuffer(bytes): an ArrayBuffer of `bytes` whose contents are unspecified (the caller writes
 * every byte before anyone reads one): the pool's most recently freed buffer of that size if
 * it has one, else a new one from Node's allocator, not zeroed. */
extern "C" napi_value np_mid_buffer(napi_env env, napi_callback_info info) {
  size_t bytes;
  if (!bytes_argument(env, info, &bytes)) return NULL;
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  node::ArrayBufferAllocator *allocator = current_allocator(isolate);
  if (allocator == nullptr) {
    napi_throw_error(env, NULL, "lazylab native midBuffer: no Node environment on this thread");
    return NULL;
  }
  void *data = nullptr;
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    for (size_t i = mid_pool.size(); i-- > 0;) {
      if (mid_pool[i].bytes != bytes || mid_pool[i].allocator != allocator) continue;
      data = mid_pool[i].data;
      mid_pool.erase(mid_pool.begin() + (ptrdiff_t)i);
      mid_pooled_bytes -= bytes;
      mid_reuses++;
      break;
    }
  }
  if (data == nullptr) data = allocator->AllocateUninitialized(bytes);
  if (data == nullptr) {
    napi_throw_range_error(env, "ERR_MEMORY_ALLOCATION_FAILED", "Array buffer allocation failed");
    return NULL;
  }
  std::unique_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(data, bytes, release_mid, allocator);
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  return reinterpret_cast<napi_value>(*buffer);
}

/* midPoolOpen(): from now until midPoolFlush, mid-size buffers of the calling thread's allocator
 * freed are kept for midBuffer. */
extern "C" napi_value np_mid_pool_open(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  node::ArrayBufferAllocator *allocator = current_allocator(v8::Isolate::GetCurrent());
  if (allocator == nullptr) return NULL;
  std::lock_guard<std::mutex> lock(pool_mutex);
  /* Open for another thread's allocator: that thread's pool stays as it is. */
  if (mid_pool_open && mid_pool_allocator != allocator) return NULL;
  mid_pool_open = true;
  mid_pool_allocator = allocator;
  return NULL;
}

/* midPoolFlush(): gives back every buffer the pool keeps and closes it. */
extern "C" napi_value np_mid_pool_flush(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  std::vector<Pooled> freed;
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    freed.swap(mid_pool);
    mid_pooled_bytes = 0;
    mid_pool_open = false;
    mid_pool_allocator = nullptr;
  }
  for (const Pooled &p : freed) p.allocator->Free(p.data, p.bytes);
  return NULL;
}

/* midPool(): { pooledBytes, reuses, open }: what the pool keeps now, buffers it handed out so
 * far, and whether it keeps what is freed. */
extern "C" napi_value np_mid_pool(napi_env env, napi_callback_info info) {
  (void)info;
  double held, used;
  bool open;
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    held = (double)mid_pooled_bytes;
    used = mid_reuses;
    open = mid_pool_open;
  }
  napi_value r, v;
  napi_create_object(env, &r);
  napi_create_double(env, held, &v);
  napi_set_named_property(env, r, "pooledBytes", v);
  napi_create_double(env, used, &v);
  napi_set_named_property(env, r, "reuses", v);
  napi_get_boolean(env, open, &v);
  napi_set_named_property(env, r, "open", v);
  return r;
}

/* The bytes the mid-size pool keeps (np_memory.c's mallocInUse leaves them out). */
extern "C" double np_mid_pooled_bytes(void) {
  std::lock_guard<std::mutex> lock(pool_mutex);
  return (double)mid_pooled_bytes;
}

/* Whether malloc's chunk whose user memory starts at `data` is in the mid-size pool. Called
 * with pool_mutex held. */
static bool in_mid_pool(const void *data) {
  for (const Pooled &p : mid_pool)
    if (p.data == data) return true;
  return false;
}

/* bufferAddress(buffer): where an ArrayBuffer's or SharedArrayBuffer's bytes start, as a number
 * (user addresses on x86-64 and arm64 fit a double exactly): how lib/psutil tells
 * np_memory.c's wasmReservedBytes() which WebAssembly memories JavaScript already counts. */
extern "C" napi_value np_buffer_address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return NULL;
  v8::Local<v8::Value> value = *reinterpret_cast<v8::Local<v8::Value> *>(&argv[0]);
  std::shared_ptr<v8::BackingStore> store;
  if (value->IsArrayBuffer()) store = value.As<v8::ArrayBuffer>()->GetBackingStore();
  else if (value->IsSharedArrayBuffer()) store = value.As<v8::SharedArrayBuffer>()->GetBackingStore();
  else {
    napi_throw_type_error(env, NULL, "lazylab native bufferAddress: expected an ArrayBuffer or a SharedArrayBuffer");
    return NULL;
  }
  napi_value r;
  napi_create_double(env, (double)(uintptr_t)store->Data(), &r);
  return r;
}

/* Called by adviseHugePages (np_memory.c) once [start, end) of the buffer starting at `data`
 * is advised for transparent huge pages, on a system where they are enabled. */
extern "C" void np_note_advised(void *data, uintptr_t start, uintptr_t end) {
  std::lock_guard<std::mutex> lock(pool_mutex);
  auto it = unwritten.find(data);
  if (it != unwritten.end()) {
    it->second.huge_start = start;
    it->second.huge_end = end;
  }
}

#if defined(__linux__)
namespace {

/* The whole pages of the buffers sharedBuffer handed out zeroed that hold no memory yet (in an
 * interior advised for huge pages, whole 2 MiB blocks); buffers found written in full leave the
 * list. Called with pool_mutex held. */
double registered_unwritten(const np_pagemap::Reader &pagemap) {
  const uintptr_t page = pagemap.page();
  const uintptr_t huge = 2u << 20;
  uint64_t entries[np_pagemap::kBatch];
  double bytes = 0;
  for (auto it = unwritten.begin(); it != unwritten.end();) {
    const Unwritten &u = it->second;
    uintptr_t start = ((uintptr_t)it->first + page - 1) & ~(page - 1);
    uintptr_t end = ((uintptr_t)it->first + u.bytes) & ~(page - 1);
    double none = 0;
    bool read_all = true;
    for (uintptr_t p = start; p < end;) {
      /* One huge block of the advised interior at a time, else the pages up to it. */
      bool block = u.huge_end > u.huge_start && p >= u.huge_start && p + huge <= u.huge_end;
      size_t n = block ? huge / page : (end - p) / page;
      if (!block && u.huge_end > u.huge_start && p < u.huge_start && p + n * page > u.huge_start) n = (u.huge_start - p) / page;
      size_t k = pagemap.read(p, n, entries);
      if (k == 0) {
        read_all = false;
        break;
      }
      size_t empty = 0;
      for (size_t i = 0; i < k; i++) empty += np_pagemap::own(entries[i]) ? 0 : 1;
      if (block) none += empty == k ? (double)(k * page) : 0;
      else none += (double)(empty * page);
      p += k * page;
    }
    if (read_all && none == 0) {
      it = unwritten.erase(it);
    } else {
      bytes += none;
      ++it;
    }
  }
  return bytes;
}

/* The private anonymous writable mappings, from /proc/self/maps, those that follow one another
 * as one (madvise splits a mapping where its advice changes: a chunk can span the parts). */
std::vector<std::pair<uintptr_t, uintptr_t>> anonymous_mappings() {
  std::vector<std::pair<uintptr_t, uintptr_t>> out;
  FILE *f = fopen("/proc/self/maps", "re");
  if (!f) return out;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    unsigned long start, end, inode;
    char perms[5];
    int rest = 0;
    if (sscanf(line, "%lx-%lx %4s %*s %*s %lu %n", &start, &end, perms, &inode, &rest) < 4) continue;
    bool named = false;
    for (const char *c = line + rest; *c; c++) named = named || (*c != ' ' && *c != '\n');
    if (named || inode != 0 || strcmp(perms, "rw-p") != 0) continue;
    /* One run of mappings that follow one another: advice splits a mapping (np's huge pages). */
    if (!out.empty() && out.back().second == start) out.back().second = end;
    else out.emplace_back(start, end);
  }
  fclose(f);
  return out;
}

/* The size of the malloc chunk mmapped on its own (above M_MMAP_THRESHOLD) that starts at the
 * page `p`, within a mapping ending at `end`; 0 if none starts there. glibc's chunk header: the
 * previous size (0 for such a chunk, unless memalign offset it) and the size, a whole number of
 * pages, with IS_MMAPPED (2) set and PREV_INUSE and NON_MAIN_ARENA clear. `entry`: the page's
 * pagemap entry: the page is read only when it holds memory of the process's own (a header
 * page is written), so that looking maps nothing; and it is read through /proc/self/mem
 * (`mem`), not dereferenced, since another thread may unmap it meanwhile: the read then fails
 * instead of the process. */
size_t mmapped_chunk_at(int mem, uintptr_t p, uint64_t entry, uintptr_t end, uintptr_t page) {
  if (!np_pagemap::own(entry)) return 0;
  size_t header[2];
  if (pread(mem, header, sizeof header, (off_t)p) != (ssize_t)sizeof header) return 0;
  size_t size = header[1] & ~(size_t)7;
  bool chunk = header[0] == 0 && (header[1] & 7) == 2 && size >= page && size % page == 0 && size <= end - p;
  return chunk ? size : 0;
}

/* Over malloc's chunks mmapped on their own that are not in the list above (typed arrays and
 * Buffers a cell makes, `new Float64Array(n)`: Node's allocator callocs them, and a fresh
 * mapping's pages hold no memory until written), the bytes of their pages that hold none yet.
 * malloc does not say where its mmapped chunks are, only how many there are (mallinfo2's hblks,
 * hblkhd): they are found at the starts of anonymous mappings (mmap places each new mapping
 * below the last, so a chunk begins the mapping the kernel merges it into, and chunks after it
 * follow header to header). When that finds fewer chunks than malloc has, every present page
 * of the rest of those mappings is looked at. More bytes than malloc's means something else
 * was taken for a chunk: then nothing is counted, and the buffers count in full, as before.
 * Called with pool_mutex held. */
double mmapped_chunks_unwritten(const np_pagemap::Reader &pagemap) {
#if defined(HAVE_MALLINFO2)
  int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  if (mem < 0) return 0;
  const uintptr_t page = pagemap.page();
  double none = 0;
  /* Other threads allocate and free meanwhile (a worker collecting as the probes ask it, V8's
   * compiler threads with their zones): a chunk found is one malloc had when it was read, so a
   * scan is kept when the chunks found fit in malloc's mmapped bytes before or after it; more
   * means something else was taken for a chunk, and the scan is made again, a few times at
   * most, then counts none. (Requiring the count not to move during the scan made a reading
   * taken during a compile count none, 0.25 MB off its neighbours.) */
  for (int attempt = 0; attempt < 4; attempt++) {
    struct mallinfo2 before = mallinfo2();
    if (before.hblks == 0) break;
    none = 0;
    size_t found = 0, found_bytes = 0;
    std::vector<std::pair<uintptr_t, uintptr_t>> rests;
    auto take = [&](uintptr_t p, size_t size) {
      found++;
      found_bytes += size;
      if (unwritten.count(reinterpret_cast<void *>(p + 2 * sizeof(size_t)))) return;
      /* The pool's buffers are left out of mallocInUse() whole. */
      if (in_mid_pool(reinterpret_cast<void *>(p + 2 * sizeof(size_t)))) return;
      none += (double)(pagemap.count(p, p + size, [](uint64_t e) { return !np_pagemap::own(e); }) * page);
    };
    for (auto [start, end] : anonymous_mappings()) {
      uintptr_t p = start;
      uint64_t entry;
      for (size_t size; p < end && pagemap.read(p, 1, &entry) == 1 && (size = mmapped_chunk_at(mem, p, entry, end, page)) != 0; p += size) take(p, size);
      if (p < end) rests.emplace_back(p, end);
    }
    if (found < before.hblks) {
      uint64_t entries[np_pagemap::kBatch];
      for (auto [start, end] : rests) {
        for (uintptr_t p = start; p < end && found < before.hblks;) {
          size_t k = pagemap.read(p, (end - p) / page, entries), i = 0;
          if (k == 0) break;
          while (i < k) {
            size_t size = mmapped_chunk_at(mem, p + i * page, entries[i], end, page);
            if (size == 0) {
              i++;
              continue;
            }
            take(p + i * page, size);
            i += size / page;
          }
          p += i * page;
        }
      }
    }
    struct mallinfo2 after = mallinfo2();
    if (found_bytes <= std::max(before.hblkhd, after.hblkhd)) break;
    /* More than malloc had either side of the scan: something else was taken for a chunk. */
    none = 0;
  }
  close(mem);
  return none;
#else
  (void)pagemap;
  return 0;
#endif
}

}  // namespace
#endif

/* unwrittenBytes(): the bytes malloc counts in use that hold no memory of the process's own
 * yet: pages not present (never written: calloc leaves a fresh mapping's pages to the kernel,
 * which maps them on the first write), or present but not exclusively mapped (the kernel's
 * shared zero page, which a read of an unwritten page maps). malloc counts such a buffer in use
 * in full from the start; psutil's `available`, like RSS, drops for NumPy's np.zeros only as
 * its pages are written, and the memory probes subtract these bytes so that theirs does too
 * (lib/psutil/footprint.ts). Two kinds of buffers:
 * - those sharedBuffer handed out zeroed (np.zeros, np.empty). In a buffer's interior advised
 *   for huge pages (as NumPy advises its arrays from 4 MiB), a 2 MiB block counts as written as
 *   soon as one of its pages is: the kernel then backs it with a huge page when it has one
 *   free, as it does NumPy's, and counting whole blocks keeps the figure the same when it has
 *   none. Partial pages at a buffer's ends count as written.
 * - every other chunk malloc mmapped on its own: typed arrays, Buffers and any native
 *   allocation from 128 KiB (the executor's M_MMAP_THRESHOLD), page by page. */
extern "C" napi_value np_unwritten_bytes(napi_env env, napi_callback_info info) {
  (void)info;
  double bytes = 0;
#if defined(__linux__)
  std::lock_guard<std::mutex> lock(pool_mutex);
  np_pagemap::Reader pagemap;
  if (pagemap.ok()) bytes = registered_unwritten(pagemap) + mmapped_chunks_unwritten(pagemap);
#endif
  napi_value r;
  napi_create_double(env, bytes, &r);
  return r;
}
