/**
 * What kind of scan a file is, from its first bytes (never from its name or the sender's MIME type), and
 * the pixel size an image declares in its header, so that a huge image is refused before it is decoded.
 */
export type ScanFormat = 'pdf' | 'png' | 'jpeg' | 'tiff';

/** Image and PDF extensions a scan may arrive with. */
export const SCAN_EXTENSIONS = ['.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff'] as const;
/** Extensions that are always scans (a PDF is one only when it has no text layer). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff'] as const;

export function isImageExtension(ext: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(ext.toLowerCase());
}

/** The format the bytes start with, or undefined. */
export function scanFormatOf(bytes: Uint8Array): ScanFormat | undefined {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0x00) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a))) return 'tiff';
  if (Buffer.from(b.subarray(0, 1024)).includes('%PDF-')) return 'pdf';
  return undefined;
}

/** Width and height a PNG or JPEG header declares; undefined when unknown (TIFF, or a header cut short). */
export function declaredImageSize(bytes: Uint8Array, format: ScanFormat): { width: number; height: number } | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') {
    if (view.length < 24 || view.toString('latin1', 12, 16) !== 'IHDR') return undefined;
    return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
  }
  if (format !== 'jpeg') return undefined;
  let at = 2;
  while (at + 9 < view.length) {
    if (view[at] !== 0xff) return undefined;
    const marker = view[at + 1]!;
    const length = view.readUInt16BE(at + 2);
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.readUInt16BE(at + 5), width: view.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

export const MIME_TYPES: Record<ScanFormat, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  tiff: 'image/tiff',
};
