/** The file types read from a chat, told by their first bytes (a Content-Type or file name may lie). */
export type ChatFileType = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

export function sniffFileType(bytes: Uint8Array): ChatFileType | undefined {
  const starts = (...signature: number[]) => signature.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf';
  return undefined;
}

const EXTENSIONS: Record<ChatFileType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' };

/** A safe file name for a stored file: the sent one's letters, digits, dots and dashes, with the real type's extension. */
export function safeFileName(name: string | undefined, type: ChatFileType): string {
  const base = (name ?? '')
    .normalize('NFC')
    .replace(/^.*[\\/]/u, '')
    .replace(/\.[^.]*$/u, '')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[.-]+/u, '')
    .slice(0, 80);
  return `${base || 'giay-to'}.${EXTENSIONS[type]}`;
}
