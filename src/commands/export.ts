import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Context } from '../context.js';
import { OperationError, UserError } from '../errors.js';
import type { CallRecord } from '../store/callRecord.js';
import type { ScannedCall } from '../store/callStore.js';
import { listCallFilesIn, listMonthDirs, monthInRange } from '../store/callFiles.js';
import { createAtomicWriteStream, type AtomicWriteStream } from '../store/writeFileAtomic.js';
import { stringify } from 'csv-stringify/sync';
import { CALL_COLUMNS, FOLLOWUP_COLUMNS, headerOf, rowOf, type CsvCell } from '../export/csvColumns.js';
import { readCallsForExport } from '../export/readCalls.js';
import { oneLine } from '../render/terminalText.js';
// Not the dates index: importing it loads every date module (formatting, time zones...).
import { parseDay } from '../dates/parseWhen.js';

export const EXPORT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format?: ExportFormat | string;
  from?: string;
  to?: string;
  followups?: boolean;
  out?: string;
  bom?: boolean;
  strict?: boolean;
}

/**
 * Calls started from the start of `--from`'s day (inclusive) to the end of `--to`'s day
 * (exclusive), both days in the agent's time zone. Either side may be open.
 */
export interface DayRange {
  from?: Date;
  to?: Date;
}

export function parseDayRange(opts: { from?: string; to?: string }, ctx: Pick<Context, 'now' | 'timeZone'>): DayRange {
  const range: DayRange = {};
  const day = (flag: string, input: string) => {
    try {
      return parseDay(input, { now: ctx.now(), timeZone: ctx.timeZone });
    } catch (error) {
      if (error instanceof UserError) throw new UserError(`${flag}: ${error.message}`, error.exitCode);
      throw error;
    }
  };
  if (opts.from !== undefined) range.from = day('--from', opts.from).start;
  // parseDay's end is the day's last millisecond; the range's end is exclusive.
  if (opts.to !== undefined) range.to = new Date(day('--to', opts.to).end.getTime() + 1);
  if (range.from && range.to && range.from >= range.to) {
    throw new UserError(`--from ${opts.from} is after --to ${opts.to}: give the earlier day first`);
  }
  return range;
}

/** What `scanCalls` needs for a range: months are chosen by the last instant inside it. */
export function scanOptionsFor(range: DayRange): { from?: Date; to?: Date } {
  return { from: range.from, to: range.to && new Date(range.to.getTime() - 1) };
}

export function inDayRange(startedAt: string, range: DayRange): boolean {
  if (!range.from && !range.to) return true;
  const ms = Date.parse(startedAt);
  return (!range.from || ms >= range.from.getTime()) && (!range.to || ms < range.to.getTime());
}

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
  const format = (opts.format ?? 'csv') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    throw new UserError(`unknown --format "${oneLine(String(format), 40)}": use csv, json or ndjson`);
  }
  if (opts.bom && format !== 'csv') throw new UserError('--bom is for --format csv only (JSON must not start with a BOM)');
  const range = parseDayRange(opts, ctx);

  // A progress bar only where a person watches it, and never over data on the same screen.
  const progress =
    ctx.stderr.isTTY && (opts.out !== undefined || !ctx.stdout.isTTY) ? new ProgressBar(ctx.stderr, await countCallFiles(ctx.dataDir, range)) : undefined;
  let damaged = 0;

  /** The record to export, or undefined for a damaged file (warned about) or one out of range. */
  const accept = (scanned: ScannedCall): CallRecord | undefined => {
    progress?.tick();
    if (!scanned.ok) {
      damaged++;
      progress?.clear();
      ctx.warn(`skipped damaged call file ${oneLine(scanned.path)}: ${oneLine(scanned.problem)}`);
      return undefined;
    }
    return inDayRange(scanned.record.startedAt, range) ? scanned.record : undefined;
  };

  // JSON writes whole records, each validated on the way out.
  async function* records(): AsyncGenerator<CallRecord> {
    const { scanCalls } = await import('../store/callStore.js');
    for await (const scanned of scanCalls(ctx.dataDir, scanOptionsFor(range))) {
      const record = accept(scanned);
      if (record) yield record;
    }
  }

  // CSV takes only some fields, from the fast reader (files the summary cache has seen
  // validated are not validated again; see readCallsForExport). Rows go to csv-stringify
  // through its synchronous API, one batch of calls at a time (a write of a few KB): its
  // streaming API costs several stream operations per cell, more than reading the call
  // files does. Its outputs for consecutive batches join into one CSV (every record ends
  // with CRLF).
  async function* csvChunks(): AsyncGenerator<Buffer> {
    const header = opts.followups ? headerOf(FOLLOWUP_COLUMNS) : headerOf(CALL_COLUMNS);
    // Written with the first rows: a store that cannot be read at all leaves stdout empty.
    let head = (opts.bom ? UTF8_BOM : '') + stringify([header], CSV_OPTIONS);
    for await (const scannedCalls of readCallsForExport(ctx.dataDir, scanOptionsFor(range))) {
      const rows: CsvCell[][] = [];
      for (const scanned of scannedCalls) {
        const call = accept(scanned);
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
  if (opts.out !== undefined) {
    try {
      atomic = await createAtomicWriteStream(opts.out);
    } catch (error) {
      // Said of the file asked for, not of the temporary file beside it that failed to open.
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'its folder does not exist (ENOENT)'
        : code === 'EACCES' || code === 'EPERM' ? `no permission to write in its folder (${code})`
        : code === 'ENOTDIR' ? 'part of the path is a file, not a folder (ENOTDIR)'
        : code === 'EROFS' ? 'the file system is read-only (EROFS)'
        : (error as Error).message;
      throw new OperationError(`cannot write ${oneLine(opts.out)}: ${why}`);
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
    if (atomic) await atomic.commit();
  } catch (error) {
    progress?.clear();
    await atomic?.abort();
    // The reader went away (`| head`): nothing left to say to it.
    if (!atomic && (error as NodeJS.ErrnoException).code === 'EPIPE') return;
    if (atomic && WRITE_SYSCALLS.has((error as NodeJS.ErrnoException).syscall ?? '')) {
      throw new OperationError(`cannot write ${oneLine(opts.out!)}: ${(error as Error).message}`);
    }
    throw error;
  }

  if (damaged > 0 && opts.strict) throw new UserError(`${damaged} damaged call file(s) skipped (--strict)`, 1);
}

const UTF8_BOM = '\uFEFF';
/**
 * RFC 4180 with CRLF after every record. With a record delimiter set, csv-stringify leaves
 * a bare CR or LF inside a cell unquoted unless `quote_record_delimiter` is on; with it,
 * a cell holding either is quoted (a `quoted_match` for them would test every cell again).
 */
const CSV_OPTIONS = { record_delimiter: '\r\n', quote_record_delimiter: true } as const;

/** Failures of these, during an --out export, are about the output file (disk full...). */
const WRITE_SYSCALLS = new Set(['write', 'writev', 'fsync', 'close', 'rename']);

/**
 * JSON: `[`, records joined by `,\n`, `]`. NDJSON: one record per line. The records are
 * the full validated call records; with `--followups`, each item is a follow-up with its
 * call's id, agent and customer.
 */
async function* jsonChunks(calls: AsyncIterable<CallRecord>, format: 'json' | 'ndjson', followups: boolean): AsyncGenerator<string> {
  const array = format === 'json';
  const separator = array ? ',\n' : '\n';
  let first = true;
  if (array) yield '[';
  for await (const call of calls) {
    const items: unknown[] = followups
      ? call.followups.map((followup) => ({ ...followup, callId: call.id, agent: call.agent, customer: call.customer }))
      : [call];
    for (const item of items) {
      yield first ? (array ? `\n${JSON.stringify(item)}` : JSON.stringify(item)) : `${separator}${JSON.stringify(item)}`;
      first = false;
    }
  }
  if (array) yield first ? ']\n' : '\n]\n';
  else if (!first) yield '\n';
}

/** Joins small strings into ~64 KB chunks: far fewer stream operations per record. */
async function* batched(chunks: AsyncIterable<string>, size = 64 * 1024): AsyncGenerator<Buffer> {
  let pending = '';
  for await (const chunk of chunks) {
    pending += chunk;
    if (pending.length >= size) {
      yield Buffer.from(pending);
      pending = '';
    }
  }
  if (pending !== '') yield Buffer.from(pending);
}

/** How many call files the scan will read (directory listings only): the bar's 100%. */
async function countCallFiles(dataDir: string, range: DayRange): Promise<number> {
  const scan = scanOptionsFor(range);
  let total = 0;
  for (const month of await listMonthDirs(dataDir)) {
    if (!monthInRange(month.month, scan)) continue;
    total += (await listCallFilesIn(month.path)).length;
  }
  return total;
}

const BAR_WIDTH = 24;

/** `export  [██████████▌             ]  44%  4,400/10,000 calls`, redrawn at most every 100 ms. */
class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private shown = false;
  constructor(
    private readonly stream: Writable,
    private readonly total: number,
  ) {}

  tick(): void {
    this.done++;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const fraction = this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    const eighths = Math.round(fraction * BAR_WIDTH * 8);
    const bar = ('█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? PARTIAL[eighths % 8] : '')).padEnd(BAR_WIDTH, ' ');
    const count = `${this.done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} calls`;
    this.stream.write(`\r\u001b[Kexport [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${count}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\u001b[K');
    this.shown = false;
    this.lastDraw = 0;
  }
}

const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
