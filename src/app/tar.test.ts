/** The ustar writer: block layout at the edges (empty, exactly one block, multi-byte names) read back by the system tar. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tar } from './tar.js';

const MTIME = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('tar', () => {
  it('pads every entry to 512 bytes and ends with two zero blocks', () => {
    const archive = tar([
      { name: 'a/empty.txt', data: Buffer.alloc(0), mtime: MTIME },
      { name: 'a/block.bin', data: Buffer.alloc(512, 7), mtime: MTIME },
      { name: 'a/one.txt', data: Buffer.from('x'), mtime: MTIME },
    ]);
    // headers 3 x 512, data 0 + 512 + 512, end 1024
    expect(archive.length).toBe(3 * 512 + 1024 + 1024);
    expect(archive.subarray(-1024).every((b) => b === 0)).toBe(true);
  });

  it('is read back by the system tar, names, sizes, modes, times and contents intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-tar-'));
    const file = join(dir, 'x.tar');
    const big = Buffer.from('0123456789'.repeat(300));
    writeFileSync(
      file,
      tar([
        { name: 'bundle/zoë.json', data: Buffer.from('{"ok":true}\n'), mtime: MTIME, mode: 0o600 },
        { name: 'bundle/big.txt', data: big, mtime: MTIME },
      ]),
    );
    const listing = execFileSync('tar', ['-tvf', file], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' },
    });
    expect(listing).toMatch(/^-rw------- root\/root\s+12 2026-01-05 12:00 bundle\/zoë\.json$/m);
    expect(listing).toMatch(/^-rw-r--r-- root\/root\s+3000 2026-01-05 12:00 bundle\/big\.txt$/m);
    execFileSync('tar', ['-xf', file, '-C', dir]);
    expect(readFileSync(join(dir, 'bundle', 'big.txt'))).toEqual(big);
    expect(readFileSync(join(dir, 'bundle', 'zoë.json'), 'utf8')).toBe('{"ok":true}\n');
  });

  it('refuses names it cannot store safely', () => {
    const entry = (name: string) => () => tar([{ name, data: Buffer.alloc(1), mtime: MTIME }]);
    expect(entry('x'.repeat(101))).toThrow(/1 to 100 bytes/);
    expect(entry('')).toThrow(/1 to 100 bytes/);
    expect(entry('/etc/passwd')).toThrow(/relative/);
    expect(entry('a/../../b')).toThrow(/relative/);
  });
});
