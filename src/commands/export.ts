import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Context } from '../context.js';
import { OperationError, UserError, writeFailure } from '../errors.js';
import type { CallRecord } from '../domain/callRecord.js';
import { createOutputStream, type AtomicWriteStream } from '../store/writeFileAtomic.js';
import { stringify } from 'csv-stringify/sync';
import { CALL_COLUMNS, FOLLOWUP_COLUMNS, headerOf, rowOf, type CsvCell } from '../export/csvColumns.js';
import { countCallFiles, readCallsForExport, type ScannedJson } from '../export/readCalls.js';
import { oneLine } from '../render/terminalText.js';
import { ProgressBar } from '../render/progressBar.js';
import { callIndexOf } from '../store/index/indexAccess.js';
import { inDayRange, parseDayRange } from './dayRange.js';
import type { OptionsOf } from '../commandSpec.js';
import type { exportOptions } from '../cli.js';
import { plural } from '../text/plural.js';

export type ExportOptions = OptionsOf<typeof exportOptions>;
export type ExportFormat = NonNullable<ExportOptions['format']>;

/**
 * `csr-call export`: every call (or, with `--followups`, every follow-up) in the range as
 * CSV, a JSON array or NDJSON. Streams call by call (CSV: a few at a time) — memory
 * stays flat — to stdout, or atomically to `--out` (mode 0600; a failed export leaves any
 * earlier file as it was). Damaged call files are reported on stderr and skipped.
 *
 * CSV: RFC 4180, written by csv-stringify, UTF-8, CRLF between
 * records (what RFC 4180 and Excel expect; every CSV reader accepts it), a header row,
 * cells quoted when they hold a comma, a quote, CR or LF. Columns: `src/export/csvColumns.ts`.
 */
export async function exportCommand(opts: ExportOptions, ctx: Context): Promise<void> {
  // --json is --format json: an export is records, not one object (see the README, --json).
  if (opts.json && opts.format !== undefined && opts.format !== 'json') throw new UserError(`--json is the same as --format json: give one of --json or --format ${opts.format}`);
  const format: ExportFormat = opts.json ? 'json' : (opts.format ?? 'csv');
  if (opts.bom && format !== 'csv') throw new UserError('--bom is for --format csv only (JSON must not start with a BOM)');
  // `--out -` is stdout, as in most tools.
  const out = opts.out === '-' ? undefined : opts.out;
  if (out?.trim() === '') throw new UserError('--out needs a file name, like november.csv (or - for stdout)');
  const range = parseDayRange(opts, ctx);
  // The index lists the files and says which were found good at their current stamp.
  const index = await callIndexOf(ctx.dataDir, { warn: ctx.warn });

  // A progress bar only where a person watches it, and never over data on the same screen.
  const progress =
    ctx.stderr.isTTY && (out !== undefined || !ctx.stdout.isTTY) ? new ProgressBar(ctx.stderr, countCallFiles(index, range), 'export') : undefined;
  let damaged = 0;
  let exported = 0;

  /** The call read, if it is to be exported: not a damaged file (warned about), nor one out of range. */
  function accept<Scanned extends ScannedJson>(scanned: Scanned): Extract<Scanned, { ok: true }> | undefined {
    progress?.tick();
    if (!scanned.ok) {
      damaged++;
      progress?.clear();
      ctx.warn(`skipped damaged call file ${oneLine(scanned.path)}: ${oneLine(scanned.problem)}`);
      return undefined;
    }
    const startedAt = 'json' in scanned ? scanned.startedAt : scanned.record.startedAt;
    if (!inDayRange(startedAt, range)) return undefined;
    exported++;
    return scanned as Extract<Scanned, { ok: true }>;
  }

  // JSON writes whole records, from the same reader as the CSV; a call written as
  // csr-call writes them comes as its compact JSON already (readCallsForExport).
  async function* records(): AsyncGenerator<CallRecord | Buffer> {
    // A follow-up's item is made from its record: parsed.
    for await (const scannedCalls of readCallsForExport(index, range, opts.followups ? {} : { asJson: true })) {
      for (const scanned of scannedCalls) {
        const call = accept(scanned);
        if (call) yield 'json' in call ? call.json : call.record;
      }
    }
  }

  // Both read with the fast reader (files the index has seen valid are not validated
  // again; see readCallsForExport). CSV rows go to csv-stringify
  // through its synchronous API, one batch of calls at a time (a write of a few KB): its
  // streaming API costs several stream operations per cell, more than reading the call
  // files does. Its outputs for consecutive batches join into one CSV (every record ends
  // with CRLF).
  async function* csvChunks(): AsyncGenerator<Buffer> {
    const header = opts.followups ? headerOf(FOLLOWUP_COLUMNS) : headerOf(CALL_COLUMNS);
    // Written with the first rows: a store that cannot be read at all leaves stdout empty.
    let head = (opts.bom ? UTF8_BOM : '') + stringify([header], CSV_OPTIONS);
    for await (const scannedCalls of readCallsForExport(index, range)) {
      const rows: CsvCell[][] = [];
      for (const scanned of scannedCalls) {
        const call = accept(scanned)?.record;
        if (!call) continue;
        if (opts.followups) for (const followup of call.followups) rows.push(rowOf(FOLLOWUP_COLUMNS, { call, followup }));
        else rows.push(rowOf(CALL_COLUMNS, call));
      }
      if (rows.length === 0) continue;
      yield Buffer.from(head + stringify(rows, CSV_OPTIONS));
      head = '';
    }
    if (head !== '') yield Buffer.from(head);
  }

  let atomic: AtomicWriteStream | undefined;
  let sink: Writable = ctx.stdout;
  if (out !== undefined) {
    try {
      atomic = await createOutputStream(out);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw new UserError(`--out ${oneLine(out)} is a folder: give a file name in it, like ${oneLine(join(out, 'calls.csv'))}`);
      throw new OperationError(`cannot write ${oneLine(out)}: ${outputProblem(error, out)}`);
    }
    sink = atomic.stream;
  }

  try {
    // stdout belongs to the process: never end it. The --out temp file is ended by pipeline.
    const end = atomic !== undefined;
    if (format === 'csv') {
      await pipeline(Readable.from(csvChunks(), { objectMode: false }), sink, { end });
    } else {
      await pipeline(Readable.from(batched(jsonChunks(records(), format, opts.followups === true)), { objectMode: false }), sink, { end });
    }
    progress?.clear();
    if (atomic) {
      await atomic.commit();
      ctx.stdout.write(`Exported ${opts.followups ? `the follow-ups of ${plural(exported, 'call')}` : plural(exported, 'call')} to ${oneLine(out!)}\n`);
    }
  } catch (error) {
    progress?.clear();
    await atomic?.abort();
    // The reader went away (`| head`): nothing left to say to it.
    if (!atomic && (error as NodeJS.ErrnoException).code === 'EPIPE') return;
    if (atomic && WRITE_SYSCALLS.has((error as NodeJS.ErrnoException).syscall ?? '')) {
      throw new OperationError(`cannot write ${oneLine(out!)}: ${outputProblem(error, out!)}`);
    }
    throw error;
  }

  if (damaged > 0 && opts.strict) throw new UserError(`${plural(damaged, 'damaged call file')} skipped (--strict)`, 1);
}

const UTF8_BOM = '\uFEFF';
/**
 * RFC 4180 with CRLF after every record. With a record delimiter set, csv-stringify leaves
 * a bare CR or LF inside a cell unquoted unless `quote_record_delimiter` is on; with it,
 * a cell holding either is quoted (a `quoted_match` for them would test every cell again).
 */
const CSV_OPTIONS = { record_delimiter: '\r\n', quote_record_delimiter: true } as const;

/**
 * Why the file asked for could not be written, in words, with the system's code (never the
 * temporary file's name beside it, which the system's message holds).
 */
function outputProblem(error: unknown, out: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return existsSync(dirname(resolve(out))) ? 'no file can be made there (ENOENT)' : 'its folder does not exist (ENOENT)';
  return writeFailure(error) ?? code ?? (error as Error).message;
}

/** Failures of these, during an --out export, are about the output file (disk full...). */
const WRITE_SYSCALLS = new Set(['write', 'writev', 'fsync', 'close', 'rename']);

/**
 * JSON: `[`, records joined by `,\n`, `]`. NDJSON: one record per line. The records are
 * the full validated call records (a record's compact JSON as it is, when the reader
 * gives that); with `--followups`, each item is a follow-up with its call's id, agent and
 * customer.
 */
async function* jsonChunks(calls: AsyncIterable<CallRecord | Buffer>, format: 'json' | 'ndjson', followups: boolean): AsyncGenerator<string | Buffer> {
  const array = format === 'json';
  const separator = array ? ',\n' : '\n';
  let first = true;
  if (array) yield '[';
  for await (const call of calls) {
    const items: Array<string | Buffer> =
      Buffer.isBuffer(call) ? [call]
      : followups ? call.followups.map((followup) => JSON.stringify({ ...followup, callId: call.id, agent: call.agent, customer: call.customer }))
      : [JSON.stringify(call)];
    for (const item of items) {
      yield first ? (array ? '\n' : '') : separator;
      yield item;
      first = false;
    }
  }
  if (array) yield first ? ']\n' : '\n]\n';
  else if (!first) yield '\n';
}

/**
 * Joins small pieces (a separator, a record) into chunks of ~8 KB, a call or two, for
 * fewer stream operations. Each piece is copied in as it comes (the reader's compact JSON
 * is a view it writes over). Larger chunks leave more freed memory about at an export's
 * peak (docs/performance.md).
 */
async function* batched(pieces: AsyncIterable<string | Buffer>, size = 8 * 1024): AsyncGenerator<Buffer> {
  let chunk = Buffer.allocUnsafe(size);
  let used = 0;
  for await (const piece of pieces) {
    const length = typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
    if (used + length > chunk.length) {
      // A piece larger than what is left: the chunk grows to hold it (a call of up to 1 MB).
      const bigger = Buffer.allocUnsafe(Math.max(chunk.length, used + length));
      chunk.copy(bigger, 0, 0, used);
      chunk = bigger;
    }
    used += typeof piece === 'string' ? chunk.write(piece, used) : piece.copy(chunk, used);
    if (used >= size) {
      yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(size);
      used = 0;
    }
  }
  if (used > 0) yield chunk.subarray(0, used);
}

