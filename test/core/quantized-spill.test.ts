import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quantizedSink } from '../../src/core/duplicates/near/quantized-spill';
import { QuantizedVectors } from '../../src/core/duplicates/quantized-vectors';
import { mulberry32 } from '../../src/core/vectors/synthetic-embeddings';

const DIM = 64;
/** More than the sink's page of 2048, so that several pages go through the file. */
const COUNT = 5000;

function unitVectors(count: number): Float32Array[] {
  const next = mulberry32(3);
  return Array.from({ length: count }, () => {
    const vector = Float32Array.from({ length: DIM }, () => next() - 0.5);
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  });
}

describe('quantized vectors kept in a file while the vector index is loaded', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-spill-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should give back the slots and cosines of vectors kept in memory, and leave no file behind', () => {
    const vectors = unitVectors(COUNT);
    const inMemory = new QuantizedVectors(DIM, COUNT);
    const sink = quantizedSink(dir, DIM, 10, () => {});
    vectors.forEach((vector, i) => {
      expect(sink.add(vector)).toBe(inMemory.add(vector));
      expect(i).toBe(inMemory.size - 1);
    });
    const spilled = sink.finish();
    expect(spilled.size).toBe(COUNT);
    for (const [a, b] of [
      [0, 1],
      [2047, 2048],
      [100, 4999],
      [4998, 4999],
    ] as const) {
      expect(spilled.cosine(a, b)).toBe(inMemory.cosine(a, b));
    }
    sink.discard();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('should leave no file behind when the search is dropped midway', () => {
    const sink = quantizedSink(dir, DIM, COUNT, () => {});
    for (const vector of unitVectors(3000)) sink.add(vector);
    sink.discard();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('should keep the vectors in memory, and say so, where the folder cannot take the file', () => {
    const lines: string[] = [];
    const sink = quantizedSink(path.join(dir, 'missing'), DIM, 2, (line) => lines.push(line));
    const [first, second] = unitVectors(2);
    sink.add(first ?? new Float32Array(DIM));
    sink.add(second ?? new Float32Array(DIM));
    expect(sink.finish().size).toBe(2);
    expect(lines.join('\n')).toMatch(/cannot keep the quantized vectors in a file in .*missing.*they stay in memory/);
  });
});
