/** Why a file sent in a chat is not read; `message` is Vietnamese, for the user. */
export class ChatFileRefused extends Error {
  override readonly name = 'ChatFileRefused';
  constructor(
    message: string,
    readonly reason: 'too_large' | 'not_allowed' | 'unsupported' | 'download_failed' | 'no_reader' | 'busy',
  ) {
    super(message);
  }
}

export function tooLargeText(maxBytes: number): string {
  const mb = Math.round((maxBytes / (1024 * 1024)) * 10) / 10;
  return `Ảnh hoặc tệp bạn gửi lớn hơn ${String(mb).replace('.', ',')} MB nên tôi không đọc được. Bạn chụp lại với kích thước nhỏ hơn (hoặc chỉ gửi trang cần hỏi), hoặc gõ câu hỏi bằng chữ nhé.`;
}

export function tooManyPagesText(maxPages: number): string {
  return `Tệp PDF bạn gửi có hơn ${maxPages} trang nên tôi không đọc hết được. Bạn chỉ gửi trang cần hỏi (ảnh chụp hoặc PDF tối đa ${maxPages} trang), hoặc gõ câu hỏi bằng chữ nhé.`;
}

export const NO_READER_TEXT =
  'Hiện Trợ lý Xã chưa được bật chức năng đọc ảnh và tệp giấy tờ. Bạn vui lòng gõ câu hỏi bằng chữ (có dấu hay không dấu đều được), ví dụ: "Bản khai Mẫu số 09 nộp ở đâu?"';

export const UNSUPPORTED_TEXT =
  'Tôi chỉ đọc được ảnh chụp (JPG, PNG, WEBP) hoặc tệp PDF. Bạn gửi lại giấy tờ ở một trong các dạng đó, hoặc gõ câu hỏi bằng chữ nhé.';

export const NOT_ALLOWED_TEXT = 'Tôi không tải được tệp này vì địa chỉ của nó không thuộc nền tảng nhắn tin. Bạn gửi lại ảnh trực tiếp trong cuộc trò chuyện nhé.';

export const DOWNLOAD_FAILED_TEXT = 'Tôi chưa tải được ảnh hoặc tệp bạn gửi. Bạn vui lòng gửi lại sau ít phút, hoặc gõ câu hỏi bằng chữ.';

export const BUSY_TEXT = 'Trợ lý Xã đang đọc nhiều giấy tờ cùng lúc. Bạn vui lòng gửi lại ảnh sau ít phút, hoặc gõ câu hỏi bằng chữ.';
