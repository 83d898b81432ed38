import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { createCliContext, openKnowledgeBase } from './context.js';

export function registerChatCommand(program: Command): void {
  program
    .command('chat')
    .description('Ask questions in the terminal (type a question, empty line or Ctrl-D to quit)')
    .option('-k, --k <n>', 'sources shown per answer', (v) => Number(v), 3)
    .action(async (options: { k: number }) => {
      const context = createCliContext();
      const kb = await openKnowledgeBase(context);
      const searcher = await kb.searcher();
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
      console.log(`Trợ lý Xã — ${searcher.size} đoạn tri thức đã sẵn sàng. Gõ câu hỏi rồi Enter; dòng trống để thoát.`);
      try {
        for (;;) {
          let line: string;
          try {
            line = (await rl.question('\n❓ ')).trim();
          } catch {
            break; // input closed
          }
          if (!line) break;
          const { hits } = await searcher.search(line, options.k);
          if (hits.length === 0) {
            console.log('Chưa tìm thấy nội dung phù hợp trong cơ sở tri thức.');
            continue;
          }
          hits.forEach((hit, i) => {
            const flat = hit.passage.text.replace(/\s+/g, ' ').trim();
            console.log(`\n${i + 1}. ${flat.length > 600 ? flat.slice(0, 599) + '…' : flat}`);
            console.log(`   Căn cứ: ${hit.passage.citation}${hit.passage.meta.verified ? '' : ' (chưa được xác minh đầy đủ)'}`);
          });
        }
      } finally {
        rl.close();
        await kb.close();
      }
    });
}
