/**
 * A minimal POSIX ustar writer for the debug bundle: regular files only, 512-byte headers, data
 * padded to 512 bytes, two zero blocks at the end. Small enough to own, so the bundle needs no new
 * dependency; any tar (GNU, bsdtar, Python's tarfile) reads the result.
 */
const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive, '/'-separated, at most 100 bytes (no prefix field is used). */
  readonly name: string;
  readonly data: Buffer;
  /** Modification time, epoch ms. */
  readonly mtime: number;
  /** Default 0o644. */
  readonly mode?: number | undefined;
}

export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry));
    parts.push(entry.data);
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function header(entry: TarEntry): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  if (name.length === 0 || name.length > 100) throw new Error(`tar: entry name must be 1 to 100 bytes: ${entry.name}`);
  if (entry.name.startsWith('/') || entry.name.split('/').includes('..'))
    throw new Error(`tar: entry name must be relative: ${entry.name}`);
  const h = Buffer.alloc(BLOCK);
  name.copy(h, 0);
  octal(h, 100, 8, entry.mode ?? 0o644); // mode
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, entry.data.length); // size
  octal(h, 136, 12, Math.floor(entry.mtime / 1000)); // mtime
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  h.write('0', 156, 'latin1'); // typeflag: regular file
  h.write('ustar\u000000', 257, 'latin1'); // magic "ustar\0" + version "00"
  h.write('root', 265, 'latin1'); // uname
  h.write('root', 297, 'latin1'); // gname
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
  return h;
}

/** Zero-padded octal, NUL-terminated, filling `width` bytes. */
function octal(h: Buffer, offset: number, width: number, value: number): void {
  const text = Math.max(0, Math.floor(value)).toString(8);
  if (text.length > width - 1) throw new Error(`tar: value ${value} does not fit in ${width - 1} octal digits`);
  h.write(`${text.padStart(width - 1, '0')}\u0000`, offset, 'latin1');
}
