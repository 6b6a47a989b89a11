// Progress of `npm run import`: a bar redrawn in place on a terminal, a plain line per step
// otherwise (CI logs, pipes), so that neither fills the other with noise.

const BAR_WIDTH = 30;
// Plain output: at most one line per this many input lines.
const PLAIN_EVERY_LINES = 1000;

export interface Progress {
  update(bytesRead: number, lines: number, imported: number, updated: number, refused: number): void;
  /** Ends the bar's line; idempotent. */
  done(): void;
}

export function createProgress(stream: NodeJS.WriteStream, totalBytes: number): Progress {
  const tty = stream.isTTY === true;
  let drawn = false;
  let lastPlain = 0;
  return {
    update(bytesRead, lines, imported, updated, refused) {
      const counts = `${lines} lines: ${imported} imported, ${updated} updated, ${refused} refused`;
      if (tty) {
        const ratio = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1;
        const filled = Math.round(ratio * BAR_WIDTH);
        stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${counts}\x1b[K`);
        drawn = true;
      } else if (lines - lastPlain >= PLAIN_EVERY_LINES || bytesRead >= totalBytes) {
        lastPlain = lines;
        stream.write(`progress: ${counts}\n`);
      }
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
