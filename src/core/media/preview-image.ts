import { DecodeError } from '../errors';
import { describeSharpError, openImage } from './image-source';

/**
 * Long side of a preview. A side-by-side compare view on a 4K screen shows each copy at most about
 * 1900 px wide, and a laptop's 2x zoom stays sharp; larger would only cost disk and decode time.
 */
export const PREVIEW_SIZE = 2048;

/** JPEG quality of a preview: no visible artefacts at 1:1, about a tenth of the size of lossless. */
export const PREVIEW_JPEG_QUALITY = 85;

/**
 * Renders the preview of a photo's bytes as JPEG: upright (EXIF orientation applied), long side at
 * most PREVIEW_SIZE (never enlarged), transparency on white, sRGB, metadata stripped. Any format the
 * indexer reads works, HEIC and RAW previews included, since it opens the file the same way.
 * Throws DecodeError with the reason when the bytes cannot be decoded.
 * @example await renderPreviewJpeg('/photos/a.heic', bytes) // → JPEG, e.g. 2048x1536 for a 4032x3024 photo
 */
export async function renderPreviewJpeg(filePath: string, bytes: Uint8Array): Promise<Buffer> {
  const source = await openImage(filePath, bytes);
  try {
    let pipeline = source.pipeline().resize({ width: PREVIEW_SIZE, height: PREVIEW_SIZE, fit: 'inside', withoutEnlargement: true });
    if (source.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
    // sharp's output without keepMetadata is sRGB without EXIF, so no viewer rotates it a second time.
    return await pipeline.jpeg({ quality: PREVIEW_JPEG_QUALITY }).toBuffer();
  } catch (error) {
    throw new DecodeError(filePath, describeSharpError(error, filePath, bytes), { cause: error });
  }
}
