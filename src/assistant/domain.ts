import { fold } from '../text/normalize.js';
import { withoutNames } from './reading.js';

/**
 * Whether a message is about the assistant's field, judged on evidence: the domain's own concepts
 * (người có công and its groups, its benefits and papers; the conclusions on the two-level local
 * government) and, against them, the concepts of neighbouring fields that share its words (social
 * insurance, unemployment, land, civil status…). Words the knowledge base has never seen — names,
 * places — are evidence of nothing.
 */
export type DomainVerdict =
  | { verdict: 'in'; because: string }
  | { verdict: 'out'; because: string }
  | { verdict: 'unknown' };

/** Concepts that only this field has (folded, lower case). */
const DOMAIN_CONCEPTS: readonly RegExp[] = [
  /\bnguoi co cong\b|\bncc\b/,
  /\bliet s[iy]\b|\bls\b|\btu si\b/,
  // "tb" alone is a thương binh when the message speaks of a benefit ("tb đang hưởng lương hưu có được hưởng trợ cấp
  // tb không"), not a notice ("ra tb", "gửi tb").
  /\bthuong binh\b|\btb\s?\d|\bhang \d\s?\/\s?4\b|(?<!\b(ra|gui|co) )\btb\b(?=[^.?!]*\b(tro cap|phu cap|che do|tuat|mai tang|bhyt|dieu duong|giam dinh|nguoi phuc vu|suy giam|ty le ton thuong)\b)/,
  /\bbenh binh\b|\bbb\s?\d/,
  /\bchat doc (hoa hoc|da cam)\b|\bcdhh\b|\bda cam\b|\bdioxin\b/,
  /\bme viet nam anh hung\b|\bbmvnah\b/,
  /\banh hung (luc luong vu trang|lao dong)\b/,
  /\bto quoc ghi cong\b|\btqgc\b/,
  /\b(hoat dong|tham gia) (khang chien|cach mang)\b|\bhdkc\b|\bhdcm\b|\bkhang chien\b/,
  /\bgiup do cach mang\b|\bbi dich bat\b|\btu day\b/,
  /\bthanh nien xung phong\b|\btnxp\b|\bdan cong hoa tuyen\b/,
  // Experts sent to Laos and Cambodia (Quyết định 57/2013/QĐ-TTg): a one-time allowance the commune handles.
  /\bchuyen gia\b.*\b(lao|campuchia|cpc)\b|\b(quyet dinh|qd) ?57(\/2013)?\b/,
  // The Prime Minister's decisions outside the ordinance the knowledge base covers (Quyết định 62/2011, 142/2008…).
  /\b(quyet dinh|qd) ?(62\/2011|142\/2008|49\/2015|40\/2011|170\/2008|24\/2016)\b/,
  /\bhai cot\b|\bmo liet\b|\bnghia trang liet\b|\btham vieng mo\b/,
  /\btho cung\b/,
  /\buu dai (nguoi co cong|giao duc)\b|\bphap lenh uu dai\b|\bmuc chuan\b|\btro cap uu dai\b/,
  /\bket luan (so )?\d{3}\b|\bkl\s?-?\d{3}\b|\b\d{3}-kl\b/,
  /\bchinh quyen (dia phuong )?(2|hai) cap\b|\b(2|hai) cap chinh quyen\b/,
  /\bphan cap,? phan quyen\b|\bphan dinh tham quyen\b/,
  /\bsap xep (bo may|don vi hanh chinh|to chuc)\b|\btinh gian bien che\b|\bbiet phai\b/,
  // Commune officials' posts and allowances since the reorganisation (Nghị quyết 76/2025, Nghị định 07/2026…).
  // Only what the knowledge base covers: not every allowance a commune pays (thâm niên, y tế thôn bản…).
  /\bbao luu (luong|phu cap|che do)\b|\bbi thu chi bo\b|\bphu cap (chuc vu|kiem nhiem|thu hut|truc mot cua)\b[^.?!]*\b(xa|phuong|sap xep|sap nhap|sat nhap)\b|\b(pho )?(chu tich|truong phong) (ubnd|uy ban nhan dan) (cap )?(xa|phuong)\b[^.?!]*\b(phu cap|he so|ngach|chuyen vien)\b|\b(xep ngach|ngach chuyen vien)\b[^.?!]*\b(xa|phuong)\b|\b(vung|xa) dac biet kho khan\b[^.?!]*\b(sap xep|sap nhap|sat nhap|thu hut|tro cap lan dau)\b/,
  // A commune official's post held on top of another ("kiêm nhiệm chức danh không chuyên trách cấp xã").
  /\bkiem nhiem\b[^.?!]*\b(cap xa|xa, phuong)\b/,
  // The allowances of Nghị định 76/2019 for posts in hard-hit communes ("chế độ thu hút là 10 tháng lương cơ sở").
  /\b(che do|phu cap|tro cap) (thu hut|lan dau)\b/,
  // "từ ngày 1/7 được tiếp nhận làm công chức và bổ nhiệm …": the day the two-level government began.
  /\b(tu|sau) (ngay )?0?1\/0?7\b[^.?!]*\b(tiep nhan|bo nhiem|phu cap (chuc vu|khu vuc|kiem nhiem))\b/,
  /\bcap huyen\b.*\b(cap xa|chuyen|tiep nhan|giai the|khong con)\b|\b(khong|thoi|khi|luc|hoi) con cap huyen\b|\btruoc (ngay )?0?1\/0?7\b[^.?!]*\bcap huyen\b/,
  /\bnghi dinh (131|75|77|55|129|128|150|178|67|154|170)\b|\bnd\s?(131|75|77|55|129|128|150|178|67|154|170)\b/,
  /\bgia dinh chinh sach\b|\bcon thuong binh\b|\bcon liet si\b/,
  /\b(phong|so|bo) (ld|lao dong)[ -]?(tb|thuong binh)(xh| va xa hoi)?\b|\bl[dđ]tbxh\b/,
  /\bhy sinh\b|\bgiay chung nhan hy sinh\b/,
];

/** The field's words that neighbouring fields use too (BHXH also has "tử tuất"): in only without a foreign concept. */
const WEAK_DOMAIN_CONCEPTS: readonly RegExp[] = [/\btuat\b/, /\bdieu duong\b|\bdung cu chinh hinh\b/, /\bmai tang phi\b|\bmtp\b|\b(chi phi|tien|ho tro) (tang le|ma chay|mai tang)\b/];

/**
 * A medal of the armed forces or of labour: the cash that comes with it is the awards law's (Luật Thi đua, khen
 * thưởng); a resistance medal's one-time allowance is this field's.
 */
const NON_RESISTANCE_MEDAL = /\bhuan chuong (chien cong|quan cong|lao dong|bao ve to quoc|doc lap|chien si ve vang)\b/;
const RESISTANCE_MEDAL = /\b(huan|huy) chuong (khang chien|chien thang)\b/;
const MEDAL_CASH_ASKED = /\btien thuong\b/;

/**
 * What a family of người có công asks about that belongs to a neighbouring field even when the clause names
 * who they are ("vợ liệt sĩ có được miễn đóng quỹ phòng chống thiên tai không"): social housing, land for a
 * clan's hall, entrance and exam points, disaster relief, a hospital's coverage level, military service and its
 * deferral, a medal's cash award, veterans' associations, damages after an accident; unemployment, voluntary
 * social insurance, maternity, divorce. The knowledge base holds none of their rules. (Not land-use fees, loans
 * or taxes: the ordinance grants those.)
 */
const NEIGHBOURING_OBJECTS: readonly RegExp[] = [
  /\bnha o xa hoi\b|\b(xin )?cap dat\b|\bnha tho (ho|to)\b|\bcong diem\b|\bdiem uu tien\b|\b(thien tai|sat lo|bao lu|lu lut|mua lu)\b|\b(trai|vuot|dung) tuyen\b|\bnghia vu quan su\b|\bhoi cuu\b|\bboi thuong\b|\btai nan giao thong\b/,
  /\bthat nghiep\b|\bbao hiem xa hoi tu nguyen\b|\bbhxh tu nguyen\b|\bthai san\b|\bly hon\b/,
  // Civil-service exams and admissions give their own priority points; a land-use fee's refund is the tax
  // office's (whether the fee is waived at all is the ordinance's: see LAND_USE_FEE).
  /\bthi (tuyen|cong chuc|vien chuc)\b|\buu tien (khi|trong) (thi|tuyen|xet tuyen)\b|\bhoan( lai)? tien su dung dat\b/,
  /\b(tam hoan|hoan|mien)( goi)? (nghia vu|nhap ngu|di nghia vu)\b/,
  new RegExp(`${MEDAL_CASH_ASKED.source}[^.?!]*${NON_RESISTANCE_MEDAL.source}|${NON_RESISTANCE_MEDAL.source}[^.?!]*${MEDAL_CASH_ASKED.source}`),
  // The social pension at 75 (Luật Bảo hiểm xã hội 2024): another benefit, whoever asks for it. (Its holders'
  // Tết gift is this field's: "người hưởng trợ cấp hưu trí xã hội được tặng quà".)
  /\bduoc (huong|nhan|linh)( them)?( ca)? (tro cap )?huu tri xa hoi\b/,
  // Civil status and identity papers are the police's and the civil registry's, whoever they are for.
  /\bdang ky (thuong tru|tam tru|cu tru)\b|\bcan cuoc\b|\bcccd\b|\bho chieu\b/,
];

/**
 * Concepts of neighbouring fields that a question about người có công never asks about: a clause asking
 * about one of them is outside the field even when the message first says who the asker's family is
 * ("Ông nội tôi là liệt sĩ, nhà tôi muốn tách thửa đất …").
 */
const DISTINCT_FOREIGN_CONCEPTS: readonly RegExp[] = [
  // First: "because" names the neighbouring object when it is one; the lists below do not repeat its words.
  ...NEIGHBOURING_OBJECTS,
  /\bmat viec\b|\bthoi viec\b|\bsa thai\b|\bno luong\b|\bhop dong (lao dong|mua ban|thue)\b|\bnghi phep( nam)?\b|\bngay phep\b/,
  /\btu nguyen\b/,
  /\bom dau\b|\bsay thai\b|\bluu thai\b/,
  /\btai nan lao dong\b|\bbenh nghe nghiep\b/,
  /\bso do\b|\bso hong\b|\bquyen su dung dat\b|\bdat (o|nong nghiep|trong|tho cu|nghia trang gia dinh)\b|\bchuyen muc dich\b|\bdat dai\b|\bthua dat\b|\btranh chap dat\b/,
  /\bkhai sinh\b|\bdang ky khai tu\b|\bdi chuc\b/,
  /\bdang kiem\b|\bbang lai\b|\bgiay phep lai xe\b|\bxe may\b|\bo to\b|\bvi pham giao thong\b/,
  /\bthue\b|\bhoa don\b|\bdoanh nghiep\b|\bkinh doanh\b|\bvay von\b/,
  /\bgiay phep xay dung\b/,
  // Village staff's own allowances, a village's name, seniority pay: the province's rules, not this field's.
  /\by te thon( ban)?\b|\bkhong chuyen trach (o )?(thon|ap|ban|to dan pho)\b|\bdoi ten (thon|xa|phuong|ap|to dan pho)\b|\bphu cap tham nien\b|\b(truong|pho truong) (thon|ap|ban|xom|khu pho)\b|\bto truong to dan pho\b/,
  /\b(xac nhan|xac dinh|giam dinh) (muc do )?khuyet tat\b|\bmuc do khuyet tat\b/,
  // Re-issuing a lost medal, certificate of merit or "Bảng gia đình vẻ vang" is the awards office's business (Luật
  // Thi đua, khen thưởng), not a benefit's.
  /\b(cap lai|cap doi|doi lai)\b[^.?!]*\b((huan|huy) chuong|bang khen|bang gia dinh ve vang)\b|\b((huan|huy) chuong|bang gia dinh ve vang)\b[^.?!]*\b(bi mat|that lac|muc nat|hu hong|bi rach)\b/,
  // A pension's own rise, a lost health-insurance card: the social-insurance office's business, whoever asks.
  /\b(tang|dieu chinh) luong huu\b|\bluong huu\b( [a-z]+){0,3} (tang|dieu chinh)\b|\b(cap lai|cap doi|lam lai) the\b[^.?!]*\b(bhyt|bao hiem y te)\b|\b(bhyt|bao hiem y te)\b[^.?!]*\b(cap lai|cap doi|lam lai) the\b/,
];

/** Concepts of neighbouring fields that share words with this one. */
const FOREIGN_CONCEPTS: readonly RegExp[] = [
  ...DISTINCT_FOREIGN_CONCEPTS,
  /\b(cua|theo|tu|huong) (bao hiem xa hoi|bhxh)\b|\bnguoi lao dong\b.*\b(chet|tu tran|qua doi|mat)\b/,
  /\bkhai tu\b|\bket hon\b|\bho khau\b|\bnhap khau\b|\btach khau\b|\bthua ke\b/,
  /\bsinh con\b/,
  // A grave dug among the houses, a quarrel with the neighbours: the land and civil law's, whoever is buried.
  /\bhang xom\b|\bkhu dan cu\b|\bchon cat\b/,
  // Died at work: the social-insurance office's burial and survivors' benefits.
  /\b(chet|mat|qua doi|tu tran) (trong luc|trong khi|khi dang|luc dang) (lam viec|cong tac|di lam)\b/,
  /\bxay nha\b/,
  /\bluong huu\b|\bhuu tri\b|\b(nghi|ve) huu\b/,
  /\bso bhxh\b|\bso bao hiem\b|\bto roi\b|\bchot so\b|\bdong bao hiem\b|\bdong bhxh\b/,
  /\bho ngheo\b|\bcan ngheo\b|\bnguoi cao tuoi\b|\bbao tro xa hoi\b|\btro cap xa hoi\b|\bnguoi khuyet tat\b/,
  /\bluong co so\b|\bnang luong\b|\bphu cap (chuc vu|cong vu|tham nien)\b/,
  /\bhoc bong\b|\btuyen sinh\b|\bthi tot nghiep\b/,
  /\bkham tuyen\b/,
  // Veterans and children have their own benefits; a veteran who is also a thương binh names that first.
  /\bcuu chien binh\b|\btre em\b/,
  // Someone of another trade died or retired: the social-insurance office's burial and survivors' benefits
  // (not "công nhân": it folds to "công nhận").
  /\b(giao vien|bac si|y ta|nong dan|tieu thuong)\b/,
  // Other state titles than those of người có công (a resistance "Bằng khen" is Quyết định 24/2016's, in the field).
  /\b(nha giao|thay thuoc|nghe si) (nhan dan|uu tu)\b|\bchien si thi dua\b|\blao dong tien tien\b/,
];

/** "(không phải thương binh)", "không phải là người có công": the field named only to be set aside. */
const NEGATED_DOMAIN = /\bkhong (phai|thuoc)( la)? (nguoi co cong|thuong binh|benh binh|liet s[iy]|than nhan liet s[iy]|doi tuong chinh sach)\b/g;

/**
 * The verdict of the clause that asks (the question's last clause, and the one before when the last only
 * asks, "tôi kiện ở đâu"): in when it names a concept of the field, out when it names one of a field the
 * assistant never answers for. Undefined when neither; the story's clauses never decide here.
 */
function askingClause(asked: string): DomainVerdict | undefined {
  const all = asked.split(/[,;:.!?]/u).map((c) => c.trim()).filter(Boolean).reverse();
  // "… em có được tạm hoãn nghĩa vụ không? Mong luật sư giải đáp dùm em.": the thanks ask nothing.
  const firstAsking = all.findIndex((c) => !CLOSING_REMARK.test(c));
  const clauses = firstAsking > 0 ? all.slice(firstAsking) : all;
  const asking = clauses.length > 1 && clauses[0]!.split(' ').length <= 4 ? clauses.slice(0, 2) : clauses.slice(0, 1);
  for (const clause of asking) {
    const verdict = objectAfterSubject(clause) ?? conceptVerdict(clause, DISTINCT_FOREIGN_CONCEPTS);
    if (verdict) return verdict;
  }
  return undefined;
}

/** A closing remark after the question ("Mong luật sư giải đáp giúp", "Xin cảm ơn"). */
const CLOSING_REMARK = /^(xin |rat |em |toi )?(mong|cam on|tran trong|chan thanh)\b/;

/**
 * "vợ liệt sĩ có được miễn đóng quỹ phòng chống thiên tai không": the field names who asks, the neighbouring
 * field after it what is asked. Out when one of NEIGHBOURING_OBJECTS follows the last of the field's concepts,
 * or comes before "đối với <the field>" with none of the field's concepts before it.
 */
function objectAfterSubject(clause: string): DomainVerdict | undefined {
  const affirmed = clause.replace(AFFIRMED_ONLY, ' ');
  const beneficiary = BENEFICIARY.exec(affirmed);
  if (beneficiary) {
    const before = affirmed.slice(0, beneficiary.index);
    const object = [...EVERY_NEIGHBOURING_OBJECT, LAND_USE_FEE].map((c) => lastMatch(c, before)).find(Boolean);
    if (object && !DOMAIN_CONCEPTS.some((c) => c.test(before))) return { verdict: 'out', because: object[0] };
  }
  const lastOwn = Math.max(-1, ...EVERY_DOMAIN_CONCEPT.map((c) => lastMatch(c, affirmed)?.index ?? -1));
  if (lastOwn < 0) return undefined;
  for (const c of EVERY_NEIGHBOURING_OBJECT) {
    const last = lastMatch(c, affirmed);
    if (last && (last.index ?? -1) > lastOwn) return { verdict: 'out', because: last[0] };
  }
  return undefined;
}

/** "tỷ lệ miễn tiền sử dụng đất đối với thương binh": the field named after the object is who it is for. */
const BENEFICIARY = /\b(doi voi|danh cho|ap dung cho|cho (bo|me|cha|ong|ba|chong|vo|con|anh|chi|em|cu)( (toi|em|minh|noi|ngoai))? (la|dang la))\b/;
/**
 * The ordinance says that a thương binh's land-use fee is waived or reduced; how much, and how, is the land
 * law's: asked of its rules ("… đối với thương binh được quy định thế nào") it is a neighbouring object.
 */
const LAND_USE_FEE = /\btien su dung dat\b/g;

/** The concepts' patterns for every match in a text (matchAll). */
const EVERY_DOMAIN_CONCEPT = DOMAIN_CONCEPTS.map((c) => new RegExp(c.source, 'g'));
const EVERY_NEIGHBOURING_OBJECT = NEIGHBOURING_OBJECTS.map((c) => new RegExp(c.source, 'g'));

function lastMatch(pattern: RegExp, text: string): RegExpMatchArray | undefined {
  let last: RegExpMatchArray | undefined;
  for (const m of text.matchAll(pattern)) last = m;
  return last;
}

/** In when the text names a concept of the field, else out when it affirms one of `foreign`; undefined otherwise. */
function conceptVerdict(plain: string, foreign: readonly RegExp[], foreignIn = plain): DomainVerdict | undefined {
  const own = DOMAIN_CONCEPTS.find((c) => c.test(plain));
  if (own) return { verdict: 'in', because: own.exec(plain)![0] };
  const affirmed = foreignIn.replace(AFFIRMED_ONLY, ' ');
  const other = foreign.find((c) => c.test(affirmed));
  return other ? { verdict: 'out', because: other.exec(affirmed)![0] } : undefined;
}

/** "mẹ tôi không có lương hưu" tells of the case, not of another field. */
const AFFIRMED_ONLY = /\bkhong (co |duoc |huong |dong |con )+\S+( \S+)?/g;

/**
 * Reads the message for concepts of the field and of its neighbours: the question first (what is asked
 * decides the topic: "bố tôi là thương binh… tôi muốn đóng bảo hiểm xã hội tự nguyện" is not about
 * người có công), then the story when the question alone says nothing either way.
 */
export function judgeDomain(question: string, story = ''): DomainVerdict {
  // "Bà Phạm Thị Tuyến hỏi": a name folds to words of other fields ("thi tuyen").
  const asked = fold(withoutNames(question).toLowerCase()).replace(/\s+/g, ' ').replace(NEGATED_DOMAIN, ' ');
  const told = fold(withoutNames(story).toLowerCase()).replace(/\s+/g, ' ').replace(NEGATED_DOMAIN, ' ');
  const both = `${asked} ${told}`;
  // "tôi có được BHYT 100% không (tôi đang hưởng BHYT hưu trí, mức 95%)?": an aside in brackets names no other
  // field that is asked about (a concept of the field in it still counts).
  const askedOnly = asked.replace(/\([^()]*\)/gu, ' ');
  const clause = askingClause(askedOnly);
  // "khi bố mất, có được hỗ trợ chi phí tang lễ và có được cấp đất ở nghĩa trang không" after a story of a
  // resistance fighter: one of the things asked is the field's, and it is answered.
  const fieldsBenefit = clause?.verdict === 'out' && WEAK_DOMAIN_CONCEPTS.find((c) => c.test(asked));
  if (fieldsBenefit && DOMAIN_CONCEPTS.some((c) => c.test(both))) return { verdict: 'in', because: fieldsBenefit.exec(asked)![0] };
  if (clause) return clause;
  // "bố ông được tặng Huân chương Chiến công … có được nhận tiền thưởng không", the medal told in the story.
  if (MEDAL_CASH_ASKED.test(asked) && NON_RESISTANCE_MEDAL.test(both) && !RESISTANCE_MEDAL.test(both)) return { verdict: 'out', because: NON_RESISTANCE_MEDAL.exec(both)![0] };
  for (const [plain, foreignIn] of [[asked, askedOnly], [told, told]] as const) {
    const verdict = conceptVerdict(plain, FOREIGN_CONCEPTS, foreignIn);
    if (verdict) return verdict;
  }
  const weak = WEAK_DOMAIN_CONCEPTS.find((c) => c.test(both));
  if (weak) return { verdict: 'in', because: weak.exec(both)![0] };
  return { verdict: 'unknown' };
}
