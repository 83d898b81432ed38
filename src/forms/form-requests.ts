import { randomUUID } from 'node:crypto';
import type { Asker } from '../escalation/types.js';
import type { FormStore } from './form-store.js';
import { formsNamedIn, type FormRequest } from './form-number.js';
import { FORM_USAGE, formCaption, formSendingText, formWithoutFileText, unknownFormText, type FormOffer } from './form-texts.js';

/** How a requested file reaches the chat: through the outbox (EscalationService.queueDocument). */
export interface DocumentQueue {
  queueDocument(input: { channel: string; chatId: string; caption: string; attachment: string; key: string }): Promise<void>;
}

/** How many close numbers an unknown number is answered with. */
const CLOSEST = 3;

/** The outbox attachment that names a form. */
export function formAttachment(number: string): string {
  return `form:${number}`;
}

/**
 * What the assistant does with forms: answers "/mau 12" (queues the file when there is one, else says
 * where the form is published; an unknown number gets the closest ones), and finds the forms with a file
 * that a reply names, for channels to offer.
 *
 * @example
 * const forms = new FormRequests(repos.forms, escalation);
 * await forms.answer({ number: '12' }, asker, 'telegram:4711'); // "📎 Mẫu số 12: Bản khai …", the file queued
 */
export class FormRequests {
  constructor(
    private readonly store: FormStore,
    private readonly queue: DocumentQueue,
  ) {}

  async answer(request: FormRequest, asker: Asker, key: string | undefined): Promise<string> {
    if ('usage' in request) return FORM_USAGE;
    const form = await this.store.get(request.number);
    if (!form) return this.unknown(request.number);
    if (!form.file) return formWithoutFileText(form);
    await this.queue.queueDocument({
      channel: asker.channel,
      chatId: asker.chatId,
      caption: formCaption(form),
      attachment: formAttachment(form.number),
      key: key ?? randomUUID(),
    });
    return formSendingText(form);
  }

  /** The forms `text` names that have a file, in the order named. */
  async offers(text: string): Promise<FormOffer[]> {
    const named = formsNamedIn(text);
    if (named.length === 0) return [];
    const offers: FormOffer[] = [];
    for (const number of named) {
      const form = await this.store.get(number);
      if (form?.file) offers.push({ number: form.number, name: form.name });
    }
    return offers;
  }

  private async unknown(asked: string): Promise<string> {
    const numbers = (await this.store.list()).map((f) => f.number);
    const closest = [...numbers]
      .sort((a, b) => Math.abs(Number(a) - Number(asked)) - Math.abs(Number(b) - Number(asked)) || Number(a) - Number(b))
      .slice(0, CLOSEST)
      .sort((a, b) => Number(a) - Number(b));
    return unknownFormText(asked, closest, numbers.length ? { first: numbers[0]!, last: numbers.at(-1)! } : undefined);
  }
}
