import type { Socket } from 'node:net';

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
   * Sockets that have not yet carried a request with this run's token or session cookie: any local
   * process can open those, so they get a pool of their own, far below `connections`. When it is
   * full, a new socket pushes out the oldest one: refusing the new one instead would let a process
   * that keeps the pool full lock out every new socket, the user's first request included (every
   * socket starts out unauthenticated until its headers arrive). A browser that is not signed in
   * (the sign-in page) needs at most 6.
   */
  unauthenticatedSockets: 64,
  /**
   * How long a socket may stay unauthenticated: long enough for the sign-in page or a 401 over
   * loopback, short enough that slow or silent sockets cannot pile up. Node checks `headersTimeout`
   * only every 30 s (its connectionsCheckingInterval), so this is a timer of its own per socket.
   */
  unauthenticatedSocketMs: 5_000,
  /**
   * Uploads written to disk at once ("is this photo in my library?" from a dropped file): each may
   * hold up to `maxUploadBytes` of temporary disk space until its answer is sent.
   */
  uploads: 2,
  /**
   * How long a signed-in socket may sit idle between requests. Node's default, 5 s, closed sockets
   * that a client whose event loop stalled for a few seconds then reused: its next request met a
   * reset (`read ECONNRESET`), which failed the 5,000-photo e2e on a busy machine. 65 s outlasts
   * such stalls; idle sockets cost a file descriptor each, bounded by `connections`.
   */
  keepAliveTimeoutMs: 65_000,
  /**
   * A signed-in client has this long to send a request's headers (kept above `keepAliveTimeoutMs`,
   * the usual pairing), then the whole request (Node wants it no shorter than the headers' time;
   * JSON bodies are at most 1 MiB, an upload of `maxUploadBytes` over loopback takes well under a
   * second). Sockets not signed in are bounded by `unauthenticatedSocketMs` instead.
   */
  headersTimeoutMs: 66_000,
  requestTimeoutMs: 120_000,
  maxBodyBytes: 1024 * 1024,
  /**
   * A JSON body over `maxBodyBytes` is read to its end and dropped before the 413 goes out, so that
   * the connection stays usable and the client surely reads its answer (closing a socket with
   * unread bytes resets it). A body that declares more than this is answered unread instead, and
   * its connection closed.
   */
  maxDrainedBodyBytes: 16 * 1024 * 1024,
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

export interface UnauthenticatedSocketLimits {
  /** Sockets kept at once; a new one beyond this closes the oldest. */
  readonly max: number;
  /** A socket still unauthenticated this long after it connected is closed. */
  readonly timeoutMs: number;
}

/**
 * The sockets that have not yet carried a signed-in request (see `unauthenticatedSockets`): `admit`
 * each new socket, `trust` it once a request on it carries a valid token or session cookie.
 */
export class UnauthenticatedSockets {
  readonly #limits: UnauthenticatedSocketLimits;
  /** In the order they connected, each with the timer that closes it. */
  readonly #waiting = new Map<Socket, ReturnType<typeof setTimeout>>();

  constructor(limits: UnauthenticatedSocketLimits) {
    this.#limits = limits;
  }

  admit(socket: Socket): void {
    if (this.#waiting.size >= this.#limits.max) {
      const [oldest] = this.#waiting.keys();
      if (oldest) this.#close(oldest);
    }
    const timer = setTimeout(() => {
      // After an event-loop stall this timer may run before the socket's waiting headers are read:
      // setImmediate lets that read (the poll phase) go first.
      setImmediate(() => {
        if (this.#waiting.has(socket)) this.#close(socket);
      });
    }, this.#limits.timeoutMs);
    timer.unref();
    this.#waiting.set(socket, timer);
    socket.once('close', () => this.#forget(socket));
  }

  /** `socket` carried a signed-in request: it leaves the pool and its timer, and stays open. */
  trust(socket: Socket): void {
    this.#forget(socket);
  }

  #forget(socket: Socket): void {
    clearTimeout(this.#waiting.get(socket));
    this.#waiting.delete(socket);
  }

  #close(socket: Socket): void {
    this.#forget(socket);
    socket.destroy();
  }
}
