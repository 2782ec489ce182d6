/*
 * A stand-in for a native addon that keeps memory of its own (as zlib, libdeflate or an
 * addon's buffers do): hold(bytes) mallocs that many bytes in 64 KiB blocks (below the
 * executor's mmap threshold, so they come from malloc's arenas), writes them, and keeps them
 * until release(). Built by test/process-view.test.ts at test time; not part of lazylab.
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (64 * 1024)

static void **blocks = NULL;
static size_t count = 0;

static napi_value hold(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double bytes = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_double(env, argv[0], &bytes) != napi_ok || bytes < 0) {
    napi_throw_type_error(env, NULL, "hold(bytes): expected a non-negative number");
    return NULL;
  }
  size_t n = (size_t)(bytes / BLOCK);
  void **grown = realloc(blocks, (count + n) * sizeof *blocks);
  if (grown == NULL && count + n > 0) {
    napi_throw_error(env, NULL, "hold: out of memory");
    return NULL;
  }
  blocks = grown;
  for (size_t i = 0; i < n; i++) {
    blocks[count] = malloc(BLOCK);
    if (blocks[count] == NULL) break;
    memset(blocks[count], 0x5a, BLOCK);
    count++;
  }
  napi_value r;
  napi_create_double(env, (double)count * BLOCK, &r);
  return r;
}

static napi_value release(napi_env env, napi_callback_info info) {
  (void)info;
  for (size_t i = 0; i < count; i++) free(blocks[i]);
  free(blocks);
  blocks = NULL;
  count = 0;
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    { "hold", NULL, hold, NULL, NULL, NULL, napi_default, NULL },
    { "release", NULL, release, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
