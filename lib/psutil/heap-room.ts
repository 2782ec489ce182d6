/**
 * Room for malloc's main heap to grow in place (native/np_heap_room.c has the why): a V8 code
 * range reserved flush against the heap's end (about one isolate in a hundred) stops the program
 * break for good, and every later extension of malloc's main arena then comes from mmap, is
 * never given back, and is counted with fenceposts as bytes in use, so that a memory figure read
 * in that executor differs from every other's (by ~10 KB across a first `sys.getrefcount`).
 *
 * The kernel starts the executor with {@link startupHeapRoomEnvironment} (Node's first
 * extension of the break then already spans the room, before its own isolate reserves
 * anything), and the executor calls {@link keepHeapRoom} before it starts a thread of its own:
 * the room above the heap is reserved from then on, without memory behind it. Any process that
 * loads the memory probes' addon calls it too, for the isolates it creates later.
 */
import { existsSync, readFileSync } from "node:fs";
import { addonPath } from "../addon";
import type { HeapRoom } from "./native";

/** Bytes the heap keeps to grow into: less than a code range (512 MB), so the gap above it never fits one. */
export const HEAP_ROOM_BYTES = 480 * 2 ** 20;
/** glibc's own top pad (DEFAULT_TOP_PAD), restored once the first extension is made. */
const GLIBC_TOP_PAD = 128 * 1024;
/** Set beside MALLOC_TOP_PAD_ by {@link startupHeapRoomEnvironment}: the pad is ours to restore. */
const STARTUP_MARK = "LAZYLAB_HEAP_ROOM_TOP_PAD";

/**
 * The environment that makes the executor's first extension of the program break span
 * {@link HEAP_ROOM_BYTES} (address space; untouched pages cost nothing): none when the caller
 * set malloc's top pad itself, when the addon that restores it is not built, or where so large
 * an extension could be refused (a data or address-space limit, strict overcommit), which
 * would send malloc's heap to mmap from its first byte.
 */
export function startupHeapRoomEnvironment(base: NodeJS.ProcessEnv): Record<string, string> {
  if (base.MALLOC_TOP_PAD_ !== undefined || !existsSync(addonPath("lazylab_np")) || !extensionAllowed()) return {};
  return { MALLOC_TOP_PAD_: String(HEAP_ROOM_BYTES), [STARTUP_MARK]: "1" };
}

/** Whether this process (and so a child) may extend its break by the room: no data or address-space limit, no strict overcommit. */
function extensionAllowed(): boolean {
  try {
    const limits = readFileSync("/proc/self/limits", "utf8");
    const unlimited = (name: string) => new RegExp(`^${name}\\s+unlimited\\s`, "m").test(limits);
    return unlimited("Max data size") && unlimited("Max address space") && readFileSync("/proc/sys/vm/overcommit_memory", "utf8").trim() !== "2";
  } catch {
    return false;
  }
}

let kept: HeapRoom | null | undefined;

/**
 * Reserves the address space above the heap's room (once a process) and, in a process started
 * with {@link startupHeapRoomEnvironment}, sets malloc's top pad back to glibc's and takes both
 * variables out of the environment, so that child processes do not inherit them. Not where the
 * address space is limited (RLIMIT_AS, which a 2 GB reservation would eat into). Returns what
 * the addon found, or null without the addon.
 */
export function keepHeapRoom(): HeapRoom | null {
  if (kept !== undefined) return kept;
  const fromStartup = process.env[STARTUP_MARK] === "1";
  delete process.env[STARTUP_MARK];
  // Loaded here, not at the top: the kernel process imports this module for the environment
  // alone, and has no use for the addon.
  const { memoryCalls } = require("./native") as typeof import("./native");
  kept = memoryCalls?.keepHeapRoom?.(HEAP_ROOM_BYTES, fromStartup ? GLIBC_TOP_PAD : -1) ?? null;
  return kept;
}
