import { createHash } from 'node:crypto';
import { CheckpointCorruptError, describeProblem } from '../errors';
import { assertCheckpointShape } from './checkpoint-shape';
import type { Checkpoint } from './checkpoint-store';

/**
 * The on-disk form of one checkpoint: a one-line JSON header carrying the SHA-256 and byte length
 * of the body, a newline, then the checkpoint as JSON. Hashing the exact body bytes (rather than
 * a re-serialisation) means any flipped byte or truncation is caught, whatever JSON.parse makes of it.
 */
const FORMAT = 'dspex-checkpoint';
const FORMAT_VERSION = 1;
const NEWLINE = 0x0a;

interface Header {
  format: string;
  formatVersion: number;
  sha256: string;
  bytes: number;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Encodes a checkpoint as header + body bytes. */
export function encodeCheckpointFile(checkpoint: Checkpoint): Buffer {
  const body = Buffer.from(JSON.stringify(checkpoint), 'utf8');
  const header: Header = { format: FORMAT, formatVersion: FORMAT_VERSION, sha256: sha256(body), bytes: body.length };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), body]);
}

/**
 * Decodes and verifies a checkpoint file.
 * @throws {CheckpointCorruptError} CHECKPOINT_CORRUPT when the header, length, checksum, JSON or shape is wrong.
 */
export function decodeCheckpointFile(bytes: Buffer, file: string, expectedId: string): Checkpoint {
  const corrupt = (problem: string, received: string): never => {
    throw new CheckpointCorruptError(
      describeProblem(`Checkpoint file ${file} is corrupt: ${problem}.`, received, 'It is skipped; the previous good checkpoint is used.'),
      {
        details: { file, id: expectedId, problem },
      },
    );
  };
  const newline = bytes.indexOf(NEWLINE);
  if (newline < 0) return corrupt('no header line', `${bytes.length} bytes`);
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Header;
  } catch {
    return corrupt('unreadable header', `${newline} header bytes`);
  }
  if (header === null || typeof header !== 'object' || header.format !== FORMAT || header.formatVersion !== FORMAT_VERSION) {
    return corrupt('unknown format', JSON.stringify(header));
  }
  const body = bytes.subarray(newline + 1);
  if (body.length !== header.bytes) return corrupt('truncated or extended body', `${body.length} of ${String(header.bytes)} bytes`);
  if (sha256(body) !== header.sha256) return corrupt('checksum mismatch', 'a body whose SHA-256 differs from the header');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return corrupt('unreadable body', 'invalid JSON');
  }
  const checkpoint = assertCheckpointShape(parsed, `file ${file}`);
  if (checkpoint.id !== expectedId) return corrupt('it belongs to another child', JSON.stringify(checkpoint.id));
  return checkpoint;
}
