import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where a killed import stands: everything before `offset` / `record` is committed, with these counts. */
export interface Checkpoint {
  readonly version: 1;
  readonly file: string;
  /** Byte offset of the first record not yet committed (a record boundary). */
  readonly offset: number;
  /** 0-based number of that record (lines for NDJSON, records after the header for CSV, features for GeoJSON). */
  readonly record: number;
  readonly received: number;
  readonly stored: number;
  readonly quarantined: number;
  readonly duplicate: number;
  /** Quarantine reasons so far: code → count. */
  readonly reasons: Record<string, number>;
  /** Warnings so far (rows imported but odd): name → count. */
  readonly warnings: Record<string, number>;
}

/**
 * The checkpoint file of one import: `<dataDir>/import-checkpoints/<sha256(absolute path, size, mtime)>.json`. A file
 * changed since the checkpoint was written has another key, so a stale checkpoint is never applied to it.
 */
export class CheckpointFile {
  readonly path: string;
  readonly #dir: string;

  constructor(dataDir: string, file: string) {
    const abs = resolve(file);
    const st = statSync(abs);
    const key = createHash('sha256').update(`${abs}\0${st.size}\0${st.mtimeMs}`).digest('hex');
    this.#dir = join(dataDir, 'import-checkpoints');
    this.path = join(this.#dir, `${key}.json`);
  }

  /** The checkpoint, or undefined when there is none (or it cannot be read, in which case the import starts over). */
  read(): Checkpoint | undefined {
    try {
      const cp = JSON.parse(readFileSync(this.path, 'utf8')) as Checkpoint;
      return cp.version === 1 && Number.isSafeInteger(cp.offset) && Number.isSafeInteger(cp.record) ? cp : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes a temporary file and renames it over the checkpoint, so that a kill never leaves half a checkpoint. */
  write(cp: Checkpoint): void {
    mkdirSync(this.#dir, { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cp));
    renameSync(tmp, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
