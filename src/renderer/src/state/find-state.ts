/**
 * "Is this photo already in my library?": the photo asked about (dropped anywhere on the window,
 * picked with a file dialog, or typed as a path) and the answer, kept while the user looks around.
 */
import { reactive, readonly } from 'vue';
import type { PickedFile } from '../../../shared/api.js';
import type { FindReport } from '../../../shared/types.js';
import { api } from '../api/index.js';
import { fileName } from '../format.js';
import { router } from '../router/index.js';

interface FindState {
  /** The photo asked about: its name, and an object URL of its bytes when the page has them. */
  question: { readonly name: string; readonly previewUrl: string | null } | null;
  report: FindReport | null;
  error: string | null;
  busy: boolean;
}

const state = reactive<FindState>({ question: null, report: null, error: null, busy: false });
export const find = readonly(state);

/** Extensions of the photo files Doppel reads (a browser often leaves `type` empty for RAW and HEIC). */
const PHOTO_NAME = /\.(jpe?g|png|webp|gif|avif|tiff?|heic|heif|bmp|dng|cr2|cr3|nef|arw|orf|rw2|raf)$/i;

function ask(name: string, previewUrl: string | null): number {
  if (state.question?.previewUrl) URL.revokeObjectURL(state.question.previewUrl);
  state.question = { name, previewUrl };
  state.report = null;
  state.error = null;
  state.busy = true;
  return ++asked;
}
let asked = 0;

function answer(token: number, result: Awaited<ReturnType<typeof api.find.query>>): void {
  if (token !== asked) return; // a newer question was asked meanwhile
  state.busy = false;
  if (result.ok) state.report = result.value;
  else state.error = result.error.message;
}

/** Looks up a file the user dropped or picked, and shows the Find view. */
export async function findFile(file: PickedFile): Promise<void> {
  if (router.currentRoute.value.name !== 'find') void router.push({ name: 'find' });
  if (!file.type.startsWith('image/') && !PHOTO_NAME.test(file.name)) {
    ask(file.name, null);
    state.busy = false;
    state.error = `${file.name} is not a photo file Doppel can read`;
    return;
  }
  const token = ask(file.name, URL.createObjectURL(file));
  answer(token, await api.findFile(file));
}

/** Looks up a file on disk by its full path. */
export async function findPath(filePath: string): Promise<void> {
  const token = ask(fileName(filePath), null);
  answer(token, await api.find.query({ path: filePath }));
}
