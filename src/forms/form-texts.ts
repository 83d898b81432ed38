/* What users are told about forms (Vietnamese, NFC): a form's card, where it is published, offers, refusals. */
import type { Form } from './types.js';

/** A form a reply names and can send, as channels offer it. */
export interface FormOffer {
  number: string;
  name: string;
}

/** Where the decree and its appendices are published (official portals), for a form without a file here. */
const PUBLISHED_AT =
  'Bạn tải toàn văn văn bản kèm phụ lục biểu mẫu tại Cổng thông tin điện tử Chính phủ (vanban.chinhphu.vn) hoặc Cơ sở dữ liệu quốc gia về văn bản pháp luật (vbpl.vn), hoặc xin mẫu tại UBND cấp xã, Sở Nội vụ tỉnh.';

export const FORM_USAGE = 'Gõ /mau kèm số mẫu để nhận biểu mẫu, ví dụ: /mau 12 (Bản khai Mẫu số 12 Nghị định 131/2021/NĐ-CP).';

export function formTitle(form: Pick<Form, 'number' | 'name'>): string {
  return `Mẫu số ${form.number}: ${form.name}`;
}

/** "Căn cứ: … (dùng tại Điều 122, 123 …)". */
function basisLine(form: Form): string {
  const usedIn = form.procedures.length ? `; dùng tại ${form.procedures.join(', ')}` : '';
  return `Căn cứ: ban hành kèm theo ${form.legalBasis}${usedIn}.`;
}

/** The reply to "/mau 12" when the file is on its way. */
export function formSendingText(form: Form): string {
  return `📎 ${formTitle(form)}\n${basisLine(form)}\nTệp mẫu (${form.file?.fileName ?? ''}) được gửi ngay sau tin nhắn này.`;
}

/** The reply to "/mau 12" when no file was uploaded: the form, its basis and where it is published. */
export function formWithoutFileText(form: Form): string {
  return `📄 ${formTitle(form)}\n${basisLine(form)}\nTrợ lý Xã chưa có tệp của mẫu này. ${PUBLISHED_AT}`;
}

/** The caption a sent file carries. */
export function formCaption(form: Pick<Form, 'number' | 'name' | 'legalBasis'>): string {
  return `${formTitle(form)} (${form.legalBasis})`;
}

/** An unknown number: what exists and the closest numbers that do. */
export function unknownFormText(asked: string, closest: readonly string[], range: { first: string; last: string } | undefined): string {
  const known = range ? ` Danh mục có từ Mẫu số ${range.first} đến Mẫu số ${range.last}.` : '';
  const near = closest.length ? ` Có phải bạn cần ${closest.map((n) => `Mẫu số ${n}`).join(', ')}? Gõ ví dụ /mau ${closest[0]}.` : '';
  return `Không có Mẫu số ${asked} trong danh mục biểu mẫu của Trợ lý Xã.${known}${near}`;
}

/** For channels without buttons: the line under a reply that names forms with a file. */
export function formOfferText(offers: readonly FormOffer[]): string {
  return offers.map((o) => `📎 Gõ /mau ${o.number} để nhận tệp Mẫu số ${o.number}.`).join('\n');
}

/** A button's label. */
export function formButtonLabel(offer: FormOffer): string {
  return `📎 Gửi Mẫu số ${offer.number}`;
}

/**
 * A file as a message of text, for channels that cannot send files (Zalo Bot) and the web chat: its
 * download link, or, when the link would not open outside this server (no PUBLIC_URL) and `needsPublicLink`,
 * where the form is published.
 */
export function documentLinkText(caption: string, document: { downloadUrl: string; linkExpiresAt: string }, needsPublicLink: boolean): string {
  if (needsPublicLink && !/^https?:\/\//.test(document.downloadUrl)) {
    return `📄 ${caption}\nKênh này chưa gửi được tệp vì máy chủ chưa có địa chỉ công khai (PUBLIC_URL). ${PUBLISHED_AT}`;
  }
  return `📎 ${caption}\nTải tệp mẫu: ${document.downloadUrl}\n(Đường dẫn dùng được đến ${vietnameseDateTime(new Date(document.linkExpiresAt))}.)`;
}

/** Shown by the download route for a forged, altered or expired link. */
export const FORM_LINK_REFUSED = 'Đường dẫn tải biểu mẫu không hợp lệ hoặc đã hết hạn. Hãy gõ lại /mau kèm số mẫu trong khung chat để nhận đường dẫn mới.';

function vietnameseDateTime(date: Date): string {
  const vn = new Date(date.getTime() + 7 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(vn.getUTCHours())}:${two(vn.getUTCMinutes())} ngày ${two(vn.getUTCDate())}/${two(vn.getUTCMonth() + 1)}/${vn.getUTCFullYear()}`;
}
