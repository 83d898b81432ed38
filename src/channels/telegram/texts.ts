/* The Vietnamese texts of the Telegram bot (plain text: they are escaped when sent). */

export const HELP_TEXT = [
  'Xin chào! Tôi là Trợ lý Xã, trả lời về thủ tục, chế độ đối với người có công và về chính quyền địa phương hai cấp (Kết luận 192-KL/TW, 195-KL/TW), kèm căn cứ pháp lý.',
  '',
  'Cách hỏi:',
  '- Trong tin nhắn riêng: gõ thẳng câu hỏi, có dấu hay không dấu đều được. Ví dụ: "Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?"',
  '- Trong nhóm: gõ /hoi <câu hỏi>, hoặc nhắc tên tôi (@), hoặc trả lời (reply) tin nhắn của tôi.',
  '- /chuyengia: chuyển câu hỏi vừa hỏi cho chuyên gia; /chuyengia <câu hỏi> để hỏi chuyên gia ngay.',
  '- /chitiet: xem đầy đủ đoạn văn bản và nguồn của câu trả lời vừa rồi.',
  '- /mau <số>: nhận tệp biểu mẫu, ví dụ /mau 12 (Mẫu số 12 Nghị định 131/2021/NĐ-CP); câu trả lời nêu mẫu nào có tệp thì có nút "Gửi Mẫu số …".',
  '- /tatthongbao, /batthongbao: tắt hoặc bật lại thông báo của tỉnh (cán bộ đã đăng ký).',
  '',
  'Dưới mỗi câu trả lời có nút 👍 / 👎 / Hỏi chuyên gia. Bấm 👎 nếu câu trả lời chưa đúng ý, câu hỏi sẽ được chuyển cho chuyên gia và câu trả lời sẽ được gửi lại trong cuộc trò chuyện này.',
].join('\n');

export const STAFF_HELP_TEXT = [
  'Dành cho chuyên gia và quản trị viên:',
  '- Bấm nút "Nhận xử lý" dưới thông báo, hoặc gõ /nhan <mã phiếu>.',
  '- Trả lời: trả lời (reply) thẳng vào tin thông báo câu hỏi, hoặc gõ /traloi <mã phiếu> <nội dung trả lời>.',
  '- Quản trị viên duyệt câu trả lời làm mẫu: bấm nút "Duyệt", hoặc gõ /duyet <mã phiếu> [câu trả lời đã sửa].',
].join('\n');

export const ASK_USAGE = 'Hãy gõ câu hỏi sau lệnh, ví dụ: /hoi Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?';

export const EXPERT_USAGE: Record<string, string> = {
  nhan: 'Cách dùng: /nhan <mã phiếu>, ví dụ: /nhan 12',
  traloi: 'Cách dùng: /traloi <mã phiếu> <nội dung trả lời>, ví dụ: /traloi 12 Hồ sơ gồm …',
  duyet: 'Cách dùng: /duyet <mã phiếu> [câu trả lời đã sửa], ví dụ: /duyet 12',
};

export const TEXT_ONLY = 'Hiện tôi chỉ đọc được tin nhắn chữ. Bạn hãy gõ câu hỏi nhé.';

export const UNKNOWN_COMMAND = 'Tôi không hiểu lệnh này. Gõ /help để xem cách hỏi.';

export const STALE_BUTTON = 'Nút này không còn hiệu lực.';

export const SORRY = 'Xin lỗi, hệ thống đang gặp sự cố khi xử lý tin nhắn của bạn. Bạn vui lòng thử lại sau ít phút.';

export const FEEDBACK_THANKS = 'Cảm ơn bạn đã phản hồi!';

/** The answer an admin is asked to approve. */
export function reviewText(ticketId: number, expertName: string, question: string, answer: string): string {
  return [
    `Câu hỏi #${ticketId} đã được ${expertName} trả lời`,
    `Câu hỏi: ${question}`,
    `Trả lời: ${answer}`,
    '',
    `Bấm "Duyệt" để đưa câu trả lời vào kho câu trả lời mẫu, hoặc gõ /duyet ${ticketId} <câu trả lời đã sửa>.`,
  ].join('\n');
}

/** The commands shown in Telegram's menu. */
export const BOT_COMMANDS = [
  { command: 'hoi', description: 'Đặt câu hỏi (trong nhóm: /hoi <câu hỏi>)' },
  { command: 'chuyengia', description: 'Chuyển câu hỏi cho chuyên gia' },
  { command: 'chitiet', description: 'Xem đầy đủ câu trả lời vừa rồi' },
  { command: 'mau', description: 'Nhận tệp biểu mẫu, ví dụ /mau 12' },
  { command: 'tatthongbao', description: 'Tắt thông báo của tỉnh' },
  { command: 'batthongbao', description: 'Bật lại thông báo của tỉnh' },
  { command: 'help', description: 'Hướng dẫn sử dụng' },
  { command: 'start', description: 'Bắt đầu' },
] as const;
