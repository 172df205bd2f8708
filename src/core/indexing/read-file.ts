import fs from 'node:fs/promises';
import { DoppelError, ErrorCodes } from '../errors';

export interface ReadResult {
  readonly bytes: Buffer;
  readonly size: number;
  readonly mtimeMs: number;
}

export class FileChangedError extends DoppelError {
  override readonly name = 'FileChangedError' as const;
  constructor(message: string) {
    super(ErrorCodes.fileChanged, message);
  }
}

/**
 * Reads a whole file and returns the size and mtime that belong to the bytes read: if the file
 * changes while being read (a sync client still writing it), it is read once more, then given up on.
 */
export async function readStableFile(filePath: string, attempts = 2): Promise<ReadResult> {
  for (let attempt = 1; ; attempt++) {
    const handle = await fs.open(filePath, 'r');
    try {
      const before = await handle.stat();
      const bytes = await handle.readFile();
      const after = await handle.stat();
      if (before.size === after.size && before.mtimeMs === after.mtimeMs && bytes.length === after.size) {
        return { bytes, size: after.size, mtimeMs: after.mtimeMs };
      }
      if (attempt >= attempts) throw new FileChangedError(`file changed while being read (${before.size} -> ${after.size} bytes)`);
    } finally {
      await handle.close();
    }
  }
}
