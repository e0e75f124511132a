/**
 * The app's error-level log lines, kept for the failure report: a 500 says only "internal server
 * error", its cause is in the log. Pass `logger` to the app; `drain()` takes what was written.
 */
export interface ServerLog {
  logger: { level: string; stream: { write(line: string): void } };
  drain: () => string[];
}

/** pino's numeric level of `error`. */
const ERROR = 50;

export function serverLog(): ServerLog {
  let lines: string[] = [];
  return {
    logger: {
      level: 'error',
      stream: {
        write(line: string) {
          try {
            const entry = JSON.parse(line) as { level?: number };
            if ((entry.level ?? 0) >= ERROR && lines.length < 100) lines.push(line.trim());
          } catch {
            lines.push(line.trim());
          }
        },
      },
    },
    drain() {
      const taken = lines;
      lines = [];
      return taken;
    },
  };
}
