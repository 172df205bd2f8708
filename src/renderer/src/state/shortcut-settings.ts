/**
 * Whether single-key shortcuts (letters, digits, Space, ?) act in the review: on by default, and
 * switchable off in Settings for people whose speech input or stray key presses would set them
 * off (WCAG 2.1.4 Character Key Shortcuts). Remembered in this browser / app profile, like the theme.
 * Arrows, Enter, Delete, Esc and Ctrl+Z are not character keys and stay on.
 */
import { ref } from 'vue';

const STORAGE_KEY = 'doppel.singleKeyShortcuts';

function readStored(): boolean {
  try {
    return window.localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch (thrown) {
    console.warn(`Cannot read the shortcut setting from localStorage (${String(thrown)}); single-key shortcuts stay on`);
    return true;
  }
}

export const singleKeyShortcuts = ref(readStored());

export function setSingleKeyShortcuts(on: boolean): void {
  singleKeyShortcuts.value = on;
  try {
    // Only the departure from the default is stored.
    if (on) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, 'off');
  } catch (thrown) {
    console.warn(`Cannot save the shortcut setting to localStorage: ${String(thrown)}`);
  }
}
