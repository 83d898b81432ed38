import type { Ticket } from '../../escalation/types.js';
import { formatScore, html, type SafeHtml } from '../shared/html.js';
import { reasonText } from './labels.js';

const WHY: Record<string, string> = {
  out_of_domain: 'hệ thống xác định câu hỏi không thuộc các lĩnh vực mà tài liệu của nó đề cập, nên không tự trả lời dù có đoạn văn được xếp hạng cao',
  low_confidence: 'đoạn văn tốt nhất chỉ chứa một phần từ ngữ của câu hỏi, chưa đủ làm căn cứ để tự trả lời',
  ambiguous: 'hai tài liệu đứng đầu có điểm gần như bằng nhau mà nói về những việc khác nhau, nên hệ thống không chọn thay người hỏi',
  user_request: 'người hỏi yêu cầu chuyên gia trả lời; điểm số không ảnh hưởng đến việc chuyển',
  unhelpful_feedback: 'người hỏi cho biết câu trả lời tự động chưa hữu ích; điểm số không ảnh hưởng đến việc chuyển',
};

/**
 * Why a ticket was escalated, shown beside the retrieval scores: a high fused score (the best passage
 * always scores high — it is compared with the other passages, not with the question) does not mean the
 * question could be answered, and the reason says what did decide.
 */
export function escalationNote(ticket: Pick<Ticket, 'reason' | 'confidence' | 'context'>): SafeHtml {
  const top = ticket.context[0];
  const confidence = ticket.confidence !== undefined ? html` (độ tin cậy ${formatScore(ticket.confidence, 2)})` : '';
  return html`<div class="card score-note" id="escalation-reason">
    <p><strong>Lý do chuyển chuyên gia:</strong> ${reasonText(ticket.reason)}${confidence} — ${WHY[ticket.reason] ?? 'xem diễn biến của phiếu'}.</p>
    ${top
      ? html`<p class="muted">Điểm tổng hợp (cao nhất ${formatScore(top.score)}) chỉ so các đoạn văn với nhau: đoạn đứng đầu luôn được điểm cao, nên điểm này không cho biết tài liệu có trả lời được câu hỏi hay không.
          Hệ thống tự trả lời khi câu hỏi thuộc phạm vi tài liệu và độ tin cậy — phần từ ngữ của câu hỏi tìm thấy trong đoạn tốt nhất — đủ cao.</p>`
      : ''}
  </div>`;
}
