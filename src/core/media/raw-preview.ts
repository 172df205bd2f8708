import { assertDefined } from '../assert';

/**
 * Camera RAW files (CR2, NEF, ARW, DNG, ...) embed one or more JPEG previews, usually one at or near
 * full size. Doppel indexes RAW files through the largest embedded JPEG that decodes: the RAW sensor
 * data itself needs a RAW developer, which sharp does not have.
 */

const SOI = [0xff, 0xd8, 0xff];

/** Byte ranges of embedded JPEG streams (SOI ... EOI), largest first. */
export function findEmbeddedJpegs(bytes: Uint8Array, maxCandidates = 8): Uint8Array[] {
  const candidates: Uint8Array[] = [];
  let searchFrom = 0;
  while (candidates.length < 64) {
    const start = indexOfSequence(bytes, SOI, searchFrom);
    if (start < 0) break;
    const end = findJpegEnd(bytes, start);
    if (end > start) {
      candidates.push(bytes.subarray(start, end));
      searchFrom = end;
    } else {
      searchFrom = start + 3;
    }
  }
  return candidates.sort((a, b) => b.length - a.length).slice(0, maxCandidates);
}

/** Walks JPEG marker segments to the end of the entropy-coded scan; returns the offset after EOI, or -1. */
function findJpegEnd(bytes: Uint8Array, start: number): number {
  let offset = start + 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return -1;
    // offset + 3 is within bytes (loop condition), so `?? 0` never applies here.
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xd9) return offset + 2;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker >= 0xd0 && marker <= 0xd7) {
      offset += 2;
      continue;
    }
    const length = ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0);
    if (length < 2) return -1;
    offset += 2 + length;
    if (marker === 0xda) {
      // Entropy-coded data: runs until a marker that is not a stuffed 0xFF00 or a restart marker.
      while (offset + 1 < bytes.length) {
        if (bytes[offset] === 0xff) {
          const next = bytes[offset + 1] ?? 0; // offset + 1 < bytes.length
          if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
            offset += 2;
            continue;
          }
          break;
        }
        offset += 1;
      }
    }
  }
  return -1;
}

function indexOfSequence(bytes: Uint8Array, sequence: readonly number[], from: number): number {
  const first = assertDefined(sequence[0], 'first byte of the sequence');
  for (let i = bytes.indexOf(first, from); i >= 0 && i + sequence.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    let match = true;
    for (let j = 1; j < sequence.length; j++) {
      if (bytes[i + j] !== sequence[j]) {
        match = false;
        break;
      }
    }
    if (match) return i;
  }
  return -1;
}
