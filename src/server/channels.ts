import type { AppConfig } from '../config.js';
import type { ChannelStateStore } from '../storage/channel-state.js';
import { createTelegramAdapter } from '../channels/telegram/adapter.js';
import type { ChannelAdapter, ChannelDeps } from '../channels/types.js';
import { createZaloBotAdapter } from '../channels/zalo-bot/adapter.js';
import { createZaloOaAdapter } from '../channels/zalo-oa/adapter.js';

/** The adapters the configuration switches on, with a hint (Vietnamese, naming the variables) for each one that is off. */
export function configuredAdapters(config: AppConfig, deps: ChannelDeps, state: ChannelStateStore): { adapters: ChannelAdapter[]; off: string[] } {
  const adapters: ChannelAdapter[] = [];
  const off: string[] = [];
  if (config.telegram) adapters.push(createTelegramAdapter(config.telegram, deps));
  else off.push('Telegram: đặt TELEGRAM_BOT_TOKEN (và TELEGRAM_MODE=webhook cùng TELEGRAM_WEBHOOK_URL, TELEGRAM_WEBHOOK_SECRET nếu dùng webhook)');
  if (config.zaloBot) adapters.push(createZaloBotAdapter(config.zaloBot, deps));
  else off.push('Zalo Bot: đặt ZALO_BOT_TOKEN, ZALO_BOT_WEBHOOK_URL và ZALO_BOT_WEBHOOK_SECRET (hoặc ZALO_BOT_MODE=polling)');
  if (config.zaloOa) adapters.push(createZaloOaAdapter(config.zaloOa, { ...deps, state }));
  else off.push('Zalo OA: đặt ZALO_OA_APP_ID, ZALO_OA_SECRET_KEY, ZALO_OA_APP_SECRET và ZALO_OA_ACCESS_TOKEN / ZALO_OA_REFRESH_TOKEN');
  return { adapters, off };
}
