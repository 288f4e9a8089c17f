// A one-line progress note on stderr: only on a terminal, only once the work has taken a second.
export interface Progress {
  update(p: { files: number; bytes: number; rows: number }): void;
  done(): void;
}

export function progressLine(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (!enabled || now - started < 1000 || now - last < 200) return;
      last = now;
      shown = true;
      const mb = (p.bytes / 1048576).toFixed(1);
      const rate = ((p.bytes / 1048576) / ((now - started) / 1000)).toFixed(1);
      stream.write(`\r\x1b[Kreading: ${p.files} files, ${mb} MB (${rate} MB/s), ${p.rows.toLocaleString('en')} rows stored`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
