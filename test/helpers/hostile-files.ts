/**
 * Hostile documents built in memory, small on disk, for the upload and ingest tests: zip bombs shaped
 * like a .docx, a .docx honestly declaring tens of MiB of paragraphs, YAML "billion laughs" front matter,
 * and PDFs whose stream inflates to gigabytes.
 */
import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

const MiB = 1024 * 1024;
const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

// ── zip ─────────────────────────────────────────────────────────────────────────────────────────────

export interface ZipPart {
  name: string;
  deflated: Buffer;
  crc: number;
  size: number;
}

/** Deflates (level 9) a sequence of chunks as one stream, without ever holding the whole input. */
export async function deflatePart(name: string, chunks: Iterable<Buffer>): Promise<ZipPart> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  let crc = 0;
  let size = 0;
  for (const chunk of chunks) {
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await ended;
  return { name, deflated: Buffer.concat(out), crc, size };
}

/** A zip archive (local headers, data, central directory); `declare` may state other uncompressed sizes. */
export function zipArchive(parts: readonly ZipPart[], declare: (part: ZipPart) => number = (p) => p.size): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(part.crc >>> 0, 14);
    local.writeUInt32LE(part.deflated.length, 18);
    local.writeUInt32LE(declare(part), 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(part.crc >>> 0, 16);
    entry.writeUInt32LE(part.deflated.length, 20);
    entry.writeUInt32LE(declare(part), 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, part.deflated);
    central.push(entry, name);
    offset += local.length + name.length + part.deflated.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The parts of a real .docx (content types, relationships) around the given word/document.xml. */
export async function docxParts(documentXml: Iterable<Buffer>): Promise<ZipPart[]> {
  return [
    await deflatePart('[Content_Types].xml', [
      Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
    ]),
    await deflatePart('_rels/.rels', [
      Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      ),
    ]),
    await deflatePart('word/document.xml', documentXml),
  ];
}

/** word/document.xml made of `paragraph` repeated until the body holds `mib` MiB, yielded in pieces of about 1 MiB. */
export function* repeatedParagraphsXml(mib: number, paragraph: string): Generator<Buffer> {
  yield Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>`);
  const unit = Buffer.byteLength(paragraph);
  const perBlock = Math.max(1, Math.floor(MiB / unit));
  const block = Buffer.from(paragraph.repeat(perBlock));
  let left = Math.floor((mib * MiB) / unit);
  for (; left >= perBlock; left -= perBlock) yield block;
  if (left > 0) yield Buffer.from(paragraph.repeat(left));
  yield Buffer.from('</w:body></w:document>');
}

/** An honest .docx (it declares its real sizes) whose document is `mib` MiB of the given paragraph. */
export async function paragraphsDocx(mib: number, paragraph = '<w:p><w:r><w:t>a</w:t></w:r></w:p>'): Promise<Buffer> {
  return zipArchive(await docxParts(repeatedParagraphsXml(mib, paragraph)));
}

// ── YAML ────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A Markdown file of about 500 bytes whose front matter nests aliases nine deep, nine wide: 9⁹ (387
 * million) strings once expanded ("billion laughs").
 */
export function billionLaughsMarkdown(id = 'thu-bi-danh'): string {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  const lines = [`id: ${id}`, 'title: Tài liệu thử bí danh YAML', `${names[0]}: &${names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let i = 1; i < names.length; i++) {
    const alias = `*${names[i - 1]!}`;
    lines.push(`${names[i]!}: &${names[i]!} [${Array(9).fill(alias).join(', ')}]`);
  }
  lines.push(`phu_luc: *${names[names.length - 1]!}`);
  return `---\n${lines.join('\n')}\n---\n\n# Tài liệu thử\n\nNội dung ngắn.\n`;
}

// ── PDF ─────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A zlib stream of `mib` MiB of zeros, built by repeating one sync-flushed deflate segment (each segment
 * only refers back into itself), so that building it costs nothing: about 1 KB per MiB.
 */
export function zerosZlib(mib: number): Buffer {
  const segment = deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const length = mib * MiB;
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((length % 65521) << 16) | 1) >>> 0); // Adler-32 of zeros: a = 1, b = length
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array<Buffer>(mib).fill(segment), Buffer.from([0x03, 0x00]), adler]);
}

/**
 * A one-page PDF whose content stream is `mib` MiB of zeros, Flate-compressed (`extra` is added to the
 * stream's dictionary, e.g. "/Subtype /Image" to hide it from a check that skips images).
 */
export function inflatingPdf(mib: number, extra = ''): Buffer {
  const data = zerosZlib(mib);
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>'),
    Buffer.concat([Buffer.from(`<< /Length ${data.length} /Filter /FlateDecode ${extra}>>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  let position = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(position);
    const framed = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), object, Buffer.from('\nendobj\n')]);
    parts.push(framed);
    position += framed.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${position}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}
