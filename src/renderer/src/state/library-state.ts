/**
 * Library stats, folders waiting to be indexed, and the current index job, shared by every view.
 * Job state comes from engine events; the views only read it.
 */
import { reactive, readonly } from 'vue';
import type { JobSnapshot } from '../../../shared/ipc-contract.js';
import { isAbsolutePath } from '../../../shared/paths.js';
import type { LibraryStats, NearPairsProgress } from '../../../shared/types.js';
import { api } from '../api/index.js';

interface LibraryState {
  stats: LibraryStats | null;
  statsError: string | null;
  /** Folders typed in but not indexed yet (they become roots when indexed). */
  pendingRoots: string[];
  job: JobSnapshot | null;
  jobError: string | null;
  /** Shown in a banner: the engine restarted or cannot open the library. */
  engineNotice: string | null;
  /** Bumped after each finished index job so views showing library data reload. */
  revision: number;
  /** The engine's comparison of photos for near duplicates (after indexing), while it runs. */
  nearPairs: NearPairsProgress | null;
}

const state = reactive<LibraryState>({
  stats: null,
  statsError: null,
  pendingRoots: [],
  job: null,
  jobError: null,
  engineNotice: null,
  revision: 0,
  nearPairs: null,
});

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
          state.revision += 1;
          void refreshStats();
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

/** Adds a typed folder path to the list to index; returns an error message when it is not usable. */
export function addPendingRoot(folder: string): string | null {
  const trimmed = folder.trim().replace(/(?<=.)[\\/]+$/, '');
  if (!trimmed) return 'Type the full path of a folder, for example /home/me/Pictures';
  if (!isAbsolutePath(trimmed)) return `“${trimmed}” is not a full path; start it with / (or C:\\ on Windows)`;
  if (state.stats?.roots.includes(trimmed) || state.pendingRoots.includes(trimmed)) return `${trimmed} is already in the list`;
  state.pendingRoots.push(trimmed);
  return null;
}

export function removePendingRoot(folder: string): void {
  state.pendingRoots = state.pendingRoots.filter((root) => root !== folder);
}

/** Indexes the library's folders plus the pending ones. */
export async function startIndex(): Promise<void> {
  const roots = [...(state.stats?.roots ?? []), ...state.pendingRoots];
  state.jobError = null;
  const result = await api.library.index({ roots });
  if (!result.ok) {
    state.jobError = result.error.message;
    return;
  }
  state.pendingRoots = [];
}

export async function cancelIndex(): Promise<void> {
  if (state.job?.state !== 'running') return;
  const result = await api.jobs.cancel({ jobId: state.job.id });
  if (!result.ok) state.jobError = result.error.message;
}

export function dismissEngineNotice(): void {
  state.engineNotice = null;
}
