/** What Doppel treats as a photo, by lower-case extension (without the dot). */
export const DECODABLE_EXTENSIONS: ReadonlySet<string> = new Set([
  'jpg',
  'jpeg',
  'jpe',
  'jfif',
  'png',
  'webp',
  'avif',
  'gif',
  'tif',
  'tiff',
  'heic',
  'heif',
  'hif',
]);

/** Camera RAW files: indexed through their embedded JPEG preview when they have one. */
export const RAW_EXTENSIONS: ReadonlySet<string> = new Set([
  'dng',
  'cr2',
  'cr3',
  'nef',
  'nrw',
  'arw',
  'srf',
  'sr2',
  'orf',
  'rw2',
  'raf',
  'pef',
  'srw',
  'x3f',
  'erf',
  'kdc',
  'mrw',
  '3fr',
]);

export type ImageKind = 'image' | 'raw';

export function extensionOf(filePath: string): string {
  const dot = filePath.lastIndexOf('.');
  const slash = Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\'));
  return dot > slash ? filePath.slice(dot + 1).toLowerCase() : '';
}

/** 'image' or 'raw' for photo files, null for everything else (ignored silently). */
export function imageKindOf(filePath: string): ImageKind | null {
  const extension = extensionOf(filePath);
  if (DECODABLE_EXTENSIONS.has(extension)) return 'image';
  if (RAW_EXTENSIONS.has(extension)) return 'raw';
  return null;
}
