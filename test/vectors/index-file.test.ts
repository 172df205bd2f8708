import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyntheticEmbeddings } from '../../src/core/vectors/synthetic-embeddings';
import { VectorIndex } from '../../src/core/vectors/vector-index';
import { defined } from '../helpers/defined';

const DIM = 64;
let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'doppel-vectors-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function sampleIndex(count = 300, kind: 'flat' | 'approximate' = 'flat'): { index: VectorIndex; vectors: Float32Array } {
  const vectors = new SyntheticEmbeddings({ dim: DIM, librarySize: count, latentDim: 32 }).fill(0, count);
  return { index: VectorIndex.build(DIM, vectors, { kind }), vectors };
}

describe('VectorIndex save and load', () => {
  it('should keep positions and scores stable across save and load', () => {
    const { index, vectors } = sampleIndex();
    const file = join(folder, 'vectors.faiss');
    index.save(file);
    const loaded = defined(VectorIndex.load(file, DIM), `vector index loaded from ${file}`);
    expect(loaded.size).toBe(300);
    expect(loaded.kind).toBe('flat');
    const queries = vectors.subarray(0, 20 * DIM);
    expect(loaded.search(queries, 5)).toEqual(index.search(queries, 5));
  });

  it('should keep an approximate index, its kind and its results across save and load', () => {
    const { index, vectors } = sampleIndex(1500, 'approximate');
    const file = join(folder, 'vectors.faiss');
    index.save(file);
    const loaded = defined(VectorIndex.load(file, DIM), `vector index loaded from ${file}`);
    expect(loaded.kind).toBe('hnsw32');
    const queries = vectors.subarray(0, 20 * DIM);
    expect(loaded.search(queries, 5)).toEqual(index.search(queries, 5));
  });

  it('should append after load at the next position', () => {
    const { index, vectors } = sampleIndex();
    const file = join(folder, 'vectors.faiss');
    index.save(file);
    const loaded = defined(VectorIndex.load(file, DIM), `vector index loaded from ${file}`);
    loaded.add(vectors.subarray(0, DIM));
    expect(loaded.size).toBe(301);
    const positions = defined(loaded.search(vectors.subarray(0, DIM), 2)[0], 'hits for the first vector')
      .map((hit) => hit.position)
      .sort((a, b) => a - b);
    expect(positions).toEqual([0, 300]);
  });

  it('should leave no temp file behind after saving', () => {
    const { index } = sampleIndex();
    index.save(join(folder, 'vectors.faiss'));
    index.save(join(folder, 'vectors.faiss'));
    expect(readdirSync(folder)).toEqual(['vectors.faiss']);
  });

  it('should keep the previous file and remove its temp file when the save fails', () => {
    const { index } = sampleIndex();
    const good = join(folder, 'vectors.faiss');
    index.save(good);
    const before = readFileSync(good);
    // A directory where the file should go makes the final rename fail after everything was written.
    const blocked = join(folder, 'blocked.faiss');
    mkdirSync(join(blocked, 'inside'), { recursive: true });
    expect(() => index.save(blocked)).toThrow(/Cannot save the vector index to .*blocked\.faiss/);
    expect(readdirSync(folder).sort()).toEqual(['blocked.faiss', 'vectors.faiss']);
    expect(readFileSync(good).equals(before)).toBe(true);
    expect(defined(VectorIndex.load(good, DIM), `vector index loaded from ${good}`).size).toBe(300);
  });

  it('should throw a save error naming the file when the folder does not exist', () => {
    const { index } = sampleIndex();
    expect(() => index.save(join(folder, 'missing', 'vectors.faiss'))).toThrow(/Cannot save the vector index to .*missing/);
  });

  it('should return null for a missing file', () => {
    expect(VectorIndex.load(join(folder, 'nothing.faiss'), DIM)).toBeNull();
  });

  it('should return null for a file of another dimension', () => {
    const { index } = sampleIndex();
    const file = join(folder, 'vectors.faiss');
    index.save(file);
    expect(VectorIndex.load(file, 128)).toBeNull();
    expect(VectorIndex.diagnose(file, 128)).toMatch(/dimension 64, expected 128/);
  });

  it('should return null for a truncated file', () => {
    const { index } = sampleIndex();
    const file = join(folder, 'vectors.faiss');
    index.save(file);
    truncateSync(file, readFileSync(file).length - 100);
    expect(VectorIndex.load(file, DIM)).toBeNull();
  });

  it('should return null for a file with a flipped byte', () => {
    const { index } = sampleIndex();
    const file = join(folder, 'vectors.faiss');
    index.save(file);
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(20) ^ 0xff, 20); // inside faiss's header: the ntotal field
    writeFileSync(file, bytes);
    expect(VectorIndex.load(file, DIM)).toBeNull();
    expect(VectorIndex.diagnose(file, DIM)).toBe('checksum mismatch');
  });

  it('should return null for garbage, an empty file and a directory', () => {
    writeFileSync(join(folder, 'garbage.faiss'), Buffer.alloc(4096, 7));
    writeFileSync(join(folder, 'empty.faiss'), '');
    mkdirSync(join(folder, 'dir.faiss'));
    expect(VectorIndex.load(join(folder, 'garbage.faiss'), DIM)).toBeNull();
    expect(VectorIndex.load(join(folder, 'empty.faiss'), DIM)).toBeNull();
    expect(VectorIndex.load(join(folder, 'dir.faiss'), DIM)).toBeNull();
  });
});
