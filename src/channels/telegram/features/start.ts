import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { findStaff } from '../filters.js';
import { sendPlain } from '../send.js';
import { HELP_TEXT, STAFF_HELP_TEXT } from '../texts.js';

/** `/start` and `/help`: how to ask; registered experts and admins also see their commands. */
export function startFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command(['start', 'help'], async (ctx) => {
    const staff = await findStaff(ctx);
    await sendPlain(ctx, staff ? `${HELP_TEXT}\n\n${STAFF_HELP_TEXT}` : HELP_TEXT);
  });
  return feature;
}
