/* /proc/self/pagemap, read for the memory probes by np_heap.cc (pages of zeroed buffers not yet
 * written) and np_mapfile.cc (pages of private file mappings copied by a write). One 64-bit
 * entry per page of the address space: bit 63 present, bit 61 a file page or shared anonymous
 * memory, bit 56 mapped by this process only (a read of a page never written maps the
 * kernel's shared zero page, which is present but not exclusive). */
#ifndef NP_PAGEMAP_H
#define NP_PAGEMAP_H

#if defined(__linux__)
#include <cstddef>
#include <cstdint>
#include <fcntl.h>
#include <unistd.h>

namespace np_pagemap {

/* Entries read at once: one pread per 512 pages (2 MiB of 4 KiB pages, 4 KiB of entries). */
constexpr size_t kBatch = 512;

inline bool present(uint64_t e) { return (e >> 63) & 1; }
inline bool file_or_shared(uint64_t e) { return (e >> 61) & 1; }
inline bool exclusive(uint64_t e) { return (e >> 56) & 1; }
/* A page that holds memory of the process's own: present and mapped by it alone. */
inline bool own(uint64_t e) { return present(e) && exclusive(e); }

inline uintptr_t page_size() { return (uintptr_t)sysconf(_SC_PAGESIZE); }

/* The file, open while the reader lives (not opened at all when `wanted` is false). */
class Reader {
 public:
  explicit Reader(bool wanted = true) : fd_(wanted ? open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC) : -1), page_(page_size()) {}
  ~Reader() {
    if (fd_ >= 0) close(fd_);
  }
  Reader(const Reader &) = delete;
  Reader &operator=(const Reader &) = delete;

  bool ok() const { return fd_ >= 0; }
  uintptr_t page() const { return page_; }

  /* The entries of up to `n` (at most kBatch) pages from the page at address `p` into
   * `entries`; how many were read (0 past the address space or on an error). */
  size_t read(uintptr_t p, size_t n, uint64_t *entries) const {
    if (n > kBatch) n = kBatch;
    ssize_t got = pread(fd_, entries, n * sizeof entries[0], (off_t)(p / page_ * sizeof entries[0]));
    return got <= 0 ? 0 : (size_t)got / sizeof entries[0];
  }

  /* Over the whole pages of [start, end) (page-aligned), how many `test` is true of; `complete`
   * says whether every page's entry was read. */
  template <typename Test>
  size_t count(uintptr_t start, uintptr_t end, Test test, bool *complete = nullptr) const {
    uint64_t entries[kBatch];
    size_t pages = 0;
    uintptr_t p = start;
    while (p < end) {
      size_t k = read(p, (end - p) / page_, entries);
      if (k == 0) break;
      for (size_t i = 0; i < k; i++) pages += test(entries[i]) ? 1 : 0;
      p += k * page_;
    }
    if (complete) *complete = p >= end;
    return pages;
  }

 private:
  int fd_;
  uintptr_t page_;
};

}  // namespace np_pagemap

#endif
#endif
