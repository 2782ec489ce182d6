/* The one call lazylab makes into V8's C++ API rather than Node-API: a memory-reducing
 * collection of the calling thread's isolate (v8::Isolate::LowMemoryNotification). Unlike
 * gc() it also shrinks the young generation back to its initial capacity and uncommits its
 * from-space, which no JavaScript call can ask for; lib/psutil/isolate-probe.ts runs it in a
 * worker whose young generation V8 grew, so that what the process view counts for it is what
 * the worker's pages hold (docs/porting.md, "What the process view counts"). */
#include <v8.h>

extern "C" void np_reduce_heap(void) {
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  if (isolate) isolate->LowMemoryNotification();
}
