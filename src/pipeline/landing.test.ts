import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, sha256Hex } from '../core/index.js';
import { type Landed, Landing } from './landing.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function landed(text: string): Promise<{ landing: Landing; landed: Landed }> {
  const dir = mkdtempSync(join(tmpdir(), 'clari-dp-landing-'));
  dirs.push(dir);
  const landing = new Landing(dir, new FakeClock(Date.parse('2026-11-23T06:00:00Z')));
  const meta = {
    forecastId: 'f',
    period: '2026_Q4',
    asOf: '2026-11-23',
    jobId: 'j1',
    fingerprint: 'fp',
    request: { timePeriod: '2026_Q4' },
    format: 'JSON' as const,
  };
  return { landing, landed: await landing.land(meta, Readable.from([Buffer.from(text)])) };
}

async function read(landing: Landing, l: Landed, verify: boolean): Promise<string> {
  let out = '';
  for await (const chunk of landing.read(l, { verify })) out += Buffer.from(chunk).toString();
  return out;
}

/** Replaces the read-only landed file, as a person editing it by hand would. */
function overwrite(path: string, bytes: Buffer): void {
  chmodSync(path, 0o644);
  writeFileSync(path, bytes);
}

describe('Landing', () => {
  it('records the payload hash and the hash of the file as written; reads verify the cheap one', async () => {
    const { landing, landed: l } = await landed('{"entries":[]}');
    expect(l.manifest.sha256).toBe(sha256Hex('{"entries":[]}'));
    expect(l.manifest.compressedSha256).toBe(sha256Hex(readFileSync(l.path)));
    expect(await read(landing, l, true)).toBe('{"entries":[]}');
  });

  it('a file changed after landing fails verification, even when it is valid gzip', async () => {
    const { landing, landed: l } = await landed('{"entries":[]}');
    overwrite(l.path, gzipSync('{"entries":[1]}'));
    expect(await read(landing, l, false)).toBe('{"entries":[1]}');
    await expect(read(landing, l, true)).rejects.toMatchObject({ code: 'landing.corrupt' });
  });

  it('manifests written before the file hash existed verify the payload hash instead', async () => {
    const { landing, landed: l } = await landed('{"entries":[]}');
    const { compressedSha256: _dropped, ...older } = l.manifest;
    const old: Landed = { ...l, manifest: older };
    expect(await read(landing, old, true)).toBe('{"entries":[]}');
    overwrite(l.path, gzipSync('{"entries":[2]}'));
    await expect(read(landing, old, true)).rejects.toMatchObject({ code: 'landing.corrupt' });
  });
});
