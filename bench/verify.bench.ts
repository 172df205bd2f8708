import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { NearVerifier, PICTURE_CHECK_VERSION } from '../src/core/duplicates/near/near-verifier';
import type { CandidateGroup } from '../src/core/duplicates/file-groups';
import type { CopyDetails } from '../src/core/store/duplicate.repository';
import { PictureCheckStore } from '../src/core/store/picture-check.store';
import { drawScene, sharpOf } from '../test/fixtures/scene';

export interface VerifyBenchResult {
  readonly groups: number;
  /** Pairs the check decided (each member against its centre, plus the pairwise checks among shots). */
  readonly pairsChecked: number;
  /** First check of every pair: thumbnails read and decoded, pictures compared. */
  readonly coldMsPerPair: number;
  /** A new session: every verdict answered from picture-checks.json. */
  readonly warmMsPerPair: number;
  /** What the cold check adds to a first grouping of 100k photos with `share` of them in near groups. */
  readonly projected100kSeconds: number;
  readonly projectedShare: number;
  readonly storeBytes: number;
}

/**
 * The near-pair picture check (src/core/duplicates/near) on real 256 px WebP thumbnails of
 * generated scenes: per scene a group of the original, a JPEG q50 copy, a 50 % downscale, a
 * captioned copy and another frame (a figure moved). Measures the check per pair, cold (thumbnails
 * decoded) and warm (a new session answering from the store), and projects the cold cost onto a
 * first grouping of 100k photos of which `share` are near duplicates or shots (each costs one
 * check against its group's centre).
 */
export async function runVerifyBench(options: { scenes?: number; share?: number } = {}): Promise<VerifyBenchResult> {
  const scenes = options.scenes ?? 60;
  const share = options.share ?? 0.1;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-bench-verify-'));
  try {
    const thumbnails = path.join(dir, 'thumbnails');
    fs.mkdirSync(thumbnails);
    const pathOf = (hash: string): string => path.join(thumbnails, `${hash}.webp`);
    const details = new Map<string, CopyDetails>();
    const groups: CandidateGroup[] = [];
    const caption = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="768"><rect y="676" width="1024" height="92" fill="black" opacity="0.55"/><text x="30" y="740" font-family="sans-serif" font-size="46" fill="white">© Holiday 2024</text></svg>',
    );
    for (let scene = 0; scene < scenes; scene++) {
      const original = await sharpOf(await drawScene(1000 + scene, 1024, 768))
        .png()
        .toBuffer();
      const figure = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="768"><ellipse cx="${300 + (scene % 5) * 80}" cy="380" rx="60" ry="170" fill="#202020"/></svg>`,
      );
      const versions: Record<string, sharp.Sharp> = {
        original: sharp(original),
        q50: sharp(original).jpeg({ quality: 50 }),
        half: sharp(original).resize(512),
        captioned: sharp(original).composite([{ input: caption }]),
        frame: sharp(original).composite([{ input: figure }]),
      };
      const files: string[] = [];
      for (const [name, image] of Object.entries(versions)) {
        const hash = `${scene}-${name}`;
        const bytes = await image.toBuffer();
        const meta = await sharp(bytes).metadata();
        fs.writeFileSync(pathOf(hash), await sharp(bytes).resize(256, 256, { fit: 'inside' }).webp({ quality: 80 }).toBuffer());
        const file = `/bench/${scene}/${name}.jpg`;
        details.set(file, {
          path: file,
          size: bytes.length,
          mtimeMs: 0,
          inode: `1:${hash}`,
          contentHash: hash,
          pixelHash: null,
          width: meta.width,
          height: meta.height,
          format: 'jpeg',
          takenAt: null,
          camera: null,
        });
        files.push(file);
      }
      groups.push({ kind: 'near', files });
    }
    const sources = {
      details: (paths: readonly string[]): Map<string, CopyDetails> =>
        new Map(
          paths.flatMap((file) => {
            const copy = details.get(file);
            return copy ? [[file, copy] as const] : [];
          }),
        ),
    };
    const store = (): PictureCheckStore => new PictureCheckStore(dir, PICTURE_CHECK_VERSION);
    const coldStarted = performance.now();
    await new NearVerifier({ ...sources, thumbnails: { pathOf }, store: store() }).split(groups);
    const coldMs = performance.now() - coldStarted;
    const pairsChecked = store().load().verdicts.size;
    const warmStarted = performance.now();
    await new NearVerifier({ ...sources, thumbnails: { pathOf: () => path.join(dir, 'gone.webp') }, store: store() }).split(groups);
    const warmMs = performance.now() - warmStarted;
    const coldMsPerPair = coldMs / Math.max(1, pairsChecked);
    const warmMsPerPair = warmMs / Math.max(1, pairsChecked);
    const projected100kSeconds = (100_000 * share * coldMsPerPair) / 1000;
    const storeBytes = fs.statSync(path.join(dir, 'picture-checks.json')).size;
    console.log(
      `verify: ${pairsChecked} pairs of ${groups.length} groups checked on 256 px thumbnails: ` +
        `cold ${coldMsPerPair.toFixed(1)} ms a pair (thumbnails decoded), warm ${warmMsPerPair.toFixed(2)} ms a pair (from picture-checks.json, ${storeBytes} bytes)`,
    );
    console.log(
      `verify: a first grouping of 100k photos with ${Math.round(share * 100)} % of them in near groups checks about ${100_000 * share} pairs: ` +
        `+${projected100kSeconds.toFixed(0)} s once (later groupings answer from the store); compare with the grouping section's first grouping`,
    );
    return {
      groups: groups.length,
      pairsChecked,
      coldMsPerPair: Math.round(coldMsPerPair * 10) / 10,
      warmMsPerPair: Math.round(warmMsPerPair * 100) / 100,
      projected100kSeconds: Math.round(projected100kSeconds),
      projectedShare: share,
      storeBytes,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
