/**
 * Splits a loaded document into retrievable chunks along its structure: Markdown headings and the
 * units of Vietnamese legal texts (Phần, Phụ lục, Chương, Mục, Điều, Khoản, Điểm).
 *
 * Rules (see knowledge/README.md):
 * - Legal texts: one chunk per Điều when it fits `maxChars`; a longer Điều is split at its Khoản, a longer
 *   Khoản at its Điểm, anything still too long at numbered items, paragraphs, lines, sentences, then
 *   words (never inside a word). Phần / Chương / Mục only group Điều: they appear in `path`, not in citations.
 * - Markdown guides: text before the first `##` is the intro chunk; then one chunk per `##` section with its
 *   `###` sub-sections when the whole fits, otherwise one chunk per `###`, then as above. A heading that starts
 *   with a legal unit (`## Điều 121. …`) is that unit.
 * - Splitting is per unit, with one packing rule: a piece shorter than `minChars` is merged into the previous
 *   piece of the same parent (the next one for the parent's own lead text, e.g. "Hồ sơ gồm:") when the result
 *   still fits. Merged Khoản or Điểm are cited as a range: "…, Điều 5, Khoản 1-3".
 */
import {
  UNIT_WORD,
  diemIndex,
  docTypeWord,
  isDecorativeLine,
  isMostlyUpperCase,
  isNoiNhanLine,
  parseDiemLine,
  parseKhoanLine,
  parseStructuralLine,
  unitHeadingText,
  unitLabel,
  type StructuralHeading,
  type StructuralKind,
} from './legal-structure.js';
import type { Chunk, DocumentMeta, LoadedDocument } from './types.js';

/** Options of {@link chunkDocument}. */
export interface ChunkOptions {
  /** Longest chunk text, in characters (default 1400). Only a single word longer than this can exceed it. */
  maxChars?: number;
  /** Pieces shorter than this are merged into a neighbour of the same unit when they fit (default 200). */
  minChars?: number;
}

const DEFAULT_MAX_CHARS = 1400;
const DEFAULT_MIN_CHARS = 200;

type NodeKind = 'root' | 'heading' | StructuralKind | 'khoan' | 'diem' | 'noinhan';

interface Node {
  kind: NodeKind;
  parent: Node | null;
  /** Markdown heading depth (1–6); 0 for nodes that come from plain lines. */
  depth: number;
  /** Legal rank: phần, phụ lục, nơi nhận 1; chương 2; mục 3; điều 4; khoản 5; điểm 6; 0 for non-legal nodes. */
  rank: number;
  /** Path element: "Chương II. …", "Điều 5. Hồ sơ …", "Khoản 2", "Điểm a", a Markdown heading's text. */
  label: string;
  /** Number or letter of a khoản / điểm ("2", "a"), used for ranges. */
  num: string;
  /** Citation part of a cited legal unit: "Phụ lục I", "Điều 5", "Khoản 2", "Điểm a". */
  cite: string | undefined;
  /** The node's first line as text (no `#` markers); shown when the node is nested in a bigger chunk. */
  headText: string;
  /** True when the first line is body text (khoản, điểm, "Nơi nhận:"), not a heading. */
  headIsBody: boolean;
  /** A Markdown heading above the section level (the document's `#` title): not in paths or citations. */
  titleLevel: boolean;
  lines: string[];
  children: Node[];
  lastKhoan: number;
  lastDiem: number;
}

const RANK: Record<StructuralKind | 'khoan' | 'diem' | 'noinhan', number> = {
  phan: 1,
  phuluc: 1,
  noinhan: 1,
  chuong: 2,
  muc: 3,
  dieu: 4,
  khoan: 5,
  diem: 6,
};

function newNode(kind: NodeKind, label: string, headText: string): Node {
  return {
    kind,
    parent: null,
    depth: 0,
    rank: kind === 'root' || kind === 'heading' ? 0 : RANK[kind],
    label,
    num: '',
    cite: undefined,
    headText,
    headIsBody: kind === 'khoan' || kind === 'diem' || kind === 'noinhan',
    titleLevel: false,
    lines: [],
    children: [],
    lastKhoan: 0,
    lastDiem: -1,
  };
}

function structuralNode(heading: StructuralHeading, headText: string): Node {
  const node = newNode(heading.kind, unitHeadingText(heading), headText);
  if (heading.kind === 'dieu' || heading.kind === 'phuluc') node.cite = unitLabel(heading);
  return node;
}

const CONTAINER_KINDS: ReadonlySet<NodeKind> = new Set(['phan', 'chuong', 'muc']);

function isContainer(node: Node): boolean {
  return node.kind === 'root' || node.titleLevel || CONTAINER_KINDS.has(node.kind);
}

// ---------------------------------------------------------------------------------------------
// Parsing

const MD_HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/u;
const FENCE = /^ {0,3}(```|~~~)/u;

function parseMarkdownHeading(line: string): { depth: number; text: string } | null {
  const m = MD_HEADING.exec(line);
  if (!m) return null;
  const text = m[2]!.replace(/^(\*\*|__)(.+)\1$/u, '$2').trim();
  return text ? { depth: m[1]!.length, text } : null;
}

/** `##` sections, unless the document uses several `#` headings and no `##` (then `#` are the sections). */
function sectionDepth(lines: string[]): number {
  let h1 = 0;
  let h2 = 0;
  let fence = false;
  for (const line of lines) {
    if (FENCE.test(line)) fence = !fence;
    if (fence) continue;
    const h = parseMarkdownHeading(line);
    if (h?.depth === 1) h1 += 1;
    if (h?.depth === 2) h2 += 1;
  }
  return h1 >= 2 && h2 === 0 ? 1 : 2;
}

/** Upper-case lines right after a Phần/Chương/Mục/Phụ lục heading with no title of its own are its title. */
function takeTitleLines(lines: string[], from: number): { title: string; next: number } {
  let i = from;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const parts: string[] = [];
  let last = from - 1;
  for (; i < lines.length && parts.length < 3; i++) {
    const line = lines[i]!.trim();
    if (line === '' || isDecorativeLine(line) || parseStructuralLine(line) || parseKhoanLine(line) !== null) break;
    if (isNoiNhanLine(line) || line.startsWith('#') || !isMostlyUpperCase(line)) break;
    parts.push(line);
    last = i;
  }
  return { title: parts.join(' '), next: last + 1 };
}

function parse(body: string, markdown: boolean): Node {
  const root = newNode('root', '', '');
  const stack: Node[] = [root];
  const lines = body.split('\n');
  const sectionLevel = markdown ? sectionDepth(lines) : 2;
  let fence = false;

  const top = (): Node => stack[stack.length - 1]!;
  const push = (node: Node): void => {
    node.parent = top();
    top().children.push(node);
    stack.push(node);
  };
  const withTitle = (node: Node, heading: StructuralHeading, i: number): number => {
    if (heading.title !== '' || heading.kind === 'dieu') return i;
    const { title, next } = takeTitleLines(lines, i + 1);
    if (!title) return i;
    node.label = unitHeadingText({ ...heading, title });
    node.headText = `${node.headText}\n${title}`;
    return next - 1;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\s+$/u, '');
    if (markdown && FENCE.test(line)) {
      fence = !fence;
      top().lines.push(line);
      continue;
    }
    if (fence) {
      top().lines.push(line);
      continue;
    }
    if (isDecorativeLine(line)) continue;

    const md = markdown ? parseMarkdownHeading(line) : null;
    if (md) {
      const legal = parseStructuralLine(md.text);
      const node = legal ? structuralNode(legal, md.text) : newNode('heading', md.text, md.text);
      node.depth = md.depth;
      node.titleLevel = !legal && md.depth < sectionLevel;
      // Markdown nesting by depth; a legal heading also nests under a higher legal unit at the same depth
      // (`## Chương VII` then `## Điều 121.`).
      const rank = node.rank;
      const keeps = (t: Node): boolean =>
        (t.depth > 0 && t.depth < md.depth) || (rank > 0 && t.rank > 0 && t.rank < rank && t.depth <= md.depth);
      while (stack.length > 1 && !keeps(top())) stack.pop();
      push(node);
      if (legal) i = withTitle(node, legal, i);
      continue;
    }

    const legal = parseStructuralLine(line);
    if (legal) {
      const node = structuralNode(legal, line.trim());
      while (stack.length > 1 && top().rank > 0 && top().rank >= node.rank) stack.pop();
      push(node);
      i = withTitle(node, legal, i);
      continue;
    }

    if (isNoiNhanLine(line)) {
      const node = newNode('noinhan', 'Nơi nhận', line.trim());
      while (stack.length > 1 && top().rank > 0) stack.pop();
      push(node);
      continue;
    }

    const khoan = parseKhoanLine(line);
    if (khoan !== null) {
      const at = enclosing(stack, ['dieu'], ['khoan', 'diem']);
      const dieu = at >= 0 ? stack[at]! : undefined;
      if (dieu && (dieu.lastKhoan === 0 ? khoan === 1 : khoan > dieu.lastKhoan && khoan <= dieu.lastKhoan + 2)) {
        stack.length = at + 1;
        dieu.lastKhoan = khoan;
        const node = newNode('khoan', `${UNIT_WORD.khoan} ${khoan}`, line.trim());
        node.num = String(khoan);
        node.cite = node.label;
        push(node);
        continue;
      }
    }

    const diem = parseDiemLine(line);
    if (diem !== null) {
      const at = enclosing(stack, ['khoan', 'dieu'], ['diem']);
      const owner = at >= 0 ? stack[at]! : undefined;
      const index = diemIndex(diem);
      if (owner && (owner.lastDiem < 0 ? index === 0 : index > owner.lastDiem && index <= owner.lastDiem + 2)) {
        stack.length = at + 1;
        owner.lastDiem = index;
        const node = newNode('diem', `${UNIT_WORD.diem} ${diem}`, line.trim());
        node.num = diem;
        node.cite = node.label;
        push(node);
        continue;
      }
    }

    top().lines.push(line);
  }
  return root;
}

/** Index in `stack` of the nearest node of a `wanted` kind with only `skipped` kinds above it, or -1. */
function enclosing(stack: Node[], wanted: NodeKind[], skipped: NodeKind[]): number {
  for (let i = stack.length - 1; i > 0; i--) {
    const kind = stack[i]!.kind;
    if (wanted.includes(kind)) return i;
    if (!skipped.includes(kind)) return -1;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** Trailing spaces removed, runs of blank lines collapsed to one, outer blank lines trimmed. */
function clean(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+$/u, ''))
    .join('\n')
    .replace(/\n{3,}/gu, '\n\n')
    .replace(/^\n+|\n+$/gu, '');
}

/** True when the node or anything under it has text besides heading lines. */
function hasBody(node: Node): boolean {
  return (node.headIsBody && node.headText.trim() !== '') || node.lines.some((l) => l.trim() !== '') || node.children.some(hasBody);
}

/** The node's own text: its first line when that is body text (or when nested), then its own lines. */
function ownText(node: Node, nested: boolean): string {
  const own = clean(node.lines.join('\n'));
  if (node.kind === 'root' || !(nested || node.headIsBody)) return own;
  return own ? `${node.headText}\n${own}` : node.headText;
}

/**
 * The node and everything under it as text. As a chunk of its own (`nested` false) a heading line is left
 * out; nested headings are kept as plain lines after a blank line. Sections without body text are skipped.
 */
function render(node: Node, nested: boolean): string {
  if (!hasBody(node)) return '';
  const parts = [ownText(node, nested)];
  for (const child of node.children) {
    const text = render(child, true);
    if (text) parts.push(child.headIsBody ? text : `\n${text}`);
  }
  return clean(parts.filter((p) => p !== '').join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Splitting plain text

/** Boundaries tried in order, as zero-width patterns: the text is cut at each match. */
const TEXT_BOUNDARIES: RegExp[] = [
  /(?=^ {0,3}\d{1,3}\.\s)/mu, // numbered items (khoản-like)
  /(?=^ {0,3}[a-zđ]\)\s)/mu, // lettered points (điểm-like)
  /(?<=\n[ \t]*\n)(?=[^\n])/u, // paragraphs
  /(?<=\n)(?=[^\n])/u, // lines
  /(?<=[.!?…;]["”’)\]]*\s)(?=\S)/u, // sentences
  /(?<=[,:]\s)(?=\S)/u, // clauses
  /(?<=\s)(?=\S)/u, // words
];

/** A segment that ends on a lead-in ("Hồ sơ gồm:") is packed as one with the segment it introduces. */
function glueLeadIns(segments: string[]): string[] {
  const out: string[] = [];
  for (const segment of segments) {
    const last = out[out.length - 1];
    if (last !== undefined && /:\s*$/u.test(last) && segment.trim() !== '') out[out.length - 1] = last + segment;
    else out.push(segment);
  }
  return out;
}

/**
 * Splits text into pieces of at most `maxChars` at the first boundary level that has any boundary, packing
 * consecutive segments greedily. A last piece shorter than `minChars` takes segments from the piece before it.
 */
function splitText(text: string, maxChars: number, minChars: number, level = 0): string[] {
  if (text.trim().length <= maxChars) return text.trim() ? [text.trim()] : [];
  const boundary = TEXT_BOUNDARIES[level];
  if (!boundary) return [text.trim()]; // a single word longer than maxChars
  const segments = glueLeadIns(text.split(boundary));
  if (segments.length < 2) return splitText(text, maxChars, minChars, level + 1);

  const size = (group: string[]): number => group.join('').trim().length;
  const out: (string[] | string)[] = []; // groups of segments, or finished pieces of an over-long segment
  let current: string[] = [];
  const flush = (): void => {
    if (size(current) > 0) out.push(current);
    current = [];
  };
  for (const segment of segments) {
    if (segment.trim().length > maxChars) {
      flush();
      out.push(...splitText(segment, maxChars, minChars, level + 1));
    } else if (size([...current, segment]) <= maxChars) {
      current.push(segment);
    } else {
      flush();
      current = [segment];
    }
  }
  flush();

  // A lead-in ("Hồ sơ gồm:") goes with the list it introduces, never alone at the end of a piece.
  for (let i = 0; i < out.length - 1; i++) {
    const group = out[i];
    const next = out[i + 1]!;
    if (!Array.isArray(group) || !/:\s*$/u.test(group[group.length - 1]!)) continue;
    const leadIn = group[group.length - 1]!;
    const joined = Array.isArray(next) ? size([leadIn, ...next]) : leadIn.trim().length + 1 + next.length;
    if (joined > maxChars) continue; // the check (trolyxa check) reports it for the author to fix
    group.pop();
    if (Array.isArray(next)) next.unshift(leadIn);
    else out[i + 1] = `${leadIn.trim()}\n${next}`;
    if (group.length === 0 || size(group) === 0) out.splice(i--, 1);
  }

  const last = out[out.length - 1];
  const prev = out[out.length - 2];
  if (Array.isArray(last) && Array.isArray(prev)) {
    while (size(last) < minChars && prev.length > 1 && size([prev[prev.length - 1]!, ...last]) <= maxChars) {
      last.unshift(prev.pop()!);
    }
  }
  return out.map((piece) => (Array.isArray(piece) ? piece.join('').trim() : piece));
}

// ---------------------------------------------------------------------------------------------
// Chunking

interface Piece {
  /** The node the piece belongs to (its citation and path). */
  node: Node;
  /** Set when the piece covers several consecutive khoản or điểm of `node`: "Khoản 1-3". */
  range?: string;
  text: string;
}

interface Member {
  text: string;
  /** Text of a child when it shares a piece with others (its heading line included). */
  nestedText: string;
  child?: Node;
}

type Slot = { kind: 'group'; members: Member[] } | { kind: 'fixed'; pieces: Piece[] };

function groupText(members: Member[]): string {
  if (members.length === 1) return members[0]!.text;
  return clean(members.map((m) => m.nestedText).join('\n'));
}

function groupPiece(node: Node, members: Member[]): Piece {
  const text = groupText(members);
  const children = members.flatMap((m) => (m.child ? [m.child] : []));
  const first = children[0];
  const last = children[children.length - 1];
  if (!first || !last) return { node, text };
  const legalItems = first.kind === 'khoan' || first.kind === 'diem';
  if (children.length === 1 && (legalItems || members.length === 1)) return { node: first, text };
  if (legalItems && children.every((c) => c.kind === first.kind)) {
    const word = UNIT_WORD[first.kind as 'khoan' | 'diem'];
    return { node, range: `${word} ${first.num}-${last.num}`, text };
  }
  return { node, text };
}

interface Context {
  maxChars: number;
  minChars: number;
  /** The document title, to recognise a `#` heading that repeats it. */
  title: string;
}

function chunkNode(node: Node, ctx: Context): Piece[] {
  if (isContainer(node)) {
    const pieces: Piece[] = [];
    let own = ownText(node, false);
    // A `#` title that differs from the front matter title is text worth keeping in the intro chunk.
    if (node.titleLevel && !sameText(node.headText, ctx.title)) own = clean(`${node.headText}\n${own}`);
    for (const text of splitText(own, ctx.maxChars, ctx.minChars)) pieces.push({ node, text });
    for (const child of node.children) pieces.push(...chunkNode(child, ctx));
    return pieces;
  }
  const whole = render(node, false);
  if (!whole) return [];
  if (whole.length <= ctx.maxChars) return [{ node, text: whole }];
  return splitUnit(node, ctx);
}

function splitUnit(node: Node, ctx: Context): Piece[] {
  const { maxChars, minChars } = ctx;
  const slots: Slot[] = [];
  for (const text of splitText(ownText(node, false), maxChars, minChars)) {
    slots.push({ kind: 'group', members: [{ text, nestedText: text }] });
  }
  const leads = slots.length;
  for (const child of node.children) {
    const whole = render(child, false);
    if (!whole) continue;
    if (whole.length <= maxChars) {
      slots.push({ kind: 'group', members: [{ text: whole, nestedText: render(child, true), child }] });
    } else {
      slots.push({ kind: 'fixed', pieces: chunkNode(child, ctx) });
    }
  }

  // The unit's own text ending on a lead-in ("…, UBND cấp xã:") goes with the first item it introduces
  // when they fit together (otherwise `trolyxa check` reports it for the author to fix).
  for (let i = leads - 1; i >= 0 && i + 1 < slots.length; i--) {
    const slot = slots[i]!;
    const next = slots[i + 1]!;
    if (slot.kind !== 'group' || !/:\s*$/u.test(groupText(slot.members))) continue;
    if (next.kind === 'group' && groupText([...slot.members, ...next.members]).length <= maxChars) {
      next.members = [...slot.members, ...next.members];
      slots.splice(i, 1);
    }
  }

  // Merge pieces shorter than minChars into a neighbour group (never into an already split unit).
  const fits = (a: Member[], b: Member[]): boolean => groupText([...a, ...b]).length <= maxChars;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    if (slot.kind !== 'group' || groupText(slot.members).length >= minChars) continue;
    const prev = slots[i - 1];
    const next = slots[i + 1];
    const isLead = i < leads;
    const intoNext = (): boolean => {
      if (next?.kind !== 'group' || !fits(slot.members, next.members)) return false;
      next.members = [...slot.members, ...next.members];
      slots.splice(i, 1);
      i -= 1;
      return true;
    };
    const intoPrev = (): boolean => {
      if (prev?.kind !== 'group' || !fits(prev.members, slot.members)) return false;
      prev.members = [...prev.members, ...slot.members];
      slots.splice(i, 1);
      i -= 1;
      return true;
    };
    if (isLead) {
      if (!intoNext()) intoPrev();
    } else if (!intoPrev()) {
      intoNext();
    }
  }

  return slots.flatMap((slot) => (slot.kind === 'fixed' ? slot.pieces : [groupPiece(node, slot.members)]));
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string): string => s.replace(/\s+/gu, ' ').trim().toLocaleLowerCase('vi');
  return norm(a) === norm(b);
}

// ---------------------------------------------------------------------------------------------
// Citations, paths and headings

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The short label at the head of every citation of a document: `citation`, else the type word and number
 * ("Nghị định 131/2021/NĐ-CP" from `doc_type: nghi-dinh` + `doc_number`), else `doc_number` (only when no
 * `doc_type` is given: a procedure guide's doc_number names its legal basis, not the guide), else `title`.
 *
 * @example citationLabel({ ...meta, citation: undefined, doc_type: 'nghi-dinh', doc_number: '131/2021/NĐ-CP' })
 * // 'Nghị định 131/2021/NĐ-CP'
 */
export function citationLabel(meta: Pick<DocumentMeta, 'title' | 'citation' | 'doc_number' | 'doc_type' | 'id'>): string {
  const citation = text(meta.citation);
  if (citation) return citation;
  const docNumber = text(meta.doc_number);
  const docType = text(meta.doc_type);
  const word = docTypeWord(docType);
  if (docNumber && word) return `${word} ${docNumber}`;
  if (docNumber && !docType) return docNumber;
  return text(meta.title) ?? text(meta.id) ?? '';
}

/** Nodes from the document root down to `node`, without the root and the document-title heading. */
function pathNodes(node: Node): Node[] {
  const nodes: Node[] = [];
  for (let n: Node | null = node; n && n.kind !== 'root'; n = n.parent) {
    if (!n.titleLevel) nodes.unshift(n);
  }
  return nodes;
}

function citationOf(label: string, nodes: Node[], range: string | undefined): string {
  let citation = label;
  for (const n of nodes) {
    if (n.cite) citation += `, ${n.cite}`;
    else if (n.kind === 'heading') citation += ` › ${n.label}`;
  }
  return range ? `${citation}, ${range}` : citation;
}

function headingOf(title: string, nodes: Node[]): string {
  let titled = nodes.filter((n) => n.kind !== 'khoan' && n.kind !== 'diem');
  const dieu = titled.map((n) => n.kind).lastIndexOf('dieu');
  if (dieu >= 0) titled = titled.slice(dieu);
  return [title, ...titled.map((n) => n.label)].filter((s) => s !== '').join(' — ');
}

/**
 * Splits a document into chunks with citations, paths and headings (see the module comment for the rules).
 *
 * @example
 * chunkDocument(doc)[1]
 * // { id: 'nd-131-2021#1', citation: 'Nghị định 131/2021/NĐ-CP, Điều 5, Khoản 2', path: ['Chương II', 'Điều 5. Hồ sơ …', 'Khoản 2'],
 * //   heading: 'Nghị định 131/2021/NĐ-CP … — Điều 5. Hồ sơ …', text: '2. Hồ sơ gồm: …', … }
 */
export function chunkDocument(doc: LoadedDocument, options: ChunkOptions = {}): Chunk[] {
  const maxChars = Math.max(1, options.maxChars ?? DEFAULT_MAX_CHARS);
  const minChars = Math.min(options.minChars ?? DEFAULT_MIN_CHARS, maxChars);
  const label = citationLabel(doc.meta);
  const title = text(doc.meta.title) ?? label;
  const root = parse(doc.body.replace(/\r\n?/gu, '\n'), doc.format === 'markdown');

  return chunkNode(root, { maxChars, minChars, title })
    .filter((piece) => piece.text.trim() !== '')
    .map((piece, ordinal): Chunk => {
      const nodes = pathNodes(piece.node);
      const path = nodes.map((n) => n.label);
      if (piece.range) path.push(piece.range);
      return {
        id: `${doc.meta.id}#${ordinal}`,
        docId: doc.meta.id,
        ordinal,
        citation: citationOf(label, nodes, piece.range),
        path,
        heading: headingOf(title, nodes),
        text: piece.text,
      };
    });
}
