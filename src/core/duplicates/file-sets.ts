/**
 * The sets of files a review groups, by number: each path gets a number once (kept until the
 * library changes), so that merging the candidate groups of a slider step and telling which sets
 * the last answer already reviewed work on numbers, not on 100k path strings sorted and joined
 * again at every step.
 */
import type { CandidateGroup } from './file-groups';

/** A set of files: its numbers sorted, and its key (the numbers, joined). */
export interface FileSet {
  readonly key: string;
  readonly ids: readonly number[];
}

export class FileNumbers {
  readonly #idOf = new Map<string, number>();
  readonly #paths: string[] = [];
  /** Union-find parents, by number (grown as numbers are given). */
  #parent = new Int32Array(1024);

  pathOf(id: number): string {
    return this.#paths[id] ?? '';
  }

  idOf(path: string): number {
    let id = this.#idOf.get(path);
    if (id === undefined) {
      id = this.#paths.length;
      this.#idOf.set(path, id);
      this.#paths.push(path);
    }
    return id;
  }

  /** Each candidate group as a set (duplicate files once). */
  sets(groups: readonly CandidateGroup[]): FileSet[] {
    return groups.map((group) => fileSet(group.files.map((file) => this.idOf(file))));
  }

  /** Groups that share a file become one set (union-find over the numbers), in the order first seen. */
  merged(groups: readonly CandidateGroup[]): FileSet[] {
    if (this.#parent.length < this.#paths.length + groups.reduce((sum, group) => sum + group.files.length, 0)) {
      this.#parent = new Int32Array(2 * (this.#paths.length + groups.reduce((sum, group) => sum + group.files.length, 0)));
    }
    const parent = this.#parent;
    const seen: number[] = [];
    const find = (id: number): number => {
      let root = id;
      while (parent[root] !== root) root = parent[root] ?? root;
      for (let node = id; node !== root;) {
        const next = parent[node] ?? root;
        parent[node] = root;
        node = next;
      }
      return root;
    };
    // A number not seen in this call is its own set: its parent is set as it is first met.
    const mark = new Uint8Array(parent.length);
    for (const group of groups) {
      let first = -1;
      for (const file of group.files) {
        const id = this.idOf(file);
        if (mark[id] === 0) {
          mark[id] = 1;
          parent[id] = id;
          seen.push(id);
        }
        if (first < 0) first = find(id);
        else {
          const root = find(id);
          if (root !== first) parent[root] = first;
        }
      }
    }
    const members = new Map<number, number[]>();
    for (const id of seen) {
      const root = find(id);
      const set = members.get(root);
      if (set) set.push(id);
      else members.set(root, [id]);
    }
    return [...members.values()].map(fileSet);
  }
}

function fileSet(ids: number[]): FileSet {
  const sorted = ids.sort((a, b) => a - b).filter((id, i, all) => i === 0 || id !== all[i - 1]);
  return { key: sorted.join(','), ids: sorted };
}
