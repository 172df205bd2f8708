/**
 * How much of the bridge one caller may hold at a time. Every number bounds what a signed-in but
 * misbehaving script (or a stuck tab) can take from the real page; none is near what the renderer
 * itself needs.
 */

export const requestLimits = {
  /**
   * Calls in flight across all clients. Most calls are synchronous SQLite reads answered in
   * milliseconds; the slow ones (find, similar, clean) decode photos and queue behind each other
   * anyway, so more than this only piles up memory.
   */
  apiCalls: 16,
  /**
   * Thumbnail and preview requests in flight. A browser opens at most 6 connections per host, so
   * the grid never comes near this; a preview renders a full photo with sharp.
   */
  mediaRequests: 32,
  /**
   * Event streams per signed-in browser. Each holds one of the browser's 6 connections to the
   * bridge: past 4 tabs, live updates in a new tab would starve every tab's calls.
   */
  eventStreamsPerClient: 4,
  eventStreamsTotal: 16,
  /** Sockets at all (signed in or not); keeps a flood from using up file descriptors SQLite needs. */
  connections: 256,
  /**
   * Uploads written to disk at once ("is this photo in my library?" from a dropped file): each may
   * hold up to `maxUploadBytes` of temporary disk space until its answer is sent.
   */
  uploads: 2,
  /**
   * A client has this long to send its headers, then the whole request (JSON bodies are at most
   * 1 MiB; an upload of `maxUploadBytes` over loopback takes well under a second).
   */
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxBodyBytes: 1024 * 1024,
  /**
   * The largest photo a browser may upload to find it. Far below what a library may index from
   * disk (photoFileMegabytes.max, 4 GB): an upload is copied to a temporary file first. Camera RAW
   * files are under 150 MB, a 100 MP 16-bit TIFF about 600 MB; those are found by path from the
   * CLI or the desktop app.
   */
  maxUploadBytes: 250 * 1e6,
} as const;

/** Counts requests in flight; `tryAcquire` answers a release function, or null when full. */
export class InFlightLimit {
  readonly #max: number;
  #inFlight = 0;

  constructor(max: number) {
    this.#max = max;
  }

  get max(): number {
    return this.#max;
  }

  tryAcquire(): (() => void) | null {
    if (this.#inFlight >= this.#max) return null;
    this.#inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight -= 1;
    };
  }
}
