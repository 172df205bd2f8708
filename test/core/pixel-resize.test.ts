import { describe, expect, it } from 'vitest';
import { resizeArea, resizeBilinearRgb, rgbToGray } from '../../src/core/media/pixel-resize';

describe('resizeArea', () => {
  it('should average whole blocks for integer ratios', () => {
    // 4x2 single-channel -> 2x1: each output is the mean of a 2x2 block
    const source = Uint8Array.from([0, 10, 100, 200, 20, 30, 50, 50]);
    expect([...resizeArea(source, 4, 2, 1, 2, 1)]).toEqual([15, 100]);
  });

  it('should weight partial pixels for fractional ratios and keep flat areas flat', () => {
    const flat = new Uint8Array(7 * 5 * 3).fill(77);
    expect(resizeArea(flat, 7, 5, 3, 3, 2).every((v) => v === 77)).toBe(true);
    // 3 -> 2 pixels: output 0 covers source 0 and half of 1
    expect([...resizeArea(Uint8Array.from([0, 90, 180]), 3, 1, 1, 2, 1)]).toEqual([30, 150]);
  });

  it('should keep channels apart', () => {
    const source = Uint8Array.from([255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255]); // red, red, blue, blue
    expect([...resizeArea(source, 4, 1, 3, 2, 1)]).toEqual([255, 0, 0, 0, 0, 255]);
  });
});

describe('rgbToGray', () => {
  it('should weight green most and map white to 255', () => {
    expect([...rgbToGray(Uint8Array.from([255, 255, 255, 0, 255, 0, 0, 0, 255]))]).toEqual([255, 150, 29]);
  });
});

describe('resizeBilinearRgb', () => {
  it('should keep flat colours and the corners of a gradient', () => {
    const flat = new Uint8Array(8 * 6 * 3);
    for (let i = 0; i < flat.length; i += 3) flat.set([10, 120, 250], i);
    const out = resizeBilinearRgb(flat, 8, 6, 5, 5);
    for (let i = 0; i < out.length; i += 3) expect([...out.subarray(i, i + 3)]).toEqual([10, 120, 250]);
  });

  it('should interpolate between neighbours', () => {
    // 2 pixels -> 4: centres at 0.25, 0.75 of the way give quarter steps between 0 and 200
    const out = resizeBilinearRgb(Uint8Array.from([0, 0, 0, 200, 200, 200]), 2, 1, 4, 1);
    expect([...out].filter((_, i) => i % 3 === 0)).toEqual([0, 50, 150, 200]);
  });
});
