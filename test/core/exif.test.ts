/**
 * Capture metadata as the index reads it: the capture time in the camera's local time, with the
 * sub-seconds where the camera wrote them (burst frames of one second differ only there).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readPhotoMetadata } from '../../src/core/media/exif';

async function jpegWith(exif: sharp.Exif): Promise<Uint8Array> {
  return sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })
    .jpeg()
    .withExif(exif)
    .toBuffer();
}

describe('readPhotoMetadata', () => {
  it('should read the capture time with its sub-seconds, and the camera', async () => {
    const bytes = await jpegWith({
      IFD0: { Make: 'Doppel', Model: 'Burst 1' },
      IFD2: { DateTimeOriginal: '2024:06:02 10:00:00', SubSecTimeOriginal: '73' },
    });
    expect(await readPhotoMetadata(bytes)).toMatchObject({
      takenAt: '2024-06-02T10:00:00.730',
      cameraMake: 'Doppel',
      cameraModel: 'Burst 1',
    });
  });

  it('should tell two frames of one second apart by their sub-seconds', async () => {
    const frame = (subSeconds: string) => jpegWith({ IFD2: { DateTimeOriginal: '2024:06:02 10:00:00', SubSecTimeOriginal: subSeconds } });
    const [first, second] = await Promise.all([readPhotoMetadata(await frame('10')), readPhotoMetadata(await frame('43'))]);
    expect(first.takenAt).toBe('2024-06-02T10:00:00.100');
    expect(second.takenAt).toBe('2024-06-02T10:00:00.430');
  });

  it('should keep a capture time without sub-seconds to the second', async () => {
    const bytes = await jpegWith({ IFD2: { DateTimeOriginal: '2023:05:01 12:30:45' } });
    expect((await readPhotoMetadata(bytes)).takenAt).toBe('2023-05-01T12:30:45');
  });
});
