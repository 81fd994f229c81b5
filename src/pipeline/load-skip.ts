/**
 * The staging of a fingerprint-skipping load (load.ts): a snapshot loaded after the latest one of
 * its period, whose current versions therefore hold the previous snapshot's entries.
 *
 * 1. The fingerprints of the current versions are read from the warehouse, inside the load's
 *    transaction: they describe exactly what is committed, whatever the data dir holds (a crash
 *    before commit, another warehouse URL on the same data dir, a rebuild, retention).
 * 2. The payload is decoded skipping every entry whose bytes hash to one of them; the others are
 *    staged with their own fingerprints, and the fingerprints no entry matched (versions whose
 *    entry changed or left the export) go to GONE_STAGE.
 * 3. Before anything is applied, one scan of the versions the skipped entries stand for (by field:
 *    count, quota and forecast values, latest week, sums): no staged key may be one of theirs (the
 *    export would hold that key twice), and they must be as many as the entries skipped. The
 *    caller adds their figures to the staged entries' (load.ts): the payload's own.
 *
 * Whenever a step cannot be proven safe (a repeated fingerprint, entries not cut where `},{`
 * suggests, a repeated key) the payload is read again in full, and the load is the full one.
 */
import { type DocumentPart, type DocumentSummary, FingerprintConflict, FingerprintSet } from '../clari/index.js';
import { GONE_STAGE, loadSql, type MatchedField, type SnapshotRef, type Warehouse } from '../warehouse/index.js';

type Parts = AsyncGenerator<DocumentPart, DocumentSummary>;

/** What this module needs of a load's input (load.ts LoadInput). */
export interface SkipInput {
  readonly snapshot: SnapshotRef;
  readonly parts: Parts;
  readonly partsSkipping?: ((known: FingerprintSet) => Parts) | undefined;
}

/** What this module needs of a staged payload (load.ts Staged). */
export interface SkipStaged {
  readonly entries: string;
  readonly summary: DocumentSummary;
  drop(): Promise<void>;
}

export type Skipped<T> = T & {
  /** What the current versions the skipped entries stand for hold, by field. */
  readonly matched?: readonly MatchedField[] | undefined;
  /** Why the payload was read again in full. */
  readonly fullReadReason?: string | undefined;
};

/** Stages a payload; `skipping`: repeated keys go back to a full read (FingerprintConflict), not merged. */
type StageRead<T> = (parts: Parts, skipping: boolean) => Promise<T>;

export async function stageSkipping<T extends SkipStaged>(
  wh: Warehouse,
  input: SkipInput,
  stage: StageRead<T>,
): Promise<Skipped<T>> {
  const { forecastId, period } = input.snapshot;
  const full = async (reason: string): Promise<Skipped<T>> => ({
    ...(await stage(input.parts, false)),
    fullReadReason: reason,
  });
  const skipping = await readSkipping(wh, input, stage);
  if (typeof skipping === 'string') return full(skipping);
  const { staged, known } = skipping;
  const gone = await wh.openStage(GONE_STAGE);
  await gone.append([known.unmatched()]);
  await gone.close();
  const drop = async (): Promise<void> => {
    await staged.drop();
    await gone.drop();
  };
  const skipped = staged.summary.scan?.skipped ?? 0;
  const matched = await loadSql.matchedByField(wh, staged.entries, forecastId, period);
  const sum = (key: 'n' | 'restaged'): number => matched.reduce((n, f) => n + Number(f[key]), 0);
  const unsafe =
    sum('restaged') > 0
      ? 'the export repeats a key'
      : sum('n') !== skipped
        ? `${skipped} entries skipped but ${sum('n')} versions matched`
        : undefined;
  if (unsafe) {
    if (wh.dialect.transactionalDdl) await drop();
    return full(unsafe);
  }
  return { ...staged, matched, drop };
}

/** The skipping read itself, or why there is none. */
async function readSkipping<T>(
  wh: Warehouse,
  input: SkipInput,
  stage: StageRead<T>,
): Promise<{ staged: T; known: FingerprintSet } | string> {
  const { forecastId, period } = input.snapshot;
  try {
    const known = new FingerprintSet(await loadSql.currentFingerprints(wh, forecastId, period));
    if (known.size === 0) return 'no current version has a fingerprint';
    const staged = await stage(input.partsSkipping!(known), true);
    return { staged, known };
  } catch (error) {
    if (error instanceof FingerprintConflict) return error.message;
    throw error;
  }
}
