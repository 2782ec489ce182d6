{
  "targets": [
    {
      "target_name": "lazylab_np",
      "sources": ["native/np_loops.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-math-errno"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno"] }
    }
  ]
}
