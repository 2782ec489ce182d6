{
  "targets": [
    {
      "target_name": "lazylab_np",
      "sources": ["native/np_addon.c", "native/np_elementwise.c", "native/np_reduce.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-math-errno"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno"] }
    }
  ]
}
