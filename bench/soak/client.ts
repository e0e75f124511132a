/**
 * The soak's HTTP client: `node:http` on keep-alive agents (little CPU per request, as the bench
 * shares the machine with the service and PostgreSQL). KPI bodies are read and dropped, not
 * parsed; ingest answers (small) are parsed for their counts.
 */
import http from 'node:http';

export interface Target {
  host: string;
  port: number;
  key: string;
}

export interface Answer {
  status: number;
  /** Network error or timeout (status 0). */
  error: string | null;
  /** `Server-Timing`'s source of a KPI answer: `cube` or `sql`. */
  source: string | null;
  /** The whole `Server-Timing` header, when there was one. */
  timing: string | null;
  /** The body, when asked for. */
  text: string;
}

const TIMEOUT_MS = 120_000;

export function agent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets });
}

function request(
  target: Target,
  agentOf: http.Agent,
  options: { method: string; path: string; body?: Uint8Array; keepText: boolean },
): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: Answer) => {
      if (!settled) {
        settled = true;
        resolve(answer);
      }
    };
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${target.key}` };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/x-ndjson';
      headers['content-length'] = options.body.length;
    }
    const req = http.request(
      {
        host: target.host,
        port: target.port,
        method: options.method,
        path: options.path,
        agent: agentOf,
        headers,
      },
      (res) => {
        const parts: Buffer[] = [];
        const keep = options.keepText || (res.statusCode ?? 0) >= 300;
        res.on('data', (chunk: Buffer) => {
          if (keep) parts.push(chunk);
        });
        res.on('end', () => {
          const timing = res.headers['server-timing'];
          done({
            status: res.statusCode ?? 0,
            error: null,
            source: typeof timing === 'string' ? (timing.split(/[;,]/)[0]?.trim() ?? null) : null,
            timing: typeof timing === 'string' ? timing : null,
            text: keep ? Buffer.concat(parts).toString() : '',
          });
        });
        res.on('error', (error) =>
          done({ status: 0, error: error.message, source: null, timing: null, text: '' }),
        );
      },
    );
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (error) =>
      done({ status: 0, error: error.message, source: null, timing: null, text: '' }),
    );
    req.end(options.body);
  });
}

export function getPath(target: Target, agentOf: http.Agent, path: string): Promise<Answer> {
  return request(target, agentOf, { method: 'GET', path, keepText: false });
}

export interface IngestCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** `POST /v1/events` with an NDJSON body; the counts when it answered 200. */
export async function postEvents(
  target: Target,
  agentOf: http.Agent,
  body: Uint8Array,
): Promise<Answer & { counts: IngestCounts | null }> {
  const answer = await request(target, agentOf, {
    method: 'POST',
    path: '/v1/events',
    body,
    keepText: true,
  });
  let counts: IngestCounts | null = null;
  if (answer.status === 200) {
    try {
      const parsed = JSON.parse(answer.text) as Partial<IngestCounts>;
      counts = {
        accepted: parsed.accepted ?? 0,
        duplicates: parsed.duplicates ?? 0,
        rejected: parsed.rejected ?? 0,
      };
    } catch {
      counts = null;
    }
  }
  return { ...answer, counts };
}

/** A short account of a failed request, for the error list. */
export function describeFailure(what: string, answer: Answer): string {
  if (answer.error !== null) return `${what}: ${answer.error}`;
  const body = answer.text.replace(/\s+/g, ' ').slice(0, 200);
  return `${what}: HTTP ${answer.status} ${body}`;
}
