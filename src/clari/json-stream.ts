/**
 * The read loop of the streaming JSON decoders (the forecast export, the activity results, the
 * landed opportunity refreshes): chunks go into a JsonTopLevelScanner whose sink queues decoded
 * batches, each batch is handed out once the chunk that completed it is scanned, and a scan failure
 * becomes the decoder's own error.
 */
import { ClariError } from './errors.js';
import { JsonScanError, type JsonTopLevelScanner } from './json-scan.js';

export interface JsonStreamRead<T, R> {
  /** The scanner, whose sink pushes what it decodes onto `pending`. */
  readonly scanner: JsonTopLevelScanner;
  readonly pending: T[];
  /** The decoder's error for a document the scanner found cut off or broken. */
  readonly fail: (error: JsonScanError) => Error;
  /** The decoder's summary once the document ended whole; `bytes`: bytes read. */
  readonly finish: (bytes: number) => R;
}

/**
 * Reads `source` through `read.scanner`, yielding what its sink queued after every chunk. Decoders
 * return this generator itself rather than delegate to it (`yield*`), so a batch of the forecast
 * export, the ingest's hot path, passes through one generator as before.
 */
export async function* readJsonStream<T, R>(
  source: AsyncIterable<Uint8Array>,
  read: JsonStreamRead<T, R>,
): AsyncGenerator<T, R> {
  const { scanner, pending } = read;
  let bytes = 0;
  try {
    for await (const chunk of source) {
      bytes += chunk.byteLength;
      scanner.write(chunk);
      while (pending.length > 0) yield pending.shift()!;
    }
    scanner.end();
  } catch (error) {
    if (error instanceof JsonScanError) throw read.fail(error);
    throw error;
  }
  return read.finish(bytes);
}

/**
 * A downloaded document the scanner failed on: cut off is `clari.truncated_body` (transient, so the
 * download is fetched again), broken is `clari.decode`. `subject` names the document with its verb,
 * e.g. `Export document is`.
 */
export function downloadScanError(error: JsonScanError, subject: string, endpoint?: string): ClariError {
  return new ClariError(
    error.truncated ? 'clari.truncated_body' : 'clari.decode',
    `${subject} ${error.truncated ? 'truncated' : 'malformed'}: ${error.message}`,
    {
      kind: error.truncated ? 'transient' : 'data',
      endpoint,
      cause: error,
      hint: error.truncated
        ? 'The download was cut off; it is fetched again.'
        : 'Clari sent a broken document; the raw payload is kept in the landing for inspection.',
    },
  );
}
