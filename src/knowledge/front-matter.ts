/**
 * YAML metadata (Markdown front matter and `.meta.yaml` sidecars) read safely: YAML only (never the
 * JavaScript that gray-matter evaluates after `---js`), at most {@link MAX_FRONT_MATTER_BYTES}, and no
 * aliases (`&a` … `*a`), which let a few hundred bytes stand for gigabytes once the data is copied,
 * validated or stored ("billion laughs").
 */
import matter from 'gray-matter';
import { parseDocument, visit } from 'yaml';
import { megabytes } from './load-error.js';

/** Front matter and sidecars larger than this are refused. */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;

/**
 * Thrown by the YAML engine for text it refuses to parse; the loader turns it into a refusal, its
 * `reason` (in Vietnamese) following what was refused: "phần thông tin đầu tệp (front matter) dài 65 KB…".
 */
export class YamlRefusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'YamlRefusal';
  }
}

interface Engine {
  parse(input: string): object;
}

/** gray-matter's own YAML engine (js-yaml's safeLoad), which keeps its date and 1.1 rules. */
const JS_YAML = (matter as unknown as { engines: { yaml: Engine } }).engines.yaml;

function refuseLanguage(): never {
  throw new YamlRefusal('chỉ được viết bằng YAML: dòng đầu tiên phải đúng là “---”');
}

/** gray-matter options: the checked YAML engine, and every other language refused. */
export const SAFE_MATTER_OPTIONS = {
  language: 'yaml',
  engines: {
    yaml: { parse: (input: string) => safeYaml(input) },
    javascript: { parse: refuseLanguage },
    coffee: { parse: refuseLanguage },
    json: { parse: refuseLanguage },
  },
};

/** Text that gray-matter would read as front matter of another language (`---js`, `---coffee`, …). */
export function hasForeignLanguage(text: string): boolean {
  return /^---[ \t]*[^\s-]/u.test(text);
}

/**
 * Parses YAML metadata after checking its size and that it has no alias, then walks the result once
 * more (defence in depth: should the two parsers ever disagree on what an alias is, a shared object or
 * an outsized result is still refused).
 *
 * @throws {YamlRefusal} too large, an alias, or a result far larger than its text.
 */
export function safeYaml(input: string): object {
  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes > MAX_FRONT_MATTER_BYTES) {
    throw new YamlRefusal(
      `dài ${kilobytes(bytes)}, vượt giới hạn ${kilobytes(MAX_FRONT_MATTER_BYTES)}`,
    );
  }
  const alias = firstAlias(input);
  if (alias) {
    throw new YamlRefusal(
      `dùng bí danh YAML (${alias}); hệ thống không nhận bí danh (& và *) vì chúng có thể làm dữ liệu phình to bất thường — hãy viết thẳng từng giá trị`,
    );
  }
  const data = JS_YAML.parse(input);
  checkDataSize(data, bytes);
  return data;
}

function kilobytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? megabytes(bytes) : `${Math.ceil(bytes / 1024)} KB`;
}

/** The first alias (`*name`) of the YAML text, or undefined. Parsing without resolving aliases costs no more than the text. */
function firstAlias(input: string): string | undefined {
  if (!input.includes('*')) return undefined;
  let found: string | undefined;
  visit(parseDocument(input, { version: '1.1', uniqueKeys: false }), {
    Alias(_key, node) {
      found = `*${node.source}`;
      return visit.BREAK;
    },
  });
  return found;
}

/** Metadata nested deeper than this is refused (the store and the pages walk it recursively). */
export const MAX_METADATA_DEPTH = 32;

/**
 * Refuses parsed metadata that holds the same object twice (what an alias makes), nests deeper than
 * {@link MAX_METADATA_DEPTH}, or whose strings and nodes far outgrow the text they came from. Stops as
 * soon as a limit is passed.
 *
 * @throws {YamlRefusal}
 */
export function checkDataSize(data: unknown, textBytes: number): void {
  const maxNodes = textBytes + 16;
  const maxChars = 2 * textBytes + 16;
  const seen = new Set<object>();
  const stack: { value: unknown; depth: number }[] = [{ value: data, depth: 0 }];
  let nodes = 0;
  let chars = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    nodes += 1;
    if (typeof value === 'string') chars += value.length;
    else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
      if (seen.has(value)) throw new YamlRefusal('dùng lại một nhóm giá trị nhiều lần (bí danh YAML); hãy viết thẳng từng giá trị');
      if (depth >= MAX_METADATA_DEPTH) throw new YamlRefusal(`lồng nhau quá ${MAX_METADATA_DEPTH} cấp`);
      seen.add(value);
      for (const [key, child] of Object.entries(value)) {
        chars += key.length;
        stack.push({ value: child, depth: depth + 1 });
      }
    }
    if (nodes > maxNodes || chars > maxChars) {
      throw new YamlRefusal('phình to bất thường khi đọc (có thể là tệp độc hại)');
    }
  }
}
