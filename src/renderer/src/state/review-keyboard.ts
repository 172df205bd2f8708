/**
 * Where the keyboard is in the Duplicates review, beyond the group and copy in focus
 * (state/duplicate-review.ts): on the group itself or on one of its copies, and a counter that tells
 * the page's real focus to follow (use-roving-focus.ts): bumped by a key that moves, by entering or
 * leaving focus mode, and when a dialog that took focus closes.
 */
import { reactive, readonly } from 'vue';

export type FocusLevel = 'group' | 'copy';

const state = reactive<{ level: FocusLevel; moves: number }>({ level: 'group', moves: 0 });
export const reviewKeyboard = readonly(state);

export function setFocusLevel(level: FocusLevel): void {
  state.level = level;
}

/** The page's focus goes to the keyboard's place (on its next render, or once its group's page came). */
export function followKeyboard(): void {
  state.moves += 1;
}
