import { describe, expect, it } from 'vitest';
import { AmountRegistry } from '../../src/assistant/amounts.js';
import { directAnswer, ENUMERATION, figureNotes, fitHead } from '../../src/assistant/direct-answer.js';
import { judgeDomain } from '../../src/assistant/domain.js';
import { composeExtractiveAnswer, trimPassage } from '../../src/assistant/extractive.js';
import { detectSectionIntent } from '../../src/assistant/intent.js';
import { PassageFeatures } from '../../src/assistant/passage-features.js';
import { askedKind, readQuestion, withoutCaseDetails } from '../../src/assistant/reading.js';
import type { DocumentMeta } from '../../src/knowledge/types.js';
import { compileReferences, parseReferences, ReferenceTargets, referenceScore } from '../../src/retrieval/references.js';
import type { ScoredPassage } from '../../src/retrieval/hybrid-search.js';
import type { StoredPassage } from '../../src/storage/knowledge-store.js';

function passage(id: string, text: string, meta: Partial<DocumentMeta> = {}): StoredPassage {
  return {
    id: `${id}#0`,
    docId: id,
    ordinal: 0,
    citation: meta.citation ?? id,
    path: [],
    heading: '',
    text,
    meta: { id, title: id, status: 'in_force', verified: true, ...meta } as DocumentMeta,
  };
}

const MUC_CHUAN: Partial<DocumentMeta> = {
  amounts: [
    { value: '1.624.000 đồng', what: 'Mức chuẩn trợ cấp ưu đãi', from: '2021-07-01', to: '2023-06-30', basis: 'Nghị định 75/2021/NĐ-CP', series: 'muc-chuan' },
    { value: '2.055.000 đồng', what: 'Mức chuẩn trợ cấp ưu đãi', from: '2023-07-01', to: '2024-06-30', basis: 'Nghị định 55/2023/NĐ-CP', series: 'muc-chuan' },
    { value: '2.789.000 đồng', what: 'Mức chuẩn trợ cấp ưu đãi', from: '2024-07-01', basis: 'Nghị định 77/2024/NĐ-CP', series: 'muc-chuan' },
  ],
};
const TODAY = '2026-12-06';

describe('reading the question out of a story', () => {
  const story =
    'Bố tôi là ông Nguyễn Văn Hải, quê ở xã Yên Lạc (tỉnh Nam Định), là thương binh hạng 2/4 tỷ lệ 61%. ' +
    'Năm 2019 ông chuyển vào sống với tôi ở Bình Dương, đến tháng 3/2026 thì ông qua đời ở tuổi 82. ' +
    'Gia đình tôi đã lo hậu sự chu đáo. Xin hỏi gia đình tôi cần làm hồ sơ gì để được nhận tiền mai táng?';

  it('splits the story from the question and keeps the case in domain words, without names, places and years', () => {
    const read = readQuestion(story);
    expect(read.question).toBe('Xin hỏi gia đình tôi cần làm hồ sơ gì để được nhận tiền mai táng?');
    expect(read.story).toContain('thương binh');
    // Mai táng is paid alike for every group: the story's "thương binh" would only pull the search to his own rules.
    expect(read.query).not.toContain('thương binh');
    expect(read.query).toContain('từ trần');
    expect(read.query).not.toMatch(/Hải|Yên Lạc|Nam Định|Bình Dương|2019|82/);
    expect(read.asks).toBe('documents');
    expect(read.years).toEqual([2019, 2026]);
    expect(read.dates).toEqual([
      { iso: '2026-03-15', label: '3/2026' },
      { iso: '2019-12-31', label: 'năm 2019' },
    ]);
  });

  it('leaves a closing remark after the last question out of the question ("…rất mong chuyên mục giải đáp.")', () => {
    const read = readQuestion(
      'Em là con thương binh 21%, đang học năm thứ ba đại học chính quy. Em đã lấy sổ ưu đãi giáo dục đi xác nhận ở trường các năm học. ' +
        'Xin chuyên mục giải đáp tổng số tiền được lãnh nêu trong sổ ưu đãi là bao nhiêu? Vì do trước giờ em chưa lãnh và không nắm được các khoản hỗ trợ hay trợ cấp nên rất mong chuyên mục giải đáp.',
    );
    expect(read.question).toBe('Xin chuyên mục giải đáp tổng số tiền được lãnh nêu trong sổ ưu đãi là bao nhiêu?');
    expect(read.query).not.toMatch(/chuyên mục|trước giờ|không nắm được/);
    expect(read.asks).toBe('amount');
    // A sentence after the question that asks something stays.
    expect(readQuestion(`${story} Hồ sơ nộp ở đâu.`).question).toContain('Hồ sơ nộp ở đâu.');
  });

  it('leaves out how a portal reports the question ("Qua Cổng TTĐT Chính phủ, bà Phương hỏi, …")', () => {
    const read = readQuestion(
      'Bố của bà Trịnh Thị Thu Phương (tỉnh Tuyên Quang) tham gia quân ngũ từ năm 1972 đến năm 1977. Qua Cổng TTĐT Chính phủ, bà Phương hỏi, bà có thuộc diện bị ảnh hưởng chất độc hóa học không?',
    );
    expect(read.query).not.toMatch(/cổng|ttđt|chính phủ|hỏi/iu);
    expect(readQuestion('Xin báo cho biết chế độ ưu đãi đối với thân nhân liệt sĩ như thế nào?').query).not.toMatch(/xin|báo|biết/iu);
    expect(read.query).toContain('chất độc hóa học');
    const greeting = readQuestion('Chào anh chị, anh chị cho tôi hỏi theo quy định mới nhất của pháp luật hiện nay thì mức trợ cấp tiền tuất đối với thân nhân thương binh loại B là bao nhiêu?');
    expect(greeting.query).not.toMatch(/chào|anh chị|quy định|pháp luật/iu);
    expect(greeting.query).toContain('tiền tuất');
  });

  it('takes the sentence that says what the asker wants as part of the question', () => {
    const read = readQuestion(
      'Trận lũ năm 2024 cuốn trôi nhà, mất hết giấy tờ, trong đó có Bằng Tổ quốc ghi công của bố tôi là liệt sĩ Hoàng Văn Páo. ' +
        'Tôi là con trưởng, hiện thường trú ở xã nơi gia đình dựng lại nhà. Nay tôi muốn xin cấp lại Bằng để thờ. ' +
        'Cho hỏi phải làm đơn theo mẫu nào, nộp ở xã hay phải lên tỉnh?',
    );
    expect(read.question).toMatch(/^Nay tôi muốn xin cấp lại Bằng để thờ\. Cho hỏi/);
    expect(read.query).toContain('Bằng Tổ quốc ghi công');
    expect(read.query).not.toContain('Páo');
  });

  it('searches a story of a Bằng never issued, in curly quotes, with that procedure', () => {
    const read = readQuestion(
      'Bố tôi nhập ngũ, hy sinh tại chiến trường Tây Nam, gia đình tôi được hưởng chế độ từ năm 1985 nhưng đến nay bố tôi chưa được cấp Bằng “Tổ quốc ghi công”. ' +
        'Tôi muốn đề nghị về việc này, thủ tục hồ sơ như thế nào?',
    );
    expect(read.question).toMatch(/^Tôi muốn đề nghị/);
    expect(read.query).toContain('chưa được cấp Bằng Tổ quốc ghi công');
    // A lost Bằng in curly quotes is the lost Bằng's case.
    const lost = readQuestion('Năm ngoái nhà tôi bị cháy, Bằng “Tổ quốc ghi công” của ông nội bị cháy mất. Tôi là cháu nội đang thờ cúng ông. Nay tôi phải làm đơn gì?');
    expect(lost.query).toContain('Bằng Tổ quốc ghi công');
  });

  it("searches a wounded soldier's death from his wound's sequelae with the wound's relapse, which can make him a martyr", () => {
    const read = readQuestion(
      'Bố của ông Hoàng Quốc Vương là thương binh 1/4, tỷ lệ thương tật 91%. Bố ông chết tại nhà, trong hồ sơ bệnh án ghi bệnh do di chứng chiến tranh. ' +
        'Ông Vương hỏi, bố của ông có được công nhận là liệt sĩ không?',
    );
    expect(read.query).toContain('vết thương tái phát');
  });

  it('reads a complaint\'s "Tại sao …" as its question, without a question mark', () => {
    const read = readQuestion(
      'Mỗi năm gia đình liệt sỹ được nhận tiền thờ cúng. Năm 2014 cán bộ xã thông báo nộp giấy thờ cúng và viết đơn.\nĐến nay gia đình tôi vẫn chưa được lãnh tiền thờ cúng.\nTại sao Phòng lao động huyện có danh sách gia đình liệt sỹ mà không rà soát lại.',
    );
    expect(read.question).toMatch(/^Tại sao Phòng lao động huyện/u);
    expect(read.story).toContain('chưa được lãnh tiền thờ cúng');
  });

  it('searches a story of a prison sentence or an amnesty with the suspension of benefits', () => {
    const read = readQuestion(
      'Bố của ông Lương Văn Đạt là bệnh binh 2/3. Bố ông vi phạm pháp luật, bị cải tạo giam giữ 10 năm, thi hành án được 4 năm thì được đặc xá. ' +
        'Ông Đạt hỏi, bố ông có được tiếp tục hưởng chế độ bệnh binh như trước không?',
    );
    expect(read.query).toContain('tạm đình chỉ hưởng lại chế độ ưu đãi');
    expect(read.query).not.toContain('Đạt');
  });

  it('does not end a sentence at the abbreviation of a place name', () => {
    const read = readQuestion(
      'Bố tôi là bệnh binh 61%, đang nhận trợ cấp hằng tháng ở xã quê, năm ngoái ông vào ở hẳn với gia đình tôi và đã đăng ký thường trú tại phường mới. ' +
        'Vậy muốn chuyển hồ sơ bệnh binh của bố vào TP. Hồ Chí Minh thì phải làm đơn gì, nộp ở cơ quan nào?',
    );
    expect(read.question).toMatch(/^Vậy muốn chuyển hồ sơ bệnh binh/);
  });

  it('reads each question of a many-part message with the case words, and what a family gets at a death', () => {
    const read = readQuestion(
      'Bố tôi là thương binh 81%, nhận trợ cấp nhiều năm ở xã, mới mất tháng 3/2026; mẹ tôi 72 tuổi ở nhà làm nội trợ. ' +
        'Xin hỏi sau khi bố mất gia đình được nhận những khoản tiền gì? Mẹ tôi có được hưởng tiền tuất hằng tháng không?',
    );
    expect(read.query).toContain('trợ cấp mai táng trợ cấp một lần khi người có công từ trần');
    expect(read.parts).toHaveLength(1);
    expect(read.parts[0]!.query).toMatch(/tiền tuất hằng tháng.*thương binh/);
    expect(read.parts[0]!.asks).toBe('eligibility');
    const living = readQuestion(
      'Trong thôn có cụ bà là mẹ liệt sĩ, chồng cụ mất đã lâu, người con duy nhất hy sinh năm 1984. Cụ sống một mình, mỗi tháng nhận tiền tuất. ' +
        'Xin hỏi cụ có được hưởng thêm khoản nào nữa không?',
    );
    expect(living.query).not.toContain('mai táng');
    expect(living.query).toContain('cô đơn');
  });

  it('reads a short question whole', () => {
    const read = readQuestion('hs mai tang ncc nop o dau');
    expect(read.question).toBe('hs mai tang ncc nop o dau');
    expect(read.story).toBe('');
    expect(read.asks).toBe('where');
  });

  it('keeps the numbers that decide the rule: percentages, forms, articles, documents', () => {
    expect(withoutCaseDetails('Ông Trần Văn Ba, thương binh 81%, hỏi về Mẫu số 12 (Điều 121 NĐ 131) năm 2020')).toBe(
      'Ông , thương binh 81%, hỏi về Mẫu số 12 (Điều 121 NĐ 131)',
    );
  });

  it('names what is asked', () => {
    expect(readQuestion('mức chuẩn hiện nay là bao nhiêu').asks).toBe('amount');
    expect(readQuestion('cap lai bang tqgc dung mau nao').asks).toBe('form');
    expect(readQuestion('thời hạn giải quyết bao lâu').asks).toBe('deadline');
    expect(readQuestion('tuat con duoi 18t can them giay j').asks).toBe('documents');
    // Where the file goes is no question on what it holds.
    expect(readQuestion('cấp lại Bằng làm đơn theo mẫu nào, hồ sơ được chuyển đi đâu?').alsoAsks).toEqual(['where']);
    expect(readQuestion('vợ liệt sĩ tái giá có còn được hưởng trợ cấp không').asks).toBe('eligibility');
    expect(readQuestion('di chuyen ho so nop o dau ma so thu tuc bao nhieu').asks).toBe('where');
    expect(readQuestion('hs mai táng ncc nop xa nao').asks).toBe('where');
    // A question asked in its first sentence keeps no thanks after it.
    const thanked = readQuestion('Bố cháu là thương binh hạng 4/4, cháu dự định học trường trung cấp nghề gần nhà, không biết cháu có được miễn giảm học phí gì không ạ? Xin luật sư trả lời cho cháu được rõ ạ. Cháu cảm ơn! L.T.N (Nam Định).');
    expect(thanked.question).toMatch(/gì không ạ\?$/u);
    expect(thanked.query).not.toMatch(/cảm ơn/u);
    expect(readQuestion('di chuyen ho so nop o dau ma so thu tuc bao nhieu').alsoAsks).toContain('code');
    expect(readQuestion('bố tôi có được hưởng không, tiền được tính như thế nào').asks).toBe('amount');
    const many = readQuestion('Nhà nước có hỗ trợ tiền tàu xe cho mẹ con tôi không, được mấy người, tính thế nào, và phải xin giấy giới thiệu ở đâu?');
    expect([many.asks, ...many.alsoAsks]).toEqual(['where', 'eligibility', 'amount']);
    expect(readQuestion('xã lập danh sách điều dưỡng vào thời gian nào trong năm').asks).toBe('when');
    expect(readQuestion('Pháp lệnh ưu đãi người có công có hiệu lực từ khi nào').asks).toBe('when');
  });

  it('answers a question on when with the line that names the time', () => {
    const doc = passage(
      'tt-dieu-duong',
      'Điều dưỡng phục hồi sức khỏe gồm điều dưỡng tại nhà và điều dưỡng tập trung, theo danh sách của xã.\n\nTrong quý I hằng năm, UBND cấp xã lập danh sách điều dưỡng theo Mẫu số 86.',
    );
    const lines = directAnswer({ read: readQuestion('xã lập danh sách điều dưỡng vào thời gian nào trong năm'), candidates: [doc], registry: new AmountRegistry([]), today: TODAY }).lines;
    expect(lines[0]).toMatch(/^Trong quý I hằng năm/);
  });

  it('reads a death the story tells only as "no news, no death notice" as a missing person', () => {
    const read = readQuestion(
      'Năm 1946 cha tôi là ông Lê Văn Mùi đi kháng chiến. Từ đó đến nay gia đình không có tin tức gì của ông, cũng không nhận được giấy báo tử từ đơn vị. ' +
        'Cho tôi hỏi, tôi phải chuẩn bị hồ sơ xin công nhận liệt sĩ cho cha tôi gồm các loại giấy tờ nào?',
    );
    expect(read.query).toContain('mất tích');
    expect(read.query).not.toMatch(/Mùi|1946/);
  });

  it('asks what the family gets after a death only when the question says so', () => {
    expect(readQuestion('Cụ tôi là Bà mẹ Việt Nam anh hùng, mới chết tháng 12. Vậy chế độ tử tuất đối với cụ tôi như thế nào?').afterDeath).toBe(true);
    expect(readQuestion('Mẹ tôi là vợ liệt sĩ, bố tôi mất đã lâu. Mẹ tôi có được hưởng thêm khoản trợ cấp nào không?').afterDeath).toBe(false);
    expect(readQuestion('Bố tôi mất rồi, hồ sơ thờ cúng liệt sĩ gồm gì?').afterDeath).toBe(false);
  });

  it('reads a short message of two questions as two', () => {
    const read = readQuestion('tb 100% đang hưởng bn/tháng, có phụ cấp ko? còn bmvnah thì bn');
    expect(read.query).not.toMatch(/bmvnah/);
    expect(read.parts.map((p) => p.question)).toEqual(['còn bmvnah thì bn']);
    expect(read.parts[0]!.asks).toBe('amount');
  });

  it('takes a sentence that asks without a question mark as a question of its own', () => {
    const read = readQuestion(
      'Thời chống Mỹ, nhà tôi đào hầm nuôi giấu cán bộ; năm 1988 mẹ được tặng Huân chương Kháng chiến hạng Nhì và nay đang hưởng trợ cấp người có công giúp đỡ cách mạng. ' +
        'Tôi muốn biết hiện mẹ được trợ cấp hằng tháng bao nhiêu cho đúng. Và sau này nếu mẹ mất thì con cháu có được hưởng khoản gì không?',
    );
    expect(read.asks).toBe('amount');
    expect(read.afterDeath).toBe(false);
    expect(read.parts).toHaveLength(1);
    expect(read.parts[0]!.question).toMatch(/^Và sau này nếu mẹ mất/);
    expect(read.parts[0]!.query).toContain('trợ cấp mai táng');
  });

  it('asks the rule on who is kin when a sibling, a nephew or an in-law of the person with merit asks', () => {
    const sibling = readQuestion('Anh ruột tôi là liệt sĩ, không có vợ con. Vậy anh, em ruột tôi đi thăm viếng mộ liệt sĩ thì có được hỗ trợ kinh phí không?');
    expect(sibling.parts.map((p) => p.query)).toContainEqual(expect.stringContaining('không phải là thân nhân'));
    const child = readQuestion('Bố tôi là liệt sĩ. Tôi đi thăm viếng mộ bố thì có được hỗ trợ kinh phí không?');
    expect(child.parts).toEqual([]);
    const both = readQuestion('Cha và hai anh tôi đều là liệt sĩ. Hiện nhà chỉ còn mình tôi lo việc thờ cúng. Tôi có được hưởng chế độ gì không?');
    expect(both.parts).toEqual([]);
    // A carer is paid whoever she is: the rule on kin does not decide it.
    const carer = readQuestion('Chú tôi là thương binh 85%, liệt nửa người. Xin hỏi người trực tiếp phục vụ thương binh như thím tôi có được trợ cấp hằng tháng không?');
    expect(carer.parts.map((p) => p.query).join(' ')).not.toContain('không phải là thân nhân');
  });

  it('reads a family that helped the revolution and holds a resistance award as giúp đỡ cách mạng, not as a fighter', () => {
    const helper = readQuestion(
      'Mẹ tôi 90 tuổi, thời chống Mỹ nhà tôi đào hầm nuôi giấu cán bộ; năm 1988 mẹ được tặng Huân chương Kháng chiến hạng Nhì và nay đang hưởng trợ cấp người có công giúp đỡ cách mạng. Tôi muốn biết hiện mẹ được trợ cấp hằng tháng bao nhiêu?',
    );
    expect(helper.query).toContain('giúp đỡ cách mạng');
    expect(helper.query).not.toContain('hoạt động kháng chiến');
    const fighter = readQuestion(
      'Bố tôi tham gia kháng chiến chống Mỹ từ năm 1965, được tặng Huân chương Kháng chiến hạng Ba, gia đình cũng được công nhận có công giúp đỡ cách mạng. Xin hỏi bố tôi được trợ cấp một lần bao nhiêu?',
    );
    expect(fighter.query).toContain('hoạt động kháng chiến');
  });

  it('keeps an expert sent to Laos or Cambodia (Quyết định 57) in the field and in what is searched', () => {
    const read = readQuestion(
      'Xin chào tổng đài, tôi có thời gian được cử đi làm chuyên gia sang giúp nước bạn Lào 10 tháng theo Quyết định 57. Tôi có nghe nói phải làm chuyên gia từ đủ 12 tháng trở lên mới được hưởng trợ cấp một lần có đúng không?',
    );
    expect(read.query).toContain('chuyên gia giúp Lào Campuchia');
    expect(judgeDomain(read.question, read.story).verdict).toBe('in');
  });

  it('reads a death before the benefit was claimed as the case of the family’s one-time sum', () => {
    const read = readQuestion(
      'Ông tôi là bộ đội, năm 1967 bị địch bắt tù, đày ở nhà lao Phú Quốc, đến năm 1973 mới được trao trả. Năm 1995, ông tôi qua đời mà chưa được hưởng chế độ dành cho người bị địch bắt tù, đày. Vậy nay có được xem xét giải quyết chế độ không?',
    );
    expect(read.query).toContain('chết mà chưa được hưởng chế độ trợ cấp một lần');
    expect(readQuestion('Bố tôi là thương binh 61%, đã nhận trợ cấp nhiều năm ở xã Yên Thành (Nghệ An), vừa mất tháng 3/2026 vì tuổi già. Xin hỏi gia đình được nhận những khoản gì?').query).not.toContain('chưa được hưởng');
    // The widow's own benefit not yet received is no death before the benefit was claimed.
    const widow = readQuestion(
      'Chồng tôi là thương binh 62% từ năm 1988. Đến năm 2000 thì chồng tôi chết, lúc đó tôi chưa được hưởng tiền tuất do chưa đủ tuổi hưởng. Năm nay tôi đã 55 tuổi thì tôi cần làm thủ tục gì để được hưởng tiền tuất của chồng?',
    );
    expect(widow.query).not.toContain('chưa được hưởng');
  });

  it('reads a house to build or repair the story tells as the case of housing support', () => {
    const read = readQuestion('Bố của ông Nguyễn Văn Dũng (Đà Nẵng) là liệt sĩ, bản thân ông là thương binh. Nay ông cần xây mới lại nhà. Ông Dũng hỏi, ông được hỗ trợ những gì và thủ tục như thế nào?');
    expect(read.query).toContain('hỗ trợ cải thiện nhà ở');
  });

  it('does not read "mặt trận" or "mắt trái" as a death', () => {
    expect(readQuestion('Chú tôi là thương binh 85%, bị thương ở mặt trận Vị Xuyên năm 1985, hiện sống ở xã Quảng Hà (Quảng Ninh), liệt nửa người, thím tôi chăm sóc. Xin hỏi thím tôi có được trợ cấp người phục vụ không?').query).not.toContain('từ trần');
    expect(readQuestion('Bố tôi là thương binh, vết thương xuyên nhãn cầu, mắt trái không nhìn thấy, nay đã 80 tuổi và sống cùng con cháu ở quê. Xin hỏi bố tôi có được cấp dụng cụ chỉnh hình không?').query).not.toContain('từ trần');
    expect(readQuestion('Bố tôi là thương binh 61%, ở xã Yên Thành (Nghệ An), đã nhận trợ cấp nhiều năm nay, vừa mất tháng 3/2026 vì tuổi già. Xin hỏi gia đình được nhận những khoản gì?').query).toContain('từ trần');
  });

  it('reads a parent’s death that made the asker take up the worship as no death whose benefits are asked', () => {
    const read = readQuestion('Ông nội tôi là liệt sỹ hy sinh năm 1975. Hiện nay ba mẹ tôi đã mất nên tôi chịu trách nhiệm thờ cúng đối với ông nội. Vậy xin hỏi chế độ trợ cấp cho người thờ cúng như thế nào?');
    expect(read.query).not.toContain('từ trần');
    expect(readQuestion('Bố tôi là thương binh 61%, vừa mất tháng 3/2026. Xin hỏi gia đình được nhận những khoản gì?').query).toContain('từ trần');
  });

  it('reads "chế độ điều dưỡng … quy định thế nào" as asking what it pays too', () => {
    expect(readQuestion('Xin hỏi chế độ điều dưỡng đối với người có công được Nhà nước quy định thế nào?').alsoAsks).toContain('amount');
    expect(readQuestion('Thủ tục điều dưỡng như thế nào?').alsoAsks).not.toContain('amount');
    expect(readQuestion('Phụ cấp của thương binh 81% ra sao?').alsoAsks).toContain('amount');
  });

  it('reads another question "chế độ trợ cấp cho … như thế nào" as asking its amount, where one is stated', () => {
    const read = readQuestion('Ông nội tôi là liệt sĩ. Vậy xin hỏi những chế độ mà thân nhân liệt sỹ được hưởng là gì? Chế độ trợ cấp cho người thờ cúng như thế nào?');
    expect(read.parts[0]).toMatchObject({ asks: 'amount', impliedAmount: true });
    expect(readQuestion('Những chế độ thân nhân liệt sĩ được hưởng là gì? Nộp hồ sơ ở đâu?').parts[0]).not.toHaveProperty('impliedAmount');
  });

  it('reads "được hưởng là gì" as what one gets, not as a definition', () => {
    expect(readQuestion('Xin hỏi những chế độ mà thân nhân liệt sỹ được hưởng là gì?').asks).not.toBe('definition');
    expect(readQuestion('Mức chuẩn là gì?').asks).toBe('definition');
  });

  it('keeps a story’s sentence on "thực thể não" in the story, and reads a resistance Bằng khen as Quyết định 24/2016’s case', () => {
    const read = readQuestion('Ông Hạnh là thương binh 2/4, tỷ lệ thương tật 75%, bác sĩ kết luận nhãn cầu trái còn mảnh kim loại. Điện não đồ vùng thái dương trái có rối loạn tâm thần, động kinh, do tổn thương thực thể não. Ông Hạnh hỏi, ông có được giám định lại vết thương còn sót không?');
    expect(read.question).toMatch(/^Ông Hạnh hỏi/u);
    expect(read.query).not.toContain('rối loạn');
    expect(readQuestion('Năm nay tôi 82 tuổi. Tôi được tặng bằng khen “đã góp công sức vào cuộc kháng chiến lâu dài và anh dũng của dân tộc”, do Chính phủ cấp ngày 13-4-2001. Xin cho biết tôi có được hưởng chính sách ưu đãi người có công hay không?').query).toContain('Bằng khen kháng chiến');
  });

  it('reads "tôi có là đối tượng … không" as asking whether one is entitled, and then which form to file', () => {
    const read = readQuestion('Bố tôi là thương binh, vậy tôi có là đối tượng được hưởng ưu đãi giáo dục không?');
    expect(read.asks).toBe('eligibility');
    expect(read.alsoAsks).toEqual(['form']);
    expect(readQuestion('Mẹ tôi có thuộc diện được cấp thẻ bảo hiểm y tế không?').alsoAsks).toEqual(['form']);
    // Another question that is no step to take ("có được truy lĩnh không?") leaves the form to claim it asked.
    const twice = readQuestion('Bố tôi là thương binh 81%, đã mất năm 2020. Mẹ tôi có được hưởng tuất hằng tháng không? Nếu được thì có được truy lĩnh không?');
    expect(twice.parts).toHaveLength(1);
    expect(twice.alsoAsks).toContain('form');
  });

  it('reads "thủ tục gì" as asking where to file too, and "trợ cấp nào" as no question on which level', () => {
    expect(readQuestion('gia đình ông cần làm thủ tục gì để được cấp lại Bằng Tổ quốc ghi công?').alsoAsks).toEqual(['where']);
    expect(readQuestion('Cụ được hưởng những khoản trợ cấp nào và được hưởng các chế độ trợ cấp, phụ cấp từ thời điểm nào?').asks).toBe('when');
    expect(readQuestion('hồ sơ do cấp nào giải quyết').asks).toBe('where');
  });

  it('reads "Tôi có một vấn đề muốn được giải đáp như sau: …" as the story, and "có chính sách gì … đã mất" as what the family gets', () => {
    const read = readQuestion(
      'Tôi có một vấn đề muốn được giải đáp như sau: bố tôi vừa mới mất, là thương binh được Nhà nước hỗ trợ trợ cấp, ưu đãi, được hưởng chính sách người có công với cách mạng. Tuy nhiên bố tôi mất đi để lại mẹ tôi nay đã 80 tuổi, hoàn cảnh gia đình các con cũng khó khăn, vậy cho tôi hỏi là có chính sách gì trợ cấp cho thân nhân của thương binh đã mất không?',
    );
    expect(read.story).toMatch(/^Tôi có một vấn đề/u);
    expect(read.question).toMatch(/^Tuy nhiên bố tôi mất đi/u);
    expect(read.query).toContain('trợ cấp mai táng');
  });

  it('reads "mất sức lao động 61%" as the rating the story tells, not an assessment to be made', () => {
    const read = readQuestion('Mẹ tôi là bệnh binh, mất sức lao động 61%, trước năm 2017 hưởng trợ cấp hằng tháng. Xin hỏi hiện nay mức trợ cấp của mẹ tôi được tính như thế nào?');
    expect(read.query).toContain('bệnh binh');
    expect(read.query).not.toContain('giám định');
    expect(readQuestion('Bố tôi là thương binh, vết thương tái phát nên muốn giám định lại. Xin hỏi bố tôi phải làm đơn theo mẫu nào?').query).toContain('giám định');
  });

  it('reads "hoạt động cách mạng từ năm 1944" as a revolutionary of before 1945, and a ministry’s name as no thương binh', () => {
    const read = readQuestion(
      'Bố tôi tham gia hoạt động cách mạng từ đầu năm 1944, là đảng viên, đã từ trần năm 1978. Tôi đã làm bản khai theo hướng dẫn của Bộ Lao động thương binh và xã hội nhưng chưa được giải quyết chế độ. Vậy thủ tục và hồ sơ để được công nhận và hưởng chế độ thực hiện như thế nào?',
    );
    expect(read.query).toContain('lão thành cách mạng');
    expect(read.query).not.toContain('thương binh');
  });

  it('reads "hoạt động cách mạng trước năm 1945" as a revolutionary of before 1945, not a resistance fighter', () => {
    const read = readQuestion('Ông nội tôi có tham gia hoạt động cách mạng trước năm 1945. Xin hỏi, ông nội tôi và thân nhân sẽ được hưởng chế độ ưu đãi như thế nào?');
    expect(read.query).toContain('lão thành cách mạng');
    expect(read.query).not.toContain('kháng chiến');
    // A resistance fighter of the war against the US stays one.
    expect(readQuestion('Bố tôi tham gia hoạt động cách mạng từ năm 1968 ở chiến trường B, đến năm 1975 thì về quê. Nay bố đã 80 tuổi, sức khỏe yếu. Xin hỏi bố tôi được hưởng chế độ gì?').query).toContain('hoạt động kháng chiến');
  });

  it('searches a request for "thông tin về chế độ ưu đãi đối với bệnh binh" as what the group gets, without its courtesies', () => {
    const read = readQuestion('Vui lòng cung cấp cho tôi thông tin về chế độ ưu đãi đối với bệnh binh theo quy định mới? Mong sớm nhận phản hồi.');
    expect(read.query).toContain('chế độ ưu đãi đối với bệnh binh');
    expect(read.query).toContain('được hưởng những chế độ gì');
    expect(read.query).not.toMatch(/cung cấp|thông tin|phản hồi/u);
    // An amount asked of the group is asked as it is.
    expect(readQuestion('Chế độ trợ cấp đối với bệnh binh 61% là bao nhiêu?').query).not.toContain('những chế độ gì');
  });

  it('searches without the asker\'s elders ("mẹ tôi", "ông nội tôi"): "mẹ" would pull the search to Bà mẹ Việt Nam anh hùng', () => {
    const read = readQuestion('Mẹ tôi được tặng Huân chương Kháng chiến hạng Ba thì chế độ ưu đãi được hưởng những gì?');
    expect(read.query).not.toMatch(/mẹ tôi/iu);
    expect(read.query).toContain('Huân chương Kháng chiến');
    // A mother the question asks about as such stays.
    expect(readQuestion('Mẹ liệt sĩ được trợ cấp tuất bao nhiêu?').query).toContain('Mẹ liệt sĩ');
    expect(readQuestion('Vậy tôi có được hưởng lại trợ cấp tuất hàng tháng của cha tôi hay không?').query).not.toContain('cha tôi');
    expect(readQuestion('me toi duoc tang huan chuong khang chien thi huong gi').query).not.toMatch(/me toi/u);
  });

  it('searches "chính sách dành cho gia đình bà" as what the group the message names gets', () => {
    const read = readQuestion('Gia đình em vừa nhận bằng của bà cố với danh hiệu Bà mẹ Việt Nam anh hùng. Vậy chính sách dành cho gia đình bà là như thế nào?');
    expect(read.query).toContain('được hưởng những chế độ gì');
    // No group named: nothing to say what "bà" gets.
    expect(readQuestion('Bà tôi năm nay 85 tuổi, sống một mình. Chính sách dành cho bà như thế nào?').query).not.toContain('những chế độ gì');
  });

  it('reads a prisoner moved to another jail as no move of the family’s file', () => {
    const prisoner = readQuestion('Ông tôi năm 1967 bị địch bắt tù, đày giam giữ ở nhà lao Quy Nhơn, sau đó chuyển vào nhà lao Phú Quốc, năm 1995 ông qua đời mà chưa được hưởng chế độ. Vậy nay có được xem xét giải quyết chế độ không?');
    expect(prisoner.query).not.toContain('di chuyển hồ sơ');
    expect(readQuestion('Bố tôi là thương binh 61%, hưởng trợ cấp ở Nghệ An. Năm 2025 gia đình chuyển vào Bình Dương sinh sống. Xin hỏi thủ tục thế nào để bố tôi tiếp tục nhận trợ cấp?').query).toContain('di chuyển hồ sơ');
  });

  it('reads a story’s certificate of a wound never assessed as the recognition of a thương binh', () => {
    const read = readQuestion(
      'Năm 1970 tôi bị thương ở mặt trận Quảng Trị, được cấp giấy chứng nhận bị thương nhưng sau đó thất lạc, tôi chưa được đi giám định. Nay tôi phải làm gì để được hưởng chế độ?',
    );
    expect(read.question).toBe('Nay tôi phải làm gì để được hưởng chế độ?');
    expect(read.query).toContain('công nhận thương binh giấy chứng nhận bị thương');
  });

  it('reads a visit to a martyr’s grave in a cemetery as the visit, not as remains to be moved, unless the story moves them', () => {
    const visit = readQuestion('Mộ anh tôi ở nghĩa trang liệt sĩ tỉnh bạn, tháng trước tôi đi thăm viếng mộ liệt sĩ. Xin hỏi xã chỉ trả tiền một chiều có đúng không?');
    expect(visit.query).toContain('thăm viếng mộ liệt sĩ');
    expect(visit.query).not.toContain('hài cốt');
    const moved = readQuestion('Mộ anh tôi ở nghĩa trang liệt sĩ tỉnh bạn, năm ngoái tôi đi thăm viếng và gia đình đã thống nhất bốc mộ về quê. Xin hỏi được hỗ trợ những gì?');
    expect(moved.query).toContain('hài cốt');
  });

  it('searches the burial allowance in its own words beside a group’s long name, for a plain question on its amount', () => {
    expect(readQuestion('bà mẹ việt nam anh hùng mất được mai táng phí bao nhiêu').query).toContain('trợ cấp mai táng người có công');
    // The papers asked beside it, or a story, bring words of their own.
    expect(readQuestion('tb 61% mất, tiền mai táng bao nhiêu, hồ sơ gồm gì').query).not.toContain('trợ cấp mai táng người có công');
  });

  it('leaves thanks and requests to answer out of a question that has no question mark', () => {
    const read = readQuestion(
      'Tôi là thương binh 41%, vẫn nhận trợ cấp theo mức cũ từ năm 2021. Tôi nghe nói trợ cấp được tăng nhưng không rõ như trường hợp của tôi là lên bao nhiêu tiền 1 tháng. Mong anh, chị giải đáp giúp cho tôi. Tôi xin chân thành cảm ơn rất nhiều!',
    );
    expect(read.question).toBe('Tôi nghe nói trợ cấp được tăng nhưng không rõ như trường hợp của tôi là lên bao nhiêu tiền 1 tháng.');
  });

  it('reads an amount quoted in millions ("18 triệu phải không") as asking the amount', () => {
    expect(askedKind('mai táng phí người có công 18 triệu phải không')).toBe('amount');
    expect(askedKind('được 2,5 triệu một tháng đúng không')).toBe('amount');
  });

  it('asks the rule on the role the story names when the question asks what someone gets', () => {
    const own = readQuestion('Cha tôi là liệt sĩ, mẹ tôi đã mất. Hiện nhà chỉ còn mình tôi lo việc thờ cúng. Xin hỏi tôi có được hưởng chế độ gì không?');
    expect(own.parts.map((p) => p.asks)).toEqual(['amount', 'form']);
    expect(own.parts[0]!.query).toContain('thờ cúng');
    const raised = readQuestion('Vợ chồng tôi nhận nuôi cháu từ khi cháu 5 tuổi. Năm 2010 cháu hy sinh, được công nhận liệt sĩ. Xin hỏi vợ chồng tôi có được hưởng tiền tuất không?');
    expect(raised.parts.map((p) => p.query)).toEqual([expect.stringContaining('người có công nuôi liệt sĩ')]);
    // A question that names the role is searched with it already; one that asks no entitlement gets no such part.
    const named = readQuestion('Anh tôi là liệt sĩ, hy sinh năm 1972 khi chưa có vợ con. Từ năm 1980 bố tôi lo việc thờ cúng anh. Xin hỏi người thờ cúng liệt sĩ có được hưởng chế độ gì không?');
    expect(named.parts.filter((p) => p.query.includes('thờ cúng'))).toEqual([]);
    const where = readQuestion('Anh tôi là liệt sĩ, hy sinh năm 1972 khi chưa có vợ con. Từ năm 1980 bố tôi lo việc thờ cúng anh. Xin hỏi hồ sơ liệt sĩ của anh tôi đang lưu ở đâu?');
    expect(where.parts.filter((p) => p.query.includes('thờ cúng'))).toEqual([]);
  });

  it('reads a death of the person with merit told in the story, and its year, as asking what the family gets then', () => {
    const read = readQuestion(
      'Bố của ông Năm là thương binh hạng 3/4, bị nhiễm chất độc da cam. Bố ông đã nghỉ hưu và chết năm 2012. Ông Năm hỏi, mẹ của ông năm nay 74 tuổi được những chế độ gì, mức hưởng thế nào?',
    );
    expect(read.afterDeath).toBe(true);
    expect(read.deathDate).toBe('2012-12-31');
    // Someone else's death in the story says nothing of the kind.
    const other = readQuestion(
      'Mẹ tôi là mẹ liệt sĩ, có con duy nhất hy sinh năm 1972 ở chiến trường miền Nam. Chồng bà mất đã lâu, bà sống một mình ở quê. Xin hỏi bà có được hưởng thêm khoản nào không?',
    );
    expect(other.afterDeath).toBe(false);
  });

  it('gives a later question of the message the subject of the first', () => {
    const read = readQuestion('Muốn chuyển hồ sơ bệnh binh của bố vào tỉnh khác thì làm đơn gì, nộp ở cơ quan nào? Trong thời gian chuyển, tiền có bị gián đoạn không?');
    expect(read.parts).toHaveLength(1);
    expect(read.parts[0]!.query).toContain('di chuyển hồ sơ');
  });

  it('starts the question where one is put, not at a story sentence that only holds a question\'s words', () => {
    // "thực thể não" folds to "thuc the nao" ("thế nào").
    const read = readQuestion(
      'Bố của ông Phúc (Nam Định) là thương binh hạng 2/4. Năm 1986, bố ông giám định thương tật, hồ sơ ghi động kinh do tổn thương thực thể não. Bố ông hay đi lang thang nên mẹ ông phải ở nhà chăm sóc. Ông Phúc hỏi, mẹ của ông có được hưởng trợ cấp người chăm sóc không? Nếu được thì hồ sơ cần những gì?',
    );
    expect(read.question).toMatch(/^Ông Phúc hỏi/u);
    expect(read.story).toContain('thực thể não');
    // A yes-or-no question followed by "Nếu được thì…": the yes or no is what the answer must settle first.
    expect(read.asks).toBe('eligibility');
    expect(readQuestion('Mẹ tôi có được hưởng trợ cấp không. Nếu có thì thủ tục thế nào? Bố tôi là thương binh 81% đã lâu năm, mẹ tôi chăm sóc bố ở nhà.').question).toMatch(/^Mẹ tôi có được/u);
  });

  it('reads "mất" as a death, not "mất sức lao động" nor "mắt" (eye)', () => {
    const alive = readQuestion('Bố tôi là thương binh, mất sức lao động 75%, thị lực mắt trái kém, hay đau ốm nhiều năm. Mẹ tôi ở nhà chăm sóc bố. Xin hỏi mẹ tôi có được hưởng trợ cấp gì không?');
    expect(alive.query).not.toContain('từ trần');
    expect(alive.afterDeath).toBe(false);
    const died = readQuestion('Bố tôi là thương binh 81%, bố tôi đã mất năm ngoái sau nhiều năm bệnh nặng. Xin hỏi gia đình được nhận những khoản gì?');
    expect(died.afterDeath).toBe(true);
    // "… chết thì gđ được gì": what the family gets after the death, typed short.
    expect(readQuestion('tb 81% chet thi gd duoc gi').afterDeath).toBe(true);
    expect(readQuestion('thương binh 81% chết thì gia đình được gì').afterDeath).toBe(true);
  });

  it('reads "ông đã qua đời" as the death of the one the story tells of, and "các chế độ … sẽ được hưởng" as what the family gets, the whole list', () => {
    const read = readQuestion(
      'Bố tôi là thương binh 2/4 tỷ lệ là 61%. Ông tham gia chiến trường miền Nam. Tháng 9 năm 2018 do vết thương tái phát gia đình chạy chữa không nổi ông đã qua đời. Giờ gia đình tôi xin hỏi các chế độ của gia đình sẽ được hưởng và tính như thế nào ạ?',
    );
    expect(read.afterDeath).toBe(true);
    expect(ENUMERATION.test(read.question)).toBe(true);
    // "Ông nội tôi" is someone else.
    expect(readQuestion('Bố tôi là thương binh 2/4 tỷ lệ là 61%, hiện bố tôi vẫn khỏe và đang hưởng trợ cấp hằng tháng. Năm 2018 ông nội tôi đã qua đời. Giờ gia đình tôi xin hỏi bố tôi được hưởng các chế độ gì?').afterDeath).toBe(false);
  });

  it('takes the sentence a question points back to ("trợ cấp này") into the question, and "tại gia đình" for no "tái giá"', () => {
    const read = readQuestion(
      'Bố tôi hy sinh ở chiến trường Campuchia, được công nhận liệt sĩ. Nay tôi muốn đưa bố tôi về thờ cúng tại gia đình. Tôi nghe nói người thờ cúng liệt sĩ sẽ được hưởng trợ cấp thờ cúng. Mức trợ cấp này là bao nhiêu? hồ sơ hưởng như thế nào?',
    );
    expect(read.question).toContain('Tôi nghe nói người thờ cúng liệt sĩ sẽ được hưởng trợ cấp thờ cúng. Mức trợ cấp này');
    expect(read.query).not.toContain('kết hôn với người khác');
  });

  it('takes the sentence before into the question when it says "chế độ hỗ trợ nêu trên", and keeps a post sent to a commune in the case', () => {
    const read = readQuestion(
      'Bà Nguyễn Thị Huệ (ở Lào Cai) phản ánh, sau khi thực hiện chính quyền địa phương 2 cấp, cán bộ các sở, ngành được tăng cường về làm việc tại các xã, được hưởng trợ cấp một lần bằng 10 tháng lương cơ sở. Chế độ hỗ trợ nêu trên được chi trả khi nào, thực hiện chi trả căn cứ điều khoản nào hay phải có hướng dẫn của tỉnh?',
    );
    expect(read.question).toContain('được tăng cường về làm việc tại các xã');
    expect(read.query).toContain('10 tháng lương cơ sở');
  });

  it('takes the sentence before into the question when it asks whether "áp dụng như vậy" is right', () => {
    const read = readQuestion(
      'Ông Nguyên là cán bộ không chuyên trách cấp xã tại tỉnh Khánh Hòa, xin nghỉ việc từ ngày 1/9. Địa phương tôi đang áp dụng chế độ cho người hoạt động không chuyên trách cấp xã theo Điều 8 của Nghị định 154. Lý do là Điều 9 của Nghị định 154 chỉ áp dụng với những người nghỉ ngay từ ngày 1/7. Áp dụng như vậy là đúng hay sai?',
    );
    expect(read.question).toContain('Điều 9 của Nghị định 154');
  });

  it('reads "như từ thời còn cấp huyện" and a post held at the district before 1 July as the two-level reorganisation', () => {
    expect(judgeDomain('Tôi có tiếp tục được hưởng chế độ bồi dưỡng trong 6 tháng như từ thời còn cấp huyện không?').verdict).toBe('in');
    expect(judgeDomain('Nếu được hưởng thì căn cứ văn bản nào?', 'Trước ngày 1/7, bà Dinh làm việc tại UBND cấp huyện và được hưởng chế độ bồi dưỡng công tác tiếp công dân.').verdict).toBe('in');
    expect(judgeDomain('Huyện tôi có bao nhiêu xã?').verdict).toBe('unknown');
  });

  it('reads "gia đình có tiếp tục được lĩnh trợ cấp không" after a death told far from its subject as what the family gets', () => {
    const read = readQuestion(
      'Chồng tôi là bệnh binh hạng nhất, nghỉ hưởng chế độ mất sức từ năm 1990. Đến tháng 10 năm 1997 chồng tôi được hưởng thêm trợ cấp kháng chiến 24.000 đ/tháng cài vào lương, nhưng mới hưởng được 02 tháng thì đến tháng 01/1999 chết. Vậy gia đình tôi có tiếp tục được lĩnh tiền trợ cấp không?',
    );
    expect(read.afterDeath).toBe(true);
    // "Bố ông": the asker's pronoun is no other person who died.
    expect(readQuestion('Bố của ông Năm (Thanh Hoá) là thương binh hạng 3/4, bị nhiễm chất độc da cam. Bố ông đã nghỉ hưu và chết năm 2012. Ông Năm hỏi, mẹ của ông năm nay 74 tuổi được những chế độ gì, mức hưởng thế nào?').afterDeath).toBe(true);
    // "Chồng tôi là thương binh, mẹ tôi đã mất": the death is the mother's.
    expect(readQuestion('Chồng tôi là thương binh 81%, mẹ tôi đã mất năm ngoái, gia đình tôi sống ở xã Yên Lạc, huyện Yên Lạc, tỉnh Vĩnh Phúc đã lâu. Vậy gia đình tôi có tiếp tục được lĩnh tiền trợ cấp không?').afterDeath).toBe(false);
  });

  it('keeps a story sentence that only ends in a mark of indignation ("… nhưng không được?") out of the question that "Cho tôi hỏi" puts', () => {
    const read = readQuestion(
      'Mẹ tôi là vợ liệt sĩ đã tái giá nhưng vẫn được hưởng trợ cấp tiền tuất hàng tháng của thân nhân liệt sĩ. Khi mẹ tôi chết, tôi có làm hồ sơ xin chế độ mai táng phí nhưng không được? Cho tôi hỏi vợ liệt sĩ đã tái giá khi chết có được hưởng trợ cấp mai táng không?',
    );
    expect(read.question).toBe('Cho tôi hỏi vợ liệt sĩ đã tái giá khi chết có được hưởng trợ cấp mai táng không?');
    expect(read.asks).toBe('eligibility');
    // "hồ sơ xin chế độ": "chế độ" is no "đó" pointing back to the sentence before.
    expect(read.story).toContain('Khi mẹ tôi chết');
  });

  it('keeps a story sentence closed by a full stop ("… không ghi thương tật là bao nhiêu.") out of the question "Tôi muốn hỏi" puts', () => {
    const read = readQuestion(
      'Bố tôi là cựu chiến binh, tham gia chiến đấu ở Quảng Trị từ năm 1967 đến năm 1975, bị thương ở đùi và còn một mảnh bom bi trong ngón tay. Khi ra viện bố tôi có được cấp thẻ thương bệnh binh nhưng không ghi thương tật là bao nhiêu. Tôi muốn hỏi liệu bố tôi có được giám định lại thương tật để hưởng chế độ thương binh không?',
    );
    expect(read.question).toMatch(/^Tôi muốn hỏi/u);
    expect(read.asks).toBe('eligibility');
    // A sentence that asks, before the asking phrase, stays in the question.
    expect(readQuestion('Bố tôi là thương binh 61%, năm nay đã 80 tuổi, sức khỏe yếu, gia đình ở xã miền núi rất xa trung tâm tỉnh. Mức trợ cấp của bố tôi là bao nhiêu? Tôi muốn hỏi thêm là bố tôi có được điều dưỡng không?').question).toMatch(/^Mức trợ cấp/u);
  });

  it('reads a soldier sent home the story tells as the case when the question names no subject, and a page\'s "Câu hỏi:" label as no question', () => {
    const story = 'Bố tôi sinh năm 1945, nhập ngũ tháng 4/1966 tại Sư đoàn 320, sau đó vào chiến trường Tây Nguyên. Tháng 12/1975 bố tôi xuất ngũ về địa phương, được tặng Huân chương kháng chiến nhưng chưa được hưởng chế độ.';
    expect(readQuestion(`${story} Xin hỏi bố tôi có được hưởng chế độ gì không?`).query).toContain('phục viên xuất ngũ');
    expect(readQuestion(`${story} Xin hỏi bố tôi có được công nhận nhiễm chất độc da cam không?`).query).not.toContain('phục viên xuất ngũ');
    const labelled = readQuestion(
      'Câu hỏi: Cha tôi là liệt sĩ. Cách đây 3 năm tôi làm hồ sơ hưởng tuất theo diện con liệt sĩ khuyết tật nặng, từ đó gia đình không nhận trợ cấp thờ cúng nữa. Cho tôi hỏi như vậy có đúng không? Trường hợp nào thì thân nhân liệt sĩ được hưởng trợ cấp thờ cúng?',
    );
    // The question starts after the label; "như vậy có đúng không" takes the sentence it points back to.
    expect(labelled.question.startsWith('Cách đây 3 năm')).toBe(true);
    expect(labelled.story).toBe('Cha tôi là liệt sĩ.');
  });

  it('asks no rule on the role a story tells ("tái giá") when the question names the group it asks about', () => {
    const story = 'Bà nội tôi có 3 người con với người chồng trước, trong đó 1 người con là liệt sĩ. Sau đó bà tái giá, người chồng sau cũng là liệt sĩ, bà đã mất năm 2010 ở quê.';
    expect(readQuestion(`${story} Xin hỏi bà tôi có được truy tặng danh hiệu Bà mẹ Việt Nam anh hùng không?`).parts.some((p) => p.decisive)).toBe(false);
    expect(readQuestion(`${story} Xin hỏi bà tôi khi còn sống có được hưởng trợ cấp gì không?`).parts.some((p) => p.decisive)).toBe(true);
    // …nor when it names the procedure it asks about.
    const keeper = 'Bác ruột tôi là liệt sĩ, có thể nằm trong số mộ chưa xác định được danh tính. Anh trai tôi đang là người thờ cúng bác; mẹ tôi sẵn sàng cho lấy mẫu.';
    expect(readQuestion(`${keeper} Gia đình muốn đề nghị giám định ADN. Xin hỏi người thân cho mẫu có được hỗ trợ gì không?`).parts.some((p) => p.decisive)).toBe(false);
    // …nor when it names a role of its own: the story's other role is only its background.
    const household = 'Cha ông Trọng có hai vợ; người con của vợ hai hiện đang được hưởng chế độ thờ cúng liệt sĩ, anh trai ông là liệt sĩ.';
    expect(readQuestion(`${household} Ông Trọng hỏi, mẹ ông có công nuôi dưỡng liệt sĩ đến năm 7 tuổi thì có được hưởng chế độ không?`).parts.some((p) => p.decisive)).toBe(false);
    expect(readQuestion(`${household} Ông Trọng hỏi, mẹ ông năm nay 86 tuổi thì có được hưởng chế độ gì không?`).parts.some((p) => p.decisive)).toBe(true);
  });

  it('leaves the story\'s other procedures out of the search when the question names its own', () => {
    const story = 'Ông Nhất có người bác đã hy sinh tại chiến trường, gia đình chỉ còn giấy báo tử. Vừa qua, gia đình đã tìm thấy mộ của bác tại nghĩa trang Quảng Trị.';
    expect(readQuestion(`${story} Gia đình có thể làm hồ sơ công nhận liệt sĩ cho bác được không?`).query).not.toContain('hài cốt');
    expect(readQuestion(`${story} Gia đình được hỗ trợ những gì?`).query).toContain('hài cốt');
    // The worship of a martyr and the visit to his grave are procedures of their own too.
    const caretaker = 'Cha tôi chuyên lo việc hương khói, trông nom nghĩa trang liệt sĩ của xã nhiều năm nay.';
    expect(readQuestion(`${caretaker} Sau này tôi có được thờ cúng liệt sĩ thay cha không?`).query).not.toContain('hài cốt');
    expect(readQuestion(`${caretaker} Tôi muốn đi thăm viếng mộ liệt sĩ ở tỉnh khác thì có được hỗ trợ không?`).query).not.toContain('hài cốt');
  });

  it('leaves the group of a story out of the search for a benefit paid alike to every group', () => {
    const read = readQuestion(
      'Ông tôi là người hoạt động kháng chiến từ những năm 60 chống Mỹ có huân huy chương kháng chiến được nhà nước trao tặng. Nay ông mới mất thì thủ tục hưởng mai táng phí bao gồm những giấy tờ gì? Nộp ở đâu?',
    );
    expect(read.query).not.toMatch(/hoạt động kháng chiến|huân chương/u);
    expect(readQuestion('Bố tôi là người hoạt động kháng chiến, có huân chương kháng chiến hạng Nhì từ năm 1985 đến nay. Xin hỏi bố tôi có được hưởng trợ cấp một lần không?').query).toContain('hoạt động kháng chiến');
  });

  it('answers numbered questions ("Câu 1. … Câu 2. … Câu 3. …") each on its own subject', () => {
    const read = readQuestion(
      'Bà Phạm Thị Nga thôn Tân Sơn, xã Kỳ Thọ (Hà Tĩnh) hỏi: Câu 1. Đối tượng nào được công nhận danh hiệu “Bà mẹ Việt Nam anh hùng”? Câu 2. Chế độ điều dưỡng hàng năm được quy định như thế nào? Câu 3. Trợ cấp hằng tháng của vợ liệt sĩ là bao nhiêu?',
    );
    expect(read.query).toContain('Bà mẹ Việt Nam anh hùng');
    expect(read.query).not.toMatch(/điều dưỡng|vợ liệt sĩ/u);
    expect(read.asks).toBe('eligibility');
    expect(read.parts.map((p) => p.query)).toEqual([expect.stringMatching(/^Chế độ điều dưỡng/u), expect.stringMatching(/^Trợ cấp hằng tháng của vợ liệt sĩ/u)]);
    expect(read.parts[1]!.query).not.toContain('Bà mẹ');
  });

  it('reads a disability the story tells without naming it ("liệt nửa người, không còn khả năng tự kiếm sống")', () => {
    const read = readQuestion(
      'Cha tôi là thương binh hạng 2/4, chết tháng 6/1996. Tôi đã được hưởng trợ cấp tuất hàng tháng đến năm đủ 18 tuổi. Vừa qua, tôi bị tai nạn giao thông liệt nửa người, không còn khả năng tự kiếm sống. Vậy tôi có được hưởng lại trợ cấp tuất hàng tháng của cha tôi hay không?',
    );
    expect(read.query).toContain('khuyết tật');
    expect(readQuestion('Bố tôi là thương binh, suy giảm khả năng lao động 76%, đã nghỉ hưu nhiều năm nay ở quê. Xin hỏi bố tôi có được hưởng thêm chế độ gì không?').query).not.toContain('khuyết tật');
  });

  it('reads a birth defect the story tells as the case of the chemical-agent rules on children', () => {
    const read = readQuestion(
      'Bố tôi tham gia quân ngũ từ năm 1972 đến năm 1977. Tôi sinh năm 1977, khi sinh ra đã bị dị tật lệch cột sống, đến nay vẫn phải có người chăm. Xin hỏi tôi có thuộc diện bị ảnh hưởng chất độc hóa học không?',
    );
    expect(read.query).toContain('dị dạng dị tật');
  });

  it('reads an unnamed grave the story tells as the case of identifying the remains', () => {
    const read = readQuestion(
      'Gia đình tôi có 2 liệt sĩ, phần mộ được quy tập về nghĩa trang huyện Đức Phổ nhưng là mộ vô danh. Gia đình muốn đưa hài cốt các liệt sĩ về quê thì có những chính sách hỗ trợ nào?',
    );
    expect(read.query).toContain('xác định danh tính hài cốt liệt sĩ');
    expect(readQuestion('Gia đình muốn đưa hài cốt liệt sĩ từ nghĩa trang Trường Sơn về quê thì được hỗ trợ gì?').query).not.toContain('danh tính');
  });

  it('reads "… phí được tính như thế nào" as asking for an amount', () => {
    expect(readQuestion('Mai táng phí được tính như thế nào?').asks).toBe('amount');
    expect(readQuestion('Tôi có thể đến đâu để được kiểm tra lại vết thương?').asks).toBe('where');
    // Counting people, procedures or days is not asking for money.
    expect(readQuestion('Quảng Ngãi đề xuất biệt phái bao nhiêu công chức về hỗ trợ xã?').asks).not.toBe('amount');
    expect(readQuestion('nd129 bao nhieu tthc chuyen xuong xa').asks).not.toBe('amount');
    expect(readQuestion('xã niêm yết danh sách bn ngày').asks).not.toBe('amount');
    expect(readQuestion('ket luan 174 ngay bao nhieu').asks).toBe('when');
  });

  it('notes amounts typed in the question', () => {
    expect(readQuestion('mức 2.055.000 còn đúng không').amounts).toEqual(['2055000']);
    expect(readQuestion('trợ cấp 2.055.000 đồng/tháng năm 2023').amounts).toEqual(['2055000']);
  });
});

describe('deciding the field on evidence', () => {
  it('takes a story full of names as in the field when it names the field’s concepts', () => {
    expect(judgeDomain('Xin hỏi mẹ tôi có được hưởng gì?', 'Ông Đinh Văn San (Thái Bình) là thương binh hạng 1/4').verdict).toBe('in');
    expect(judgeDomain('kl 192 ngay nao ai ky').verdict).toBe('in');
    expect(judgeDomain('gd tb 81% mat thi lam gi').verdict).toBe('in');
    // A reported question about a benefit only this field pays, told with a ministry's portal "cho người dân và doanh nghiệp".
    expect(judgeDomain('Anh đã gửi câu hỏi tới Hệ thống thông tin Bộ với người dân và doanh nghiệp để hỏi về thủ tục di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú.').verdict).toBe('in');
  });

  it('takes "tb" for a thương binh when the message speaks of a benefit, not for a notice', () => {
    expect(judgeDomain('tb dang huong luong huu co dc huong tro cap tb ko')).toMatchObject({ verdict: 'in' });
    expect(judgeDomain('tb suy giảm 81% có được người phục vụ không')).toMatchObject({ verdict: 'in' });
    expect(judgeDomain('gui tb ve che do nghi phep cho nguoi lao dong')).toMatchObject({ verdict: 'out' });
  });

  it('takes neighbouring fields that share words as out of it', () => {
    expect(judgeDomain('Bảo hiểm xã hội tự nguyện đóng bao nhiêu một tháng?').verdict).toBe('out');
    expect(judgeDomain('hồ sơ hưởng trợ cấp thất nghiệp gồm những gì').verdict).toBe('out');
    // A soldier or official retired ("về hưu") is the pension fund's, unless the message names a group of the field.
    expect(judgeDomain('Bộ đội về hưu được cấp thẻ bảo hiểm y tế không?').verdict).toBe('out');
    expect(judgeDomain('Thương binh về hưu có được hưởng cả lương hưu và trợ cấp thương binh không?').verdict).toBe('in');
    // An aside in brackets names no field that is asked about; a concept of the field in it still counts.
    expect(judgeDomain('Tôi có được BHYT 100% không (tôi đang hưởng BHYT hưu trí, mức 95%)?', 'Anh trai tôi là liệt sĩ. Bản thân tôi cũng là người có công với cách mạng.').verdict).toBe('in');
    expect(judgeDomain('Ông có được hỗ trợ theo Nghị định 67/2025 (sửa đổi Nghị định 178/2024) khi về hưu trước tuổi không?').verdict).toBe('in');
    // Re-issuing a lost certificate of merit is the awards office's business; the allowance that comes with one is the field's.
    expect(judgeDomain('Xin hướng dẫn thủ tục cấp lại Bằng khen và Bảng gia đình vẻ vang của bà tôi đã bị thất lạc.').verdict).toBe('out');
    expect(judgeDomain('Bố tôi được tặng Bằng khen kháng chiến, nay có được trợ cấp một lần không?').verdict).toBe('in');
    expect(judgeDomain('đất nghĩa trang gia đình có được cấp sổ đỏ không').verdict).toBe('out');
    // A commune official's annual leave is the labour code's, whatever the merger changed.
    expect(judgeDomain('Xin hỏi chế độ nghỉ phép năm của công chức xã sau sáp nhập được tính thế nào?').verdict).toBe('out');
    // Identity papers and residence registration, whoever they are for.
    expect(judgeDomain('Tôi muốn làm lại căn cước công dân cho bố là thương binh thì làm ở đâu?').verdict).toBe('out');
    expect(judgeDomain('Vợ liệt sĩ muốn chuyển hộ khẩu về ở với con ở tỉnh khác thì đăng ký thường trú thế nào?').verdict).toBe('out');
    // Moving the file of a benefit is the field's, after a move the family has registered.
    expect(judgeDomain('Bố tôi là thương binh chuyển hộ khẩu vào tỉnh khác thì chuyển hồ sơ thế nào?').verdict).toBe('in');
    expect(judgeDomain('Mẹ tôi là vợ liệt sĩ, đã đăng ký thường trú ở tỉnh khác, vậy làm thủ tục chuyển tiền tuất thế nào?').verdict).toBe('in');
  });

  it('takes words the field shares with its neighbours as in only without a neighbour’s concept', () => {
    expect(judgeDomain('hồ sơ mai táng phí gồm gì').verdict).toBe('in');
    expect(judgeDomain('tuat con duoi 18t can them giay j').verdict).toBe('in');
    expect(judgeDomain('mai táng phí cho người hưởng lương hưu bao nhiêu').verdict).toBe('out');
    expect(judgeDomain('chế độ tử tuất bảo hiểm xã hội tự nguyện').verdict).toBe('out');
  });

  it('reads no field in a name ("Phạm Thị Tuyến" folds to "thi tuyen"), and takes a commune official\'s post held on top of another as in', () => {
    expect(judgeDomain('"Cán bộ công chức cấp xã nghỉ hưu trước tuổi theo Nghị định 178 và Nghị định 67 sau đó được bầu làm bí thư chi bộ thì có phải trả lại tiền hay không?", Bà Phạm Thị Tuyến gửi câu hỏi tới Bộ Nội vụ.').verdict).toBe('in');
    expect(judgeDomain('Trường hợp trước đây là công chức kiêm nhiệm, hiện nay vẫn là công chức thì có được truy lĩnh phụ cấp kiêm nhiệm hay không?', 'Một số trường hợp là công chức kiêm nhiệm chức danh không chuyên trách cấp xã trước ngày 1/7/2025.').verdict).toBe('in');
    expect(judgeDomain('Vậy em là con thương binh có được cộng điểm khi thi tuyển công chức không?').verdict).toBe('out');
  });

  it('takes a grave among the houses, a death at work and a worn medal as out, unless the field is named', () => {
    expect(judgeDomain('Vậy chúng tôi có thể làm gì để ngăn chặn hành vi trên?', 'Trong khu dân cư của tôi có 2 vợ chồng già xây sẵn mộ trong vườn, sát bể nước nhà hàng xóm, định chôn cất ngay tại đó.').verdict).toBe('out');
    expect(judgeDomain('Vợ tôi đã mất trong lúc làm việc, vậy vợ tôi có thuộc trường hợp được hưởng trợ cấp mai táng? Khi nào thân nhân được hưởng trợ cấp tuất một lần?').verdict).toBe('out');
    expect(judgeDomain('Vậy tôi muốn xin cấp đổi huân chương thì cần những thủ tục gì?', 'Năm 1984, tôi được Nhà nước tặng Huân chương Kháng chiến hạng Nhì. Do đi làm ăn xa nên huân chương bị mục nát.').verdict).toBe('out');
    expect(judgeDomain('Bố tôi là thương binh 81%, mất trong lúc làm việc, gia đình có được trợ cấp mai táng không?').verdict).toBe('in');
    expect(judgeDomain('Mộ liệt sĩ ở nghĩa trang dòng họ gần khu dân cư, gia đình xây lại mộ có được hỗ trợ không?').verdict).toBe('in');
  });

  it('takes commune officials’ posts and allowances since the reorganisation as in, village staff’s own pay as out', () => {
    expect(judgeDomain('Sau sắp xếp, phụ cấp chức vụ của công chức xã được bảo lưu bao lâu?').verdict).toBe('in');
    expect(judgeDomain('bi thu chi bo duoc huong phu cap trong thoi gian nao').verdict).toBe('in');
    expect(judgeDomain('phu cap chuc vu chu tich ubnd xa tu 2026 la bao nhieu').verdict).toBe('in');
    expect(judgeDomain('Em là y tế thôn bản, sau sáp nhập xã có còn được phụ cấp không?').verdict).toBe('out');
    expect(judgeDomain('Cán bộ không chuyên trách thôn được phụ cấp bao nhiêu sau sáp nhập?').verdict).toBe('out');
    expect(judgeDomain('Xã tôi sau sáp nhập muốn đổi tên thôn, thủ tục thế nào?').verdict).toBe('out');
    expect(judgeDomain('Xin hỏi chế độ phụ cấp cho trưởng thôn sau khi sáp nhập xã là bao nhiêu?').verdict).toBe('out');
    expect(judgeDomain('Trường hợp trước đây là viên chức, từ ngày 1/7 được tiếp nhận làm công chức và bổ nhiệm giữ chức vụ lãnh đạo thì có được hưởng phụ cấp chức vụ 25% không?').verdict).toBe('in');
  });

  it('takes a neighbouring field asked about after the family names who they are as out, the ordinance’s own benefits as in', () => {
    expect(judgeDomain('Tôi là vợ liệt sĩ, hiện không có nhà ở, muốn mua nhà ở xã hội thì cần điều kiện gì?').verdict).toBe('out');
    expect(judgeDomain('Người đủ 75 tuổi đang hưởng chế độ ưu đãi người có công thì có được hưởng thêm trợ cấp hưu trí xã hội không?').verdict).toBe('out');
    expect(judgeDomain('Xin hỏi hộ gia đình có thương binh thì có được miễn đóng quỹ phòng chống thiên tai không?').verdict).toBe('out');
    expect(judgeDomain('Con tôi là con thương binh, năm nay thi đại học thì được cộng bao nhiêu điểm ưu tiên?').verdict).toBe('out');
    expect(judgeDomain('Bố tôi là bệnh binh, đi khám bệnh trái tuyến thì bảo hiểm y tế thanh toán bao nhiêu phần trăm?').verdict).toBe('out');
    expect(judgeDomain('Thương binh 81% có được miễn tiền sử dụng đất khi được giao đất ở không?').verdict).toBe('in');
    // Whether the fee is waived is the ordinance's; its rates, refunds and exam points are not.
    expect(judgeDomain('Tỷ lệ miễn, giảm tiền sử dụng đất đối với thương binh được quy định thế nào?', 'Ông là thương binh hạng 4/4, muốn chuyển đất canh tác sang đất ở.').verdict).toBe('out');
    expect(judgeDomain('Ông muốn hỏi có thể đề nghị UBND phường tính lại tiền được giảm và hoàn tiền sử dụng đất được không?', 'Ông thuộc diện người có công nhưng không kê khai hồ sơ đề nghị miễn, giảm tiền sử dụng đất.').verdict).toBe('out');
    expect(judgeDomain('Vậy em là con người có công có được hưởng đối tượng ưu tiên khi đăng ký thi tuyển hay không?').verdict).toBe('out');
    // A closing remark after the question does not hide it; a medal of the armed forces brings the awards law's cash.
    expect(judgeDomain('Cha là bệnh binh 2/3, mất sức lao động 61%. Tình trạng em và gia đình như vậy, em có được tạm hoãn nghĩa vụ không? Mong luật sư giải đáp dùm em.').verdict).toBe('out');
    expect(judgeDomain('Ông Hải hỏi, bố ông có được nhận tiền thưởng không, nếu có thì cơ quan nào có trách nhiệm chi trả?', 'Bố ông Hải là thương binh hạng 4/4, đã nghỉ hưu. Vừa qua, bố ông được nhận Huân chương Chiến công hạng Nhất.').verdict).toBe('out');
    expect(judgeDomain('Bố tôi có được nhận tiền thưởng không?', 'Bố tôi được tặng Huân chương Kháng chiến hạng Ba.').verdict).toBe('in');
    // One of the things asked is the field's (the funeral allowance): it is answered.
    expect(judgeDomain('Vậy khi bố em mất, có được hỗ trợ chi phí tang lễ và có được cấp đất mai táng ở nghĩa trang chính sách địa phương hay chính sách gì khác không?', 'Bố em năm nay 72 tuổi, tham gia kháng chiến chống Mỹ, được tặng thưởng huân chương kháng chiến hạng ba.').verdict).toBe('in');
    expect(judgeDomain('Gia đình tôi có được cấp đất làm nhà không?', 'Bố tôi là thương binh.').verdict).toBe('out');
    expect(judgeDomain('Thương binh có được vay vốn ưu đãi không?').verdict).toBe('in');
    expect(judgeDomain('Hồ sơ thân nhân liệt sĩ cho con dưới 18 tuổi có cần bản sao giấy khai sinh không?').verdict).toBe('in');
    // The Prime Minister's decisions the knowledge base covers are in, whoever asks.
    expect(judgeDomain('Xin hỏi bố có được hưởng trợ cấp theo Quyết định 62/2011 không?', 'Bố tôi là cựu chiến binh, chiến đấu bảo vệ biên giới năm 1979.').verdict).toBe('in');
  });

  it('takes another trade’s burial money, another state title and a lost medal as out, a recognition ("công nhận") as in', () => {
    expect(judgeDomain('Bố tôi là giáo viên đã mất tháng 3/2026, gia đình được nhận mai táng phí bao nhiêu?').verdict).toBe('out');
    expect(judgeDomain('Xin hỏi tiêu chuẩn xét tặng danh hiệu Nhà giáo nhân dân?').verdict).toBe('out');
    expect(judgeDomain('Tôi cần làm những thủ tục gì, liên hệ ở đâu để được cấp lại những huân chương bị mất?', 'Tôi là bộ đội trong kháng chiến chống Mỹ, được tặng Huân chương Kháng chiến hạng ba.').verdict).toBe('out');
    expect(judgeDomain('Xin hỏi hồ sơ gồm những gì?', 'Năm 1970 mẹ làm giao liên thì bị địch bắt, đến nay chưa được công nhận.').verdict).toBe('in');
  });

  it('decides on what is asked before what the story tells', () => {
    expect(judgeDomain('Tôi muốn tham gia bảo hiểm xã hội tự nguyện, xin hỏi mức đóng thấp nhất bao nhiêu?', 'Bố tôi là thương binh.').verdict).toBe('out');
    expect(judgeDomain('Mẹ tôi có được hưởng tiền tuất hằng tháng không?', 'Bố tôi là thương binh 81%, đã mất; mẹ tôi không có lương hưu.').verdict).toBe('in');
    expect(judgeDomain('Mẹ tôi không có lương hưu, có được nhận tiền tuất không?', 'Bố tôi là thương binh 81%.').verdict).toBe('in');
  });

  it('decides a one-sentence message on the clause that asks, not on who the family is', () => {
    expect(judgeDomain('Ông nội tôi là liệt sĩ, nhà tôi muốn tách thửa đất cho em trai thì làm thủ tục ở đâu?').verdict).toBe('out');
    expect(judgeDomain('Chú tôi là bệnh binh, bị tai nạn giao thông gãy chân, bảo hiểm xe máy có bồi thường không?').verdict).toBe('out');
    expect(judgeDomain('Tôi là thương binh, đang làm công nhân, công ty nợ lương 3 tháng, tôi kiện ở đâu?').verdict).toBe('out');
    expect(judgeDomain('Tôi là con liệt sĩ, muốn vay vốn sinh viên ở ngân hàng chính sách thì cần giấy tờ gì?').verdict).toBe('out');
    // The case told in earlier clauses (a marriage, a move, a pension) does not decide; the field's words in the asking clause do.
    expect(judgeDomain('Mẹ tôi là vợ liệt sĩ, năm 2020 mẹ tôi kết hôn với người khác, vậy có bị cắt tuất không?').verdict).toBe('in');
    expect(judgeDomain('Bố tôi là bệnh binh, chuyển hộ khẩu vào Bình Dương năm 2024, xin hỏi thủ tục chuyển hồ sơ').verdict).toBe('in');
    expect(judgeDomain('Bố tôi là thương binh 81%, xin hỏi bố có được hưởng lương hưu và trợ cấp cùng lúc không?').verdict).toBe('in');
    expect(judgeDomain('Bố tôi là thương binh, gia đình muốn xây nhà thì được hỗ trợ bao nhiêu?').verdict).toBe('in');
    // A pension's rise and a lost health-insurance card are the social-insurance office's, whoever asks.
    expect(judgeDomain('Mẹ tôi là vợ liệt sĩ, đang hưởng lương hưu, xin hỏi năm 2026 lương hưu tăng bao nhiêu phần trăm?').verdict).toBe('out');
    expect(judgeDomain('Tôi bị mất ví có thẻ BHYT, xin cấp lại thẻ ở đâu?').verdict).toBe('out');
    expect(judgeDomain('Thương binh bị mất thẻ BHYT thì xin cấp lại ở đâu?').verdict).toBe('in');
  });

  it('sets aside the field when the message names it only to exclude it', () => {
    expect(judgeDomain('Chế độ tử tuất của bảo hiểm xã hội cho vợ người lao động chết vì bệnh (không phải người có công) thế nào?').verdict).toBe('out');
    expect(judgeDomain('Bố tôi là cựu chiến binh (không phải thương binh), có được cấp thẻ bảo hiểm y tế miễn phí không?').verdict).toBe('out');
    expect(judgeDomain('Bố tôi là cựu chiến binh, thương binh 61%, có được cấp thẻ bảo hiểm y tế không?').verdict).toBe('in');
  });

  it('leaves the rest to the retrieval', () => {
    expect(judgeDomain('Thời tiết Quảng Ngãi ngày mai thế nào?').verdict).toBe('unknown');
  });
});

describe('a direct answer first', () => {
  const registry = new AmountRegistry([{ docId: 'mh-muc-chuan', meta: MUC_CHUAN }]);

  it('answers "do ai ký" with the line on who signed the text asked, not another conclusion\'s line', () => {
    const kl = { ...passage('kl-192', 'Kết luận 192-KL/TW ngày 19/9/2025 do đồng chí Trần Cẩm Tú thay mặt Bộ Chính trị, Ban Bí thư ký, về thực hiện pháp luật về phân cấp, phân quyền.'), heading: 'Kết luận 192-KL/TW' };
    const letter = passage('cv-19', 'Bộ trưởng Bộ Nội vụ Phạm Thị Thanh Trà đã ký Công văn số 19.');
    const signer = directAnswer({ read: readQuestion('Công văn 19 của Ban Chỉ đạo Chính phủ về chi trả chế độ do ai ký?'), candidates: [kl, letter], registry, today: TODAY });
    expect(signer.lines[0]).toContain('Phạm Thị Thanh Trà');
    const tasks = { ...passage('kl-192', 'Kết luận 195-KL/TW ngày 26/9/2025 cũng giao Đảng ủy Chính phủ rà soát tính khả thi của các nhiệm vụ phân cấp.'), id: 'kl-192#1', heading: 'Kết luận 192-KL/TW giao nhiệm vụ' };
    const own = { ...passage('kl-192', 'Kết luận 192-KL/TW giao Đảng ủy Chính phủ chỉ đạo hướng dẫn, hỗ trợ địa phương thực hiện phân cấp.'), id: 'kl-192#2', heading: 'Kết luận 192-KL/TW giao nhiệm vụ' };
    const asked = directAnswer({ read: readQuestion('KL 192 giao nhiệm vụ gì cho Đảng ủy Chính phủ?'), candidates: [tasks, own], registry, today: TODAY });
    expect(asked.lines[0]).toMatch(/^Kết luận 192-KL\/TW giao Đảng ủy Chính phủ/u);
  });
  const doc = passage(
    'mh-muc-chuan',
    'Mức chuẩn là căn cứ tính các mức trợ cấp.\nMức chuẩn trợ cấp ưu đãi người có công hiện hành là 2.789.000 đồng/tháng.\nCác mức được làm tròn đến hàng nghìn đồng.',
    MUC_CHUAN,
  );

  it('starts an amount question with the amount and the period it applies to', () => {
    const read = readQuestion('muc chuan tro cap nguoi co cong hien nay bao nhieu');
    const direct = directAnswer({ read, candidates: [doc], registry, today: TODAY });
    expect(direct.found).toBe(true);
    expect(direct.lines[0]).toBe(
      'Mức chuẩn trợ cấp ưu đãi người có công hiện hành là 2.789.000 đồng/tháng. (áp dụng từ 01/7/2024, theo Nghị định 77/2024/NĐ-CP)',
    );
  });

  it('takes the period of an amount from the document that states it, never from another with the same figure', () => {
    const other = new AmountRegistry([
      { docId: 'mh-muc-chuan', meta: MUC_CHUAN },
      { docId: 'mh-xe-lan', meta: { amounts: [{ value: '2.789.000 đồng', what: 'Xe lăn', from: '2022-01-01', basis: 'Phụ lục V Nghị định 75/2021/NĐ-CP' }] } },
    ]);
    const undated = passage('hd-khac', 'Mức hỗ trợ tiền thuê nhà là 2.789.000 đồng mỗi tháng.');
    const read = readQuestion('muc ho tro tien thue nha bao nhieu');
    expect(directAnswer({ read, candidates: [undated], registry: other, today: TODAY }).lines).toEqual(['Mức hỗ trợ tiền thuê nhà là 2.789.000 đồng mỗi tháng.']);
    expect(directAnswer({ read: readQuestion('muc chuan bao nhieu'), candidates: [doc], registry: other, today: TODAY }).lines[0]).toContain('(áp dụng từ 01/7/2024, theo Nghị định 77/2024/NĐ-CP)');
  });

  it('corrects an outdated figure named in the question', () => {
    const read = readQuestion('Mức chuẩn 2.055.000 đồng có còn áp dụng không?');
    const direct = directAnswer({ read, candidates: [doc], registry, today: TODAY });
    const notes = figureNotes(read, direct, registry, TODAY);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('Mức hiện hành là 2.789.000 đồng (thay cho 2.055.000 đồng từ 01/7/2024, theo Nghị định 77/2024/NĐ-CP)');
    expect(notes[0]).toContain('chỉ áp dụng từ 01/7/2023 đến 30/6/2024');
  });

  it('never presents an amount no official text confirms as the current one', () => {
    const mai: Partial<DocumentMeta> = {
      amounts: [
        { value: '23.400.000 đồng', what: 'Trợ cấp mai táng', from: '2025-07-01', to: '2026-06-30', basis: 'Luật Bảo hiểm xã hội 2024', series: 'mai-tang' },
        { value: '25.300.000 đồng', what: 'Trợ cấp mai táng từ 01/7/2026', from: '2026-07-01', basis: 'nguồn thứ cấp', series: 'mai-tang', verified: false },
      ],
    };
    const registry = new AmountRegistry([{ docId: 'mh-mai-tang', meta: mai }]);
    const text = 'Trợ cấp mai táng người có công là 23.400.000 đồng với người từ trần từ 01/7/2025 đến 30/6/2026.';
    const read = readQuestion('mai tang phi ncc mat thang 9/2025 bao nhieu');
    const direct = directAnswer({ read, candidates: [passage('mh-mai-tang', text, mai)], registry, today: TODAY });
    const notes = figureNotes(read, direct, registry, TODAY).join('\n');
    expect(notes).toContain('Với mốc 9/2025: mức khi đó là 23.400.000 đồng (áp dụng từ 01/7/2025 đến 30/6/2026');
    expect(notes).toContain('Từ 01/7/2026, một số nguồn nêu mức 25.300.000 đồng nhưng chưa có văn bản xác nhận');
    expect(notes).not.toMatch(/hiện hành là 25\.300\.000/);
    const later = readQuestion('mai tang phi ncc chet tu 1/7/2026 duoc bao nhieu');
    const laterDirect = directAnswer({ read: later, candidates: [passage('mh-mai-tang', text, mai)], registry, today: TODAY });
    expect(figureNotes(later, laterDirect, registry, TODAY)).toEqual([
      'Với mốc 1/7/2026: từ 01/7/2026, một số nguồn nêu mức 25.300.000 đồng nhưng chưa có văn bản xác nhận.',
    ]);
  });

  it('does not repeat the figure of a named day that the answer line already states with its period', () => {
    const mai: Partial<DocumentMeta> = {
      amounts: [
        { value: '23.400.000 đồng', what: 'Trợ cấp mai táng', from: '2025-07-01', to: '2026-06-30', basis: 'Luật Bảo hiểm xã hội 2024', series: 'mai-tang' },
        { value: '25.300.000 đồng', what: 'Trợ cấp mai táng từ 01/7/2026', from: '2026-07-01', basis: 'nguồn thứ cấp', series: 'mai-tang', verified: false },
      ],
    };
    const registry = new AmountRegistry([{ docId: 'mh-mai-tang', meta: mai }]);
    const text = 'Trợ cấp mai táng 23.400.000 đồng nếu chết từ 01/7/2025 đến 30/6/2026 (từ 01/7/2026: chưa có văn bản xác nhận), trả người lo mai táng.';
    const read = readQuestion('mai tang phi ncc mat thang 9/2025 bao nhieu');
    const direct = directAnswer({ read, candidates: [passage('mh-mai-tang', text, mai)], registry, today: TODAY });
    expect(direct.lines[0]).toContain('23.400.000 đồng');
    expect(figureNotes(read, direct, registry, TODAY)).toEqual([]);
  });

  it('quotes an item of a list that opens its passage without the item’s number', () => {
    const text = '3. Tử sĩ không phải là liệt sĩ nên gia đình không hưởng trợ cấp thờ cúng liệt sĩ.\n4. Chế độ đối với quân nhân từ trần không thuộc Pháp lệnh.';
    const direct = directAnswer({ read: readQuestion('gia đình tử sĩ có được trợ cấp thờ cúng không'), candidates: [passage('cs-tu-si', text)], registry, today: TODAY });
    expect(direct.lines[0]).toMatch(/^Tử sĩ không phải là liệt sĩ/u);
  });

  it('leaves out the other names a procedure is searched by, in its first line only', () => {
    const text =
      'Thủ tục di chuyển hài cốt liệt sĩ (bốc mộ liệt sĩ, cất bốc hài cốt, đưa hài cốt liệt sĩ về quê): đại diện thân nhân làm đơn theo Mẫu số 32 gửi Sở Nội vụ.';
    const direct = directAnswer({ read: readQuestion('di chuyển hài cốt liệt sĩ làm đơn theo mẫu nào'), candidates: [passage('tt-hai-cot', text)], registry, today: TODAY });
    expect(direct.lines[0]).toBe('Thủ tục di chuyển hài cốt liệt sĩ: đại diện thân nhân làm đơn theo Mẫu số 32 gửi Sở Nội vụ.');
  });

  it('answers "có mấy …" with the line that counts them', () => {
    const text =
      'Nghị định 150/2025/NĐ-CP quy định tổ chức các phòng chuyên môn thuộc UBND xã, phường, đặc khu.\nTheo Nghị định 150/2025/NĐ-CP, UBND xã tổ chức 3 phòng chuyên môn: Văn phòng HĐND và UBND, Phòng Kinh tế, Phòng Văn hóa – Xã hội.\nPhòng chuyên môn thuộc UBND xã là cơ quan tham mưu, giúp UBND xã quản lý nhà nước về ngành, lĩnh vực.';
    const direct = directAnswer({ read: readQuestion('nd150 ubnd xa co may phong chuyen mon'), candidates: [passage('nd-150', text)], registry, today: TODAY });
    expect(direct.lines[0]).toContain('3 phòng chuyên môn');
  });

  it('takes "xem qua cấp ủy (Văn phòng Tỉnh ủy …)" as the office a "hỏi ở đâu" question asks for', () => {
    const text =
      'Kết luận 192-KL/TW ngày 19/9/2025 về thực hiện pháp luật về phân cấp, phân quyền khi vận hành chính quyền địa phương 2 cấp.\nCơ sở tri thức chưa có toàn văn Kết luận 192-KL/TW; đề nghị xem toàn văn qua cấp ủy (Văn phòng Tỉnh ủy, Văn phòng Đảng ủy xã).';
    const direct = directAnswer({ read: readQuestion('muon xem toan van kl 192 hoi o dau'), candidates: [passage('kl-192', text)], registry, today: TODAY });
    expect(direct.found).toBe(true);
    expect(direct.lines[0]).toContain('Văn phòng Đảng ủy xã');
  });

  it('takes no "cơ sở", "cán bộ" or head of state for the office a "nộp ở đâu" question asks for', () => {
    const text =
      'Báo Dân trí xác nhận năm 2026 vẫn áp dụng các mức này (tính đến tháng 12/2026 chưa có văn bản thay thế trong cơ sở tri thức).\nBà mẹ Việt Nam anh hùng còn sống được hưởng từ tháng Chủ tịch nước ký quyết định phong tặng.';
    const direct = directAnswer({ read: readQuestion('hồ sơ Bà mẹ Việt Nam anh hùng nộp ở đâu'), candidates: [passage('mh-bmvnah', text)], registry, today: TODAY });
    expect(direct.found).toBe(false);
  });

  it('answers the other parts of a question when the best passages lack the fact of its first part', () => {
    const amounts = 'Khi Bà mẹ Việt Nam anh hùng được truy tặng danh hiệu, thân nhân được trợ cấp một lần bằng 20 lần mức chuẩn.';
    const papers = 'Hồ sơ giải quyết chế độ Bà mẹ Việt Nam anh hùng gồm:\n1. Bản khai theo Mẫu số 03.\n2. Bản sao quyết định truy tặng danh hiệu.';
    const office = 'Nộp hồ sơ Bà mẹ Việt Nam anh hùng tại UBND cấp xã nơi thường trú.';
    const read = readQuestion('Bà mẹ Việt Nam anh hùng được truy tặng thì gia đình có được trợ cấp không, bao nhiêu, hồ sơ gì, nộp ở đâu?');
    expect(read.asks).toBe('where');
    const direct = directAnswer({ read, candidates: [passage('mh-bmvnah', amounts)], related: [passage('tt-bmvnah', `${papers}\n${office}`)], registry, today: TODAY });
    expect(direct.found).toBe(true);
    expect(direct.lines.join('\n')).toContain('20 lần mức chuẩn');
  });

  it('answers "được hưởng từ thời điểm nào" with the event the benefit starts from, not the day an amount took effect', () => {
    const text =
      'Bà mẹ Việt Nam anh hùng được trợ cấp hằng tháng 8.367.000 đồng từ 01/7/2024 theo Nghị định 77/2024/NĐ-CP.\nBà mẹ Việt Nam anh hùng còn sống được hưởng từ tháng Chủ tịch nước ký quyết định phong tặng.';
    const read = readQuestion('Bà mẹ Việt Nam anh hùng được hưởng các chế độ trợ cấp, phụ cấp từ thời điểm nào?');
    const direct = directAnswer({ read, candidates: [passage('mh-bmvnah', text)], registry, today: TODAY });
    expect(direct.lines[0]).toContain('từ tháng Chủ tịch nước ký quyết định');
  });

  it('lets a past year asked about bring in only the figures of that year, not a later replaced one', () => {
    const meta: Partial<DocumentMeta> = {
      amounts: [
        { value: '1.318.000 đồng', what: 'Mức chuẩn (mức cũ)', from: '2016-05-01', to: '2017-06-30', basis: 'Nghị định 20/2015/NĐ-CP', series: 'muc-chuan-cu' },
        { value: '3.406.000 đồng', what: 'Trợ cấp bệnh binh 61%–70%', from: '2023-07-01', to: '2024-06-30', basis: 'Nghị định 55/2023/NĐ-CP', series: 'benh-binh-61' },
        { value: '4.622.000 đồng', what: 'Trợ cấp bệnh binh 61%–70%', from: '2024-07-01', basis: 'Nghị định 77/2024/NĐ-CP', series: 'benh-binh-61' },
      ],
    };
    const bb = new AmountRegistry([{ docId: 'mh-benh-binh', meta }]);
    const text = 'Bệnh binh từ 61% đến 70% được trợ cấp hằng tháng 4.622.000 đồng.\nMức cũ: từ 01/7/2023 đến 30/6/2024, bệnh binh 61%–70% được trợ cấp 3.406.000 đồng.';
    const doc = passage('mh-benh-binh', text, meta);
    const read2017 = readQuestion('Mẹ tôi là bệnh binh 61%. Căn cứ Nghị định 70/2017/NĐ-CP, từ ngày 1/7/2017 mức trợ cấp của mẹ tôi được tính như thế nào?');
    expect(directAnswer({ read: read2017, candidates: [doc], registry: bb, today: TODAY }).lines.join('\n')).not.toContain('3.406.000');
    const read2023 = readQuestion('Mẹ tôi là bệnh binh 61%. Năm 2023 mức trợ cấp của mẹ tôi là bao nhiêu?');
    expect(directAnswer({ read: read2023, candidates: [doc], registry: bb, today: TODAY }).lines.join('\n')).toContain('3.406.000');
  });

  it('takes an allowance’s coefficient ("hệ số 0,6") for the amount asked', () => {
    const text = 'Nghị định 07/2026/NĐ-CP sửa đổi Nghị định 204/2004/NĐ-CP.\nTheo Nghị định 07/2026/NĐ-CP, Chủ tịch UBND xã thuộc các tỉnh hưởng phụ cấp chức vụ hệ số 0,6, Phó Chủ tịch hệ số 0,5.';
    const direct = directAnswer({ read: readQuestion('phụ cấp chức vụ chủ tịch ubnd xã là bao nhiêu'), candidates: [passage('cs-can-bo-xa', text)], registry, today: TODAY });
    expect(direct.found).toBe(true);
    expect(direct.lines[0]).toContain('hệ số 0,6');
  });

  it('keeps, in a long sentence cut to its deadline, the clause with the figure before one that only names a deadline', () => {
    const text =
      'Khoản 4 Điều 11 Nghị quyết 76/2025/UBTVQH15 ngày 14/4/2025 của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính năm 2025 quy định giữ nguyên chế độ, chính sách tiền lương và phụ cấp chức vụ (nếu có) hiện hưởng của cán bộ, công chức, viên chức chịu ảnh hưởng của việc sắp xếp mà vẫn là cán bộ, công chức, viên chức trong hệ thống chính trị, trong thời gian 6 tháng kể từ khi có văn bản bố trí công tác; sau thời hạn này thực hiện chế độ, chính sách và phụ cấp chức vụ theo quy định của pháp luật (trả lời của Bộ Nội vụ, Báo Dân trí ngày 25/9/2025).';
    const direct = directAnswer({ read: readQuestion('Sau sắp xếp, phụ cấp chức vụ của công chức xã được bảo lưu bao lâu?'), candidates: [passage('cs-can-bo-xa', text)], registry, today: TODAY });
    expect(direct.lines[0]!.length).toBeLessThan(text.length);
    expect(direct.lines[0]).toContain('6 tháng');
  });

  it('tells the families of revolutionaries before 1945 from those of the tiền khởi nghĩa', () => {
    const before = passage('tt-truoc-1945', 'Người hoạt động cách mạng trước 01/01/1945, kể cả khi tiếp tục hoạt động đến khởi nghĩa tháng Tám năm 1945, được trợ cấp hằng tháng 5.291.000 đồng.');
    const uprising = passage('mh-tien-khoi-nghia', 'Người hoạt động cách mạng từ 01/01/1945 đến ngày khởi nghĩa tháng Tám năm 1945 được trợ cấp hằng tháng 2.884.000 đồng.');
    const direct = directAnswer({ read: readQuestion('nguoi hdcm tu 1/1/1945 den khoi nghia thang 8 tro cap bao nhieu'), candidates: [before, uprising], registry, today: TODAY });
    expect(direct.lines[0]).toContain('2.884.000 đồng');
  });

  it('gives the rule of a past year named in the question', () => {
    const read = readQuestion('năm 2022 mức chuẩn người có công là bao nhiêu');
    const direct = directAnswer({ read, candidates: [doc], registry, today: TODAY });
    expect(figureNotes(read, direct, registry, TODAY).join('\n')).toContain('Với mốc năm 2022: mức khi đó là 1.624.000 đồng');
  });

  it('takes "suy giảm khả năng lao động 61%" for how hurt the person is, not for what the amount is of', () => {
    const text = 'Khi thương binh, thương binh loại B có tỷ lệ tổn thương cơ thể từ 61% trở lên từ trần, thân nhân được hưởng trợ cấp tuất hằng tháng 1.565.000 đồng/tháng.';
    const read = readQuestion('mức trợ cấp tiền tuất đối với thân nhân thương binh loại B bị suy giảm khả năng lao động trên 61% là bao nhiêu?');
    const other = passage('cs-giam-dinh', 'Người bị suy giảm khả năng lao động do vết thương tái phát được khám giám định lại tại Hội đồng giám định y khoa.');
    const direct = directAnswer({ read, candidates: [passage('mh-tuat', text), other], registry, today: TODAY });
    expect(direct.found).toBe(true);
    expect(direct.lines[0]).toContain('1.565.000 đồng');
    // "miễn giảm" still names what the amount is of: a neighbouring amount does not answer it.
    const land = readQuestion('Thương binh được miễn giảm tiền sử dụng đất bao nhiêu phần trăm?');
    const fees = passage('mien-hoc-phi', 'Con thương binh được miễn giảm học phí theo Nghị định 238/2025/NĐ-CP.');
    expect(directAnswer({ read: land, candidates: [passage('mh-tuat', text), fees], registry, today: TODAY }).found).toBe(false);
  });

  it('says the amount is missing when the best passage says the knowledge base lacks it, not another document\'s amount', () => {
    const read = readQuestion('thương binh được hỗ trợ sửa nhà bao nhiêu tiền');
    const gap = passage('pl-02', 'Số tiền hỗ trợ xây mới, sửa chữa nhà ở (tiền xây nhà, sửa nhà) do văn bản riêng quy định; cơ sở tri thức chưa có các văn bản này nên không nêu được mức đang áp dụng.');
    const graves = passage('mh-mo', 'Mức hỗ trợ xây mới vỏ mộ liệt sĩ tối đa 10.000.000 đồng/mộ; sửa chữa mộ tối đa bằng 70% mức xây mới.');
    expect(directAnswer({ read, candidates: [gap, graves], registry, today: TODAY }).found).toBe(false);
    const said = passage('pl-02', 'Số tiền hỗ trợ xây mới, sửa chữa nhà ở do văn bản riêng quy định.');
    expect(directAnswer({ read, candidates: [said, graves], registry, today: TODAY }).lines[0]).toContain('10.000.000 đồng');
  });

  it('answers a case with the line on that case, not with the line on one who did not ("… mà không nuôi con liệt sĩ")', () => {
    const read = readQuestion('vo ls da tai gia nuoi con ls co dc tuat ko');
    const ended = passage('cs-tuat', 'Vợ hoặc chồng liệt sĩ tái giá mà không nuôi con liệt sĩ, không chăm sóc cha mẹ liệt sĩ thì tuất chấm dứt từ tháng đăng ký kết hôn.');
    const kept = passage('cs-tuat-2', 'Vợ hoặc chồng liệt sĩ lấy chồng hoặc vợ khác vẫn được tuất hằng tháng nếu đã nuôi con liệt sĩ đến tuổi trưởng thành.');
    expect(directAnswer({ read, candidates: [ended, kept], registry, today: TODAY }).lines[0]).toContain('vẫn được tuất');
    // A case the question denies itself keeps the line that denies it.
    const denied = readQuestion('vo ls da tai gia khong nuoi con ls co dc tuat ko');
    expect(directAnswer({ read: denied, candidates: [ended, kept], registry, today: TODAY }).lines[0]).toContain('tuất chấm dứt');
  });

  it('says the asked fact is missing instead of filling it with a neighbouring one', () => {
    const read = readQuestion('hồ sơ thờ cúng dùng mẫu nào');
    const other = passage('tt-x', 'Người thờ cúng liệt sĩ nộp đơn tại Ủy ban nhân dân cấp xã.');
    const direct = directAnswer({ read, candidates: [other], registry, today: TODAY });
    expect(direct.found).toBe(false);
    expect(direct.lines).toEqual([]);
  });

  it('answers both parts of a two-part question', () => {
    const doc2 = passage('tt-z', 'Vợ liệt sĩ tái giá làm đơn theo Mẫu số 17 để hưởng tuất. Thời gian xét theo quy định chung. Đơn gửi Sở Nội vụ nơi thường trú.');
    const read = readQuestion('vợ liệt sĩ tái giá làm đơn mẫu số mấy, nộp cơ quan nào');
    expect(read.asks).toBe('form');
    expect(read.alsoAsks).toContain('where');
    const lines = directAnswer({ read, candidates: [doc2], registry, today: TODAY }).lines.join('\n');
    expect(lines).toContain('Mẫu số 17');
    expect(lines).toContain('Sở Nội vụ');
  });

  it('answers a question for the procedure\'s code with the line that gives it, beside the office', () => {
    const doc3 = passage(
      'tt-code',
      'Thủ tục di chuyển hồ sơ người có công nộp tại Sở Nội vụ nơi đang quản lý hồ sơ.\n\nĐiều kiện: người đang hưởng trợ cấp thay đổi nơi thường trú.\n\n' +
        'Trên Cổng Dịch vụ công, thủ tục này có mã thủ tục hành chính 1.010827.',
    );
    const read = readQuestion('di chuyen ho so nguoi co cong nop o dau ma so thu tuc bao nhieu');
    const lines = directAnswer({ read, candidates: [doc3], registry, today: TODAY }).lines.join('\n');
    expect(lines).toContain('Sở Nội vụ');
    expect(lines).toContain('1.010827');
  });

  it('cuts a short list to the item asked for when the question asks for other things too', () => {
    const papers = passage('tt-papers', 'Hồ sơ đề nghị cấp lại Bằng gồm:\n1. Đơn đề nghị theo Mẫu số 16.\n2. Bằng cũ, nếu còn.\n\nĐơn nộp tại UBND cấp xã nơi thường trú.');
    const many = readQuestion('cấp lại bằng tổ quốc ghi công làm đơn theo mẫu nào, nộp ở đâu');
    const lines = directAnswer({ read: many, candidates: [papers], registry, today: TODAY }).lines.join('\n');
    expect(lines).toContain('1. Đơn đề nghị theo Mẫu số 16.');
    expect(lines).not.toContain('2. Bằng cũ');
    expect(lines).toContain('(còn 1 mục, xem dưới)');
    expect(lines).toContain('UBND cấp xã');
    // Asked alone, the same short list is quoted whole.
    const alone = directAnswer({ read: readQuestion('cấp lại bằng tổ quốc ghi công làm đơn theo mẫu nào'), candidates: [papers], registry, today: TODAY });
    expect(alone.lines.join('\n')).toContain('2. Bằng cũ');
  });

  it('answers the papers of the group asked about ("anh hùng llvtnd"), not those of the group that ranks above it', () => {
    const mothers = passage(
      'tt-bmvnah',
      'Hồ sơ giải quyết chế độ Bà mẹ Việt Nam anh hùng gồm (khoản 1 Điều 30 Nghị định 131/2021/NĐ-CP):\n1. Bản khai theo Mẫu số 03 Phụ lục I Nghị định 131/2021/NĐ-CP.\n2. Bản sao có chứng thực quyết định tặng hoặc truy tặng danh hiệu, hoặc Bằng "Bà mẹ Việt Nam anh hùng".\n3. Nếu Mẹ đã mất mà chưa được hưởng: giấy báo tử hoặc trích lục khai tử.',
    );
    const heroes = {
      ...passage(
        'tt-bmvnah',
        'Hồ sơ giải quyết chế độ Anh hùng Lực lượng vũ trang nhân dân, Anh hùng Lao động trong thời kỳ kháng chiến gồm (khoản 1 Điều 32 Nghị định 131/2021/NĐ-CP):\n1. Bản khai theo Mẫu số 04 Phụ lục I Nghị định 131/2021/NĐ-CP.\n2. Bản sao có chứng thực quyết định phong tặng hoặc Bằng anh hùng.\n3. Nếu Anh hùng đã mất mà chưa được hưởng: giấy báo tử hoặc trích lục khai tử.',
      ),
      id: 'tt-bmvnah#4',
      ordinal: 4,
    };
    const read = readQuestion('anh hung llvtnd ho so gom gi');
    const lines = directAnswer({ read, candidates: [mothers, heroes], registry, today: TODAY }).lines.join('\n');
    expect(lines).toContain('Mẫu số 04');
    expect(lines).not.toContain('Mẫu số 03');
  });

  it('keeps the application on its form when a list of papers is cut to the paper the story names', () => {
    const papers = passage(
      'tt-khang-chien',
      'Hồ sơ giải quyết chế độ người hoạt động kháng chiến gồm:\n' +
        '1. Bản khai theo Mẫu số 11 Phụ lục I Nghị định 131/2021/NĐ-CP do cá nhân lập.\n' +
        '2. Bản sao có chứng thực một trong các giấy tờ: Huân chương, Huy chương Kháng chiến hoặc Chiến thắng, hoặc giấy chứng nhận đeo; quyết định tặng thưởng; giấy xác nhận khen thưởng tổng kết thành tích kháng chiến và thời gian hoạt động kháng chiến thực tế của cơ quan thi đua – khen thưởng cấp huyện trở lên.\n' +
        '3. Trường hợp đã chết mà chưa được hưởng chế độ: giấy báo tử hoặc trích lục khai tử, kèm văn bản ủy quyền của các thân nhân khác cho người đứng tên nhận trợ cấp một lần.\n' +
        '4. Trường hợp hồ sơ ghi chưa rõ thời gian hoạt động kháng chiến: giấy xác nhận của cơ quan có thẩm quyền về thời gian thực tế tham gia kháng chiến, có dấu và chữ ký.',
    );
    const read = readQuestion('Bố tôi đã được Nhà nước trao tặng Huân chương, Huy chương kháng chiến, xin hướng dẫn thủ tục làm hồ sơ để bố tôi hưởng chế độ người hoạt động kháng chiến.');
    const lines = directAnswer({ read, candidates: [papers], registry, today: TODAY }).lines.join('\n');
    expect(lines).toContain('2. Bản sao có chứng thực một trong các giấy tờ: Huân chương');
    expect(lines.indexOf('1. Bản khai theo Mẫu số 11')).toBeGreaterThan(0);
    expect(lines.indexOf('1. Bản khai theo Mẫu số 11')).toBeLessThan(lines.indexOf('2. Bản sao'));
    expect(lines).toMatch(/\(còn \d mục, xem dưới\)$/);
  });

  it('answers with today\'s route before the one of before 01/7/2025', () => {
    const route = passage(
      'tt-route',
      'Trình tự trước 01/7/2025 (Điều 123 Nghị định 131/2021/NĐ-CP):\n1. UBND cấp xã: 05 ngày làm việc xác nhận bản khai.\n2. Phòng LĐTBXH cấp huyện: 07 ngày làm việc.\n\n' +
        'Thời hạn từ 01/7/2025: UBND cấp xã trong 07 ngày làm việc xác nhận bản khai, lập danh sách gửi Sở Nội vụ.',
    );
    for (const q of ['xã có bao nhiêu ngày để xác nhận bản khai', 'Từ 01/7/2025 xã có bao nhiêu ngày để xác nhận bản khai?']) {
      const lines = directAnswer({ read: readQuestion(q), candidates: [route], registry, today: TODAY }).lines;
      expect(lines[0]).toMatch(/^Thời hạn từ 01\/7\/2025: UBND cấp xã trong 07 ngày/);
    }
    const past = directAnswer({ read: readQuestion('Trước 01/7/2025 phòng LĐTBXH có bao nhiêu ngày?'), candidates: [route], registry, today: TODAY }).lines;
    expect(past[0]).toContain('Phòng LĐTBXH');
  });

  it('quotes a sentence that only goes on from the one before together with it', () => {
    const kin = passage(
      'cs-kin',
      'Anh, chị, em ruột, cháu của người có công không phải là thân nhân theo Pháp lệnh. Họ chỉ có thể hưởng một số chế độ khi được ủy quyền thờ cúng liệt sĩ.',
    );
    const lines = directAnswer({ read: readQuestion('em ruột liệt sĩ có phải là thân nhân không'), candidates: [kin], registry, today: TODAY }).lines;
    expect(lines[0]).toContain('Họ chỉ có thể hưởng một số chế độ khi được ủy quyền');
  });

  it('answers "đã được hỗ trợ rồi" with the line for that case, not the one for "chưa được hỗ trợ"', () => {
    const cases = passage(
      'tt-hai-cot',
      'Trường hợp chưa được hỗ trợ di chuyển hài cốt, đơn theo Mẫu số 32 gửi Sở Nội vụ nơi quản lý hồ sơ gốc của liệt sĩ.\n\n' +
        'Trường hợp đã được hỗ trợ di chuyển hài cốt trước đây, đơn theo Mẫu số 32 gửi UBND cấp xã nơi người đề nghị thường trú.',
    );
    for (const q of ['boc mo liet si da duoc ho tro roi thi nop don o dau', 'Bốc mộ liệt sĩ đã được hỗ trợ rồi thì nộp đơn ở đâu?']) {
      expect(directAnswer({ read: readQuestion(q), candidates: [cases], registry, today: TODAY }).lines[0], q).toMatch(/^Trường hợp đã được hỗ trợ/);
    }
    expect(directAnswer({ read: readQuestion('chưa được hỗ trợ di chuyển hài cốt thì nộp đơn ở đâu'), candidates: [cases], registry, today: TODAY }).lines[0]).toMatch(
      /^Trường hợp chưa được hỗ trợ/,
    );
  });

  it('answers a question naming a percentage with the row of its bracket', () => {
    const table = passage(
      'mh-bb',
      'Mức trợ cấp hằng tháng của bệnh binh:\n\n| Tỷ lệ tổn thương cơ thể | Mức trợ cấp |\n|---|---|\n| Từ 61% đến 70% | 4.406.000 đồng |\n| Từ 71% đến 80% | 5.329.000 đồng |\n| Từ 81% đến 90% | 6.378.000 đồng |',
    );
    const lines = directAnswer({ read: readQuestion('bb 75% trợ cấp bn 1 tháng'), candidates: [table], registry, today: TODAY }).lines;
    expect(lines[0]).toContain('5.329.000 đồng');
    expect(lines.join('\n')).not.toContain('4.406.000');
  });

  it('never leads with an example or with a figure whose period has ended', () => {
    const rates = passage(
      'mh-tb',
      'Ví dụ cách tính: thương binh 100% đang hưởng trợ cấp 8.941.000 đồng và phụ cấp 1.399.000 đồng mỗi tháng thì 03 tháng là 3 × (8.941.000 + 1.399.000) đồng.\n\nTừ 01/7/2023 đến 30/6/2024, thương binh 100% đang hưởng trợ cấp 6.589.000 đồng mỗi tháng.\n\nThương binh có tỷ lệ tổn thương cơ thể 100% được trợ cấp 8.941.000 đồng/tháng.',
    );
    const lines = directAnswer({ read: readQuestion('tb 100% đang hưởng trợ cấp bn mỗi tháng'), candidates: [rates], registry, today: TODAY }).lines;
    expect(lines[0]).toMatch(/^Thương binh có tỷ lệ tổn thương cơ thể 100% được trợ cấp 8\.941\.000 đồng\/tháng/);
    expect(lines.join('\n')).not.toMatch(/Ví dụ|6\.589\.000/);
    // A question on that period still gets its figure.
    const then = directAnswer({ read: readQuestion('năm 2023 tb 100% đang hưởng trợ cấp bn mỗi tháng'), candidates: [rates], registry, today: TODAY }).lines;
    expect(then.join('\n')).toContain('6.589.000');
  });

  it('takes the years of a story before any figure as saying nothing on which figure applies', () => {
    const doc = passage('mh-muc-chuan', 'Mức chuẩn trợ cấp ưu đãi người có công là 2.055.000 đồng.\n\nTừ 01/7/2024 mức chuẩn là 2.789.000 đồng.', MUC_CHUAN);
    const read = readQuestion('Bố tôi nghỉ hưu năm 2010, đi bộ đội năm 1972. Xin hỏi mức chuẩn trợ cấp ưu đãi người có công là bao nhiêu?');
    expect(directAnswer({ read, candidates: [doc], registry, today: TODAY }).lines[0]).toContain('2.789.000');
  });

  it('cuts a list to the item with the asked fact when the question is one of several of a message', () => {
    const notes = passage(
      'tt-dieu-duong',
      'Những lưu ý khi lập danh sách điều dưỡng:\n\n- Danh sách điều dưỡng (Mẫu số 86) phải lập trong quý I hằng năm.\n- Người vừa là người có công vừa là thân nhân liệt sĩ chỉ hưởng một lần.\n- Người chết trước khi đi điều dưỡng: thân nhân vẫn được cấp tiền.',
    );
    const read = readQuestion('Xã lập danh sách điều dưỡng vào thời gian nào trong năm?');
    const part = directAnswer({ read, candidates: [notes], registry, today: TODAY, onePartOfMany: true });
    expect(part.lines[0]).toContain('quý I');
    expect(part.lines[0]).toContain('(còn 2 mục, xem dưới)');
    expect(directAnswer({ read, candidates: [notes], registry, today: TODAY }).lines[0]).not.toContain('(còn 2 mục');
  });

  it('takes a number of months of the allowance as the amount asked ("mấy tháng")', () => {
    const text = 'Khi người có công đang hưởng trợ cấp hằng tháng từ trần, đại diện thân nhân được trợ cấp một lần bằng 03 tháng trợ cấp, phụ cấp đang hưởng, không tính trợ cấp người phục vụ.';
    const direct = directAnswer({ read: readQuestion('ncc mất thì thân nhân được tc 1 lần mấy tháng, có tính tiền người phục vụ ko'), candidates: [passage('mh-tu-tran', text)], registry, today: TODAY });
    expect(direct.found).toBe(true);
    expect(direct.lines[0]).toContain('03 tháng trợ cấp');
  });

  it('cuts a line for a deadline question around the days, not around a number of months of the allowance', () => {
    const summary =
      'Thủ tục hưởng trợ cấp một lần khi người có công đang hưởng trợ cấp ưu đãi từ trần (tiền 3 tháng trợ cấp, một phần chế độ tử tuất): đại diện thân nhân nộp Bản khai Mẫu số 12 kèm bản sao chứng thực giấy báo tử tại UBND cấp xã nơi quản lý hồ sơ người có công; … xã có 07 ngày làm việc để xác nhận bản khai, lập danh sách gửi Sở Nội vụ.';
    const notes = 'Những lưu ý khi làm hồ sơ trợ cấp một lần:\n- Bản khai do đại diện thân nhân lập.\n- Khi tính 03 tháng trợ cấp, không cộng trợ cấp người phục vụ.\n- Danh sách gửi Sở Nội vụ, không gửi Phòng LĐTBXH (đã không còn).';
    const [first] = fitHead([summary, notes], 'Từ 01/7/2025 xã có bao nhiêu ngày để xác nhận hồ sơ trợ cấp khi người có công từ trần?', 400, undefined, ['deadline']);
    expect(first).toContain('07 ngày làm việc');
  });

  it('fits the first lines of a many-part answer in the first screen, cutting clauses, not list items', () => {
    const long = 'Thân nhân liệt sĩ đi thăm viếng mộ liệt sĩ được hỗ trợ tiền đi lại và tiền ăn 3.000 đồng/km/người, tính theo khoảng cách từ nơi cư trú đến nơi có mộ, mỗi năm một lần cho một liệt sĩ, tối đa 03 người, kể cả khi người đi thăm không cư trú tại tỉnh, theo Điều 9 Nghị định 75/2021/NĐ-CP, thực hiện từ 01/01/2022.';
    const where = 'Khi đi thăm viếng, UBND cấp xã nơi có mộ xác nhận vào giấy giới thiệu trong 01 ngày làm việc, sau khi về, thân nhân nộp giấy giới thiệu đã xác nhận tại UBND cấp xã nơi cư trú để nhận tiền hỗ trợ, được chi trong 02 ngày làm việc, theo Điều 158 Nghị định 131/2021/NĐ-CP.';
    const list = 'Hồ sơ gồm:\n1. Giấy giới thiệu có xác nhận.\n2. Bản sao giấy tờ tùy thân.';
    const lines = fitHead([long, where, list], 'hỗ trợ tiền tàu xe bao nhiêu, được mấy người, giấy giới thiệu xin ở đâu', 400);
    expect(lines.reduce((n, l) => n + l.length + 3, 0)).toBeLessThanOrEqual(440);
    expect(lines[0]).toContain('3.000 đồng/km/người');
    expect(lines[1]).toContain('UBND cấp xã');
    expect(lines[2]).toBe(list);
    expect(fitHead([where], 'ở đâu', 100)).toEqual([where]);
  });

  it('cuts a numbered item from its own opening clause, never from its number alone', () => {
    const first = 'Hỗ trợ thăm viếng mộ chỉ dành cho thân nhân liệt sĩ (tối đa 03 người) hoặc người hưởng trợ cấp thờ cúng liệt sĩ; tử sĩ không thuộc diện này, kể cả khi được an táng trong nghĩa trang liệt sĩ.';
    const item =
      'Giấy chứng nhận hy sinh do cơ quan quản lý người đó tại thời điểm hy sinh cấp:\n1. Quân nhân, công nhân viên chức quốc phòng hy sinh: thủ trưởng cấp trung đoàn hoặc tương đương trở lên cấp giấy, trên cơ sở biên bản của đơn vị, kèm ý kiến của cấp ủy. Cán bộ, chiến sĩ công an hy sinh: thủ trưởng đơn vị cấp cục hoặc giám đốc công an tỉnh cấp giấy.\n(còn 1 mục, xem dưới)';
    const [, cut] = fitHead([first, item], 'tử sĩ có được hỗ trợ thăm viếng không', 400);
    expect(cut).toContain('\n1. Quân nhân, công nhân viên chức quốc phòng hy sinh');
    expect(cut).not.toContain('1. …');
  });

  it('leaves out, over the first screen, one item of a list whose facts the lines above state already', () => {
    const route = 'Thủ tục di chuyển hài cốt liệt sĩ: đại diện thân nhân hoặc người hưởng trợ cấp thờ cúng làm đơn theo Mẫu số 32 gửi Sở Nội vụ nơi quản lý hồ sơ gốc của liệt sĩ.';
    const item = 'Hồ sơ đề nghị di chuyển hài cốt liệt sĩ gồm:\n1. Đơn đề nghị di chuyển hài cốt liệt sĩ theo Mẫu số 32.\n(còn 2 mục, xem dưới)';
    const amounts = 'Mức hỗ trợ một lần khi di chuyển hài cốt liệt sĩ (Điều 10 Nghị định 75/2021/NĐ-CP, áp dụng từ 01/01/2022):\n- Tiền cất bốc hài cốt: 4.000.000 đồng/hài cốt.\n- Tiền đi lại và tiền ăn: 3.000 đồng/km/người, tối đa 03 người.';
    const asked = 'thủ tục thế nào, làm đơn gì và Nhà nước hỗ trợ những khoản nào, bao nhiêu?';
    expect(fitHead([route, item, amounts], asked, 400)).toEqual([route, amounts]);
    // Within the first screen, nothing is left out; an item with a fact of its own stays.
    expect(fitHead([route, item], asked, 400)).toEqual([route, item]);
    const own = item.replace('theo Mẫu số 32.', 'theo Mẫu số 32, nộp trong 30 ngày.');
    expect(fitHead([route, own, amounts], asked, 400)).toHaveLength(3);
  });

  it('never cuts a parenthesis on a former office to the office that no longer applies', () => {
    const line =
      'Thủ tục khám giám định lại tỷ lệ tổn thương cơ thể: thương binh không còn tại ngũ làm đơn Mẫu số 33 gửi cơ quan quản lý người có công cấp tỉnh nơi thường trú (trước là Sở LĐTBXH, nay là Sở Nội vụ), không nộp tại UBND cấp xã, Hội đồng giám định y khoa khám, kết luận trong 60 ngày, sau đó Sở ra quyết định điều chỉnh trợ cấp.';
    const papers = 'Hồ sơ đề nghị giám định lại gồm đơn đề nghị theo Mẫu số 33 và bản tóm tắt bệnh án điều trị vết thương tái phát của bệnh viện tuyến huyện trở lên.';
    const [first] = fitHead([line, papers], 'phải làm đơn theo mẫu nào', 300, undefined, ['form']);
    expect(first).toContain('Mẫu số 33');
    expect(first).not.toMatch(/\(trước là Sở LĐTBXH,? …/u);
  });

  it('keeps a fact of a few words and the period of the amount when it cuts a line to its share', () => {
    const visits =
      'Mức hỗ trợ tiền đi lại và tiền ăn khi thăm viếng mộ liệt sĩ là 3.000 đồng/km/người, tính theo khoảng cách từ nơi cư trú đến nơi có mộ, tối đa 3 người, mỗi năm một lần cho một liệt sĩ (Điều 9 Nghị định 75/2021/NĐ-CP, áp dụng từ 01/01/2022; tính đến tháng 12/2026 chưa thấy văn bản điều chỉnh).';
    const form = 'Thủ tục hỗ trợ thăm viếng mộ liệt sĩ: thân nhân hoặc người thờ cúng liệt sĩ làm đơn Mẫu số 31, được cấp giấy giới thiệu (Mẫu số 42) trong 03 ngày làm việc; UBND cấp xã nơi có mộ xác nhận.';
    const [first] = fitHead([visits, form], 'ba em là liệt sĩ, nhà nước có hỗ trợ tiền viếng thăm mộ liệt sĩ không vì mộ cách nơi em ở khá xa', 400);
    expect(first!.length).toBeLessThan(visits.length);
    expect(first).toContain('tối đa 3 người');
    expect(first).toContain('áp dụng từ 01/01/2022');
    // The citation the cut left open is closed by the period, not followed by a second parenthesis.
    expect(first).toMatch(/\(Điều 9 Nghị định 75\/2021\/NĐ-CP, … áp dụng từ 01\/01\/2022\)$/u);
  });

  it('keeps, when it cuts a line, the figure of a thing only that clause names, and the period note whole', () => {
    const amounts =
      'Thương binh có tỷ lệ tổn thương cơ thể 100% được trợ cấp 8.941.000 đồng/tháng; thương binh 81% được 7.240.000 đồng/tháng; từ 81% trở lên còn được phụ cấp 1.399.000 đồng/tháng. (áp dụng từ 01/7/2024, theo Phụ lục II Nghị định 77/2024/NĐ-CP)';
    const more = 'Ngoài trợ cấp, phụ cấp hằng tháng, thương binh còn có:\n- Khi thương binh từ 61% trở lên từ trần: thân nhân đủ điều kiện được tuất hằng tháng 1.565.000 đồng;\n(còn 3 mục, xem dưới)';
    const [first] = fitHead([amounts, more], 'Hiện nay thương binh 81% được trợ cấp và phụ cấp hằng tháng bao nhiêu?', 380, undefined, ['amount']);
    expect(first).toContain('7.240.000');
    expect(first).toContain('phụ cấp 1.399.000 đồng/tháng');
    expect(first).toMatch(/\(áp dụng từ 01\/7\/2024\)$/u);
    expect(first).not.toContain('NĐ-CP)');
  });

  it('keeps, when it cuts a line for another kind of fact, the line\'s own fact', () => {
    const rule =
      'Khi thương binh (kể cả người hưởng chính sách như thương binh, thương binh loại B), bệnh binh, người hoạt động kháng chiến bị nhiễm chất độc hóa học có tỷ lệ tổn thương cơ thể từ 61% trở lên từ trần, thân nhân đủ điều kiện (cha đẻ, mẹ đẻ, vợ hoặc chồng đủ tuổi, con) được hưởng trợ cấp tuất hằng tháng 1.565.000 đồng/tháng, áp dụng từ 01/7/2024 theo Phụ lục I Nghị định 77/2024/NĐ-CP.';
    const form = 'Hồ sơ trợ cấp tuất dùng Bản khai Mẫu số 12, nộp UBND cấp xã nơi thân nhân thường trú (xem tài liệu thủ tục trợ cấp tuất).';
    // The question as searched: the story's words name the subject, not the amount.
    const asked = 'Năm nay tôi đã thì tôi cần làm thủ tục gì để được hưởng tiền tuất của chồng? thương binh hoạt động kháng chiến từ trần';
    const [first] = fitHead([rule, form], asked, 340, undefined, ['steps', 'where']);
    expect(first!.length).toBeLessThan(rule.length);
    expect(first).toContain('1.565.000 đồng/tháng');
  });

  it('keeps, when it cuts a line, the clauses with the kinds of fact the question asks before other facts', () => {
    const line =
      'Thủ tục cấp lại Bằng Tổ quốc ghi công khi Bằng bị mất: đại diện thân nhân nộp đơn Mẫu số 16 tại UBND cấp xã nơi thường trú, kèm Bằng cũ nếu còn, được hỗ trợ tiền đi lại 500.000 đồng một lần, mỗi năm một lần cho một liệt sĩ, xã xác nhận, lập danh sách gửi thẳng Sở Nội vụ nơi quản lý hồ sơ liệt sĩ.';
    const other = 'Thời hạn: Sở gửi Bằng mới cho người đề nghị trong 12 ngày kể từ khi nhận được Bằng cấp lại từ Bộ, kèm công văn.';
    const asked = 'phải làm đơn theo mẫu nào, hồ sơ được chuyển đi đâu';
    expect(fitHead([line, other], asked, 400)[0]).not.toContain('Sở Nội vụ');
    const [first] = fitHead([line, other], asked, 400, undefined, ['form', 'where']);
    expect(first).toContain('Mẫu số 16');
    expect(first).toContain('gửi thẳng Sở Nội vụ');
  });

  it('keeps the line that answers the first ask first, and in it the item with an asked kind of fact, when the list it comes from is quoted for another ask', () => {
    const notes = passage('tt-mot-lan', "Những lưu ý khi làm hồ sơ trợ cấp một lần khi người có công từ trần:\n\n- Nên nhận cùng lúc trợ cấp một lần, trợ cấp mai táng (tài liệu tt-mai-tang-phi) và trợ cấp tuất (tài liệu tt-tuat-hang-thang) bằng một Bản khai Mẫu số 12.\n- Bản khai do đại diện thân nhân lập; nhiều thân nhân thì nên kèm biên bản họp gia đình cử người nhận.\n- Khi tính 03 tháng trợ cấp, không cộng trợ cấp người phục vụ.\n- Thời hạn 07 ngày làm việc của xã tính từ khi nhận đủ giấy tờ; danh sách gửi Sở Nội vụ, không gửi Phòng LĐTBXH (đã không còn).");
    const benefits = passage('mh-tu-tran', "Khi thương binh, bệnh binh, người nhiễm chất độc hóa học đang hưởng trợ cấp hằng tháng từ trần, gia đình nhận:\n\n- Trợ cấp mai táng 23.400.000 đồng nếu chết từ 01/7/2025 đến 30/6/2026 (từ 01/7/2026: chưa có văn bản xác nhận), trả người lo mai táng.\n- Trợ cấp một lần bằng 03 tháng trợ cấp, phụ cấp đang hưởng, trả đại diện thân nhân.\n- Trợ cấp tuất hằng tháng 1.565.000 đồng/tháng (từ 01/7/2024) chỉ khi người mất từ 61% trở lên (dưới 61% không có tuất), cho cha mẹ, vợ hoặc chồng đủ tuổi, con nhỏ.");
    const read = readQuestion(
      'Tháng 9/2025 một bệnh binh 61% trong xã mất, con trai ông đã nộp Bản khai Mẫu số 12 và giấy chứng tử. Xin hỏi đối với khoản trợ cấp một lần cho thân nhân, xã phải làm những việc gì, trong thời hạn bao lâu và gửi hồ sơ cho cơ quan nào?',
    );
    const { lines } = directAnswer({ read, candidates: [notes, benefits], registry: new AmountRegistry([]), today: TODAY });
    expect(lines[0]).toMatch(/^Những lưu ý/u);
    const [first] = fitHead(lines, `${read.question} ${read.query}`, 400, read.deathDate, [read.asks!, ...read.alsoAsks]);
    expect(first).toContain('Thời hạn 07 ngày làm việc');
  });

  it('leaves out of a quoted list the items for deaths of another period than the one the story tells', () => {
    expect(readQuestion('vo tb chet truoc 1/7/2021 chua du 55 tuoi thi bao gio duoc huong tuat').deathDate).toBe('2021-06-30');
    const benefits = passage(
      'mh-tt',
      'Khi thương binh đang hưởng trợ cấp hằng tháng từ trần, gia đình nhận:\n\n- Trợ cấp mai táng 23.400.000 đồng nếu chết từ 01/7/2025 đến 30/6/2026, trả người lo mai táng.\n- Trợ cấp một lần bằng 03 tháng trợ cấp, phụ cấp đang hưởng.\n- Trợ cấp tuất hằng tháng 1.565.000 đồng/tháng (từ 01/7/2024) chỉ khi người mất từ 61% trở lên.',
    );
    const read = readQuestion('Bố tôi là thương binh hạng 3/4, đã nghỉ hưu và chết năm 2012. Mẹ tôi năm nay 74 tuổi được những chế độ gì, mức hưởng thế nào?');
    const [line] = directAnswer({ read, candidates: [benefits], registry, today: TODAY }).lines;
    expect(line).not.toContain('23.400.000');
    expect(line).toContain('1.565.000 đồng/tháng (từ 01/7/2024)');
    expect(line).toContain('(còn 1 mục, xem dưới)');
  });

  it('shortens only the first line\'s long list, to the items the question asks about, and says how many are left out', () => {
    const items = [
      '- Anh hùng Lực lượng vũ trang nhân dân, Anh hùng Lao động thời kỳ kháng chiến: 20 lần mức chuẩn;',
      '- Người hoạt động cách mạng trước 01/01/1945: thân nhân 31 lần, người thờ cúng 6,2 lần mức chuẩn;',
      '- Bà mẹ Việt Nam anh hùng được truy tặng hoặc chết mà chưa hưởng: thân nhân được 20 lần mức chuẩn;',
      '- Người hoạt động cách mạng tiền khởi nghĩa: thân nhân 15,5 lần, người thờ cúng 6,2 lần mức chuẩn;',
      '- Người có công giúp đỡ cách mạng được tặng Kỷ niệm chương Tổ quốc ghi công: 3 lần mức chuẩn;',
    ];
    const list = ['Khi người có công chết mà chưa được hưởng chế độ ưu đãi, trợ cấp một lần là:', ...items].join('\n');
    const other = 'Người lo mai táng được trợ cấp mai táng, nộp tại UBND cấp xã nơi cấp giấy báo tử.';
    const [first, second] = fitHead([list, other], 'Bà mẹ Việt Nam anh hùng chết mà chưa hưởng thì thân nhân được gì', 400);
    expect(first).toContain(items[2]);
    expect(first).toMatch(/\(còn \d mục, xem dưới\)$/);
    expect(first!.split('\n').length).toBeLessThan(items.length + 1);
    expect(fitHead([other, list], 'Bà mẹ Việt Nam anh hùng chết mà chưa hưởng thì thân nhân được gì', 400)[1]).toBe(list);
  });

  it('answers a papers question with the whole list and its lead-in', () => {
    const list = passage('tt-y', 'Hồ sơ đề nghị hưởng trợ cấp thờ cúng liệt sĩ gồm:\n\n1. Đơn Mẫu số 18.\n2. Văn bản ủy quyền.\n3. Bản sao Bằng Tổ quốc ghi công.');
    const direct = directAnswer({ read: readQuestion('hồ sơ thờ cúng liệt sĩ gồm những gì'), candidates: [list], registry, today: TODAY });
    expect(direct.lines).toEqual(['Hồ sơ đề nghị hưởng trợ cấp thờ cúng liệt sĩ gồm:\n1. Đơn Mẫu số 18.\n2. Văn bản ủy quyền.\n3. Bản sao Bằng Tổ quốc ghi công.']);
  });

  it('keeps a line naming an ended period beside the one still running', () => {
    const burial = passage(
      'mh-mt',
      'Trợ cấp mai táng 23.400.000 đồng nếu chết từ 01/7/2025 đến 30/6/2026 (từ 01/7/2026: chưa có văn bản xác nhận), trả người lo mai táng.\n\nTừ 01/7/2023 đến 30/6/2024, trợ cấp mai táng là 18.000.000 đồng.',
    );
    const lines = directAnswer({ read: readQuestion('tiền mai táng thương binh bao nhiêu'), candidates: [burial], registry, today: TODAY }).lines;
    expect(lines[0]).toMatch(/^Trợ cấp mai táng 23\.400\.000 đồng/);
    expect(lines.join('\n')).not.toContain('18.000.000');
  });

  it("answers today's figure from its own section, not from the section of replaced figures that names it", () => {
    const old = { ...passage('mh-bm', 'Các mức trước ngày 01/7/2024 của Bà mẹ Việt Nam anh hùng đã được thay bằng 2.789.000 đồng (trợ cấp hằng tháng):\n\n- 01/7/2023 – 30/6/2024: 2.055.000 đồng.'), heading: 'Mức cũ của Bà mẹ Việt Nam anh hùng (đã được thay thế)' };
    const current = { ...passage('mh-bm', 'Bà mẹ Việt Nam anh hùng được trợ cấp 2.789.000 đồng mỗi tháng.'), id: 'mh-bm#1', ordinal: 1, heading: 'Trợ cấp hằng tháng' };
    const lines = directAnswer({ read: readQuestion('hiện nay Bà mẹ Việt Nam anh hùng được trợ cấp hằng tháng bao nhiêu'), candidates: [current, old], registry, today: TODAY }).lines;
    expect(lines[0]).toBe('Bà mẹ Việt Nam anh hùng được trợ cấp 2.789.000 đồng mỗi tháng.');
  });

  it('settles "có đủ điều kiện … không" with a condition, not with the papers that prove it', () => {
    const doc = passage(
      'cs-cdhh',
      'Hồ sơ công nhận người hoạt động kháng chiến bị nhiễm chất độc hóa học cần hai nhóm giấy tờ:\n\n1. Giấy tờ ghi nhận thời gian hoạt động kháng chiến tại vùng bị rải chất độc hóa học.\n2. Giấy tờ ghi nhận mắc bệnh.\n\nNgười hoạt động kháng chiến được công nhận nếu mắc bệnh trong danh mục bệnh liên quan đến phơi nhiễm chất độc hóa học.',
    );
    const read = readQuestion('Bố tôi hoạt động kháng chiến, có đủ điều kiện công nhận người hoạt động kháng chiến bị nhiễm chất độc hóa học không?');
    expect(read.asks).toBe('eligibility');
    const lines = directAnswer({ read, candidates: [doc], registry, today: TODAY }).lines;
    expect(lines[0]).toMatch(/^Người hoạt động kháng chiến được công nhận nếu/);
  });

  it('answers "hồ sơ gồm giấy tờ nào" with a sentence that names the papers after a colon, for the case the story tells', () => {
    const guide = passage(
      'cs-ls',
      'Với người mất tích (gia đình không có tin tức, không có giấy báo tử), đại diện thân nhân gửi UBND cấp xã: bản khai theo Mẫu số 14 kèm phiếu xác minh người mất tích.\n\nUBND cấp xã niêm yết danh sách tại thôn trong 15 ngày.',
    );
    const other = { ...passage('tt-ls', 'Giấy tờ làm căn cứ gồm một trong các loại:\n\n1. Giấy báo tử trận.\n2. Bản án của Tòa án.'), id: 'tt-ls#4', ordinal: 4 };
    const read = readQuestion('Cha tôi đi kháng chiến, từ đó gia đình không có tin tức gì của ông. Xin hỏi hồ sơ xin xác nhận liệt sĩ cho người mất tích gồm những giấy tờ nào?');
    expect(read.asks).toBe('documents');
    const lines = directAnswer({ read, candidates: [guide, other], registry, today: TODAY }).lines;
    expect(lines[0]).toContain('bản khai theo Mẫu số 14 kèm phiếu xác minh');
  });

  it('gives a yes-or-no question the form of its own document as the next step, never another benefit’s', () => {
    const rule = passage('cs-thu-hut', 'Nghị định 76/2019/NĐ-CP quy định trợ cấp lần đầu bằng 10 tháng lương cơ sở khi nhận công tác lần đầu ở vùng đặc biệt khó khăn.', { topic: ['can-bo-xa', 'phu-cap'] });
    const other = passage(
      'cs-tb',
      'Thương binh đang hưởng chế độ mất sức lao động được hưởng thêm một chế độ trợ cấp hằng tháng theo Điều 44 Nghị định 131/2021/NĐ-CP. Thủ tục:\n\n1. Cá nhân làm đơn đề nghị theo Mẫu số 19, gửi Sở Nội vụ nơi thường trú;\n2. Trong 12 ngày Sở ra quyết định hưởng thêm chế độ.',
      { topic: ['thuong-binh'] },
    );
    const read = readQuestion(
      'Trước ngày 01/7/2025, ông Duy là viên chức ở thị trấn. Ngày 01/7/2025, ông được tiếp nhận vào làm công chức tại UBND xã nơi ông thường trú. Từ ngày 01/01/2026, xã của ông thuộc xã đặc biệt khó khăn. Ông Duy hỏi, ông có được hưởng chế độ thu hút là 10 tháng lương cơ sở không?',
    );
    expect(judgeDomain(read.question, read.story).verdict).toBe('in');
    const lines = directAnswer({ read, candidates: [rule, other], related: [rule, other], registry, today: TODAY }).lines.join('\n');
    expect(lines).toContain('10 tháng lương cơ sở');
    expect(lines).not.toContain('Mẫu số 19');
  });

  it('answers "hồ sơ, thủ tục …" with the papers and the steps', () => {
    const doc = passage(
      'tt-dc',
      'Hồ sơ đề nghị di chuyển hồ sơ người có công gồm:\n\n1. Đơn đề nghị theo Mẫu số 27.\n2. Bản sao căn cước.\n\nTrình tự di chuyển hồ sơ người có công:\n\n1. Người hưởng trợ cấp gửi đơn đến Sở Nội vụ.\n2. Trong 12 ngày, Sở lập Phiếu báo di chuyển hồ sơ.',
    );
    const read = readQuestion('Gia đình chuyển nơi thường trú, hỏi về hồ sơ, thủ tục di chuyển hồ sơ người có công.');
    expect(read.asks).toBe('documents');
    expect(read.alsoAsks).toContain('steps');
    const lines = directAnswer({ read, candidates: [doc], registry, today: TODAY }).lines.join('\n');
    expect(lines).toContain('Đơn đề nghị theo Mẫu số 27');
    expect(lines).toContain('Trong 12 ngày, Sở lập Phiếu báo di chuyển hồ sơ');
    // The steps written as deadlines ("Thời hạn …: 1. UBND cấp xã: 05 ngày …") are the steps too.
    const reissue = passage(
      'tt-cl',
      'Hồ sơ đề nghị cấp lại giấy chứng nhận người có công gồm:\n\n1. Đơn đề nghị theo Mẫu số 25.\n\nThời hạn cấp lại giấy chứng nhận người có công:\n\n1. UBND cấp xã: 05 ngày làm việc xác nhận đơn, gửi cơ quan quản lý hồ sơ.\n2. Sở Nội vụ: 12 ngày, cấp giấy chứng nhận.',
    );
    const again = directAnswer({ read: readQuestion('Hồ sơ, thủ tục cấp lại giấy chứng nhận người có công khi bị mất'), candidates: [reissue], registry, today: TODAY }).lines.join('\n');
    expect(again).toContain('Mẫu số 25');
    expect(again).toContain('05 ngày làm việc');
  });

  it('quotes a list the chunker cut between two passages whole, with the items that continue its numbering', () => {
    const first = { ...passage('cs-cdhh', 'Danh mục bệnh có liên quan đến phơi nhiễm chất độc hóa học gồm:\n\n1. Ung thư phần mềm;\n2. Bệnh đái tháo đường type 2;'), heading: 'Danh mục bệnh' };
    const next = { ...passage('cs-cdhh', '3. Tật gai sống chẻ đôi.\n\nCác bệnh khác không được dùng làm căn cứ.'), id: 'cs-cdhh#1', ordinal: 1, heading: 'Danh mục bệnh' };
    const other = { ...passage('cs-cdhh', '4. Một mục của danh sách khác.'), id: 'cs-cdhh#2', ordinal: 2, heading: 'Mục khác' };
    const read = readQuestion('danh mục bệnh liên quan chất độc hóa học gồm những bệnh nào');
    const lines = directAnswer({ read, candidates: [first], related: [first, next, other], registry, today: TODAY }).lines.join('\n');
    expect(lines).toContain('2. Bệnh đái tháo đường type 2;\n3. Tật gai sống chẻ đôi.');
    expect(lines).not.toContain('Các bệnh khác');
    expect(lines).not.toContain('4. Một mục');
    const bullets = { ...passage('mh-dd', 'Được điều dưỡng hằng năm:\n\n- Bà mẹ Việt Nam anh hùng;\n- Thương binh từ 81% trở lên;'), heading: 'Hằng năm' };
    const rest = { ...passage('mh-dd', '- Cha đẻ, mẹ đẻ có hai con liệt sĩ trở lên.'), id: 'mh-dd#1', ordinal: 1, heading: 'Hằng năm' };
    const yearly = directAnswer({ read: readQuestion('ai được điều dưỡng hằng năm'), candidates: [bullets], related: [bullets, rest], registry, today: TODAY }).lines.join('\n');
    expect(yearly).toContain('- Cha đẻ, mẹ đẻ có hai con liệt sĩ trở lên.');
  });

  it('drops bare citations from first lines over the first screen, never a period or an amount, nor when the basis is asked', () => {
    const lines = [
      'Hồ sơ hưởng trợ cấp mai táng khi người có công từ trần gồm (khoản 1 Điều 122 Nghị định 131/2021/NĐ-CP):\n1. Bản khai theo Mẫu số 12 Phụ lục I Nghị định 131/2021/NĐ-CP, do cá nhân hoặc tổ chức lo mai táng lập.\n2. Bản sao có chứng thực giấy báo tử hoặc trích lục khai tử của người mất.',
      'Trợ cấp mai táng 23.400.000 đồng nếu chết từ 01/7/2025 đến 30/6/2026 (áp dụng từ 01/7/2025, theo Điều 13 Nghị định 75/2021/NĐ-CP), trả người lo mai táng (Điều 13 Nghị định 75/2021/NĐ-CP).',
    ];
    const fitted = fitHead(lines, 'người lo mai táng được bao nhiêu tiền, hồ sơ gồm gì', 400).join('\n');
    expect(fitted).toContain('Hồ sơ hưởng trợ cấp mai táng khi người có công từ trần gồm:');
    expect(fitted).toContain('(áp dụng từ 01/7/2025, theo Điều 13 Nghị định 75/2021/NĐ-CP)');
    expect(fitted).toContain('trả người lo mai táng.');
    expect(fitted).toContain('23.400.000 đồng');
    expect(fitHead(lines, 'hồ sơ mai táng gồm gì, theo nghị định nào', 400).join('\n')).toContain('(khoản 1 Điều 122 Nghị định 131/2021/NĐ-CP)');
    expect(fitHead(lines.slice(0, 1), 'hồ sơ mai táng gồm gì', 400)[0]).toContain('(khoản 1 Điều 122 Nghị định 131/2021/NĐ-CP)');
    // A bare clause or article of the text the line quotes ("(khoản 1, 2)", "(Điều 85)") gives way too.
    const short = ['Thân nhân liệt sĩ được hưởng: trợ cấp tuất một lần khi truy tặng Bằng "Tổ quốc ghi công" (khoản 1, 2); điều dưỡng phục hồi sức khỏe (Điều 85).', lines[1]!, lines[0]!];
    const cut = fitHead(short, 'thân nhân liệt sĩ được hưởng gì, mai táng bao nhiêu, hồ sơ gồm gì', 400).join('\n');
    expect(cut).not.toContain('(khoản 1, 2)');
    expect(cut).not.toContain('(Điều 85)');
  });

  it("leaves a rule about another group of people with merit (\"Con liệt sĩ …\") after the one for the story's group", () => {
    const martyrs = passage('cs-tuat-ls', 'Con liệt sĩ khuyết tật nặng hưởng tuất hằng tháng khi tỷ lệ tổn thương cơ thể từ 61% trở lên.');
    const anyMerit = { ...passage('mh-tuat', 'Con của người có công khuyết tật nặng sau khi đủ 18 tuổi hưởng tuất hằng tháng khi không có thu nhập.'), id: 'mh-tuat#1' };
    const read = readQuestion('Cha tôi là thương binh, đã chết năm 1996. Tôi bị tai nạn, khuyết tật nặng. Vậy tôi có được hưởng lại trợ cấp tuất hằng tháng không?');
    const lines = directAnswer({ read, candidates: [anyMerit, martyrs], registry, today: TODAY }).lines;
    expect(lines[0]).toMatch(/^Con của người có công/);
    // A story about a martyr keeps the martyr's rule first.
    const martyrStory = readQuestion('Bố tôi là liệt sĩ. Tôi bị tai nạn, khuyết tật nặng. Vậy tôi có được hưởng trợ cấp tuất hằng tháng không?');
    expect(directAnswer({ read: martyrStory, candidates: [anyMerit, martyrs], registry, today: TODAY }).lines[0]).toMatch(/^Con liệt sĩ/);
  });

  it('judges again on a new day whether a period has ended, with the features kept between questions', () => {
    const burial = passage('mh-mt', 'Từ 01/7/2023 đến 30/6/2024, trợ cấp mai táng là 18.000.000 đồng.\n\nTrợ cấp mai táng do Ủy ban nhân dân cấp xã chi trả.');
    const features = new PassageFeatures();
    const ask = (today: string) => directAnswer({ read: readQuestion('tiền mai táng bao nhiêu'), candidates: [burial], registry, today, features }).lines.join('\n');
    expect(ask('2024-03-01')).toContain('18.000.000');
    expect(ask(TODAY)).not.toContain('18.000.000');
    expect(ask('2024-03-01')).toContain('18.000.000');
  });

  it('answers a question asking for every item ("những khoản gì, mỗi khoản bao nhiêu") with the whole list', () => {
    const items = [
      '- Trợ cấp mai táng 23.400.000 đồng nếu chết từ 01/7/2025 đến 30/6/2026 (từ 01/7/2026: chưa có văn bản xác nhận), trả người lo mai táng.',
      '- Trợ cấp một lần bằng 03 tháng trợ cấp, phụ cấp đang hưởng, trả đại diện thân nhân.',
      '- Trợ cấp tuất hằng tháng 1.565.000 đồng/tháng (từ 01/7/2024) chỉ khi người mất từ 61% trở lên (dưới 61% không có tuất), cho cha mẹ, vợ hoặc chồng đủ tuổi, con nhỏ.',
    ];
    const doc = passage('mh-tt', ['Khi người có công đang hưởng trợ cấp hằng tháng từ trần, gia đình nhận:', '', ...items].join('\n'));
    const asked = 'Bố tôi là thương binh, vừa mất. Gia đình được nhận những khoản tiền gì, mỗi khoản bao nhiêu?';
    const lines = directAnswer({ read: readQuestion(asked), candidates: [doc], registry, today: TODAY }).lines;
    for (const item of items) expect(lines[0]).toContain(item);
    const other = 'Thân nhân nộp Bản khai Mẫu số 12 tại UBND cấp xã nơi thường trú.';
    expect(fitHead([lines[0]!, other], asked, 400)[0]).not.toContain('(còn');
  });

  it('answers with the item of a list by period of death that holds the day the story gives', () => {
    const burial = passage(
      'mh-mt',
      'Trợ cấp mai táng bằng 10 lần mức tham chiếu tại tháng chết. Số tiền theo ngày chết:\n\n- Chết từ 01/7/2025 đến 30/6/2026: 23.400.000 đồng;\n- Chết từ 01/7/2026: chưa có văn bản xác nhận;\n- Chết trước 01/7/2025: theo Luật Bảo hiểm xã hội 2014 tại thời điểm chết.',
    );
    const read = readQuestion('Bố tôi là thương binh 41%, đã nghỉ hưu và chết năm 2012. Xin hỏi tiền mai táng được bao nhiêu, mẹ tôi có được tuất không?');
    const line = directAnswer({ read, candidates: [burial], registry, today: TODAY }).lines.join('\n');
    expect(line).toContain('Chết trước 01/7/2025');
    expect(line).not.toContain('23.400.000');
  });

  it('keeps a short list whole, in its order, when more than one of its items holds the kind of fact asked', () => {
    const rates = passage(
      'mh-bm',
      'Bà mẹ Việt Nam anh hùng được hưởng mỗi tháng, áp dụng từ 01/7/2024 theo Phụ lục I Nghị định 75/2021/NĐ-CP sửa đổi bởi Nghị định 77/2024/NĐ-CP:\n\n- Trợ cấp hằng tháng: 8.367.000 đồng;\n- Phụ cấp hằng tháng: 2.337.000 đồng.',
    );
    const serve = passage('mh-pv', 'Người phục vụ Bà mẹ Việt Nam anh hùng sống ở gia đình được trợ cấp 2.789.000 đồng/tháng, áp dụng từ 01/7/2024.');
    const read = readQuestion(
      'Mẹ tôi là Bà mẹ Việt Nam anh hùng, có hai con là liệt sĩ. Mẹ sống cùng vợ chồng tôi. Mấy năm nay mẹ nằm một chỗ, vợ tôi ở nhà chăm mẹ. Xin hỏi hiện nay mẹ tôi được nhận trợ cấp, phụ cấp hằng tháng là bao nhiêu? Người trực tiếp chăm sóc mẹ như vợ tôi có được trợ cấp gì không?',
    );
    const lines = directAnswer({ read, candidates: [serve, rates], registry, today: TODAY }).lines;
    expect(lines[1]).toMatch(/:\n- Trợ cấp hằng tháng: 8\.367\.000 đồng;\n- Phụ cấp hằng tháng: 2\.337\.000 đồng\.$/);
  });

  it('answers an explicit ask for papers with the list of papers, even when another line says where to hand them in', () => {
    const where = passage('tt-tu', 'Nộp hồ sơ chế độ người bị địch bắt tù, đày tại UBND cấp xã nơi thường trú (khoản 1 Điều 62 Nghị định 131/2021/NĐ-CP).');
    const papers = passage(
      'tt-tu-hs',
      'Hồ sơ công nhận người bị địch bắt tù, đày gồm:\n\n1. Bản khai theo Mẫu số 10.\n2. Giấy tờ xác lập từ 31/12/1994 trở về trước về việc bị địch bắt tù.\n3. Người đã chết mà chưa được hưởng: giấy báo tử.',
    );
    const read = readQuestion('Mẹ tôi bị địch bắt tù đày, chưa hưởng chế độ. Xin hỏi hồ sơ gồm những gì, nộp ở đâu?');
    const lines = directAnswer({ read, candidates: [where, papers], registry, today: TODAY }).lines;
    expect(lines.join('\n')).toContain('Hồ sơ công nhận người bị địch bắt tù, đày gồm:\n1. Bản khai theo Mẫu số 10.\n2.');
  });

  it('answers the amount a clause asks about ("cấp cho xe lăn là bao nhiêu"), not another amount a chosen line holds', () => {
    const papers = passage('tt-dc', 'Hồ sơ gồm đơn Mẫu số 21 và giấy chỉ định Mẫu số 40 của cơ sở chỉnh hình.');
    const travel = passage(
      'mh-dc',
      'Khi đi làm dụng cụ chỉnh hình theo giấy chỉ định, Nhà nước cấp tiền đi lại cho ông bà, tối đa 1.400.000 đồng/người/niên hạn (mỗi niên hạn 01 lần).',
    );
    const chair = passage('mh-dc2', 'Xe lăn tay: 2.500.000 đồng, niên hạn 04 năm.');
    const read = readQuestion('Ông cần làm đơn gì, ai cấp giấy chỉ định, mức tiền Nhà nước cấp cho xe lăn là bao nhiêu?');
    const text = directAnswer({ read, candidates: [papers, travel, chair], registry, today: TODAY }).lines.join('\n');
    expect(text).toContain('2.500.000');
  });

  it('answers where to hand in with the office of the procedure the best document describes, not of another procedure', () => {
    const move = passage('tt-dc', 'Hồ sơ đề nghị di chuyển hồ sơ người có công gồm:\n\n1. Đơn đề nghị theo Mẫu số 27.\n2. Bản sao căn cước công dân.');
    const other = passage(
      'tt-tb-bb',
      'Thương binh đồng thời là bệnh binh được hưởng thêm một chế độ trợ cấp hằng tháng:\n\n1. Cá nhân gửi đơn Mẫu số 19 đến cơ quan quản lý người có công cấp tỉnh; không nộp qua UBND cấp xã;\n2. Trong 12 ngày, Sở ra quyết định.',
    );
    const office = { ...passage('tt-dc', 'Thủ tục di chuyển hồ sơ người có công do Sở Nội vụ nơi đi tiếp nhận; UBND cấp xã không phải nơi tiếp nhận.'), id: 'tt-dc#1', ordinal: 1 };
    const read = readQuestion('Bố tôi là bệnh binh. Muốn chuyển hồ sơ bệnh binh của bố vào tỉnh khác thì phải làm đơn gì, nộp ở cơ quan nào?');
    const text = directAnswer({ read, candidates: [move, other], related: [office], registry, today: TODAY }).lines.join('\n');
    expect(text).toContain('Sở Nội vụ nơi đi');
    expect(text).not.toContain('Mẫu số 19');
  });

  it('answers "thủ tục như thế nào" with the best passage\'s own line on where to turn, not another procedure\'s papers', () => {
    const grave = passage(
      'cs-vo-mo',
      'Vỏ mộ liệt sĩ ở nghĩa trang dòng họ:\n\n- Mức hiện hành: xây mới vỏ mộ liệt sĩ tối đa 10.000.000 đồng/mộ.\n- Liên hệ: Sở Nội vụ nơi có mộ (có thể hỏi qua UBND cấp xã) để kiểm tra mộ đã được nhận kinh phí xây vỏ mộ chưa.',
    );
    const moving = passage(
      'tt-di-chuyen',
      'Hồ sơ đề nghị di chuyển hài cốt liệt sĩ, hỗ trợ xây mộ liệt sĩ gồm:\n\n1. Đơn đề nghị di chuyển hài cốt liệt sĩ theo Mẫu số 32.\n2. Giấy báo tin mộ liệt sĩ.\n3. Văn bản ủy quyền.',
    );
    const read = readQuestion('Mẹ tôi là liệt sĩ, mộ ở nghĩa trang gia tộc. Gia đình có được hỗ trợ xây mộ liệt sĩ không? Nếu có thì thủ tục như thế nào?');
    const text = directAnswer({ read, candidates: [grave], related: [moving], registry, today: TODAY }).lines.join('\n');
    expect(text).toContain('Sở Nội vụ nơi có mộ');
    expect(text).not.toContain('Mẫu số 32');
  });

  it('answers "vào thời gian nào trong năm" with a time that comes back each year, not a date', () => {
    const procedure = passage(
      'tt-dd',
      'Từ 01/7/2025, UBND cấp xã lập danh sách điều dưỡng (Mẫu số 86) gửi Sở Nội vụ phê duyệt.\n\nNhững lưu ý khi lập danh sách điều dưỡng:\n\n- Danh sách điều dưỡng (Mẫu số 86) phải lập trong quý I hằng năm.\n- Người vừa là người có công vừa là thân nhân liệt sĩ chỉ hưởng một lần.',
    );
    const read = readQuestion('Xã lập danh sách điều dưỡng vào thời gian nào trong năm để gia đình kịp đăng ký?');
    expect(read.asks).toBe('when');
    const text = directAnswer({ read, candidates: [procedure], registry, today: TODAY }).lines[0];
    expect(text).toContain('quý I hằng năm');
  });

  it('answers a papers question with a list of papers, never with a list of something else', () => {
    const benefits = passage('mh-tt', 'Khi thương binh từ trần, gia đình nhận:\n\n- Trợ cấp mai táng 23.400.000 đồng, trả người lo mai táng.\n- Trợ cấp một lần bằng 03 tháng trợ cấp.\n- Tuất hằng tháng 1.565.000 đồng khi thương binh từ 61% trở lên.');
    const papers = passage('tt-mt', 'Hồ sơ hưởng trợ cấp mai táng gồm:\n\n1. Bản khai Mẫu số 12.\n2. Bản sao giấy báo tử.');
    const direct = directAnswer({ read: readQuestion('tb 61% mat thang 3/2026, nguoi lo mai tang duoc bao nhieu tien, hs gom gi'), candidates: [benefits, passage('mh-a', 'Trợ cấp mai táng bằng 10 lần mức tham chiếu.'), passage('mh-b', 'Người lo mai táng nhận trợ cấp mai táng.')], related: [papers], registry, today: TODAY });
    expect(direct.lines[0]).toMatch(/^Hồ sơ hưởng trợ cấp mai táng gồm:\n1\. Bản khai Mẫu số 12\./);
  });
});

describe('composing a many-part answer', () => {
  it('quotes the items two questions take from one list under its lead-in once', () => {
    const benefits = passage(
      'mh-tt',
      'Khi thương binh từ trần, gia đình nhận:\n\n- Trợ cấp mai táng 23.400.000 đồng, trả người lo mai táng.\n- Trợ cấp một lần bằng 03 tháng trợ cấp.\n- Tuất hằng tháng 1.565.000 đồng khi thương binh từ 61% trở lên.',
    );
    const read = readQuestion('Bố tôi là thương binh 41%, mất tháng 2/2026. Vì sao mẹ tôi không được tuất hằng tháng? Người lo mai táng được nhận bao nhiêu tiền?');
    expect(read.parts).toHaveLength(1);
    const hits = [{ passage: benefits, score: 1 }] as unknown as ScoredPassage[];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [benefits], intent: undefined, registry: new AmountRegistry([]), today: TODAY, partHits: [hits] });
    const text = lead.join('\n');
    expect(text.match(/Khi thương binh từ trần, gia đình nhận:/g)).toHaveLength(1);
    expect(text).toContain('1.565.000');
    expect(text).toContain('23.400.000');
  });
});

describe('the section a question asks about', () => {
  it('takes, of a document’s sections of the asked kind, the one whose heading names the question’s subject', () => {
    const who = { ...passage('tt-cm', 'Cán bộ tiền khởi nghĩa là người hoạt động cách mạng từ 01/01/1945 đến ngày khởi nghĩa tháng Tám năm 1945.'), id: 'tt-cm#1', ordinal: 1, path: ['Ai là cán bộ tiền khởi nghĩa'], heading: 'Ai là cán bộ tiền khởi nghĩa' };
    const before = { ...passage('tt-cm', 'Lão thành cách mạng diện không thoát ly được trợ cấp hằng tháng 5.291.000 đồng.'), id: 'tt-cm#2', ordinal: 2, path: ['Mức trợ cấp hằng tháng người hoạt động cách mạng trước 01/01/1945'], heading: 'Mức trợ cấp hằng tháng người hoạt động cách mạng trước 01/01/1945' };
    const uprising = { ...passage('tt-cm', 'Được trợ cấp hằng tháng 2.884.000 đồng, từ tháng có quyết định công nhận.'), id: 'tt-cm#3', ordinal: 3, path: ['Mức trợ cấp hằng tháng cán bộ tiền khởi nghĩa'], heading: 'Mức trợ cấp hằng tháng cán bộ tiền khởi nghĩa' };
    const read = readQuestion('cán bộ tiền khởi nghĩa được trợ cấp bao nhiêu');
    const hits = [{ passage: who, score: 1 }] as unknown as ScoredPassage[];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [who, before, uprising], intent: detectSectionIntent(read.question), registry: new AmountRegistry([]), today: TODAY });
    expect(lead[0]).toContain('2.884.000 đồng');
  });

  it('takes the papers from the procedure found next when the best document gives only the amounts ("hồ sơ cấp chân giả gồm gì")', () => {
    const amounts = { ...passage('mh-dcch', 'Tiền mua chân giả cho thương binh: chân giả trên gối 3.800.000 đồng, niên hạn 02 năm.'), path: ['Mức tiền cấp chân giả'], heading: 'Mức tiền cấp chân giả' };
    const who = { ...passage('tt-dcch', 'Thủ tục cấp dụng cụ chỉnh hình áp dụng cho thương binh có chỉ định của cơ sở chỉnh hình.'), path: ['Đối tượng'], heading: 'Đối tượng' };
    const papers = { ...passage('tt-dcch', 'Hồ sơ đề nghị cấp dụng cụ chỉnh hình gồm:\n\n1. Đơn đề nghị theo Mẫu số 21.\n2. Giấy chỉ định theo Mẫu số 40.'), id: 'tt-dcch#1', ordinal: 1, path: ['Hồ sơ đề nghị cấp dụng cụ chỉnh hình gồm'], heading: 'Hồ sơ đề nghị cấp dụng cụ chỉnh hình gồm' };
    const read = readQuestion('ho so cap chan gia xe lan cho thuong binh gom gi');
    const hits = [{ passage: amounts, score: 1 }, { passage: who, score: 0.8 }] as unknown as ScoredPassage[];
    const passagesOf = (docId: string) => [amounts, who, papers].filter((p) => p.docId === docId);
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [amounts], intent: detectSectionIntent(read.question), registry: new AmountRegistry([]), today: TODAY, passagesOf });
    expect(lead.join('\n')).toContain('Mẫu số 21');
  });

  it('reads "gồm những ai" as a question on who, not on papers', () => {
    expect(detectSectionIntent('thân nhân ncc gồm những ai theo pháp lệnh')).toBeUndefined();
    expect(detectSectionIntent('hồ sơ mai táng gồm những gì')?.name).toBe('documents');
    expect(detectSectionIntent('Những chế độ ưu đãi đối với Bà mẹ Việt Nam anh hùng bao gồm những chế độ nào?')).toBeUndefined();
  });
});

describe('a section of replaced figures', () => {
  it('answers with today\'s figure from the same document when its "Mức cũ" section matched best', () => {
    const amounts = [
      { value: '3.406.000 đồng', what: 'Trợ cấp bệnh binh 61–70% (mức cũ)', from: '2023-07-01', to: '2024-06-30', basis: 'Nghị định 55/2023/NĐ-CP', series: 'bb-61-70' },
      { value: '4.622.000 đồng', what: 'Trợ cấp bệnh binh 61–70%', from: '2024-07-01', basis: 'Nghị định 77/2024/NĐ-CP', series: 'bb-61-70' },
    ];
    const current = { ...passage('mh-benh-binh', 'Mức trợ cấp hằng tháng của bệnh binh từ 61% đến 70% là 4.622.000 đồng/tháng, áp dụng từ 01/7/2024 theo Nghị định 77/2024/NĐ-CP.', { amounts }), id: 'mh-benh-binh#0' };
    const old = { ...passage('mh-benh-binh', 'Từ 01/7/2023 đến 30/6/2024, trợ cấp bệnh binh 61–70% là 3.406.000 đồng; nay được thay bằng mức áp dụng từ 01/7/2024.', { amounts }), id: 'mh-benh-binh#4', ordinal: 4 };
    const other = passage('mh-thuong-binh', 'Mức trợ cấp hằng tháng của thương binh từ 61% đến 70% là 5.450.000 đồng/tháng đến 6.257.000 đồng/tháng.');
    const hits = [{ passage: old, score: 1 }, { passage: other, score: 0.8 }] as unknown as ScoredPassage[];
    const read = readQuestion('bb 61-70% trợ cấp bao nhiêu');
    const { lead } = composeExtractiveAnswer({ read, expandedQuery: 'bệnh binh 61 70 trợ cấp bao nhiêu', hits, allPassages: [current, old, other], intent: undefined, registry: new AmountRegistry([{ docId: 'mh-benh-binh', meta: { amounts } }]), today: TODAY });
    expect(lead[0]).toContain('4.622.000 đồng');
  });
});

describe('the route of the day', () => {
  it('answers where to hand in with today\'s route even when the story tells of years long past', () => {
    const old = passage('tt-old', 'Trước 01/7/2025, hồ sơ nộp tại UBND cấp xã, xã gửi Phòng LĐTBXH cấp huyện trong 05 ngày làm việc.');
    const today = passage('tt-new', 'Từ 01/7/2025, hồ sơ nộp tại UBND cấp xã nơi thường trú; xã gửi Sở Nội vụ trong 05 ngày làm việc.');
    const read = readQuestion('Ông nội tôi là thương binh hạng 3/4 từ năm 1972, mới qua đời tháng 9/2026, thọ 86 tuổi, gia đình lo ma chay xong. Xin hỏi hồ sơ trợ cấp mai táng nộp ở đâu?');
    const { lines } = directAnswer({ read, candidates: [old, today], registry: new AmountRegistry([]), today: TODAY });
    expect(lines[0]).toContain('Sở Nội vụ');
  });
});

describe('a rule in another section of the best document', () => {
  it('answers an amount question from another section when the best passages hold only ended figures', () => {
    const rule = { ...passage('mh-mai-tang', 'Trợ cấp mai táng người có công bằng 10 lần mức tham chiếu tại tháng chết (Điều 85 Luật Bảo hiểm xã hội 2024).'), id: 'mh-mai-tang#0' };
    const ended = { ...passage('mh-mai-tang', 'Người có công chết từ 01/7/2025 đến 30/6/2026 thì người lo mai táng được trợ cấp mai táng 23.400.000 đồng.'), id: 'mh-mai-tang#1', ordinal: 1 };
    const read = readQuestion('Mai táng phí được tính như thế nào?');
    const without = directAnswer({ read, candidates: [ended], registry: new AmountRegistry([]), today: TODAY });
    expect(without.lines).toEqual([]);
    const { lines } = directAnswer({ read, candidates: [ended], related: [rule, ended], registry: new AmountRegistry([]), today: TODAY });
    expect(lines[0]).toContain('10 lần mức tham chiếu');
  });
});

describe('quoting the passages', () => {
  it('always quotes the best hit, even when the direct lines come from two other passages', () => {
    const rule = passage('tt-tc', 'Muốn chuyển việc thờ cúng cho người khác, người mới cần văn bản ủy quyền theo điểm b khoản 1 Điều 651 Bộ luật Dân sự và làm lại hồ sơ.');
    const papers = { ...passage('tt-tc', 'Hồ sơ đề nghị trợ cấp thờ cúng liệt sĩ gồm:\n\n1. Đơn đề nghị theo Mẫu số 18.\n2. Văn bản ủy quyền thờ cúng.'), id: 'tt-tc#1', ordinal: 1 };
    const office = { ...passage('tt-tc', 'Nộp hồ sơ thờ cúng liệt sĩ tại UBND cấp xã nơi người thờ cúng thường trú.'), id: 'tt-tc#2', ordinal: 2 };
    const read = readQuestion('Tôi đang thờ cúng liệt sĩ. Nay tôi muốn chuyển việc thờ cúng cho con trai tôi, hồ sơ gồm những gì, nộp ở đâu?');
    const hits = [{ passage: rule, score: 1 }, { passage: papers, score: 0.6 }, { passage: office, score: 0.5 }] as unknown as ScoredPassage[];
    const composed = composeExtractiveAnswer({ read, hits, allPassages: [rule, papers, office], intent: undefined, registry: new AmountRegistry([]), today: TODAY });
    expect(composed.lead.join('\n')).toContain('UBND cấp xã');
    expect(composed.body).toContain('Điều 651');
  });
});

describe('a procedure\'s opening summary', () => {
  const THU_TUC: Partial<DocumentMeta> = { doc_type: 'thu-tuc' };
  const summary = passage(
    'tt-tn',
    // The other names it is searched by ("chế độ gia đình liệt sĩ, tiền tuất liệt sĩ") are left out of the lead.
    'Thủ tục giải quyết chế độ ưu đãi thân nhân liệt sĩ (chế độ gia đình liệt sĩ, tiền tuất liệt sĩ): thân nhân lập Bản khai Mẫu số 05 có xác nhận của UBND cấp xã nơi thường trú, gửi Sở Nội vụ; cấp tỉnh giải quyết trong 20 ngày. Trợ cấp tuất thân nhân của 01 liệt sĩ là 2.789.000 đồng/tháng.',
    THU_TUC,
  );
  const papers = { ...passage('tt-tn', 'Hồ sơ giải quyết chế độ ưu đãi thân nhân liệt sĩ gồm:\n\n1. Bản khai theo Mẫu số 05.\n2. Bản sao có chứng thực Bằng "Tổ quốc ghi công".\n3. Con khuyết tật: giấy xác nhận thu nhập Mẫu số 47 của UBND cấp xã.', THU_TUC), id: 'tt-tn#1', ordinal: 1 };
  const visits = { ...passage('tt-tv', 'Thời hạn giải quyết thăm viếng mộ liệt sĩ: nơi quản lý hồ sơ gốc 03 ngày làm việc cấp giấy giới thiệu; xã 01 ngày làm việc xác nhận.', THU_TUC), id: 'tt-tv#3', ordinal: 3 };

  it('leads a many-part question on a procedure when it states more of the asked facts than the chosen lines', () => {
    const read = readQuestion('Tôi làm hồ sơ hưởng chế độ thân nhân liệt sĩ thì phải nộp những giấy tờ gì? Thời hạn giải quyết là bao lâu và hồ sơ nộp ở đâu?');
    const hits = [{ passage: papers, score: 1 }, { passage: visits, score: 0.7 }] as unknown as ScoredPassage[];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [summary, papers, visits], intent: undefined, registry: new AmountRegistry([]), today: TODAY });
    const head = lead.join('\n');
    expect(lead[0]).toMatch(/^👉 Thủ tục giải quyết chế độ ưu đãi thân nhân liệt sĩ: thân nhân lập Bản khai Mẫu số 05/u);
    expect(head.slice(0, 400)).toContain('Sở Nội vụ');
    expect(head.slice(0, 400)).toContain('20 ngày');
    // Another procedure's deadline no longer stands beside it.
    expect(head).not.toContain('thăm viếng');
  });

  it('keeps after it the line that answers what the family gets, asked first', () => {
    const benefits = { ...passage('tt-tn', 'Theo Điều 16 Pháp lệnh 02/2020/UBTVQH14, thân nhân liệt sĩ được hưởng các chế độ ưu đãi sau:\n- Trợ cấp tuất hằng tháng 2.789.000 đồng/tháng;\n- Bảo hiểm y tế;\n- Điều dưỡng phục hồi sức khỏe.', THU_TUC), id: 'tt-tn#3', ordinal: 3 };
    const read = readQuestion(
      'Ông nội tôi là liệt sĩ hy sinh năm 1975. Hiện nay ba mẹ tôi đã mất nên tôi thờ cúng ông nội. Vậy xin hỏi những chế độ mà thân nhân liệt sĩ được hưởng là gì? Chế độ cho người thờ cúng như thế nào? Hồ sơ, thủ tục ra sao?',
    );
    const forms = { ...passage('tt-tn', 'Hồ sơ giải quyết chế độ ưu đãi thân nhân liệt sĩ gồm:\n\n1. Bản khai theo Mẫu số 05.\n2. Bản sao có chứng thực Bằng "Tổ quốc ghi công".', THU_TUC), id: 'tt-tn#1', ordinal: 1 };
    const hits = [{ passage: benefits, score: 1 }, { passage: forms, score: 0.8 }] as unknown as ScoredPassage[];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [summary, forms, benefits], intent: undefined, registry: new AmountRegistry([]), today: TODAY });
    expect(lead[0]).toMatch(/^👉 Thủ tục giải quyết chế độ ưu đãi thân nhân liệt sĩ/u);
    expect(lead.join('\n')).toContain('được hưởng các chế độ ưu đãi sau');
  });

  it('leads alone when a procedure is asked as a topic ("thủ tục …")', () => {
    const notes = { ...passage('tt-tn', 'Những lưu ý khi làm hồ sơ thân nhân liệt sĩ:\n- Cổng Dịch vụ công ghi thủ tục này không thu phí.\n- Bản sao Bằng phải có chứng thực.', THU_TUC), id: 'tt-tn#2', ordinal: 2 };
    const read = readQuestion('thu tuc giai quyet che do than nhan liet si');
    const { lead } = composeExtractiveAnswer({ read, hits: [{ passage: notes, score: 1 }] as unknown as ScoredPassage[], allPassages: [summary, papers, notes], intent: undefined, registry: new AmountRegistry([]), today: TODAY });
    expect(lead).toHaveLength(1);
    expect(lead[0]).toMatch(/^👉 Thủ tục giải quyết chế độ ưu đãi thân nhân liệt sĩ: thân nhân lập Bản khai Mẫu số 05/u);
  });

  it('does not lead when the chosen lines state the asked facts already, or the document is no procedure', () => {
    const read = readQuestion('Hồ sơ thân nhân liệt sĩ làm bản khai theo mẫu nào?');
    const hits = [{ passage: papers, score: 1 }] as unknown as ScoredPassage[];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [summary, papers], intent: undefined, registry: new AmountRegistry([]), today: TODAY });
    expect(lead.join('\n')).not.toContain('20 ngày');
    const guide = { ...summary, meta: { ...summary.meta, doc_type: 'muc-huong' } };
    const guidePapers = { ...papers, meta: guide.meta };
    const many = readQuestion('Tôi làm hồ sơ hưởng chế độ thân nhân liệt sĩ thì phải nộp những giấy tờ gì? Thời hạn giải quyết là bao lâu và hồ sơ nộp ở đâu?');
    const other = composeExtractiveAnswer({ read: many, hits: [{ passage: guidePapers, score: 1 }] as unknown as ScoredPassage[], allPassages: [guide, guidePapers], intent: undefined, registry: new AmountRegistry([]), today: TODAY });
    expect(other.lead[0]).not.toMatch(/^👉 Thủ tục giải quyết/u);
  });
  it('starts from the paragraph, not from the document\'s heading that opens its first passage', () => {
    const headed = { ...summary, text: `Thủ tục giải quyết chế độ ưu đãi đối với thân nhân liệt sĩ\n${summary.text}` };
    const read = readQuestion('Tôi làm hồ sơ hưởng chế độ thân nhân liệt sĩ thì phải nộp những giấy tờ gì? Thời hạn giải quyết là bao lâu và hồ sơ nộp ở đâu?');
    const hits = [{ passage: papers, score: 1 }] as unknown as ScoredPassage[];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [headed, papers], intent: undefined, registry: new AmountRegistry([]), today: TODAY });
    expect(lead[0]).toMatch(/^👉 Thủ tục giải quyết chế độ ưu đãi thân nhân liệt sĩ: thân nhân lập Bản khai Mẫu số 05/u);
  });

  it('names the procedure by its short name, and the passage below does not repeat the summary', () => {
    const long = passage(
      'tt-td',
      'Thủ tục công nhận và giải quyết chế độ người hoạt động cách mạng, kháng chiến, bảo vệ Tổ quốc, làm nghĩa vụ quốc tế bị địch bắt tù, đày (chế độ tù đày): người bị tù đày nộp Bản khai Mẫu số 10 tại UBND cấp xã nơi thường trú; xã xác nhận trong 05 ngày làm việc. Trợ cấp hằng tháng là 1.673.000 đồng.',
      { ...THU_TUC, citation: 'Thủ tục chế độ người bị địch bắt tù, đày' },
    );
    const tdPapers = { ...passage('tt-td', 'Hồ sơ công nhận người bị địch bắt tù, đày gồm:\n\n1. Bản khai theo Mẫu số 10.\n2. Giấy tờ chứng minh thời gian bị tù đày.', long.meta), id: 'tt-td#1', ordinal: 1 };
    const read = readQuestion('Mẹ tôi bị địch bắt tù đày năm 1970. Hồ sơ gồm những gì, nộp ở đâu, và mẹ được trợ cấp bao nhiêu mỗi tháng?');
    const hits = [{ passage: tdPapers, score: 1 }, { passage: long, score: 0.9 }] as unknown as ScoredPassage[];
    const { lead, body } = composeExtractiveAnswer({ read, hits, allPassages: [long, tdPapers], intent: undefined, registry: new AmountRegistry([]), today: TODAY });
    expect(lead[0]).toMatch(/^👉 Thủ tục chế độ người bị địch bắt tù, đày: người bị tù đày nộp Bản khai Mẫu số 10/u);
    expect(body.slice(0, 400)).toContain('1.673.000 đồng');
    expect(body.split('người bị tù đày nộp Bản khai').length - 1).toBe(1);
    // A name without a short form, or a summary whose colon comes after its first sentence, is left whole.
    const unnamed = composeExtractiveAnswer({ read, hits, allPassages: [{ ...long, meta: { ...long.meta, citation: undefined } }, tdPapers], intent: undefined, registry: new AmountRegistry([]), today: TODAY });
    expect(unnamed.lead[0]).toMatch(/^👉 Thủ tục công nhận và giải quyết chế độ người hoạt động cách mạng/u);
  });

  it('keeps after it another question\'s line with an amount the summary does not state', () => {
    const worship = { ...passage('tt-tc', 'Trợ cấp thờ cúng liệt sĩ (1.400.000 đồng cho một liệt sĩ mỗi năm, từ 01/01/2022) áp dụng khi liệt sĩ không còn thân nhân thuộc diện hưởng trợ cấp hằng tháng.', THU_TUC), id: 'tt-tc#2', ordinal: 2 };
    const read = readQuestion(
      'Ông nội tôi là liệt sĩ hy sinh năm 1975. Hiện nay ba mẹ tôi đã mất nên tôi thờ cúng ông nội. Vậy xin hỏi những chế độ mà thân nhân liệt sĩ được hưởng là gì? Chế độ trợ cấp cho người thờ cúng như thế nào? Hồ sơ, thủ tục ra sao?',
    );
    const benefits = { ...passage('tt-tn', 'Theo Điều 16 Pháp lệnh 02/2020/UBTVQH14, thân nhân liệt sĩ được hưởng các chế độ ưu đãi sau:\n- Trợ cấp tuất hằng tháng 2.789.000 đồng/tháng;\n- Bảo hiểm y tế;\n- Điều dưỡng phục hồi sức khỏe.', THU_TUC), id: 'tt-tn#3', ordinal: 3 };
    const forms = { ...passage('tt-tn', 'Hồ sơ giải quyết chế độ ưu đãi thân nhân liệt sĩ gồm:\n\n1. Bản khai theo Mẫu số 05.\n2. Bản sao có chứng thực Bằng "Tổ quốc ghi công".', THU_TUC), id: 'tt-tn#1', ordinal: 1 };
    const hits = [{ passage: benefits, score: 1 }, { passage: forms, score: 0.8 }] as unknown as ScoredPassage[];
    const partHits = read.parts.map(() => [{ passage: worship, score: 1 }]) as unknown as ScoredPassage[][];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [summary, forms, benefits], intent: undefined, registry: new AmountRegistry([]), today: TODAY, partHits });
    expect(lead[0]).toMatch(/^👉 Thủ tục giải quyết chế độ ưu đãi thân nhân liệt sĩ/u);
    expect(lead.join('\n')).toContain('1.400.000 đồng');
    // No amount in its passages: the other question still gets the line that speaks of it.
    const who = { ...passage('tt-tc', 'Người hưởng trợ cấp thờ cúng liệt sĩ là người được các thân nhân liệt sĩ ủy quyền thờ cúng bằng văn bản.', THU_TUC), id: 'tt-tc#3', ordinal: 3 };
    const without = composeExtractiveAnswer({ read, hits, allPassages: [summary, forms, benefits], intent: undefined, registry: new AmountRegistry([]), today: TODAY, partHits: read.parts.map(() => [{ passage: who, score: 1 }]) as unknown as ScoredPassage[][] });
    expect(without.lead.join('\n')).toContain('được các thân nhân liệt sĩ ủy quyền thờ cúng');
  });
});

describe('a rule on the case that settles the question', () => {
  it('answers first with the rule that a "tử sĩ" is no martyr, keeping the clause that excludes him', () => {
    const read = readQuestion(
      'Bác ruột tôi tham gia kháng chiến, bị sốt rét chết tại đơn vị, giấy báo về gia đình ghi là tử sĩ. Bác được an táng tại nghĩa trang liệt sĩ cách quê 1.600 km. Gia đình có được hưởng chế độ đi thăm viếng không?',
    );
    const decisive = read.parts.find((p) => p.decisive);
    expect(decisive?.query).toMatch(/tử sĩ/u);
    expect(decisive?.query).toMatch(/thăm viếng/u);
    const visits = passage('mh-mo', 'Thân nhân liệt sĩ (tối đa 3 người) hoặc người thờ cúng liệt sĩ đi thăm viếng mộ liệt sĩ được hỗ trợ tiền đi lại và tiền ăn 3.000 đồng/km/người, tính theo khoảng cách từ nơi cư trú đến nơi có mộ, mỗi năm một lần cho một liệt sĩ (Điều 9 Nghị định 75/2021/NĐ-CP).');
    const rule = passage(
      'cs-tu-si',
      'Hỗ trợ thăm viếng mộ chỉ dành cho thân nhân liệt sĩ (tối đa 03 người) hoặc người hưởng trợ cấp thờ cúng liệt sĩ, với mộ liệt sĩ có tên trong danh sách nghĩa trang liệt sĩ hoặc có thông tin nơi hy sinh (Điều 155, 157 Nghị định 131/2021/NĐ-CP); tử sĩ không thuộc diện này, kể cả khi được an táng trong nghĩa trang liệt sĩ.',
    );
    const other = passage('mh-adn', 'Người thân được lấy mẫu đối chứng ADN theo dòng mẹ của liệt sĩ được hỗ trợ 500.000 đồng/người, theo khoản 2 Điều 12 Nghị định 75/2021/NĐ-CP, sửa bởi Nghị định 55/2023/NĐ-CP, từ ngày 05/9/2023, khi xác định danh tính hài cốt liệt sĩ còn thiếu thông tin.');
    const hits = [{ passage: visits, score: 1 }, { passage: other, score: 0.9 }] as unknown as ScoredPassage[];
    const partHits = read.parts.map((p) => (p.decisive ? [{ passage: rule, score: 1 }] : hits)) as unknown as ScoredPassage[][];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [visits, rule, other], intent: undefined, registry: new AmountRegistry([]), today: TODAY, partHits });
    expect(lead[0]).toContain('tử sĩ không thuộc diện này');
  });

  it('reads "Nghe nói … vẫn được hưởng. Có đúng không, … làm đơn gì?" as asking whether the role is entitled, and answers that first', () => {
    const read = readQuestion(
      'Bố tôi là liệt sĩ, hy sinh năm 1972. Mẹ tôi nuôi chúng tôi ăn học đến khi trưởng thành, sau đó mẹ tái giá nên không được nhận tiền tuất nữa. Nghe nói vợ liệt sĩ lấy chồng khác mà nuôi con liệt sĩ thì vẫn được hưởng. Có đúng không, mẹ tôi phải làm đơn gì, gửi đâu?',
    );
    expect(read.asks).toBe('form');
    const decisive = read.parts.find((p) => p.decisive);
    expect(decisive?.query).toMatch(/kết hôn với người khác/u);
    const form = passage('tt-tai-gia', 'Vợ hoặc chồng liệt sĩ đã lấy chồng hoặc vợ khác làm đơn Mẫu số 17 gửi Sở Nội vụ nơi thường trú.');
    const rule = passage('cs-tai-gia', 'Vợ hoặc chồng liệt sĩ lấy chồng hoặc vợ khác vẫn được tuất hằng tháng nếu đã nuôi con liệt sĩ đến tuổi trưởng thành hoặc chăm sóc cha đẻ, mẹ đẻ liệt sĩ.');
    const hits = [{ passage: form, score: 1 }] as unknown as ScoredPassage[];
    const partHits = read.parts.map((p) => [{ passage: p.decisive ? rule : form, score: 1 }]) as unknown as ScoredPassage[][];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [form, rule], intent: undefined, registry: new AmountRegistry([]), today: TODAY, partHits });
    expect(lead[0]).toContain('vẫn được tuất hằng tháng');
    expect(lead.join('\n')).toContain('Mẫu số 17');
  });

  it('answers "có được hưởng … không" first with the rule on the role the story names, and the form that role uses', () => {
    const read = readQuestion(
      'Cha và hai anh tôi đều là liệt sĩ, mẹ tôi (đã mất) là Bà mẹ Việt Nam Anh hùng. Hiện nhà chỉ còn mình tôi lo việc thờ cúng. Đề nghị Tòa soạn cho biết, tôi có được hưởng chế độ gì không?',
    );
    expect(read.parts.filter((p) => p.decisive).map((p) => p.asks)).toEqual(['amount', 'form']);
    const heroine = passage('mh-bmvnah', 'Khi Bà mẹ Việt Nam anh hùng được truy tặng danh hiệu, thân nhân được trợ cấp một lần bằng 20 lần mức chuẩn.');
    const worship = passage('mh-tho-cung', 'Mức trợ cấp thờ cúng liệt sĩ là 1.400.000 đồng cho một liệt sĩ mỗi năm (khoản 2 Điều 13 Nghị định 75/2021/NĐ-CP).');
    const form = passage('tt-tho-cung', 'Hồ sơ đề nghị trợ cấp thờ cúng liệt sĩ dùng đơn đề nghị Mẫu số 18 Phụ lục I Nghị định 131/2021/NĐ-CP.');
    const hits = [{ passage: heroine, score: 1 }] as unknown as ScoredPassage[];
    const partHits = read.parts.map((p) => [{ passage: p.asks === 'form' ? form : worship, score: 1 }]) as unknown as ScoredPassage[][];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [heroine, worship, form], intent: undefined, registry: new AmountRegistry([]), today: TODAY, partHits });
    expect(lead[0]).toContain('1.400.000 đồng');
    expect(lead[1]).toContain('Mẫu số 18');
  });
});

describe('procedure questions', () => {
  it('gives, after a death, what the family gets and then the form that claims it', () => {
    const read = readQuestion('Bố tôi vừa mới mất, là thương binh. Vậy cho tôi hỏi là có chính sách gì trợ cấp cho thân nhân của thương binh đã mất không?');
    expect(read.afterDeath).toBe(true);
    expect(read.alsoAsks).toContain('form');
    const list = passage(
      'mh-tu-tran',
      'Khi thương binh đang hưởng trợ cấp hằng tháng từ trần, gia đình nhận:\n\n- Trợ cấp mai táng, trả người lo mai táng.\n- Trợ cấp một lần bằng 03 tháng trợ cấp, phụ cấp đang hưởng.\n- Trợ cấp tuất hằng tháng chỉ khi người mất từ 61% trở lên.',
    );
    const form = { ...passage('mh-tu-tran', 'Các khoản này thường được làm cùng lúc bằng một Bản khai Mẫu số 12, nộp UBND cấp xã nơi quản lý hồ sơ người có công.'), id: 'mh-tu-tran#1', ordinal: 1 };
    const direct = directAnswer({ read, candidates: [list], related: [list, form], registry: new AmountRegistry([]), today: TODAY });
    expect(direct.lines.join('\n')).toContain('Mẫu số 12');
  });

  const papers = { ...passage('tt-chuyen', 'Hồ sơ đề nghị di chuyển hồ sơ người có công gồm:\n\n1. Đơn đề nghị theo Mẫu số 27.\n2. Bản sao có chứng thực căn cước công dân.'), id: 'tt-chuyen#1', ordinal: 1 };
  const steps = {
    ...passage('tt-chuyen', 'Trình tự di chuyển hồ sơ người có công:\n\n1. Người hưởng trợ cấp làm đơn theo Mẫu số 27 gửi Sở Nội vụ nơi đang quản lý hồ sơ.\n2. Nơi đi: trong 12 ngày, Sở lập Phiếu báo di chuyển hồ sơ và gửi hồ sơ đến Sở nơi đến.'),
    id: 'tt-chuyen#2',
    ordinal: 2,
  };
  const other = passage('tt-giam-dinh', 'Hồ sơ giám định lại thương tật gồm:\n\n1. Đơn đề nghị theo Mẫu số 33.\n2. Bản tóm tắt bệnh án.');
  const notes = passage('tt-luu-y', 'Người có công chuyển nơi ở cần báo UBND cấp xã nơi đến để được hướng dẫn các chế độ ưu đãi khác.');

  it('answers "phải làm gì" with the steps of the best document, "hồ sơ gồm gì" with its papers, wherever their passages ranked', () => {
    const candidates = [papers, other, notes, steps];
    const doing = directAnswer({ read: readQuestion('Tôi là bệnh binh, chuyển vào Đồng Nai sinh sống thì phải làm gì để được chuyển chế độ vào đó?'), candidates, registry: new AmountRegistry([]), today: TODAY });
    expect(doing.lines[0]).toMatch(/^Trình tự/u);
    const papersAsked = directAnswer({ read: readQuestion('Chuyển hồ sơ người có công sang tỉnh khác thì hồ sơ gồm những gì?'), candidates, registry: new AmountRegistry([]), today: TODAY });
    expect(papersAsked.lines[0]).toMatch(/^Hồ sơ đề nghị di chuyển/u);
  });

  it('never repeats in the first lines a line that a later question of the message would quote again, cut otherwise', () => {
    const procedure = passage('tt-hdkc', "Thủ tục giải quyết chế độ người hoạt động kháng chiến giải phóng dân tộc, bảo vệ Tổ quốc, làm nghĩa vụ quốc tế (trợ cấp một lần người HĐKC, chế độ Huân chương, Huy chương kháng chiến): người hoạt động kháng chiến (hoặc đại diện thân nhân nếu người đó đã chết mà chưa hưởng) nộp Bản khai Mẫu số 11 kèm bản sao chứng thực giấy khen thưởng tại UBND cấp xã nơi thường trú; UBND cấp xã kiểm tra, xác nhận bản khai trong 05 ngày làm việc. Trợ cấp một lần bằng 0,3 lần mức chuẩn cho mỗi năm thâm niên kháng chiến.");
    const read = readQuestion(
      'Bố tôi tham gia kháng chiến, được tặng Huân chương kháng chiến hạng Nhì, đã chết năm 2006 nhưng chưa hưởng trợ cấp 1 lần. Trường hợp bố tôi có được hưởng chế độ trợ cấp 1 lần không? Nếu có thì thủ tục thế nào và liên hệ ở đâu?',
    );
    const hits = [{ passage: procedure, score: 1 }] as unknown as ScoredPassage[];
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [procedure], intent: undefined, registry: new AmountRegistry([]), today: TODAY, partHits: read.parts.map(() => hits), passagesOf: () => [procedure] });
    expect(lead.filter((line) => line.includes('Mẫu số 11'))).toHaveLength(1);
  });

  it('reads "… có được không? Hồ sơ thế nào?" as a yes-or-no question first, the papers following on it', () => {
    const read = readQuestion(
      'Anh ruột tôi là liệt sĩ, tôi đang thờ cúng anh. Nay tôi muốn chuyển quyền thờ cúng liệt sĩ cho con trai cả của tôi thì có được không? Hồ sơ được quy định như thế nào?',
    );
    expect(read.asks).toBe('eligibility');
    expect(read.parts[0]).toMatchObject({ asks: 'documents', follows: true });
    expect(readQuestion('Bố tôi là liệt sĩ, tôi là con. Tôi có làm được thủ tục để hưởng bảo hiểm y tế dành cho thân nhân liệt sĩ không?').asks).toBe('eligibility');
  });

  it('answers a papers question from the best document\'s own sentence before another document\'s list of papers', () => {
    const bees = passage('cs-ong-mat', 'Hồ sơ đề nghị hỗ trợ nuôi ong mật của hộ gia đình người có công gồm: đơn đề nghị hỗ trợ nuôi ong mật; giấy xác nhận hộ nuôi ong mật của Ủy ban nhân dân xã.');
    const visits = passage('tt-tham-vieng', 'Hồ sơ đề nghị hỗ trợ thăm viếng mộ liệt sĩ gồm:\n\n1. Đơn đề nghị thăm viếng mộ liệt sĩ theo Mẫu số 31.\n2. Bản sao giấy chứng nhận gia đình liệt sĩ.');
    const { lines } = directAnswer({ read: readQuestion('Hồ sơ đề nghị hỗ trợ nuôi ong mật gồm những gì?'), candidates: [bees, visits], registry: new AmountRegistry([]), today: TODAY });
    expect(lines[0]).toContain('giấy xác nhận hộ nuôi ong mật');
  });

  it('answers "Nếu có thì thủ tục thế nào?" from the document that settles the first question, not from another procedure', () => {
    const read = readQuestion(
      'Mẹ ông Nguyễn Văn Đài hy sinh năm 1968, gia đình đưa hài cốt về nghĩa trang gia tộc và vừa xây lại mộ. Gia đình có được hỗ trợ xây mộ liệt sĩ không? Nếu có thì thủ tục như thế nào?',
    );
    expect(read.parts.map((p) => p.follows)).toEqual([true]);
    const grave = passage(
      'cs-vo-mo',
      'Vỏ mộ liệt sĩ ở nghĩa trang dòng họ, gia tộc:\n\n- Mức hiện hành: xây mới vỏ mộ liệt sĩ tối đa 10.000.000 đồng/mộ.\n- Liên hệ: Sở Nội vụ nơi có mộ (có thể hỏi qua UBND cấp xã) để kiểm tra mộ đã được nhận kinh phí chưa.\n- Nghị định 131/2021/NĐ-CP không có thủ tục, mẫu đơn riêng cho việc này.',
    );
    const moving = passage('tt-di-chuyen-hai-cot', 'Hồ sơ đề nghị di chuyển hài cốt liệt sĩ gồm:\n\n1. Đơn đề nghị theo Mẫu số 32.\n2. Giấy báo tin mộ liệt sĩ.');
    const hits = [{ passage: grave, score: 1 }] as unknown as ScoredPassage[];
    const partHits = [[{ passage: moving, score: 1 }]] as unknown as ScoredPassage[][];
    const byDoc = (docId: string) => [grave, moving].filter((p) => p.docId === docId);
    const { lead } = composeExtractiveAnswer({ read, hits, allPassages: [grave, moving], intent: undefined, registry: new AmountRegistry([]), today: TODAY, partHits, passagesOf: byDoc });
    expect(lead.join('\n')).not.toContain('Mẫu số 32');
    expect(lead.join('\n')).toContain('Sở Nội vụ nơi có mộ');
  });

});

describe('trimming a passage', () => {
  it('never cuts a list silently', () => {
    const items = Array.from({ length: 8 }, (_, i) => `${i + 1}. Giấy tờ số ${i + 1} về chế độ người có công cần nộp kèm theo hồ sơ, bản sao có chứng thực.`);
    const text = ['Thủ tục hưởng trợ cấp tuất.', 'Một đoạn mở đầu dài '.repeat(30), 'Hồ sơ gồm:', ...items, 'Đoạn kết nói về thời hạn giải quyết.'].join('\n');
    const out = trimPassage(text, new Set(['ho', 'so', 'giay']));
    for (const item of items) expect(out).toContain(item);
    expect(out).toContain('Hồ sơ gồm:');
  });

  it('says how many items a list too long to show leaves out', () => {
    const items = Array.from({ length: 40 }, (_, i) => `${i + 1}. Giấy tờ số ${i + 1} về chế độ người có công cần nộp kèm theo hồ sơ.`);
    const out = trimPassage(['Hồ sơ gồm:', ...items].join('\n'), new Set(['giay']));
    const shown = items.filter((item) => out.includes(item)).length;
    expect(shown).toBeLessThan(40);
    expect(out).toContain(`còn ${40 - shown} mục nữa của danh sách này`);
  });
});

describe('explicit references', () => {
  it('reads articles, clauses, forms and documents as typed', () => {
    expect(parseReferences('Điều 121 Nghị định 131 quy định gì')).toEqual([{ kind: 'article', number: 121, doc: '131' }]);
    expect(parseReferences('khoan 3 dieu 2 luat an ninh mang')).toEqual([{ kind: 'article', number: 2, clause: 3 }]);
    expect(parseReferences('Mẫu số 12 là mẫu gì')).toEqual([{ kind: 'form', number: 12 }]);
    expect(parseReferences('NĐ 77/2024 tăng mức chuẩn')).toEqual([{ kind: 'document', doc: '77/2024' }]);
  });

  it('puts the named article of the named document first', () => {
    const refs = parseReferences('Điều 121 Nghị định 131');
    const exact = passage('nd-131', 'Điều 121. Hồ sơ, thủ tục…', { doc_number: '131/2021/NĐ-CP' });
    exact.citation = 'Nghị định 131/2021/NĐ-CP, Điều 121';
    const otherDoc = passage('nd-75', 'Điều 121…', { doc_number: '75/2021/NĐ-CP' });
    otherDoc.citation = 'Nghị định 75/2021/NĐ-CP, Điều 121';
    const otherArticle = passage('nd-131b', 'Điều 12…', { doc_number: '131/2021/NĐ-CP' });
    otherArticle.citation = 'Nghị định 131/2021/NĐ-CP, Điều 12';
    expect(referenceScore(exact, refs)).toBeGreaterThan(referenceScore(otherDoc, refs));
    expect(referenceScore(otherArticle, refs)).toBe(0);
  });

  it('prefers the line that defines a form to a passage that mentions it', () => {
    const refs = parseReferences('mau 16 la mau gi');
    const list = passage('forms', '- Mẫu số 16: Bản khai cá nhân đề nghị…\n- Mẫu số 17: Đơn đề nghị…');
    const mention = passage('tt', 'Nộp bản khai theo Mẫu số 16 tại UBND xã.');
    expect(referenceScore(list, refs)).toBeGreaterThan(referenceScore(mention, refs));
  });

  it('scores the passages of an index, folded once, as each passage alone', () => {
    const article = passage('nd-131', 'Điều 121. Hồ sơ, thủ tục…', { doc_number: '131/2021/NĐ-CP' });
    article.citation = 'Nghị định 131/2021/NĐ-CP, khoản 2 Điều 121';
    const form = passage('forms', '- Mẫu số 16: Bản khai cá nhân đề nghị…');
    const other = passage('tt', 'Nộp bản khai theo Mẫu số 16 tại UBND xã.', { doc_number: '75/2021/NĐ-CP' });
    const passages = [article, form, other];
    const targets = new ReferenceTargets(passages);
    for (const question of ['khoản 2 Điều 121 Nghị định 131', 'Điều 121', 'mau 16 la mau gi', 'NĐ 75/2021 quy định gì']) {
      const refs = parseReferences(question);
      const compiled = compileReferences(refs);
      expect(passages.map((_, i) => targets.score(i, compiled))).toEqual(passages.map((p) => referenceScore(p, refs)));
    }
    expect(targets.score(0, compileReferences(parseReferences('khoản 2 Điều 121 Nghị định 131')))).toBeGreaterThan(0);
  });
});
