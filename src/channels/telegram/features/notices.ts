import { Composer } from 'grammy';
import { parseNoticeCommand, runNoticeCommand } from '../../notice-commands.js';
import type { BotContext } from '../context.js';
import { actorFrom } from '../identity.js';
import { sendPlain } from '../send.js';

/** `/tatthongbao` and `/batthongbao`: the sender turns the province's notices off or back on. */
export function noticesFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command(['tatthongbao', 'batthongbao'], async (ctx) => {
    if (!ctx.from || ctx.from.is_bot) return;
    // grammY matched one of the two commands; words typed after it change nothing.
    const command = parseNoticeCommand((ctx.msg?.text ?? '').split(/\s/u)[0]!) ?? { kind: 'notices', off: true };
    const reply = await runNoticeCommand(command, actorFrom(ctx.from), ctx.deps.users);
    await sendPlain(ctx, reply, { replyTo: ctx.msg?.message_id });
  });
  return feature;
}
