{
  "variables": {
    "libdeflate%": "<!(node -p \"process.env.LAZYLAB_LIBDEFLATE||'none'\")"
  },
  "targets": [
    {
      "target_name": "lazylab_np",
      "sources": ["native/np_addon.c", "native/np_elementwise.c", "native/np_reduce.c", "native/np_random.c", "native/np_distributions.c", "native/np_memory.c", "native/np_vmath.c", "native/np_machine.c", "native/np_heap.cc", "native/np_mapfile.cc", "native/np_heap_room.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-math-errno"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno"] }
    },
    {
      "target_name": "lazylab_inflate",
      "sources": ["native/inflate.c"],
      "cflags": ["-O3"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3"] },
      # scripts/build-native.js sets LAZYLAB_LIBDEFLATE: "static" when libdeflate.a links into a
      # shared object (Debian's libdeflate-dev), so the addon packed into the npm tarball loads on
      # machines without libdeflate; "shared" when only libdeflate.so does; else "none".
      "conditions": [
        ["libdeflate=='static'", {
          "defines": ["LAZYLAB_LIBDEFLATE"],
          "libraries": ["-l:libdeflate.a"],
          "ldflags": ["-Wl,--exclude-libs,ALL"]
        }],
        ["libdeflate=='shared'", {
          "defines": ["LAZYLAB_LIBDEFLATE"],
          "libraries": ["-ldeflate"]
        }]
      ]
    }
  ]
}
