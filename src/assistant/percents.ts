/** Percent brackets a line names: "từ 71% đến 80%", "71–80%", "từ 81% trở lên", "dưới 21%", "100%". */
export function percentBrackets(text: string): [number, number][] {
  const brackets: [number, number][] = [];
  const rest = text
    .replace(/(\d{1,3})\s?%?\s?(?:đến|–|-)\s?(\d{1,3})\s?%/gu, (_, a: string, b: string) => {
      brackets.push([Number(a), Number(b)]);
      return ' ';
    })
    .replace(/(\d{1,3})\s?% trở lên/gu, (_, a: string) => {
      brackets.push([Number(a), 100]);
      return ' ';
    })
    .replace(/dưới (\d{1,3})\s?%/gu, (_, a: string) => {
      brackets.push([0, Number(a) - 1]);
      return ' ';
    });
  for (const m of rest.matchAll(/(\d{1,3})\s?%/gu)) brackets.push([Number(m[1]), Number(m[1])]);
  return brackets;
}

/** +3 for a line whose brackets hold an asked percentage, −3 for one that names only other brackets. */
export function percentFit(brackets: readonly [number, number][], asked: readonly number[]): number {
  if (brackets.length === 0) return 0;
  return asked.some((p) => brackets.some(([from, to]) => p >= from && p <= to)) ? 3 : -3;
}

/**
 * "thương binh hạng 3/4", "tb 2/4", "hạng ¾", "tb hang 3/4": the four ranks of the old certificates (Nghị định 236-HĐBT), read as
 * a rating inside their bracket (hạng 1: 81–100 %, 2: 61–80 %, 3: 41–60 %, 4: 21–40 %).
 */
const RANK = /(?<![\p{L}\p{N}])(?:hạng|hang|thương binh|thuong binh|tb)\s*(?:([1-4])\s*\/\s*4|(¾|¼))(?![\p{N}])/giu;
const RANK_PERCENT: Readonly<Record<string, number>> = { '1': 90, '2': 70, '3': 50, '4': 30, '¾': 50, '¼': 30 };
function rankPercents(question: string): number[] {
  return [...question.matchAll(RANK)].map((m) => RANK_PERCENT[m[1] ?? m[2]!]!);
}

/** The ratings a question names in so many words: "81%", "35 %". */
export function statedPercentsOf(question: string): number[] {
  return [...question.matchAll(/(\d{1,3})\s?%/gu)].map((m) => Number(m[1])).filter((n) => n > 0 && n <= 100);
}

/** The ratings a question names: "81%", and "tb 3/4" read inside its bracket. */
export function askedPercentsOf(question: string): number[] {
  return [...statedPercentsOf(question), ...rankPercents(question)];
}
