/**
 * Writes the evaluation set: for each half, every source photo (copied as it is), its edits, and
 * generated scenes as unrelated distractors. Ground truth travels with it as `EvalFile` records.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { drawScene, sharpOf } from '../../test/fixtures/scene';
import { decodePhoto, EDITS, type PhotoEdit } from './edits';
import type { GroundTruthFile } from './metrics';
import type { SourcePhoto } from './photo-sources';
import { splitHalves, type Half } from './split';

export interface EvalHalf {
  readonly half: Half;
  /** Folder to index: holds only this half's files. */
  readonly dir: string;
  readonly sources: readonly SourcePhoto[];
  readonly files: readonly GroundTruthFile[];
}

export interface EvalSet {
  readonly root: string;
  readonly halves: Readonly<Record<Half, EvalHalf>>;
  readonly edits: readonly PhotoEdit[];
}

/** Runs `task` over `items`, `concurrency` at a time, keeping order of results. */
export async function mapLimited<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

async function writeSource(source: SourcePhoto, dir: string, edits: readonly PhotoEdit[]): Promise<GroundTruthFile[]> {
  const folder = join(dir, source.id);
  await mkdir(folder, { recursive: true });
  const original = join(folder, `original${extname(source.path).toLowerCase()}`);
  await copyFile(source.path, original);
  const decoded = await decodePhoto(source.path);
  const files: GroundTruthFile[] = [{ path: original, sourceId: source.id, editId: null }];
  for (const edit of edits) {
    const path = join(folder, `${edit.id}.jpg`);
    await writeFile(path, await edit.apply(decoded));
    files.push({ path, sourceId: source.id, editId: edit.id });
  }
  return files;
}

async function writeDistractors(dir: string, count: number, firstSeed: number): Promise<GroundTruthFile[]> {
  const folder = join(dir, 'distractors');
  await mkdir(folder, { recursive: true });
  return mapLimited(
    Array.from({ length: count }, (_, i) => firstSeed + i),
    2,
    async (seed) => {
      const path = join(folder, `scene-${seed}.jpg`);
      await writeFile(
        path,
        await sharpOf(await drawScene(seed, 640, 480))
          .jpeg({ quality: 88 })
          .toBuffer(),
      );
      return { path, sourceId: `scene-${seed}`, editId: null };
    },
  );
}

/**
 * Builds the set under `root` (its `tune/` and `report/` folders are replaced).
 * `distractors` generated scenes are added to each half.
 */
export async function buildEvalSet(
  root: string,
  sources: readonly SourcePhoto[],
  options: { distractors?: number; edits?: readonly PhotoEdit[] } = {},
): Promise<EvalSet> {
  const edits = options.edits ?? EDITS;
  const distractors = options.distractors ?? 20;
  const split = splitHalves(sources, (source) => source.id);
  const build = async (half: Half, firstSeed: number): Promise<EvalHalf> => {
    const dir = join(root, half);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const perSource = await mapLimited(split[half], 2, (source) => writeSource(source, dir, edits));
    const scenes = await writeDistractors(dir, distractors, firstSeed);
    return { half, dir, sources: split[half], files: [...perSource.flat(), ...scenes] };
  };
  return { root, edits, halves: { tune: await build('tune', 10_000), report: await build('report', 20_000) } };
}
