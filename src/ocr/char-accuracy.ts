/**
 * Character accuracy of OCR output against the true text: 1 − Levenshtein(ocr, truth) / length(truth),
 * both in NFC with every run of whitespace made one space (code points, not UTF-16 units).
 */
export function comparableText(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

export function levenshtein(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function characterAccuracy(ocr: string, truth: string): number {
  const truthChars = [...comparableText(truth)];
  if (truthChars.length === 0) return ocr.trim() ? 0 : 1;
  return 1 - levenshtein([...comparableText(ocr)], truthChars) / truthChars.length;
}
