import exifr from 'exifr';

export interface PhotoMetadata {
  readonly takenAt: string | null;
  readonly cameraMake: string | null;
  readonly cameraModel: string | null;
  readonly orientation: number | null;
}

const NO_METADATA: PhotoMetadata = { takenAt: null, cameraMake: null, cameraModel: null, orientation: null };

/**
 * Capture time and camera from EXIF. Missing or broken EXIF is normal (screenshots, exports), so this
 * never throws: it returns nulls. `takenAt` stays in the camera's local time (`2024-05-01T10:00:00`)
 * because EXIF DateTimeOriginal carries no time zone.
 */
export async function readPhotoMetadata(bytes: Uint8Array): Promise<PhotoMetadata> {
  try {
    const tags = (await exifr.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      pick: ['DateTimeOriginal', 'SubSecTimeOriginal', 'CreateDate', 'Make', 'Model', 'Orientation'],
      reviveValues: false,
      translateValues: false,
    })) as Record<string, unknown> | undefined;
    if (!tags) return NO_METADATA;
    return {
      takenAt: exifDateToIso(
        tags.DateTimeOriginal ?? tags.CreateDate,
        tags.DateTimeOriginal === undefined ? undefined : tags.SubSecTimeOriginal,
      ),
      cameraMake: cleanText(tags.Make),
      cameraModel: cleanText(tags.Model),
      orientation: typeof tags.Orientation === 'number' ? tags.Orientation : null,
    };
  } catch {
    return NO_METADATA;
  }
}

/**
 * `2024:05:01 10:00:00` → `2024-05-01T10:00:00`, with the sub-seconds where the camera wrote them
 * (`…10:00:00.730`): burst frames of one second differ only there, and the near-pair check takes
 * two capture instants of one camera for two shots.
 */
function exifDateToIso(value: unknown, subSeconds?: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!match || match[1] === '0000') return null;
  const fraction =
    typeof subSeconds === 'string' || typeof subSeconds === 'number' ? /^\d{1,9}/.exec(String(subSeconds).trim())?.[0] : undefined;
  const millis = fraction ? `.${fraction.padEnd(3, '0').slice(0, 3)}` : '';
  return `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}${millis}`;
}

function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/\u0000/g, '').trim();
  return text.length > 0 ? text : null;
}
