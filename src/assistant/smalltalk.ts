import { fold } from '../text/normalize.js';

export type SmallTalk = 'empty' | 'greeting' | 'thanks' | 'expert_request';

const GREETINGS = /^(xin chao|chao|chao ban|chao em|chao anh|chao chi|hello|hi|alo|a lo|hey)( ban| em| anh| chi| bot| tro ly| ad| admin)?[ !.]*$/;
const THANKS = /^(cam on|cam on ban|cam on em|cam on nhieu|thanks|thank you|thank|tks|ok cam on|ok|oke|okay|da|vang|da vang|da cam on)( ban| em| nhe| nhieu| a| ad)*[ !.]*$/;
const EXPERT = /^(\/chuyengia\b|hoi chuyen gia|gap chuyen gia|chuyen cho chuyen gia|nho chuyen gia|chuyen gia\s*$)/;

/** Recognises messages that are not questions: nothing, a greeting, thanks, or a request for an expert. */
export function classifySmallTalk(text: string): SmallTalk | undefined {
  const plain = fold(text.toLowerCase()).replace(/\s+/g, ' ').trim();
  if (!plain || !/[\p{L}\p{N}]/u.test(plain)) return 'empty';
  if (EXPERT.test(plain)) return 'expert_request';
  if (GREETINGS.test(plain)) return 'greeting';
  if (THANKS.test(plain)) return 'thanks';
  return undefined;
}

/** The question part of "hỏi chuyên gia: …" (empty when the user only asked for an expert). */
export function stripExpertRequest(text: string): string {
  return text.replace(/^\s*(\/chuyengia(@\w+)?|h[oỏ]i chuy[eê]n gia|g[aặ]p chuy[eê]n gia|chuy[eể]n cho chuy[eê]n gia|nh[oờ] chuy[eê]n gia|chuy[eê]n gia\s*$)\s*[:,\-–]?\s*/iu, '').trim();
}
