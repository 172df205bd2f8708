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

/** Bytes of the start of a file that {@link imageFormatOfHeader} needs at most. */
export const IMAGE_HEADER_BYTES = 4096;

/**
 * ISO base media (`ftyp`) brands of the still-image formats Doppel reads, by format: AVIF first (an
 * AVIF file also names the generic HEIF brands `mif1`/`miaf`), Canon's CR3 RAW, then HEIC/HEIF and
 * its image-sequence brands (iPhone bursts).
 */
const ISO_BMFF_BRANDS: readonly (readonly [string, readonly string[]])[] = [
  ['avif', ['avif', 'avis']],
  ['cr3', ['crx ']],
  ['heif', ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1', 'miaf', 'MiHE', 'MiHB']],
];

/**
 * Leading bytes of every format Doppel accepts (a photo's extension only says what it claims to
 * be). Most camera RAW files are TIFF containers (CR2, NEF, NRW, ARW, SRF, SR2, PEF, SRW, DNG,
 * ERF, KDC, 3FR); the others have a signature of their own.
 */
const SIGNATURES: readonly { readonly format: string; readonly at: number; readonly bytes: readonly number[] | string }[] = [
  { format: 'jpeg', at: 0, bytes: [0xff, 0xd8, 0xff] },
  { format: 'png', at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { format: 'gif', at: 0, bytes: 'GIF87a' },
  { format: 'gif', at: 0, bytes: 'GIF89a' },
  { format: 'tiff', at: 0, bytes: [0x49, 0x49, 0x2a, 0x00] }, // II*\0: little-endian TIFF
  { format: 'tiff', at: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] }, // MM\0*: big-endian TIFF
  { format: 'tiff', at: 0, bytes: [0x49, 0x49, 0x2b, 0x00] }, // BigTIFF
  { format: 'tiff', at: 0, bytes: [0x4d, 0x4d, 0x00, 0x2b] },
  { format: 'orf', at: 0, bytes: 'IIRO' }, // Olympus
  { format: 'orf', at: 0, bytes: 'IIRS' },
  { format: 'orf', at: 0, bytes: 'MMOR' },
  { format: 'rw2', at: 0, bytes: [0x49, 0x49, 0x55, 0x00] }, // Panasonic: IIU\0
  { format: 'raf', at: 0, bytes: 'FUJIFILMCCD-RAW' },
  { format: 'x3f', at: 0, bytes: 'FOVb' }, // Sigma
  { format: 'mrw', at: 0, bytes: [0x00, 0x4d, 0x52, 0x4d] }, // Minolta: \0MRM
];

function matchesAt(header: Uint8Array, at: number, expected: readonly number[] | string): boolean {
  if (header.length < at + expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const byte = typeof expected === 'string' ? expected.charCodeAt(i) : expected[i];
    if (header[at + i] !== byte) return false;
  }
  return true;
}

function asciiAt(header: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...header.subarray(at, at + length));
}

/** The format of an ISO base media file (`ftyp` box first) from its major and compatible brands. */
function isoBmffFormat(header: Uint8Array): string | null {
  if (header.length < 12 || asciiAt(header, 4, 4) !== 'ftyp') return null;
  const boxSize = new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(0);
  const brands = [asciiAt(header, 8, 4)];
  // Compatible brands follow the minor version (bytes 12-15), four bytes each.
  for (let at = 16; at + 4 <= Math.min(header.length, boxSize); at += 4) brands.push(asciiAt(header, at, 4));
  return ISO_BMFF_BRANDS.find(([, known]) => brands.some((brand) => known.includes(brand)))?.[0] ?? null;
}

/**
 * The image format the first bytes of a file announce (jpeg, png, gif, webp, tiff, heif, avif, or a
 * RAW flavour: cr3, orf, rw2, raf, x3f, mrw), or null when they match none Doppel can read. Pass at
 * least {@link IMAGE_HEADER_BYTES} bytes, or the whole file when it is shorter.
 * @example imageFormatOfHeader(Buffer.from([0xff, 0xd8, 0xff, 0xe0])) // → 'jpeg'
 */
export function imageFormatOfHeader(header: Uint8Array): string | null {
  for (const signature of SIGNATURES) if (matchesAt(header, signature.at, signature.bytes)) return signature.format;
  if (matchesAt(header, 0, 'RIFF') && matchesAt(header, 8, 'WEBP')) return 'webp';
  return isoBmffFormat(header);
}

/** The formats {@link imageFormatOfHeader} knows, as a person names them (for "not an image" messages). */
export const RECOGNISED_FORMATS = 'JPEG, PNG, GIF, WebP, TIFF, HEIC/HEIF, AVIF or camera RAW';
