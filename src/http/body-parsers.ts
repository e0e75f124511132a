/**
 * Request body parsing for ingest. JSON bodies are parsed whole (≤ 10 MB) and a syntax error is
 * reported with its line, column and byte offset; NDJSON is not buffered at all — the route reads
 * the stream line by line, so a body of any length is ingested with bounded memory.
 */
import type { FastifyInstance } from 'fastify';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { ApiError } from './errors.js';
import { jsonErrorOffset } from './json-error-offset.js';

export const JSON_BODY_LIMIT = 10 * 1024 * 1024;
/** One NDJSON line may not exceed this; the stream as a whole is unlimited. */
export const NDJSON_LINE_LIMIT = 1024 * 1024;

export const JSON_TYPES = [
  'application/json',
  'application/cloudevents-batch+json',
  'application/cloudevents+json',
];
export const NDJSON_TYPE = 'application/x-ndjson';

function locate(text: string, position: number): { line: number; column: number; byte: number } {
  const before = text.slice(0, position);
  const lines = before.split('\n');
  return {
    line: lines.length,
    column: (lines.at(-1)?.length ?? 0) + 1,
    byte: Buffer.byteLength(before, 'utf8'),
  };
}

/** JSON.parse with a 400 that says where parsing failed. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split(', "')[0];
    const position = jsonErrorOffset(text);
    const at = locate(text, position);
    throw new ApiError(
      400,
      'invalid_body',
      `body is not valid JSON at line ${at.line}, column ${at.column} (byte ${at.byte}): ${message}`,
    );
  }
}

export function registerBodyParsers(app: FastifyInstance): void {
  // Only the media types of the API: anything else (text/plain included) is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    JSON_TYPES,
    { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT },
    (_request, body, done) => {
      try {
        done(null, parseJsonText(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  app.addContentTypeParser(NDJSON_TYPE, (_request, payload, done) => done(null, payload));
}

export interface NdjsonLine {
  line: number;
  text: string;
}

/**
 * Yields the non-blank lines of an NDJSON stream with their 1-based line numbers, a chunk's lines
 * at a time: one await per chunk of the stream rather than per line.
 */
export async function* ndjsonLineChunks(stream: Readable): AsyncGenerator<NdjsonLine[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  for await (const chunk of stream) {
    pending += decoder.write(chunk as Buffer);
    const lines: NdjsonLine[] = [];
    let start = 0;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      line += 1;
      const text = pending.slice(start, newline);
      if (text.trim() !== '') lines.push({ line, text });
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
    if (lines.length > 0) yield lines;
    if (pending.length > NDJSON_LINE_LIMIT) {
      throw new ApiError(
        413,
        'payload_too_large',
        `line ${line + 1} is longer than ${NDJSON_LINE_LIMIT} bytes`,
      );
    }
  }
  pending += decoder.end();
  if (pending.trim() !== '') yield [{ line: line + 1, text: pending }];
}
