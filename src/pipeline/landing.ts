/**
 * The raw landing: every export payload kept immutably in the data dir, gzip-compressed, named by
 * job and content hash, with a manifest beside it. Files are written to a temporary name, synced and
 * renamed, so a crash never leaves half a payload under a real name; landed files are read-only.
 * The landing is the cache (a request landed within the TTL is not exported again) and the source
 * of `rebuild`.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { chmod, open, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { ActivityExportRequest, ExportFormat, ExportJob, ExportRequest } from '../clari/index.js';
import { AppError, type Clock } from '../core/index.js';

/** What was asked for: a forecast export's body, an activity export's body, or an opportunity refresh. */
export type LandedRequest =
  ExportRequest | ActivityExportRequest | { readonly opportunities: number; readonly batchSize: number };

export interface LandingMeta {
  /** The forecast id; in the deals landing `activity` or `opportunity`. */
  readonly forecastId: string;
  readonly period: string;
  readonly asOf: string;
  readonly jobId: string;
  /** Identity of the request (forecast + body), for cache lookups. */
  readonly fingerprint: string;
  readonly request: LandedRequest;
  readonly format: ExportFormat;
  readonly job?: ExportJob | undefined;
}

export interface Manifest extends LandingMeta {
  readonly version: 1;
  readonly file: string;
  /** sha256 of the uncompressed payload. */
  readonly sha256: string;
  /** sha256 of the .gz file as written: checking it on read costs a tenth of re-hashing the payload. */
  readonly compressedSha256?: string | undefined;
  readonly bytes: number;
  readonly compressedBytes: number;
  readonly landedAt: number;
}

export interface Landed {
  readonly manifest: Manifest;
  /** Absolute path of the .gz payload. */
  readonly path: string;
}

export class LandingError extends AppError {
  constructor(message: string, code: string, hint: string, cause?: unknown) {
    super(message, { code, kind: code === 'landing.disk_full' ? 'transient' : 'data', hint, cause });
  }
}

const MANIFEST = '.manifest.json';
let tmpCounter = 0;

/** The deals landing (activity exports and opportunity refreshes) beside the forecast one. */
export const DEALS_LANDING = 'landing-deals';

export class Landing {
  readonly dir: string;

  /** `root`: `landing` for forecast exports, DEALS_LANDING for activity and opportunities. */
  constructor(
    dataDir: string,
    private readonly clock: Clock,
    root = 'landing',
  ) {
    this.dir = join(dataDir, root);
  }

  /** The deals landing of the same data dir. */
  deals(): Landing {
    return new Landing(join(this.dir, '..'), this.clock, DEALS_LANDING);
  }

  /** Streams a payload into the landing. The body is consumed exactly once. */
  async land(meta: LandingMeta, body: AsyncIterable<Uint8Array>): Promise<Landed> {
    const folder = this.folder(meta.forecastId, meta.period, meta.asOf);
    const tmp = join(folder, `.${meta.jobId}.${process.pid}.${tmpCounter++}.tmp`);
    const hash = createHash('sha256');
    const packedHash = createHash('sha256');
    let bytes = 0;
    const tap = (onChunk: (chunk: Buffer) => void): Transform =>
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          onChunk(chunk);
          done(null, chunk);
        },
      });
    const raw = tap((chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    try {
      mkdirSync(folder, { recursive: true });
      await pipeline(
        body,
        raw,
        createGzip({ level: 1 }),
        tap((chunk) => packedHash.update(chunk)),
        createWriteStream(tmp, { mode: 0o600 }),
      );
      const handle = await open(tmp, 'r+');
      await handle.sync();
      await handle.close();
    } catch (error) {
      await rm(tmp, { force: true });
      throw this.diskError(error);
    }
    const sha256 = hash.digest('hex');
    const file = `${safe(meta.jobId)}-${sha256.slice(0, 12)}.${meta.format.toLowerCase()}.gz`;
    const path = join(folder, file);
    const compressedBytes = statSync(tmp).size;
    const fresh = !existsSync(path);
    if (!fresh) rmSync(tmp);
    else {
      renameSync(tmp, path);
      await chmod(path, 0o444);
    }
    // The same payload landed before keeps its own file, whose compression may differ from ours.
    const compressedSha256 = fresh ? packedHash.digest('hex') : undefined;
    const manifest: Manifest = {
      version: 1,
      ...meta,
      file,
      sha256,
      ...(compressedSha256 ? { compressedSha256 } : {}),
      bytes,
      compressedBytes,
      landedAt: this.clock.now(),
    };
    try {
      writeAtomic(`${path}${MANIFEST}`, JSON.stringify(manifest, null, 1));
    } catch (error) {
      // A payload without its manifest is never used (nothing finds it); do not leave it behind.
      if (fresh) rmSync(path, { force: true });
      throw this.diskError(error);
    }
    return { manifest, path };
  }

  private diskError(error: unknown): unknown {
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC' || (error as NodeJS.ErrnoException).code === 'EDQUOT') {
      return new LandingError(
        `No space left to land the export in ${this.dir}`,
        'landing.disk_full',
        'Free disk space in the data dir (CLARI_DP_DATA_DIR); nothing was loaded, the export job is kept, and the next run downloads it again without a new export.',
        error,
      );
    }
    return error;
  }

  /**
   * Removes temporary files another process left in a snapshot's folder (a landing cut short by a
   * kill or a full disk). Runs on one data dir never overlap, so they are garbage; ours are kept.
   */
  sweep(forecastId: string, period: string, asOf: string): number {
    const folder = this.folder(forecastId, period, asOf);
    if (!existsSync(folder)) return 0;
    const mine = `.${process.pid}.`;
    let removed = 0;
    for (const name of readdirSync(folder)) {
      if (!name.endsWith('.tmp') || name.includes(mine)) continue;
      rmSync(join(folder, name), { force: true });
      removed++;
    }
    return removed;
  }

  /**
   * The uncompressed payload; with `verify`, fails at the end if it does not match its hash (of the
   * file as written when the manifest has one, else of the payload).
   */
  async *read(landed: Landed, options: { verify?: boolean } = {}): AsyncGenerator<Uint8Array> {
    const expected = landed.manifest.compressedSha256 ?? landed.manifest.sha256;
    const hash = options.verify ? createHash('sha256') : undefined;
    const packed = landed.manifest.compressedSha256 !== undefined;
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    const source = createReadStream(landed.path, { highWaterMark: 1 << 20 });
    source.on('error', (error) => gunzip.destroy(error));
    if (hash && packed) source.on('data', (chunk) => void hash.update(chunk));
    source.pipe(gunzip);
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        if (hash && !packed) hash.update(chunk);
        yield chunk;
      }
    } catch (error) {
      throw new LandingError(
        `Landed payload ${this.display(landed)} cannot be read: ${(error as Error).message}`,
        'landing.corrupt',
        'The file was damaged after landing; export again with --no-cache.',
        error,
      );
    } finally {
      source.destroy();
    }
    if (hash && hash.digest('hex') !== expected) {
      throw new LandingError(
        `Landed payload ${this.display(landed)} does not match its sha256`,
        'landing.corrupt',
        'The file was changed after landing; export again with --no-cache.',
      );
    }
  }

  /** The newest payload landed for this request and business date within `maxAgeMs`. */
  findCached(
    forecastId: string,
    period: string,
    asOf: string,
    fingerprint: string,
    maxAgeMs: number,
  ): Landed | undefined {
    const now = this.clock.now();
    return this.inFolder(this.folder(forecastId, period, asOf))
      .filter((l) => l.manifest.fingerprint === fingerprint && now - l.manifest.landedAt <= maxAgeMs)
      .sort((a, b) => b.manifest.landedAt - a.manifest.landedAt)[0];
  }

  /** Every landed payload (for rebuild), oldest business date first, then by landing time. */
  all(): Landed[] {
    if (!existsSync(this.dir)) return [];
    const out: Landed[] = [];
    for (const forecast of readdirSync(this.dir)) {
      for (const period of dirs(join(this.dir, forecast))) {
        for (const asOf of dirs(join(this.dir, forecast, period)))
          out.push(...this.inFolder(join(this.dir, forecast, period, asOf)));
      }
    }
    return out.sort(
      (a, b) => a.manifest.asOf.localeCompare(b.manifest.asOf) || a.manifest.landedAt - b.manifest.landedAt,
    );
  }

  /** Deletes landed payloads of periods before `cutoff` (YYYY_QN); returns how many payloads went. */
  removePeriodsBefore(cutoff: string): number {
    if (!existsSync(this.dir)) return 0;
    let removed = 0;
    for (const forecast of readdirSync(this.dir)) {
      for (const period of dirs(join(this.dir, forecast))) {
        if (period >= cutoff) continue;
        const folder = join(this.dir, forecast, period);
        removed += readdirSync(folder, { recursive: true }).filter((f) => String(f).endsWith(MANIFEST)).length;
        rmSync(folder, { recursive: true, force: true });
      }
    }
    return removed;
  }

  /** A landed payload by its .gz path, if it is still there. */
  byPath(path: string): Landed | undefined {
    const folder = join(path, '..');
    return this.inFolder(folder).find((l) => l.path === path);
  }

  display(landed: Landed): string {
    return relative(this.dir, landed.path);
  }

  private folder(forecastId: string, period: string, asOf: string): string {
    return join(this.dir, safe(forecastId), safe(period), safe(asOf));
  }

  private inFolder(folder: string): Landed[] {
    if (!existsSync(folder)) return [];
    const out: Landed[] = [];
    for (const name of readdirSync(folder)) {
      if (!name.endsWith(MANIFEST)) continue;
      try {
        const manifest = JSON.parse(readFileSync(join(folder, name), 'utf8')) as Manifest;
        const path = join(folder, manifest.file);
        if (manifest.version === 1 && existsSync(path)) out.push({ manifest, path });
      } catch {
        // A manifest that cannot be read is ignored: its payload is exported again if needed.
      }
    }
    return out;
  }
}

function dirs(path: string): string[] {
  return existsSync(path)
    ? readdirSync(path, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
    : [];
}

/** Path-safe component: ids are opaque, so anything unusual is percent-encoded. */
function safe(part: string): string {
  return encodeURIComponent(part).replace(/^\.+/, (dots) => '%2E'.repeat(dots.length));
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${tmpCounter++}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
