/**
 * A streaming ZIP writer, just enough for XLSX: deflated entries written as their content is
 * produced, sizes and CRC in a data descriptor after each entry (so nothing is buffered), then
 * the central directory. No ZIP64: an entry or archive past 4 GiB is refused, which an XLSX
 * sheet (at most 1,048,576 rows) does not reach in practice.
 *
 * Each chunk is deflated on its own with a sync flush (zlib's thread pool, off the event loop)
 * and the deflate streams are concatenated: raw deflate segments that end byte-aligned and
 * reference only their own bytes form one valid stream once a final empty block closes it. The
 * cost is the compression window restarting per chunk, negligible for chunks of ~1 MB.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const deflateRaw = promisify(zlib.deflateRaw);
// Level 1: sheet XML compresses well at any level; level 6 made the XLSX export about 1.5×
// slower on the benchmark table for a file 16% smaller.
const DEFLATE_OPTIONS = { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 1 };
const FINAL_EMPTY_BLOCK = Uint8Array.of(0x03, 0x00);
const MAX_32 = 0xffff_ffff;
// 1980-01-01 00:00, the DOS epoch: a fixed time keeps archives byte-for-byte reproducible.
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const DEFLATE = 8;
const VERSION = 20;

const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 continued from `crc`: zlib's (Node ≥ 20.15), else a table-driven one. */
function crc32(data: Uint8Array, crc: number): number {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(data, crc);
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

interface Entry {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** One archive: `entry()` for each file in order, then `end()`. */
export class ZipWriter {
  private entries: Entry[] = [];
  private offset = 0;

  /** The bytes of one entry whose content is `parts` (strings are written as UTF-8). */
  async *entry(
    name: string,
    parts: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): AsyncGenerator<Uint8Array> {
    const entry: Entry = { name: Buffer.from(name), crc: 0, compressed: 0, size: 0, offset: 0 };
    entry.offset = this.offset;
    yield this.count(localHeader(entry.name));
    for await (const part of parts) {
      const bytes = typeof part === 'string' ? Buffer.from(part) : part;
      if (bytes.length === 0) continue;
      entry.crc = crc32(bytes, entry.crc);
      entry.size += bytes.length;
      const deflated = await deflateRaw(bytes, DEFLATE_OPTIONS);
      entry.compressed += deflated.length;
      yield this.count(deflated);
    }
    entry.compressed += FINAL_EMPTY_BLOCK.length;
    yield this.count(FINAL_EMPTY_BLOCK);
    if (entry.size > MAX_32 || entry.compressed > MAX_32 || this.offset > MAX_32) {
      throw new RangeError(`zip: ${name} is past 4 GiB, which needs ZIP64`);
    }
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc, 4);
    descriptor.writeUInt32LE(entry.compressed, 8);
    descriptor.writeUInt32LE(entry.size, 12);
    this.entries.push(entry);
    yield this.count(descriptor);
  }

  /** The central directory and its end record, after the last entry. */
  end(): Uint8Array {
    const start = this.offset;
    const headers = this.entries.map(centralHeader);
    const size = headers.reduce((sum, h) => sum + h.length, 0);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    return this.count(Buffer.concat([...headers, end]));
  }

  private count<T extends Uint8Array>(bytes: T): T {
    this.offset += bytes.length;
    return bytes;
  }
}

function localHeader(name: Buffer): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(FLAG_DATA_DESCRIPTOR, 6);
  header.writeUInt16LE(DEFLATE, 8);
  header.writeUInt16LE(DOS_TIME, 10);
  header.writeUInt16LE(DOS_DATE, 12);
  // CRC and sizes (14–25) stay zero: they follow in the data descriptor.
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
}

function centralHeader(entry: Entry): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(VERSION, 6);
  header.writeUInt16LE(FLAG_DATA_DESCRIPTOR, 8);
  header.writeUInt16LE(DEFLATE, 10);
  header.writeUInt16LE(DOS_TIME, 12);
  header.writeUInt16LE(DOS_DATE, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.compressed, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt32LE(entry.offset, 42);
  return Buffer.concat([header, entry.name]);
}
