/**
 * What the picture check found, kept beside the library (`picture-checks.json`) so that a new
 * session, a re-index or a moved file never checks a pair twice: each verdict by its ordered pair
 * of contents, and each content's sharpness (the best shot of similar shots). Contents are named
 * by their hash, so the verdicts survive re-indexing and renames.
 *
 * Like the near-pair file it is a cache: a missing, foreign, damaged or outdated file (another
 * `version` of the check) is ignored and the pairs are checked again, never an error. Written to a
 * temp file and renamed, so a reader sees the old file or the new one, whole; a library Doppel
 * cannot write (read-only) keeps its checks in memory only.
 *
 * Size: about 200 bytes a verdict (two 64-hex content hashes, the reason) and 80 a sharpness; a
 * library of 100k photos with 10k checked pairs keeps about 3 MB. The oldest verdicts go first
 * beyond MAX_VERDICTS.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One pair's verdict: `same` or `different`, why, and for a crop which content is the window. */
export interface StoredVerdict {
  readonly verdict: 'same' | 'different';
  readonly reason: string;
  /** Different, and two moments: a part moved, or one camera's capture times differ (near-verifier.ts). */
  readonly moment?: true;
  /** `a` or `b`: that content is a crop of the other. */
  readonly cropOf?: 'a' | 'b';
  /** How closely the two line up (0..1, for `same`): the closest match joins first (near-verifier.ts). */
  readonly closeness?: number;
}

export interface PictureChecks {
  /** By `contentA:contentB` (ordered: the reason says what b is of a). */
  readonly verdicts: Map<string, StoredVerdict>;
  readonly sharpness: Map<string, number>;
  /** Share of each content's thumbnail clipped to black or white (its exposure, for the best shot). */
  readonly clipped: Map<string, number>;
}

interface FileShape {
  readonly version: string;
  readonly verdicts: readonly (readonly [string, Letter, string, ('a' | 'b' | '')?, number?])[];
  readonly sharpness: readonly (readonly [string, number])[];
  readonly clipped: readonly (readonly [string, number])[];
}

/** A verdict in the file: same, different, or different moments. */
type Letter = 's' | 'd' | 'm';

const letterOf = ({ verdict, moment }: StoredVerdict): Letter => (verdict === 'same' ? 's' : moment ? 'm' : 'd');

const FILE_NAME = 'picture-checks.json';
/** Verdicts kept at most (about 100 MB of file); the oldest go first. */
const MAX_VERDICTS = 500_000;

export class PictureCheckStore {
  readonly #file: string;
  readonly #version: string;
  readonly #log: (line: string) => void;
  /** A save failed once (a read-only library): said once, not tried again. */
  #unwritable = false;

  /** `version` names the check: verdicts of another version are not used. */
  constructor(libraryDir: string, version: string, log: (line: string) => void = () => {}) {
    this.#file = path.join(libraryDir, FILE_NAME);
    this.#version = version;
    this.#log = log;
  }

  load(): PictureChecks {
    const empty = (): PictureChecks => ({ verdicts: new Map(), sharpness: new Map(), clipped: new Map() });
    let text: string;
    try {
      text = fs.readFileSync(this.#file, 'utf8');
    } catch {
      return empty();
    }
    try {
      const parsed = JSON.parse(text) as {
        readonly version?: unknown;
        readonly verdicts?: unknown;
        readonly sharpness?: unknown;
        readonly clipped?: unknown;
      };
      const verdicts: unknown = parsed.verdicts;
      const sharpness: unknown = parsed.sharpness;
      const clipped: unknown = parsed.clipped;
      if (parsed.version !== this.#version || !Array.isArray(verdicts) || !Array.isArray(sharpness) || !Array.isArray(clipped)) {
        this.#log(`picture checks: ${FILE_NAME} is of another version of the check; pairs are checked again`);
        return empty();
      }
      const checks = empty();
      for (const entry of verdicts as unknown[]) {
        if (!Array.isArray(entry)) continue;
        const [key, verdict, reason, cropOf, closeness] = entry as unknown[];
        if (typeof key !== 'string' || typeof reason !== 'string' || (verdict !== 's' && verdict !== 'd' && verdict !== 'm')) continue;
        checks.verdicts.set(key, {
          verdict: verdict === 's' ? 'same' : 'different',
          reason,
          ...(verdict === 'm' ? { moment: true as const } : {}),
          ...(cropOf === 'a' || cropOf === 'b' ? { cropOf } : {}),
          ...(typeof closeness === 'number' ? { closeness } : {}),
        });
      }
      const numbers = (entries: unknown[], into: Map<string, number>): void => {
        for (const entry of entries) {
          if (!Array.isArray(entry)) continue;
          const [hash, value] = entry as unknown[];
          if (typeof hash === 'string' && typeof value === 'number' && Number.isFinite(value)) into.set(hash, value);
        }
      };
      numbers(sharpness as unknown[], checks.sharpness);
      numbers(clipped as unknown[], checks.clipped);
      return checks;
    } catch {
      this.#log(`picture checks: ${FILE_NAME} cannot be read; pairs are checked again`);
      return empty();
    }
  }

  /** Writes the checks whole (temp file, then rename); false when the library cannot be written. */
  save(checks: PictureChecks): boolean {
    if (this.#unwritable) return false;
    const verdicts = [...checks.verdicts].slice(-MAX_VERDICTS);
    const shape: FileShape = {
      version: this.#version,
      verdicts: verdicts.map(([key, found]) => {
        if (found.closeness !== undefined) return [key, letterOf(found), found.reason, found.cropOf ?? '', found.closeness];
        return found.cropOf ? [key, letterOf(found), found.reason, found.cropOf] : [key, letterOf(found), found.reason];
      }),
      sharpness: [...checks.sharpness],
      clipped: [...checks.clipped],
    };
    // Named as orphan-temps.ts expects, so a temp a killed run left is removed at the next open.
    const temp = path.join(path.dirname(this.#file), `.${FILE_NAME}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      fs.writeFileSync(temp, JSON.stringify(shape));
      fs.renameSync(temp, this.#file);
      return true;
    } catch (error) {
      fs.rmSync(temp, { force: true });
      this.#unwritable = true;
      this.#log(`picture checks: not saved (${(error as Error).message}); they are kept for this session`);
      return false;
    }
  }
}
