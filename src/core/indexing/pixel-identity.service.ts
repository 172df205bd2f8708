import { assertDefined } from '../assert';
import { errorMessage } from '../errors';
import { HammingIndex } from '../duplicates/hamming-index';
import { pixelHashOf } from '../media/pixel-hash';
import { decodePixelSignature, mayHaveSamePixels, type PixelSignature } from '../media/pixel-signature';
import { withStoredContent } from '../media/read-photo';
import type { ContentSignature, PhotoRepository } from '../store/photo.repository';

/**
 * Perceptual-hash distance under which two contents of the same dimensions may show the same pixels.
 * The same pixels give almost the same pHash whichever container holds them (the small differences
 * come from JPEG shrink-on-load versus a full decode); 6 bits leaves margin while keeping unrelated
 * same-size photos (typically 20-40 bits apart) out. Burst frames of one scene are within it too:
 * the pixel signatures then decide (see {@link PixelIdentityService}).
 */
export const PIXEL_CANDIDATE_DISTANCE = 6;

/**
 * Pixel hashes saved per transaction: a run killed in this phase keeps all but the last few, like
 * the decode phase's batches (each hash is a full-resolution decode, seconds of work on a laptop).
 */
const PIXEL_HASH_BATCH = 16;
/**
 * Longest stretch of the candidate search between two turns of the event loop in `computeMissing`:
 * the engine's loop also answers the bridge, and one camera's photos (one size) are one group of
 * hash queries (5,000 of them held the loop 0.4 s on an idle 2-core machine, 1.1 s on a busy one).
 */
const SLICE_MS = 20;

/**
 * Pixel-identical duplicates without decoding every photo at full resolution: a pair of contents
 * with the same oriented width x height and perceptual hashes within PIXEL_CANDIDATE_DISTANCE is a
 * candidate, and only candidates whose pixel signatures match (src/core/media/pixel-signature.ts)
 * get a full-resolution pixel hash; each content is hashed at most once in the library's life.
 * A content without a signature (indexed before migration 4, or a picture that cannot have one)
 * keeps the older rule: every candidate pair it is in is hashed.
 */
export class PixelIdentityService {
  readonly #photos: PhotoRepository;
  readonly #log: (line: string) => void;

  readonly #maxFileBytes: number | undefined;

  /** `maxFileBytes`: larger files are not read (default: src/shared/limits.ts, photoFileMegabytes). */
  constructor(photos: PhotoRepository, log: (line: string) => void, maxFileBytes?: number) {
    this.#photos = photos;
    this.#log = log;
    this.#maxFileBytes = maxFileBytes;
  }

  /** Contents that may show the same pixels as another one and have no pixel hash yet. */
  candidatesNeedingPixelHash(signatures: readonly ContentSignature[]): ContentSignature[] {
    const steps = this.#candidateSteps(signatures);
    let next = steps.next();
    while (!next.done) next = steps.next();
    return next.value;
  }

  /** `candidatesNeedingPixelHash`, giving the event loop a turn every SLICE_MS. */
  async #candidatesPaced(signatures: readonly ContentSignature[]): Promise<ContentSignature[]> {
    const steps = this.#candidateSteps(signatures);
    let next = steps.next();
    while (!next.done) {
      await new Promise((resolve) => setImmediate(resolve));
      next = steps.next();
    }
    return next.value;
  }

  /** The candidate search, yielding whenever it has run SLICE_MS since it last did. */
  *#candidateSteps(signatures: readonly ContentSignature[]): Generator<void, ContentSignature[]> {
    let sliceStart = performance.now();
    const due = (): boolean => performance.now() - sliceStart >= SLICE_MS;
    const pairs: [ContentSignature, ContentSignature][] = [];
    const byDimensions = new Map<string, ContentSignature[]>();
    for (const signature of signatures) {
      const key = `${signature.width}x${signature.height}`;
      const list = byDimensions.get(key);
      if (list) list.push(signature);
      else byDimensions.set(key, [signature]);
    }
    const needed = new Map<string, ContentSignature>();
    for (const group of byDimensions.values()) {
      if (group.length < 2) continue;
      const index = new HammingIndex();
      for (const signature of group) index.add(signature.perceptualHash);
      // HammingIndex.pairs, one query at a time so that the search can pause between them.
      for (let a = 0; a < group.length; a++) {
        const first = assertDefined(group[a], 'signature of a hash pair');
        for (const { id: b } of index.neighbours(first.perceptualHash, PIXEL_CANDIDATE_DISTANCE)) {
          if (b <= a) continue;
          const second = assertDefined(group[b], 'signature of a hash pair');
          if (first.pixelHash === null || second.pixelHash === null) pairs.push([first, second]);
        }
        if ((a & 63) === 63 && due()) {
          yield;
          sliceStart = performance.now();
        }
      }
    }
    // Only the contents of candidate pairs: a signature is 1.5 KB, the library may hold a million.
    const signatureOf = this.#storedSignatures(pairs.flatMap(([first, second]) => [first.hash, second.hash]));
    for (const [i, [first, second]] of pairs.entries()) {
      if ((i & 63) === 63 && due()) {
        yield;
        sliceStart = performance.now();
      }
      const a = signatureOf(first.hash);
      const b = signatureOf(second.hash);
      if (a && b && !mayHaveSamePixels(a, b)) continue;
      for (const member of [first, second]) if (member.pixelHash === null) needed.set(member.hash, member);
    }
    return [...needed.values()];
  }

  /**
   * The library contents among `candidates` that may show the same pixels as a picture with this
   * pixel signature (its stored form, as `decodePhoto` gives it): those whose signatures differ are
   * left out, so they need no full-resolution decode. Without a signature on either side, a
   * candidate stays one.
   */
  mayShowSamePixels<T extends ContentSignature>(signature: Uint8Array | null, candidates: readonly T[]): T[] {
    const query = decodePixelSignature(signature);
    if (!query || candidates.length === 0) return [...candidates];
    const signatureOf = this.#storedSignatures(candidates.map((candidate) => candidate.hash));
    return candidates.filter((candidate) => {
      const stored = signatureOf(candidate.hash);
      return !stored || mayHaveSamePixels(query, stored);
    });
  }

  /** The stored pixel signatures of these contents, read at once and decoded when first asked for. */
  #storedSignatures(contentHashes: readonly string[]): (contentHash: string) => PixelSignature | null {
    const stored = this.#photos.pixelSignatures([...new Set(contentHashes)]);
    const decoded = new Map<string, PixelSignature | null>();
    return (hash) => {
      if (!decoded.has(hash)) decoded.set(hash, decodePixelSignature(stored.get(hash) ?? null));
      return decoded.get(hash) ?? null;
    };
  }

  /** Computes and stores the missing pixel hashes of colliding contents. Failures are logged, not fatal. */
  async computeMissing(options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<number> {
    // Paced: the engine's event loop answers the bridge meanwhile.
    const candidates = await this.#candidatesPaced(this.#photos.signatures());
    options.onProgress?.(0, candidates.length);
    let computed = 0;
    let saved = 0;
    let unsaved: [string, string][] = [];
    const save = (): void => {
      this.#photos.setPixelHashes(unsaved);
      saved += unsaved.length;
      unsaved = [];
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < candidates.length && !options.signal?.aborted) {
        const candidate = assertDefined(candidates[next++], 'pixel-hash candidate');
        const pixelHash = await this.hashContent(candidate.hash);
        if (pixelHash) unsaved.push([candidate.hash, pixelHash]);
        if (unsaved.length >= PIXEL_HASH_BATCH) save();
        computed += 1;
        options.onProgress?.(computed, candidates.length);
      }
    };
    // Full-resolution decodes are memory-hungry (a 12 MP photo is 36 MB of pixels): two at a time.
    await Promise.all([worker(), worker()]);
    save();
    return saved;
  }

  /** Pixel hash of a stored content, read from one of its files; null (logged) if none can be read. */
  async hashContent(contentHash: string): Promise<string | null> {
    return withStoredContent(
      this.#photos.pathsOfContent(contentHash),
      contentHash,
      pixelHashOf,
      (filePath, error) => this.#log(`pixel hash of ${filePath} failed: ${errorMessage(error)}`),
      this.#maxFileBytes,
    );
  }
}
