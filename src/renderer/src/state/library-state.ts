/**
 * Library stats, folders waiting to be indexed, and the current index job, shared by every view.
 * Job state comes from engine events; the views only read it.
 */
import { reactive, readonly } from 'vue';
import type { JobSnapshot } from '../../../shared/ipc-contract.js';
import { isAbsolutePath } from '../../../shared/paths.js';
import type { LibraryRoot, LibraryStats, NearPairsProgress } from '../../../shared/types.js';
import { api } from '../api/index.js';

interface LibraryState {
  stats: LibraryStats | null;
  statsError: string | null;
  /** The library's folders with their counts; null until loaded. */
  roots: readonly LibraryRoot[] | null;
  rootsError: string | null;
  job: JobSnapshot | null;
  jobError: string | null;
  /** Shown in a banner: the engine restarted or cannot open the library. */
  engineNotice: string | null;
  /** Bumped after each finished index job so views showing library data reload. */
  revision: number;
  /**
   * Bumped whenever the listed photos may have changed: after each finished job, and while one
   * runs, every few seconds as its batches are written (the Library and Folders follow it live).
   */
  listingRevision: number;
  /** The engine's comparison of photos for near duplicates (after indexing), while it runs. */
  nearPairs: NearPairsProgress | null;
}

const state = reactive<LibraryState>({
  stats: null,
  statsError: null,
  roots: null,
  rootsError: null,
  job: null,
  jobError: null,
  engineNotice: null,
  revision: 0,
  listingRevision: 0,
  nearPairs: null,
});

/**
 * How often a running job refreshes what the views show of the library. Each refresh costs a
 * stats, a folders and (on the Library) a timeline request; a batch of 32 photos is written about
 * every second on a slow machine, so two seconds keeps the grid moving without crowding thumbnails.
 */
export const LIVE_REFRESH_MS = 2000;

/** The last live refresh of the running job: when, and at which phase. */
let live: { jobId: string; at: number; phase: string | null } | null = null;

export const library = readonly(state);

export async function refreshStats(): Promise<void> {
  const result = await api.library.stats();
  if (result.ok) {
    state.stats = result.value;
    state.statsError = null;
  } else {
    state.statsError = result.error.message;
  }
}

/** Loads stats, picks up a job that was running before a reload, and follows engine events. */
export async function connectLibrary(): Promise<void> {
  api.onEvent((event) => {
    switch (event.type) {
      case 'job':
        state.job = event.job;
        if (event.job.state !== 'running') {
          live = null;
          state.revision += 1;
          state.listingRevision += 1;
          void refreshStats();
          void refreshRoots();
        } else {
          followRunningJob(event.job);
        }
        return;
      case 'engine':
        state.engineNotice = event.message;
        return;
      case 'nearPairs':
        state.nearPairs = event.progress.state === 'running' ? event.progress : null;
        return;
      default:
        event satisfies never;
    }
  });
  const jobs = await api.jobs.list();
  if (jobs.ok) state.job = jobs.value.find((job) => job.state === 'running') ?? state.job;
  await refreshStats();
}

/**
 * While a job runs, the counts, the folders and the Library follow it: at once when its phase
 * changes (its folders are in the library from the scan on), then every {@link LIVE_REFRESH_MS}
 * while photos are written. The listing is reloaded only while photos can have been added.
 */
function followRunningJob(job: Extract<JobSnapshot, { state: 'running' }>): void {
  const phase = job.progress?.phase ?? null;
  const now = Date.now();
  const previous = live?.jobId === job.id ? live : null;
  if (previous?.phase === phase && now - previous.at < LIVE_REFRESH_MS) return;
  live = { jobId: job.id, at: now, phase };
  if (phase === 'index' || previous?.phase === 'index') state.listingRevision += 1;
  void refreshStats();
  void refreshRoots();
}

export async function refreshRoots(): Promise<void> {
  const result = await api.library.roots();
  if (result.ok) {
    state.roots = result.value;
    state.rootsError = null;
  } else {
    state.rootsError = result.error.message;
  }
}

/**
 * Indexes folders (new ones join the library); answers why it could not start, or null. A folder
 * that does not exist is refused at once, before any job starts.
 */
export async function indexFolders(roots: readonly string[]): Promise<string | null> {
  state.jobError = null;
  const result = await api.library.index({ roots: [...roots] });
  if (result.ok) return null;
  state.jobError = result.error.message;
  return result.error.message;
}

/**
 * Checks a typed folder path before it is sent; answers the problem in words, or null.
 * @example folderPathProblem('photos') // → '“photos” is not a full path; start it with / (or C:\ on Windows)'
 */
export function folderPathProblem(folder: string): string | null {
  if (!folder) return 'Type the full path of a folder, for example /home/me/Pictures';
  if (!isAbsolutePath(folder)) return `“${folder}” is not a full path; start it with / (or C:\\ on Windows)`;
  if (state.roots?.some((root) => root.path === folder)) return `${folder} is already in the library`;
  return null;
}

/** Takes a folder out of the library (its files stay on disk); answers the error, or null. */
export async function removeFolder(folder: string): Promise<string | null> {
  const result = await api.library.removeRoot({ path: folder });
  if (!result.ok) return result.error.message;
  state.revision += 1;
  state.listingRevision += 1;
  await Promise.all([refreshRoots(), refreshStats()]);
  return null;
}

export async function cancelIndex(): Promise<void> {
  if (state.job?.state !== 'running') return;
  const result = await api.jobs.cancel({ jobId: state.job.id });
  if (!result.ok) state.jobError = result.error.message;
}

export function dismissEngineNotice(): void {
  state.engineNotice = null;
}
