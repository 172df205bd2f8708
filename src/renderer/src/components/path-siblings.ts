/**
 * The paths shown beside one another (a group's copies): a PathText among them shows what tells it
 * apart from the others ("Backups/…/Camera" and "2023/…/Camera", not "Pictures/…/Camera" twice).
 */
import { computed, inject, provide, type ComputedRef, type InjectionKey } from 'vue';
import { folderOf } from '../format.js';

const SIBLING_FOLDERS: InjectionKey<ComputedRef<readonly string[]>> = Symbol('sibling folders');

/** Called by a group: its copies' folders become the siblings of every PathText inside it. */
export function provideSiblingFolders(filePaths: () => readonly string[]): void {
  provide(
    SIBLING_FOLDERS,
    computed(() => filePaths().map(folderOf)),
  );
}

/** The folders beside this one, or an empty list outside a group. */
export function injectSiblingFolders(): ComputedRef<readonly string[]> {
  return inject(
    SIBLING_FOLDERS,
    computed(() => []),
    false,
  );
}
