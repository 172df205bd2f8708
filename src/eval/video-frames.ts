/**
 * Real burst frames for the hard negatives: still frames taken 0.3–1 s apart from the sample videos
 * of the Debian `opencv-doc` package (unpacked by setup under .cache/eval-photos), read with
 * `ffmpeg`/`ffprobe` (Debian package `ffmpeg`, in scripts/setup.sh).
 *
 * - vtest.avi: pedestrians in front of a fixed camera (79 s, 10 fps): only the people move;
 * - tree.avi: a tree waving in the wind, fixed camera (30 s, about 2.5 distinct frames a second);
 * - Megamind.avi: an animated dialogue, with a moving camera and three cuts (11 s, 24 fps).
 *
 * A burst asks for 4 frames at one spacing; each time is snapped to the nearest decoded frame (a
 * frame asked twice is kept once), and bursts never cross a cut. Frames are picked by their number in
 * one decoding pass a video, so the same video gives the same pixels.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface VideoBurst {
  /** File-name safe, unique: `<video>-b<n>`. */
  readonly id: string;
  /** Asked times, seconds from the start of the video. */
  readonly times: readonly number[];
  /** The asked spacing between frames, seconds. */
  readonly spacing: number;
}

export interface BurstVideo {
  /** The hard-negatives category its frames go to. */
  readonly category: string;
  readonly file: string;
  readonly describe: string;
  readonly bursts: readonly VideoBurst[];
}

function burst(video: string, index: number, start: number, spacing: number, frames = 4): VideoBurst {
  return {
    id: `${video}-b${index + 1}`,
    spacing,
    times: Array.from({ length: frames }, (_, i) => Number((start + i * spacing).toFixed(2))),
  };
}

/** Bursts every `every` seconds from `first` to `last` (start times), cycling through `spacings`. */
function regularBursts(video: string, first: number, last: number, every: number, spacings: readonly number[]): VideoBurst[] {
  const bursts: VideoBurst[] = [];
  for (let start = first, i = 0; start <= last; start += every, i++)
    bursts.push(burst(video, i, start, spacings[i % spacings.length] ?? 0.5));
  return bursts;
}

export const BURST_VIDEOS: readonly BurstVideo[] = [
  {
    category: 'video-people',
    file: 'vtest.avi',
    describe: 'pedestrians, fixed camera',
    bursts: regularBursts('vtest', 0.5, 75, 5, [0.3, 0.5, 0.7, 1.0]),
  },
  {
    category: 'video-tree',
    file: 'tree.avi',
    describe: 'a waving tree, fixed camera',
    // Its frames are 0.33–0.67 s apart: no 0.3 s spacing.
    bursts: regularBursts('tree', 0.5, 25.5, 5, [0.4, 0.5, 0.7, 1.0]),
  },
  {
    category: 'video-camera',
    file: 'Megamind.avi',
    describe: 'animation, moving camera',
    // Cuts at 4.13, 6.46 and 8.38 s (ffmpeg's scene score > 0.25).
    bursts: [
      burst('megamind', 0, 0.3, 0.3),
      burst('megamind', 1, 1.8, 0.7),
      burst('megamind', 2, 4.4, 0.5),
      burst('megamind', 3, 6.7, 0.5),
      burst('megamind', 4, 8.6, 0.3),
      burst('megamind', 5, 9.8, 0.4),
    ],
  },
];

/** True when `ffmpeg` and `ffprobe` run on this machine. */
export async function hasFfmpeg(): Promise<boolean> {
  try {
    await run('ffmpeg', ['-version']);
    await run('ffprobe', ['-version']);
    return true;
  } catch {
    return false;
  }
}

/** The first of `candidates` holding every video, or null. */
export function findVideoFolder(candidates: readonly string[]): string | null {
  return candidates.find((folder) => BURST_VIDEOS.every((video) => existsSync(join(folder, video.file)))) ?? null;
}

/** The time of every decoded frame, seconds, in decoding order (frame n = index n). */
export async function frameTimes(video: string): Promise<number[]> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time', '-of', 'csv=p=0', video],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .map((line) => line.split(',')[0]?.trim() ?? '')
    .filter((field) => field !== '')
    .map(Number);
}

/** The numbers of the frames nearest to `times`, without repeats, in order. */
export function nearestFrames(times: readonly number[], frames: readonly number[]): number[] {
  const picked: number[] = [];
  for (const time of times) {
    let best = -1;
    frames.forEach((frame, n) => {
      if (best < 0 || Math.abs(frame - time) < Math.abs((frames[best] ?? 0) - time)) best = n;
    });
    if (best >= 0 && !picked.includes(best)) picked.push(best);
  }
  return picked;
}

/** Frames `numbers` (decoding order) as PNG bytes, at most `maxSide` pixels on the long side, in one pass. */
export async function extractFrames(video: string, numbers: readonly number[], maxSide: number): Promise<Map<number, Buffer>> {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const select = sorted.map((n) => `eq(n,${n})`).join('+');
  const scale = `scale='if(gt(iw,ih),min(${maxSide},iw),-2)':'if(gt(iw,ih),-2,min(${maxSide},ih))'`;
  const dir = await mkdtemp(join(tmpdir(), 'doppel-frames-'));
  try {
    await run('ffmpeg', [
      '-v',
      'error',
      '-i',
      video,
      '-vf',
      `select='${select}',${scale}`,
      '-vsync',
      'passthrough',
      join(dir, 'frame-%04d.png'),
    ]);
    const written = (await readdir(dir)).sort();
    if (written.length !== sorted.length) throw new Error(`ffmpeg wrote ${written.length} of ${sorted.length} frames of ${video}`);
    const frames = new Map<number, Buffer>();
    for (const [i, name] of written.entries()) frames.set(sorted[i] ?? -1, await readFile(join(dir, name)));
    return frames;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
