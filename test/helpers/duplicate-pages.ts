/**
 * `duplicates:list` answers a page of groups without a `files` list (each path is sent once, in
 * `copies`): tests that look groups up by their files read a page through this.
 */
import type { DuplicatesPage, ReviewGroup } from '../../src/shared/types.js';

export interface ListedGroup extends ReviewGroup {
  /** The group's paths, in the order of its copies (the suggested keeper first). */
  readonly files: readonly string[];
}

/** The groups of a page, each with its files. */
export function listedGroups(page: DuplicatesPage): ListedGroup[] {
  return page.groups.map((group) => ({ ...group, files: group.copies.map((copy) => copy.path) }));
}

/** A page as the whole list it starts: its groups with their files (the fixtures' lists fit in one page). */
export function asReport(page: DuplicatesPage): { readonly groups: ListedGroup[] } {
  if (page.next !== null) throw new Error(`The list has ${page.totals.groups} groups: more than one page (${page.groups.length})`);
  return { groups: listedGroups(page) };
}
