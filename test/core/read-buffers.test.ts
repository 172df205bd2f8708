import { describe, expect, it } from 'vitest';
import { ReadBuffers } from '../../src/core/indexing/read-buffers';

describe('ReadBuffers', () => {
  it('should hand out buffers of exactly the size asked for', () => {
    const buffers = new ReadBuffers(2);
    expect(buffers.take(1000).length).toBe(1000);
  });

  it('should reuse a buffer given back for a photo that fits in it', () => {
    const buffers = new ReadBuffers(2);
    const first = buffers.take(1000);
    buffers.give(first);
    const second = buffers.take(900);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(900);
  });

  it('should not hand one buffer to two photos at once', () => {
    const buffers = new ReadBuffers(2);
    const first = buffers.take(1000);
    buffers.give(first);
    expect(buffers.take(1000).buffer).toBe(first.buffer);
    expect(buffers.take(1000).buffer).not.toBe(first.buffer);
  });

  it('should keep no more buffers than asked, the largest ones', () => {
    const buffers = new ReadBuffers(1);
    const small = buffers.take(10);
    const large = buffers.take(10_000);
    buffers.give(small);
    buffers.give(large);
    expect(buffers.take(5000).buffer).toBe(large.buffer);
    expect(buffers.take(5).buffer).not.toBe(small.buffer);
  });
});
