import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { CheckpointFile } from '../../adapters/import-checkpoint.ts';
import { type FileFormat, importFile } from '../../adapters/import-file.ts';
import { checkMapping, type ImportKind, type Mapping } from '../../ingest/mapping.ts';
import { DomainError } from '../../shared/errors.ts';
import { resolveDataDir } from '../paths.ts';
import { type RuntimeFlags, withRuntime, withRuntimeFlags } from '../shared.ts';

interface ImportFlags extends RuntimeFlags {
  format?: string;
  kind?: string;
  mapping?: string;
  col: string[];
  const: string[];
  service: string[];
  fallbackService?: string;
  tsFormat?: string;
  tz?: string;
  source?: string;
  batch?: number;
  parseAhead: 'auto' | 'always' | 'never';
  resume: boolean;
}

const collect = (v: string, acc: string[]): string[] => [...acc, v];

/**
 * `gridloop import FILE [--format ndjson|csv|geojson] [--kind readings|reports] [--mapping FILE.yaml | --col
 * field=Column … --ts-format FMT --tz ZONE] [--source NAME]`: imports a file through the ingest pipeline, with a
 * progress bar on a terminal, a checkpoint to resume a killed import, and a JSON summary on stdout.
 */
export function importCommand(program: Command): void {
  withRuntimeFlags(
    program
      .command('import')
      .description('import readings or reports from an NDJSON, CSV or GeoJSON file (resumes a killed import)')
      .argument('<file>', 'the file')
      .option('--format <format>', 'ndjson | csv | geojson (default from the extension)')
      .option('--kind <kind>', 'readings | reports (default the mapping’s, else readings)')
      .option('--mapping <file>', 'a column mapping (YAML; see mappings/)')
      .option('--col <field=Column>', 'map a target field to a column (repeat; description may repeat)', collect, [])
      .option('--const <field=value>', 'a fixed value for a target field (repeat)', collect, [])
      .option('--service <Type=code>', 'map a source type to a service code (repeat)', collect, [])
      .option('--fallback-service <code>', 'service code for types not mapped (else quarantined)')
      .option('--ts-format <format>', 'e.g. "YYYY-MM-DD HH:mm:ss", "MM/DD/YYYY hh:mm:ss A" (default ISO 8601)')
      .option('--tz <zone>', 'IANA time zone of zone-less times (default UTC)')
      .option('--source <name>', 'source name (default the mapping’s, else import:<file name>)')
      .option('--batch <n>', 'records per transaction and checkpoint (default and most 50000)', (v) =>
        Number.parseInt(v, 10),
      )
      .addOption(
        new Option('--parse-ahead <mode>', 'NDJSON readings: parse in a worker thread, one batch ahead of the writer')
          .choices(['auto', 'always', 'never'])
          .default('auto'),
      )
      .option('--no-resume', 'start over even if a checkpoint exists'),
  ).action(async (file: string, o: ImportFlags) => {
    const format = parseFormat(o.format, file);
    const mapping = o.mapping ? loadMapping(o.mapping) : flagMapping(o);
    const kind = parseKind(o.kind ?? mapping?.kind ?? 'readings');
    if (mapping && mapping.kind !== kind) {
      throw new DomainError('REQUEST_INVALID', `the mapping is for ${mapping.kind}, not ${kind}`);
    }
    const source = o.source ?? mapping?.source ?? `import:${basename(file)}`;
    const checkpoint = new CheckpointFile(resolveDataDir(o.data), file);
    if (!o.resume) checkpoint.remove();
    const bar = process.stderr.isTTY
      ? new SingleBar({
          stream: process.stderr,
          format:
            ' {bar} {percentage}% | {rate} records/s | ETA {eta_formatted} | {stored} stored, {quarantined} quarantined, {duplicate} duplicate',
          hideCursor: true,
        })
      : undefined;
    await withRuntime(o, async (rt) => {
      const started = performance.now();
      const summary = await importFile(file, rt, {
        format,
        kind,
        source,
        checkpoint,
        ...(mapping ? { mapping } : {}),
        ...(o.batch ? { batchSize: o.batch } : {}),
        parseAhead: o.parseAhead,
        onResume: (cp) =>
          console.error(`gridloop: resuming ${file} at record ${cp.record} (byte ${cp.offset}) from a checkpoint`),
        onProgress: (done, total, s) => {
          if (!bar) return;
          const rate = Math.round(s.received / Math.max(0.001, (performance.now() - started) / 1000));
          const payload = { rate, stored: s.stored, quarantined: s.quarantined, duplicate: s.duplicate };
          if (bar.getTotal() !== total) bar.start(total, done, payload);
          else bar.update(done, payload);
        },
      });
      bar?.stop();
      const seconds = Math.round(performance.now() - started) / 1000;
      // The first few refused records by number; `gridloop quarantine list` shows them all.
      const { errors, ...counts } = summary;
      console.log(JSON.stringify({ file, kind, source, ...counts, firstErrors: errors.slice(0, 5), seconds }));
      process.exitCode = summary.quarantined > 0 ? 2 : 0;
    });
  });
}

function parseFormat(f: string | undefined, file: string): FileFormat {
  const ext = extname(file).toLowerCase();
  const v = f ?? (ext === '.csv' ? 'csv' : ext === '.geojson' || ext === '.json' ? 'geojson' : 'ndjson');
  if (v !== 'ndjson' && v !== 'csv' && v !== 'geojson') {
    throw new DomainError('REQUEST_INVALID', `--format must be ndjson, csv or geojson, not ${v}`);
  }
  return v;
}

function parseKind(k: string): ImportKind {
  if (k !== 'readings' && k !== 'reports')
    throw new DomainError('REQUEST_INVALID', `--kind must be readings or reports`);
  return k;
}

/** A mapping file (see mappings/la-311-2020.yaml), checked. */
export function loadMapping(path: string): Mapping {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new DomainError('REQUEST_INVALID', `cannot read the mapping ${path}: ${(e as Error).message}`);
  }
  const m = doc as Mapping;
  if (typeof m !== 'object' || m === null || typeof m.columns !== 'object' || m.columns === null) {
    throw new DomainError('REQUEST_INVALID', `${path}: a mapping needs kind and columns`);
  }
  const problem = checkMapping(m);
  if (problem) throw new DomainError('REQUEST_INVALID', `${path}: ${problem}`);
  return m;
}

/** A mapping from --col/--const/--service flags, or undefined when none is given. */
function flagMapping(o: ImportFlags): Mapping | undefined {
  if (o.col.length === 0 && o.const.length === 0 && o.tsFormat === undefined && o.tz === undefined) return undefined;
  const pairs = (list: string[], flag: string) =>
    list.map((p) => {
      const eq = p.indexOf('=');
      if (eq <= 0) throw new DomainError('REQUEST_INVALID', `${flag} takes field=value, not ${p}`);
      return [p.slice(0, eq), p.slice(eq + 1)] as const;
    });
  const columns: Record<string, string | string[]> = {};
  for (const [f, c] of pairs(o.col, '--col')) {
    const prev = columns[f];
    columns[f] = prev === undefined ? c : [...(typeof prev === 'string' ? [prev] : prev), c];
  }
  const m: Mapping = {
    kind: parseKind(o.kind ?? 'readings'),
    columns,
    constants: Object.fromEntries(pairs(o.const, '--const')),
    services: Object.fromEntries(pairs(o.service, '--service')),
    ...(o.fallbackService ? { fallbackService: o.fallbackService } : {}),
    ...(o.tsFormat ? { timestampFormat: o.tsFormat } : {}),
    ...(o.tz ? { timezone: o.tz } : {}),
  };
  const problem = checkMapping(m);
  if (problem) throw new DomainError('REQUEST_INVALID', problem);
  return m;
}
