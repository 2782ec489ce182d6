/**
 * A static file server for the HTTP tests, run as a child process (the reads it serves block
 * the test's own thread while they wait, so it cannot live in the test's process). Node's own
 * http server, files under ROOT, in one of three modes:
 *   range   — `Range: bytes=a-b` / `bytes=-n` answered 206 with Content-Range (as S3, nginx);
 *   drop    — as range, but the first request of each path has its connection destroyed
 *             before any answer (a flaky network), so a client must retry;
 *   norange — Range ignored: 200 and the whole file, no Accept-Ranges (a naive server).
 * Prints `PORT <n>` when listening; prints `REQ <mode> <path> <range>` per request on stderr.
 *
 *   node dist/test/http-range-server.js ROOT MODE
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";

const [root, mode = "range"] = process.argv.slice(2);
const seen = new Set<string>();

const server = http.createServer((req, res) => {
  const url = decodeURIComponent((req.url ?? "/").split("?")[0]);
  const file = path.join(root, path.normalize(url).replace(/^(\.\.[/\\])+/, ""));
  const range = req.headers.range;
  process.stderr.write(`REQ ${mode} ${url} ${range ?? "-"}\n`);
  if (mode === "drop" && !seen.has(url + (range ?? ""))) {
    seen.add(url + (range ?? ""));
    req.socket.destroy();
    return;
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
    if (!st.isFile()) throw new Error("not a file");
  } catch {
    res.writeHead(404).end();
    return;
  }
  const m = mode !== "norange" && range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null;
  if (!m) {
    res.writeHead(200, { "Content-Length": st.size, ...(mode === "norange" ? {} : { "Accept-Ranges": "bytes" }) });
    fs.createReadStream(file).pipe(res);
    return;
  }
  let start: number, end: number;
  if (m[1] === "") (start = Math.max(0, st.size - Number(m[2]))), (end = st.size - 1);
  else (start = Number(m[1])), (end = m[2] === "" ? st.size - 1 : Math.min(Number(m[2]), st.size - 1));
  if (start >= st.size || start > end) {
    res.writeHead(416, { "Content-Range": `bytes */${st.size}` }).end();
    return;
  }
  res.writeHead(206, { "Content-Length": end - start + 1, "Content-Range": `bytes ${start}-${end}/${st.size}`, "Accept-Ranges": "bytes" });
  fs.createReadStream(file, { start, end }).pipe(res);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`PORT ${(server.address() as { port: number }).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
