/**
 * The hard negatives without capture metadata (src/eval/bare-copies.ts): EXIF gone, pixels kept.
 */
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { withoutCaptureMetadata } from '../../src/eval/bare-copies';

async function photoWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6ea5' } })
    .withExif({
      IFD0: { Make: 'Doppel eval', Model: 'burst' },
      IFD2: { DateTimeOriginal: '2024:05:01 10:11:12', SubSecTimeOriginal: '25' },
    })
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('withoutCaptureMetadata', () => {
  it('should leave the capture time and camera out of a JPEG and its pixels as they were', async () => {
    const photo = await photoWithExif();
    expect(await exifr.parse(photo)).toMatchObject({ Make: 'Doppel eval', Model: 'burst' });
    const bare = withoutCaptureMetadata(photo);
    expect(bare.length).toBeLessThan(photo.length);
    expect((await exifr.parse(bare)) ?? null).toBeNull();
    const pixels = async (bytes: Buffer): Promise<Buffer> => sharp(bytes).raw().toBuffer();
    expect((await pixels(bare)).equals(await pixels(photo))).toBe(true);
  });

  it('should return what is not a JPEG as it is', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(withoutCaptureMetadata(png)).toBe(png);
  });
});
