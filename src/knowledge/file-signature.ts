/*
 * Whether bytes are what their name says, from their first bytes (never from the name or the browser's
 * content type): a PDF starts with %PDF- (within its first KB), a .docx is a ZIP holding word/document.xml.
 * Each check returns why not, in Vietnamese, or undefined.
 */

export function pdfProblem(bytes: Buffer): string | undefined {
  return bytes.subarray(0, 1024).includes('%PDF-') ? undefined : 'Tệp không phải PDF (thiếu phần đầu %PDF-).';
}

export function docxProblem(bytes: Buffer): string | undefined {
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)) {
    return 'Tệp không phải .docx (tệp Word .docx là một tệp nén ZIP; tệp .doc cũ cần lưu lại dưới dạng .docx).';
  }
  return bytes.includes('word/document.xml') ? undefined : 'Tệp .docx không có nội dung văn bản Word (word/document.xml).';
}
