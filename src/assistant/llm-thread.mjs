// Worker entry: registers tsx in this thread, then runs the TypeScript LLM thread.
import { register } from 'tsx/esm/api';

register();
await import('./llm-thread.ts');
