import { fold } from '../text/normalize.js';

/** The groups of people with merit, each in its folded words. */
const GROUPS: readonly (readonly [string, RegExp])[] = [
  ['liet si', /\bliet s[iy]\b/],
  ['thuong binh', /\bthuong binh\b|\btb\b/],
  ['benh binh', /\bbenh binh\b/],
  ['chat doc', /\bchat doc\b|\bda cam\b/],
  ['ba me', /\bba me viet nam anh hung\b|\bbmvnah\b/],
  ['anh hung', /(?<!viet nam )\banh hung (luc luong vu trang|llvt(nd)?|lao dong)\b|\bahllvtnd\b/],
  ['giup do', /\bgiup do cach mang\b/],
  // "trước 01/01…", "từ 01/01/1945": the date names the group even where a line's opening is cut short.
  ['cach mang truoc 1945', /\blao thanh cach mang\b|\b(hoat dong cach mang|hdcm) truoc (ngay )?0?1\/0?1\b/],
  ['tien khoi nghia', /\btien khoi nghia\b|\b(hoat dong cach mang|hdcm) tu (ngay )?0?1\/0?1\/1945\b/],
  ['tu day', /\btu,? day\b|\bbi dich bat\b/],
  ['thanh nien xung phong', /\bthanh nien xung phong\b|\btnxp\b/],
];

/** The groups of people with merit a text names ("liệt sĩ", "thương binh"…). */
export function groupsIn(text: string): Set<string> {
  const plain = fold(text.toLowerCase());
  return new Set(GROUPS.filter(([, pattern]) => pattern.test(plain)).map(([name]) => name));
}

/** Benefits beside a group's own monthly allowance, each in its folded words. */
const BENEFITS_BESIDE_THE_ALLOWANCE: readonly (readonly [string, RegExp])[] = [
  ['phuc vu', /\b(phuc vu|cham soc)\b/],
  ['phu cap', /\bphu cap\b/],
  ['tuat', /\btuat\b/],
  ['mai tang', /\bmai tang\b/],
  ['dieu duong', /\bdieu duong\b/],
  ['bhyt', /\b(bhyt|bao hiem y te|the bao hiem)\b/],
  ['nha o', /\bnha o\b/],
  ['dat', /\b(tien su dung dat|dat o)\b/],
  ['hoc', /\b(di hoc|dai hoc|hoc sinh|sinh vien|giao duc|hoc phi)\b/],
  ['dung cu', /\b(dung cu|phuong tien tro giup)\b/],
  ['an them', /\b(an them|tien an)\b/],
  ['qua', /\bqua tet\b/],
  ['mot lan', /\bmot lan\b/],
  ['giam dinh', /\bgiam dinh\b/],
];

/** The benefits besides the monthly allowance a text names ("người phục vụ", "điều dưỡng"…). */
export function benefitsNamedIn(text: string): Set<string> {
  const plain = fold(text.toLowerCase());
  return new Set(BENEFITS_BESIDE_THE_ALLOWANCE.filter(([, pattern]) => pattern.test(plain)).map(([name]) => name));
}
