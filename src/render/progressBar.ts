import type { Writable } from 'node:stream';
import { grouped } from '../text/plural.js';

const BAR_WIDTH = 24;
const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * `export [██████████▌             ]  44%  4,400/10,000 calls` on one line of a terminal
 * (stderr), redrawn at most every 100 ms; `clear()` leaves the line empty again.
 */
export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private shown = false;
  constructor(
    private readonly stream: Writable,
    private total: number,
    private readonly label: string,
  ) {}

  tick(by = 1): void {
    this.set(this.done + by);
  }

  set(done: number, total = this.total): void {
    this.done = done;
    this.total = total;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const fraction = this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    const eighths = Math.round(fraction * BAR_WIDTH * 8);
    const bar = ('█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? PARTIAL[eighths % 8] : '')).padEnd(BAR_WIDTH, ' ');
    const count = `${grouped(this.done)}/${grouped(this.total)} calls`;
    this.stream.write(`\r\u001b[K${this.label} [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${count}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\u001b[K');
    this.shown = false;
    this.lastDraw = 0;
  }
}
