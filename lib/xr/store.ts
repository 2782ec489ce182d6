/**
 * Stores: "get bytes for a key", as zarrita's stores are — a folder on disk or an HTTP(S)
 * server — with the byte ranges remote files are read by. The same two classes serve Zarr
 * (whole chunk objects by key) and single files read in ranges. The HTTP store asks for ranges
 * with `Range:` headers, several at once, retries a dropped connection or a 5xx answer with
 * backoff, and refuses a server that answers a range request with the whole file
 * ({@link RangeNotSupportedError}): downloading a 10 GB file to read 1 MB of it is exactly what
 * a remote read must not do silently. Every byte a store returns is counted, so
 * `xr.cacheInfo().bytesFetched` says what a compute cost over the wire or from the folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** A byte range: `length` bytes from `offset`, or the last `suffixLength` bytes. */
export type RangeQuery = { offset: number; length: number } | { suffixLength: number };

/** zarrita's store interface (`AsyncReadable`): keys are absolute ("/T/0.0.0"). */
export interface ByteStore {
  get(key: string): Promise<Uint8Array | undefined>;
  getRange(key: string, range: RangeQuery): Promise<Uint8Array | undefined>;
  /** Where the store is (a folder or a URL), for messages. */
  readonly location: string;
}

/** Bytes all stores have returned (chunks and metadata), and HTTP requests retried. */
export const storeReads = { bytes: 0, retries: 0, requests: 0 };

/** A server answered a range request with the whole resource: it does not support ranges. */
export class RangeNotSupportedError extends Error {
  override name = "RangeNotSupportedError";
  constructor(readonly url: string, readonly status: number) {
    super(`${url}: the server does not support HTTP range requests (it answered a Range request with status ${status}${status === 200 ? " and the whole file" : ""}); lazylab reads remote files in ranges and will not download all of it — serve it from a server with range support, or download it and open the local copy`);
  }
}

/** An HTTP request failed for good (after retries, or with a status retrying cannot fix). */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(readonly url: string, readonly status: number | undefined, detail: string) {
    super(`${url}: ${detail}`);
  }
}

/** True for `http://` and `https://` locations. */
export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** A folder on disk. */
export class FolderStore implements ByteStore {
  constructor(readonly location: string) {}
  private file(key: string): string {
    return path.join(this.location, ...key.split("/").filter(Boolean));
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const b = await fs.promises.readFile(this.file(key));
      storeReads.bytes += b.byteLength;
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }
  async getRange(key: string, range: RangeQuery): Promise<Uint8Array | undefined> {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(this.file(key), "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
    try {
      const size = (await fh.stat()).size;
      const [start, length] = "suffixLength" in range ? [Math.max(0, size - range.suffixLength), Math.min(size, range.suffixLength)] : [range.offset, Math.max(0, Math.min(range.length, size - range.offset))];
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(out, done, length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      storeReads.bytes += done;
      return done === length ? out : out.subarray(0, done);
    } finally {
      await fh.close();
    }
  }
}

/** Options of {@link HttpStore}. */
export interface HttpOptions {
  /** Attempts after the first for a dropped connection or a 5xx answer (default 4). */
  retries?: number;
  /** First backoff in milliseconds, doubled at each retry (default 50). */
  backoffMs?: number;
}

/** Errors worth another attempt: the connection dropped, was refused mid-way, or timed out. */
function transient(e: unknown): boolean {
  const err = e as { name?: string; cause?: { code?: string }; code?: string };
  const code = err.cause?.code ?? err.code;
  return err.name === "TypeError" || ["ECONNRESET", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNREFUSED"].includes(code ?? "");
}

/** An HTTP(S) server: keys are paths under the base URL. */
export class HttpStore implements ByteStore {
  readonly location: string;
  private readonly retries: number;
  private readonly backoffMs: number;
  constructor(url: string, options: HttpOptions = {}) {
    this.location = url.replace(/\/+$/, "");
    this.retries = options.retries ?? 4;
    this.backoffMs = options.backoffMs ?? 50;
  }

  private url(key: string): string {
    return key === "" || key === "/" ? this.location : `${this.location}/${key.replace(/^\/+/, "")}`;
  }

  /** One GET, retried on transient failures; undefined for 404. */
  private async request(url: string, headers: Record<string, string>, check?: (r: Response) => void): Promise<Uint8Array | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        storeReads.requests++;
        const r = await fetch(url, { headers });
        if (r.status === 404 || r.status === 403) {
          await r.body?.cancel();
          return undefined;
        }
        if (r.status >= 500) throw Object.assign(new Error(`HTTP ${r.status}`), { status: r.status, code: "ECONNRESET" });
        if (!r.ok) {
          await r.body?.cancel();
          throw new HttpError(url, r.status, `HTTP ${r.status} ${r.statusText}`);
        }
        if (check) {
          try {
            check(r);
          } catch (e) {
            await r.body?.cancel();
            throw e;
          }
        }
        const body = new Uint8Array(await r.arrayBuffer());
        storeReads.bytes += body.byteLength;
        return body;
      } catch (e) {
        if (e instanceof HttpError || e instanceof RangeNotSupportedError || !transient(e) || attempt >= this.retries) {
          if (e instanceof HttpError || e instanceof RangeNotSupportedError) throw e;
          const status = (e as { status?: number }).status;
          throw new HttpError(url, status, `request failed after ${attempt + 1} attempt${attempt ? "s" : ""}: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ""}`);
        }
        storeReads.retries++;
        await new Promise((res) => setTimeout(res, this.backoffMs * 2 ** attempt));
      }
    }
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.request(this.url(key), {});
  }

  getRange(key: string, range: RangeQuery): Promise<Uint8Array | undefined> {
    return this.getRangeOf(key, range).then((r) => r?.bytes);
  }

  /**
   * {@link getRange}, with the whole resource's size from the answer's `Content-Range`
   * (`bytes a-b/SIZE`; NaN if the server does not say): what opening a remote file needs
   * from its first request.
   */
  async getRangeOf(key: string, range: RangeQuery): Promise<{ bytes: Uint8Array; size: number } | undefined> {
    const url = this.url(key);
    const header = "suffixLength" in range ? `bytes=-${range.suffixLength}` : `bytes=${range.offset}-${range.offset + range.length - 1}`;
    if (!("suffixLength" in range) && range.length <= 0) return { bytes: new Uint8Array(0), size: NaN };
    let size = NaN;
    const bytes = await this.request(url, { Range: header }, (r) => {
      // 206 with Content-Range is a range; 200 is the whole resource (the Range header ignored).
      if (r.status !== 206) throw new RangeNotSupportedError(url, r.status);
      size = Number(/\/(\d+)\s*$/.exec(r.headers.get("content-range") ?? "")?.[1] ?? NaN);
    });
    return bytes && { bytes, size };
  }
}

/** Serializable description of a store, to open the same store on another thread. */
export type StoreSpec = { kind: "folder"; location: string } | { kind: "http"; location: string; options: HttpOptions };

/** The store at a folder path or URL. */
export function specOf(location: string, options: HttpOptions = {}): StoreSpec {
  return isUrl(location) ? { kind: "http", location, options } : { kind: "folder", location: path.resolve(location) };
}

/** Opens the store a spec describes. */
export function openStore(spec: StoreSpec): ByteStore {
  return spec.kind === "http" ? new HttpStore(spec.location, spec.options) : new FolderStore(spec.location);
}
