import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Asker } from '../../src/escalation/types.js';
import { createTestApp } from '../helpers/app-fixture.js';

/** The assistant over the real knowledge folder, asked the way people write. */
const official: Asker = { channel: 'test', chatId: 'chat-1', userId: 'u-1', displayName: 'Anh Tuấn', commune: 'Xã Hòa Bình' };

let app: App;
let cleanup: () => Promise<void>;
let chats = 0;

beforeAll(async () => {
  ({ app, cleanup } = await createTestApp({ QUESTIONS_PER_MINUTE: '0' }));
});
afterAll(async () => {
  await cleanup();
});

/** Each question in a chat of its own unless a chat is given (so earlier questions are no context). */
const ask = (text: string, chatId = `chat-${++chats}`) => app.assistant.handle({ asker: { ...official, chatId }, text });
const firstLine = (text: string) => text.split('\n')[0]!;

describe('questions as people write them', () => {
  it('answers a story full of names, places, years and ages instead of escalating it', async () => {
    const reply = await ask(
      'Ông nội tôi là cụ Lê Văn Thọ, quê ở thôn Đông Xá, xã Quỳnh Lâm (Nghệ An), là thương binh hạng 3/4 từ năm 1972. ' +
        'Cụ sống cùng gia đình chú tôi là anh Lê Văn Bình ở Thanh Hóa và mới qua đời tháng 9/2026, thọ 86 tuổi. ' +
        'Chú tôi là người đứng ra lo ma chay cho cụ. Xin hỏi chú tôi cần chuẩn bị hồ sơ gì để nhận trợ cấp mai táng?',
    );
    expect(reply.stage).toBe('retrieval');
    expect(reply.citations[0]?.docId).toBe('tt-mai-tang-phi');
    expect(firstLine(reply.text)).toMatch(/^👉 /);
    expect(reply.text).toContain('Mẫu số 12');
  });

  it('answers each question of a many-part story with a line of its own', async () => {
    const reply = await ask(
      'Bố tôi là ông Trần Văn Hùng, thương binh 81%, nhiều năm nhận trợ cấp tại xã Tân Lập (Phú Thọ), mất tháng 3/2026 vì tuổi già. ' +
        'Mẹ tôi năm nay 72 tuổi, không có lương hưu; tôi là người đứng ra lo đám tang. ' +
        'Xin hỏi sau khi bố mất gia đình được nhận những khoản tiền gì? Cụ thể tiền mai táng được bao nhiêu? Mẹ tôi có được hưởng tiền tuất hằng tháng không?',
    );
    expect(reply.stage).toBe('retrieval');
    const lead = reply.text.split('\n\n')[0]!;
    expect(lead).toMatch(/mai táng/);
    expect(lead).toMatch(/23\.400\.000 đồng/);
    expect(lead).toMatch(/tuất/);
    expect(lead.split('\n').filter((l) => l.startsWith('👉 ')).length).toBeGreaterThanOrEqual(2);
  });

  it('does not repeat under the title the sentence the first line quotes: the passage goes on from it', async () => {
    const reply = await ask('so noi vu quang ngai tap huan tthc nguoi co cong cho bao nhieu xa phuong');
    expect(reply.stage).toBe('retrieval');
    const quoted = firstLine(reply.text).replace(/^👉 /u, '');
    expect(reply.text.split(quoted).length - 1).toBe(1);
    expect(reply.text.split('\n\n')[2]).toMatch(/^Cán bộ biệt phái .* 43 xã, phường/u);
  });

  it('says the knowledge base lacks an amount no line speaks of, instead of quoting a neighbouring amount', async () => {
    const lacking = await ask('Thương binh được miễn giảm tiền sử dụng đất bao nhiêu phần trăm?');
    expect(firstLine(lacking.text)).toMatch(/^Tài liệu hiện có chưa nêu rõ mức tiền/u);
    expect(lacking.text).toContain('hỏi chuyên gia');
    // A typo the knowledge base never uses ("mai tán") names no topic: the amount is answered.
    const typed = await ask('mai tán phí người có công bao nhiêu tiền');
    expect(typed.text.split('\n\n📌')[0]).toMatch(/^👉 [^]*23\.400\.000 đồng/u);
  });

  it('answers with the table row the question names, the table’s lead-in counting for the row ("mầm non")', async () => {
    const reply = await ask('con thuong binh hoc mam non duoc ho tro bao nhieu');
    expect(firstLine(reply.text)).toMatch(/Mầm non.*0,2 lần mức chuẩn/u);
  });

  it('answers a broad question on what a martyr’s family gets with the list of its benefits', async () => {
    const reply = await ask('Tôi là vợ liệt sĩ, hiện nay tôi đang sống với mẹ già và hai con của liệt sĩ. Xin báo cho biết chế độ ưu đãi của Nhà nước đối với thân nhân liệt sĩ như thế nào?');
    const lead = reply.text.split('\n\n')[0]!;
    expect(lead).toContain('Điều 16 Pháp lệnh 02/2020/UBTVQH14');
    expect(lead).toContain('2.789.000 đồng/tháng');
    expect(reply.text).toContain('Bảo hiểm y tế cho cha đẻ, mẹ đẻ');
  });

  it('does not answer with the list of texts a procedure rests on unless the basis is asked', async () => {
    const reply = await ask('Tôi đang hưởng trợ cấp hàng tháng đối với người hưởng chính sách như thương binh. Xin cho biết chế độ điều dưỡng cho đối tượng này được quy định cụ thể thế nào?');
    expect(firstLine(reply.text)).not.toMatch(/^👉 Căn cứ pháp lý/u);
    const basis = await ask('chế độ điều dưỡng người có công căn cứ pháp lý là văn bản nào');
    expect(basis.stage).toBe('retrieval');
    expect(basis.text.split('\n\n')[0]).toContain('Căn cứ pháp lý');
  });

  it('says where to file and on which form after a yes-or-no question on a benefit, from that benefit’s procedure', async () => {
    const reply = await ask('Cha tôi là người tham gia kháng chiến bị nhiễm chất độc hóa học và mất sức lao động 61%. Cha tôi ốm bệnh mất tháng 9-2016, mẹ tôi đã 64 tuổi, xin hỏi mẹ tôi có được hưởng tiền tuất hằng tháng không?');
    const lead = reply.text.split('\n\n')[0]!;
    expect(lead).toContain('1.565.000 đồng');
    expect(lead).toMatch(/Mẫu số 12.*UBND cấp xã/u);
    // Not the form of a neighbouring procedure that only shares the group's name.
    const child = await ask('Con liệt sĩ đã trên 18 tuổi đang học đại học có còn được trợ cấp tuất không?');
    expect(child.text.split('\n\n')[0]).not.toContain('Mẫu số 17');
  });

  it('does not answer a tiền khởi nghĩa family with the rule for the family of someone who helped the revolution', async () => {
    const reply = await ask('Bà Vũ Thị Dung hỏi: Cán bộ tiền khởi nghĩa chết tháng 9/2003 và có một người con gái mắc bệnh tâm thần thì gia đình cán bộ tiền khởi nghĩa có được hỗ trợ nhà ở, tiền mai táng phí và được trợ cấp một lần không?');
    const lead = reply.text.split('\n\n')[0]!;
    expect(lead).toContain('tiền khởi nghĩa');
    expect(lead).not.toMatch(/giúp đỡ cách mạng chết/u);
  });

  it('escalates questions from neighbouring fields that share the domain’s words', async () => {
    for (const question of [
      'Tôi đóng bảo hiểm xã hội tự nguyện được 12 năm, nay muốn nhận trợ cấp một lần thì hồ sơ gồm những gì?',
      'ho so huong tro cap that nghiep gom nhung gi',
      'Đất nghĩa trang gia đình có được cấp sổ đỏ không?',
      'Người lao động bị mất việc làm được trợ cấp mất việc bao nhiêu tháng lương?',
      'Trợ cấp tuất một lần của bảo hiểm xã hội khi người lao động chết tính như thế nào?',
    ]) {
      const reply = await ask(question);
      expect(reply.stage, question).toBe('escalated');
      expect(reply.escalationReason, question).toBe('out_of_domain');
    }
  });

  it('starts an amount question with the amount and the date it applies from', async () => {
    const reply = await ask('muc chuan tro cap nguoi co cong hien nay la bao nhieu');
    expect(reply.stage).toBe('retrieval');
    const first = firstLine(reply.text);
    expect(first).toMatch(/^👉 .*2\.789\.000 đồng/);
    expect(first).toMatch(/01\/7\/2024/);
  });

  it('gives the current figure for an outdated one, saying what it replaced and from when', async () => {
    const reply = await ask('Mức chuẩn 2.055.000 đồng hiện nay còn áp dụng không?');
    expect(reply.stage).toBe('retrieval');
    expect(firstLine(reply.text)).toContain('Mức hiện hành là 2.789.000 đồng (thay cho 2.055.000 đồng từ 01/7/2024');
  });

  it('resolves an explicit article reference to that article first', async () => {
    const reply = await ask('Điều 121 Nghị định 131 quy định gì?');
    expect(reply.citations[0]?.citation).toBe('Nghị định 131/2021/NĐ-CP, Điều 121');
  });

  it('answers a question on a named decision with that decision’s line, not a neighbouring decision’s', async () => {
    const reply = await ask('Bố tôi là cựu chiến binh, từng tham gia chiến đấu bảo vệ biên giới phía Bắc năm 1979 nhưng không bị thương. Xin hỏi bố có được hưởng trợ cấp theo Quyết định 62/2011 không?');
    const lead = reply.text.split('\n\n📌')[0]!;
    expect(firstLine(lead)).toContain('62/2011');
    expect(lead).not.toContain('24/2016');
  });

  it('gives a story’s first question a line of its own when the lines of the whole answer only the later one', async () => {
    const reply = await ask(
      'Chồng tôi bị nhiễm chất độc da cam với tỷ lệ giám định là 61% do ngày xưa đi chống Mỹ. Mấy tháng trước chồng tôi qua đời, tôi năm nay 56 tuổi. ' +
        'Vậy tôi có được hưởng trợ cấp tiền tuất của chồng tôi không? Điều kiện, tiêu chuẩn để công nhận người hoạt động kháng chiến bị nhiễm chất độc hóa học?',
    );
    const lead = reply.text.split('\n\n📌')[0]!;
    expect(firstLine(lead)).toMatch(/tuất/u);
    expect(lead).toMatch(/chất độc hóa học/u);
  });

  it('reads an old certificate’s rank ("thương binh 3/4") as its bracket of ratings and gives that rank’s amounts', async () => {
    const reply = await ask('Bố tôi là thương binh hạng 3/4. Năm 2024 trợ cấp của thương binh 3/4 tăng như thế nào?');
    const lead = reply.text.split('\n\n📌')[0]!;
    expect(lead).toContain('3.667.000');
    expect(lead).toContain('5.364.000');
  });

  it('quotes, of a list by rank, the asked rank’s item first and counts the others', async () => {
    const reply = await ask('thương binh hạng ¾ trợ cấp bao nhiêu một tháng');
    const lead = reply.text.split('\n\n📌')[0]!;
    expect(reply.text.slice(0, 400)).toContain('Thương binh hạng 3/4 (41% đến 60%): 3.667.000 đến 5.364.000 đồng/tháng');
    expect(lead).not.toContain('Thương binh hạng 1/4');
    expect(lead).toContain('(còn 3 mục, xem dưới)');
    // Typed without marks, as officials often do.
    expect((await ask('tb hang 3/4 bao nhieu tien')).text.slice(0, 400)).toContain('Thương binh hạng 3/4 (41% đến 60%)');
  });

  it('answers a rating the question names with its row of the group’s table, however the table writes it', async () => {
    // Written as a bracket ("Từ 81% đến 90%"): no word of the table is "85".
    expect(firstLine((await ask('bb 85% bao nhiêu')).text)).toMatch(/^👉 .*81% đến 90%.*6\.378\.000 đồng/u);
    expect(firstLine((await ask('chất độc hóa học 45% bao nhiêu tiền')).text)).toMatch(/^👉 .*41% đến 60%.*3\.542\.000 đồng/u);
    // "suy giảm khả năng lao động" reads as the rating, which the re-assessment procedure names in its title.
    const reply = await ask('thương binh suy giảm khả năng lao động 35% trợ cấp bao nhiêu');
    expect(reply.text.split('\n\n📌')[0]).toContain('Thương binh 35%: 3.132.000 đồng/tháng');
  });

  it('does not call an amount missing when a line states the figure the asker quotes', async () => {
    const reply = await ask(
      'Tháng 3/2024 tôi đi thăm viếng mộ liệt sĩ, đề nghị hỗ trợ theo mức 3.000 đồng/1 km/1 người nhưng xã chỉ chi trả chiều đi, không chi trả chiều trở lại. Xin hỏi như vậy có đúng quy định?',
    );
    expect(reply.text).not.toContain('chưa nêu rõ mức tiền');
    expect(firstLine(reply.text)).toMatch(/^👉 .*thăm viếng mộ liệt sĩ.*3\.000 đồng\/km\/người/u);
  });

  it('answers the amount of the benefit asked, not the group’s other amount, however long the group’s name', async () => {
    const reply = await ask('bà mẹ việt nam anh hùng mất được mai táng phí bao nhiêu');
    expect(firstLine(reply.text)).toMatch(/^👉 .*mai táng/u);
    expect(reply.text.split('\n\n📌')[0]).toContain('23.400.000 đồng');
  });

  it('does not answer a question on another benefit with the row of the rating it names', async () => {
    const lead = (await ask('thương binh 21% có được điều dưỡng không')).text.split('\n\n📌')[0]!;
    expect(lead).toContain('hai năm một lần');
    expect(lead).not.toContain('1.878.000');
  });

  it('answers a short question on a group from that group’s documents, not from another group’s that share its words', async () => {
    const reply = await ask('tb suy giảm 81% có được người phục vụ không');
    expect(reply.stage).toBe('retrieval');
    const lead = reply.text.split('\n\n📌')[0]!;
    expect(lead).toMatch(/thương binh/u);
    expect(lead).toContain('người phục vụ');
    expect(lead).not.toMatch(/bệnh binh/u);
  });

  it('says the knowledge base lacks the housing amounts when its best passage says so, quoting no other passage’s amount', async () => {
    for (const question of ['hỗ trợ cải thiện nhà ở cho ncc bao nhiêu tiền', 'con liệt sĩ xây nhà được hỗ trợ bao nhiêu']) {
      const reply = await ask(question);
      expect(firstLine(reply.text), question).toMatch(/^Tài liệu hiện có chưa nêu rõ mức tiền/u);
      expect(reply.text, question).not.toMatch(/ADN|Nghị định 131\/2021\/NĐ-CP: điều kiện/u);
    }
  });

  it('answers where a martyr’s family files for the monthly allowance (tuất) from that procedure, not from the worship allowance', async () => {
    expect(firstLine((await ask('tuất liệt sĩ nộp hồ sơ ở đâu')).text)).toMatch(/^👉 .*thân nhân liệt sĩ.*Mẫu số 05/u);
  });

  it('answers which procedures are filed at the commune with those, not with the list of those filed elsewhere', async () => {
    expect(firstLine((await ask('thủ tục ncc nào nộp tại xã')).text)).toMatch(/^👉 Các thủ tục .*nộp tại UBND cấp xã/u);
    expect(firstLine((await ask('xã có thẩm quyền giải quyết những thủ tục nào về ncc')).text)).toMatch(/^👉 .*thẩm quyền của cấp xã/u);
  });

  it('answers "lương thương binh … như trường hợp của bố tôi là bao nhiêu" with the row of the rating the story tells', async () => {
    const reply = await ask(
      'Bố tôi là thương binh 61%, đang nhận lương thương binh theo mức cũ. Tôi nghe nói lương thương binh được tăng nhưng không rõ như trường hợp của bố tôi là bao nhiêu một tháng. Mong chuyên mục giải đáp giúp. Xin chân thành cảm ơn!',
    );
    expect(reply.stage).toBe('retrieval');
    expect(reply.text.slice(0, 400)).toContain('Thương binh 61%: 5.450.000 đồng/tháng');
  });

  it('reads "đi tù" as a prison sentence and "mấy năm một lần" as the replacement period (niên hạn)', async () => {
    expect(firstLine((await ask('thương binh đi tù về có được hưởng lại không')).text)).toMatch(/^👉 .*phạt tù.*tạm đình chỉ/u);
    expect((await ask('dụng cụ chỉnh hình cho thương binh được cấp mấy năm một lần')).text.split('\n\n📌')[0]).toMatch(/niên hạn \d+ năm/u);
  });

  it('answers what KL 192 and 195 are about and ask of the communes from their own summaries', async () => {
    const kl195 = (await ask('kl 195 giao gi cho cap xa')).text.split('\n\n📌')[0]!;
    expect(firstLine(kl195)).toMatch(/^👉 Kết luận 195-KL\/TW/u);
    expect(kl195).toContain('Cấp xã phải có đủ cán bộ, công chức có chuyên môn');
    expect(firstLine((await ask('kết luận 192 về cái gì')).text)).toMatch(/^👉 Kết luận 192-KL\/TW .*phân cấp, phân quyền/u);
  });

  it('answers a figure quoted in millions with the amount that applies, by the day of death', async () => {
    expect((await ask('mai táng phí người có công 18 triệu phải không')).text.slice(0, 400)).toContain('23.400.000 đồng');
  });

  it('keeps the case of a story for a follow-up', async () => {
    const chat = 'chat-follow-up';
    const story = await ask(
      'Bà ngoại tôi là vợ liệt sĩ, đang hưởng trợ cấp tuất hằng tháng ở xã Tân Phú (Đồng Nai). Năm nay bà 79 tuổi và vừa mất hôm 12/10/2026. Cho tôi hỏi gia đình được hưởng những chế độ gì?',
      chat,
    );
    expect(story.stage).toBe('retrieval');
    const followUp = await ask('còn hồ sơ thì sao?', chat);
    expect(followUp.stage).toBe('retrieval');
    const logged = await app.log.get(followUp.answerId!);
    expect(logged!.query).toMatch(/liệt sĩ/);
    expect(logged!.query).toMatch(/hồ sơ/);
    // In a chat with no story, the same words carry no case.
    const alone = await ask('còn hồ sơ thì sao?');
    if (alone.answerId !== undefined) expect((await app.log.get(alone.answerId))!.query).not.toMatch(/liệt sĩ/);
  });

  it('shows users nothing addressed to the assistant or to admins, and answers on KL 192 and 195', async () => {
    const kl192 = await ask('Kết luận 192 nói gì');
    expect(kl192.stage).toBe('retrieval');
    expect(kl192.citations[0]?.docId).toBe('kl-192-kl-tw');
    const dated = await ask('kl 192 ngay nao ai ky');
    expect(dated.text).toContain('19/9/2025');
    expect(dated.text).toContain('Trần Cẩm Tú');
    const kl195 = await ask('KL 195 do ai ban hành');
    expect(kl195.text).toContain('Ban Bí thư');
    for (const reply of [kl192, dated, kl195]) {
      expect(reply.text).not.toMatch(/Trợ lý Xã (không được|phải)|người nghiên cứu|verified|source_url|front matter/i);
      expect(reply.text).not.toMatch(/Sở Nội vụ/);
    }
  });
});

describe('fits a phone', () => {
  it('gives messengers the direct answer and its basis within one screen, and the rest on /chitiet', async () => {
    const chat = 'chat-phone';
    const reply = await ask('Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?', chat);
    expect(reply.text.length).toBeGreaterThan(900);
    expect(reply.brief).toBeDefined();
    expect(reply.brief!.length).toBeLessThanOrEqual(760);
    expect(reply.brief).toContain('Mẫu số 12');
    expect(reply.brief).toMatch(/Căn cứ: /);
    expect(reply.brief).toContain('/chitiet');
    const details = await ask('/chitiet', chat);
    expect(details.text).toBe(reply.text);
    expect((await ask('xem chi tiết', 'chat-without-answer')).text).toContain('Chưa có câu trả lời nào');
  });
});

describe('curated answers as questions are typed', () => {
  it('reuses an approved answer for the same question typed without diacritics', async () => {
    const now = new Date().toISOString();
    const expert = await app.stores.users.add({ channel: 'test', channelUserId: 'e-9', chatId: 'expert-9', displayName: 'Chị Hoa', role: 'expert', topics: ['*'] }, now);
    const admin = await app.stores.users.add({ channel: 'test', channelUserId: 'a-9', chatId: 'admin-9', displayName: 'Quản trị', role: 'admin' }, now);
    const question = 'Người có công mất ở nước ngoài thì thân nhân nhận mai táng phí ở đâu?';
    const escalated = await ask(`hỏi chuyên gia: ${question}`);
    await app.escalation.claim(escalated.ticket!, expert.id);
    await app.escalation.answer(escalated.ticket!, expert.id, 'Thân nhân nộp bản khai Mẫu số 12 tại UBND xã nơi quản lý hồ sơ.');
    await app.escalation.approve(escalated.ticket!, admin.id);
    for (const typed of ['nguoi co cong mat o nuoc ngoai thi than nhan nhan mai tang phi o dau', 'NGƯỜI CÓ CÔNG MẤT Ở NƯỚC NGOÀI THÌ THÂN NHÂN NHẬN MAI TÁNG PHÍ Ở ĐÂU']) {
      const reply = await ask(typed);
      expect(reply.stage, typed).toBe('curated');
    }
  });
});
