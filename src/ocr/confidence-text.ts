/** An OCR mean confidence the Vietnamese way ("95,7%"), or "không rõ" when the engine gave none. */
export function confidenceText(confidence: number | null): string {
  return confidence === null ? 'không rõ' : `${confidence.toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`;
}
