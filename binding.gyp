{
  "targets": [
    {
      "target_name": "lazylab_np",
      "sources": ["native/np_addon.c", "native/np_elementwise.c", "native/np_reduce.c", "native/np_random.c", "native/np_memory.c", "native/np_vmath.c", "native/np_machine.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-math-errno"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno"] }
    },
    {
      "target_name": "lazylab_inflate",
      "sources": ["native/inflate.c"],
      "cflags": ["-O3"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3"] },
      "conditions": [
        ["<!(node -p \"process.env.LAZYLAB_LIBDEFLATE||0\")==1", {
          "defines": ["LAZYLAB_LIBDEFLATE"],
          "libraries": ["-ldeflate"]
        }]
      ]
    }
  ]
}
