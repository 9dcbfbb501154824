import { TypeCompiler } from '@sinclair/typebox/compiler';
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument } from 'yaml';
import { DomainError } from '../shared/errors.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { CityDef } from './schema.ts';
import { explainError } from './schema-errors.ts';

const checkCityDef = TypeCompiler.Compile(CityDef);

/**
 * Parses and validates the text of a `city.yaml`. A CITY_INVALID error names the file, the line, the JSON pointer of
 * the offending value (e.g. `/categories/3/deadlines/resolve`) and what is wrong; `details` carries {file, path, line}.
 */
export function parseCityDef(text: string, file: string): Result<CityDef> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const pos = lines.linePos(syntax.pos[0]);
    return err(invalid(file, '', `YAML syntax: ${syntax.message.split('\n')[0]}`, pos.line, pos.col));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // Unresolved or exploding aliases are only found while converting; they are the author's error, not ours.
    return err(invalid(file, '', `YAML: ${e instanceof Error ? e.message : String(e)}`));
  }
  if (checkCityDef.Check(value)) return ok(value);
  const first = checkCityDef.Errors(value).First();
  const problem = first ? explainError(first) : { path: '', message: 'does not match the schema' };
  const node = nodeAt(doc.contents, problem.path);
  const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
  return err(invalid(file, problem.path, problem.message, pos?.line, pos?.col));
}

/** A CITY_INVALID error in the one format every city check uses: `file:line:col at /path: what is wrong`. */
export function invalid(file: string, path: string, message: string, line?: number, col?: number): DomainError {
  const where = line ? `${file}:${line}:${col ?? 1}` : file;
  const details: Record<string, unknown> = { file, path };
  if (line) details.line = line;
  return new DomainError('CITY_INVALID', `${where} at ${path || '/'}: ${message}`, details);
}

/** The deepest YAML node on a JSON pointer, so that an error can point at a line even when the key is missing. */
function nodeAt(root: Node | null, pointer: string): Node | undefined {
  let node: Node | null | undefined = root;
  let found: Node | undefined = root ?? undefined;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(node)) {
      const pair: Pair<unknown, unknown> | undefined = node.items.find((p) => keyText(p.key) === key);
      node = pair ? ((pair.value as Node | null) ?? (pair.key as Node)) : undefined;
    } else if (isSeq(node)) {
      node = node.items[Number(key)] as Node | undefined;
    } else {
      node = undefined;
    }
    if (!node) break;
    found = node;
  }
  return found;
}

const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));
