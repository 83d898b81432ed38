import type { Update } from 'grammy/types';

/*
 * Checks the types of what the bot reads in an update before it is stored, so that a body with the
 * right secret but a mistyped field (a `message.text` that is an object) is refused with 400 at the
 * webhook instead of throwing in a handler and being re-delivered, stored and replayed. Only the parts
 * the bot handles (ALLOWED_UPDATES: message, callback_query) are kept; the rest of the update is dropped.
 */

type Check = (value: unknown, path: string) => string | undefined;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value);
const isCount = (value: unknown) => isId(value) && (value as number) >= 0;

const id: Check = (v, path) => (isId(v) ? undefined : `${path}: expected an integer`);
const count: Check = (v, path) => (isCount(v) ? undefined : `${path}: expected a non-negative integer`);
const text: Check = (v, path) => (typeof v === 'string' ? undefined : `${path}: expected a string`);
const flag: Check = (v, path) => (typeof v === 'boolean' ? undefined : `${path}: expected true or false`);

/** An object whose listed fields, when present (or always, for `required`), pass their checks. */
function object(fields: Record<string, Check>, required: readonly string[] = []): Check {
  return (value, path) => {
    if (!isObject(value)) return `${path}: expected an object`;
    for (const name of required) if (value[name] === undefined) return `${path}.${name}: missing`;
    for (const [name, check] of Object.entries(fields)) {
      if (value[name] === undefined) continue;
      const problem = check(value[name], `${path}.${name}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function listOf(check: Check): Check {
  return (value, path) => {
    if (!Array.isArray(value)) return `${path}: expected an array`;
    for (let i = 0; i < value.length; i += 1) {
      const problem = check(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

const user = object({ id, is_bot: flag, first_name: text, last_name: text, username: text, language_code: text }, ['id']);
const chat = object({ id, type: text, title: text, username: text, first_name: text, last_name: text }, ['id']);
const photoSize = object({ file_id: text, file_unique_id: text, width: count, height: count, file_size: count }, ['file_id']);
const document = object({ file_id: text, file_unique_id: text, file_name: text, mime_type: text, file_size: count }, ['file_id']);
const entity = object({ type: text, offset: count, length: count, user, url: text }, ['type', 'offset', 'length']);

/** The message fields the bot reads; `reply` adds the message replied to (one level, as Telegram sends). */
function message(reply: boolean): Check {
  const fields: Record<string, Check> = {
    message_id: id,
    date: count,
    chat,
    from: user,
    sender_chat: chat,
    text,
    caption: text,
    entities: listOf(entity),
    caption_entities: listOf(entity),
    photo: listOf(photoSize),
    document,
    message_thread_id: id,
    is_topic_message: flag,
  };
  if (reply) fields.reply_to_message = message(false);
  return object(fields, ['message_id', 'chat']);
}

const callbackQuery = object(
  { id: text, from: user, message: message(true), inline_message_id: text, chat_instance: text, data: text, game_short_name: text },
  ['id', 'from'],
);

/** True for an object with a non-negative integer `update_id` (what the inbox keys an update by). */
export function isUpdate(body: unknown): body is Update {
  return isObject(body) && isCount(body.update_id);
}

/**
 * What is wrong with a webhook body as a Telegram update (a field path and the type expected), or
 * undefined when the bot can read it.
 */
export function updateProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'expected a JSON object';
  if (!isUpdate(body)) return 'update_id: expected a non-negative integer';
  if (body.message !== undefined) {
    const problem = message(true)(body.message, 'message');
    if (problem) return problem;
  }
  if (body.callback_query !== undefined) return callbackQuery(body.callback_query, 'callback_query');
  return undefined;
}

/**
 * The part of a valid update the bot handles (`update_id` with `message` and/or `callback_query`);
 * undefined when it has neither (nothing to do).
 */
export function handledPart(update: Update): Update | undefined {
  if (update.message === undefined && update.callback_query === undefined) return undefined;
  return {
    update_id: update.update_id,
    ...(update.message !== undefined && { message: update.message }),
    ...(update.callback_query !== undefined && { callback_query: update.callback_query }),
  } as Update;
}
