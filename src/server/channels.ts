import type { AppConfig } from '../config.js';
import { SqliteChannelStateStore } from '../channels/channel-state.js';
import { createTelegramAdapter } from '../channels/telegram/adapter.js';
import type { ChannelAdapter, ChannelDeps } from '../channels/types.js';
import { createZaloBotAdapter } from '../channels/zalo-bot/adapter.js';
import { createZaloOaAdapter } from '../channels/zalo-oa/adapter.js';
import type { Database } from '../storage/database.js';

/** The adapters the configuration switches on, with a hint for each one that is off. */
export function configuredAdapters(config: AppConfig, deps: ChannelDeps, db: Database): { adapters: ChannelAdapter[]; off: string[] } {
  const adapters: ChannelAdapter[] = [];
  const off: string[] = [];
  if (config.telegram) adapters.push(createTelegramAdapter(config.telegram, deps));
  else off.push('Telegram: set TELEGRAM_BOT_TOKEN (and TELEGRAM_MODE=webhook with TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET for webhooks)');
  if (config.zaloBot) adapters.push(createZaloBotAdapter(config.zaloBot, deps));
  else off.push('Zalo Bot: set ZALO_BOT_TOKEN, ZALO_BOT_WEBHOOK_URL and ZALO_BOT_WEBHOOK_SECRET (or ZALO_BOT_MODE=polling)');
  if (config.zaloOa) adapters.push(createZaloOaAdapter(config.zaloOa, { ...deps, state: new SqliteChannelStateStore(db) }));
  else off.push('Zalo OA: set ZALO_OA_APP_ID, ZALO_OA_SECRET_KEY, ZALO_OA_APP_SECRET and ZALO_OA_ACCESS_TOKEN / ZALO_OA_REFRESH_TOKEN');
  return { adapters, off };
}
