import type { Repositories } from '../../storage/repositories.js';
import type { Request } from 'express';
import type { AppConfig } from '../../config.js';
import type { EscalationService } from '../../escalation/escalation-service.js';
import type { EscalationStores } from '../../escalation/stores.js';
import type { QuestionLogStore } from '../../assistant/question-log.js';
import type { ImpactService } from '../../curation/impact.js';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.js';
import type { Logger } from '../../logger.js';
import type { WebAccount, WebAccountStore } from './accounts.js';
import type { AuditLog } from './audit.js';
import type { IndexJobs } from './knowledge/index-jobs.js';
import type { CookieSettings } from '../shared/cookies.js';
import type { SessionStore, WebSession } from './sessions.js';

/** The app's services the console's routes use (the App provides them). */
export interface ConsoleServices {
  config: Pick<AppConfig, 'assistant' | 'knowledgeDir' | 'forms'> & Partial<Pick<AppConfig, 'ocr'>>;
  repos: Repositories;
  kb: KnowledgeBase;
  stores: Pick<EscalationStores, 'curated' | 'users'>;
  escalation: EscalationService;
  /** The question log: the answers a knowledge change affects (see curation/impact.ts). */
  log: Pick<QuestionLogStore, 'sourcedSince'>;
}

/** What every console route needs; built once by `createWebConsole`. */
export interface ConsoleDeps {
  app: ConsoleServices;
  logger: Logger;
  accounts: WebAccountStore;
  sessions: SessionStore;
  audit: AuditLog;
  cookies: CookieSettings;
  indexer: IndexJobs;
  /** What knowledge changes affect: curated answers to review, answers given from changed texts. */
  impact: ImpactService;
  now: () => Date;
}

/** The session and signed-in account of one request. */
export interface RequestState {
  session?: WebSession;
  account?: WebAccount;
  /** Removes the session's flash message once a page has shown it. */
  clearFlash?: () => Promise<void>;
}

const STATE = new WeakMap<Request, RequestState>();

export function stateOf(req: Request): RequestState {
  let state = STATE.get(req);
  if (!state) {
    state = {};
    STATE.set(req, state);
  }
  return state;
}

/** The signed-in account; only call behind `requireSignedIn`. */
export function accountOf(req: Request): WebAccount {
  const account = stateOf(req).account;
  if (!account) throw new Error('no signed-in account on this request');
  return account;
}

export function csrfOf(req: Request): string {
  return stateOf(req).session?.csrfToken ?? '';
}

/** A string form field (first value when repeated), trimmed; '' when absent. */
export function field(req: Request, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.normalize('NFC').replace(/\r\n?/g, '\n').trim() : '';
}

/** A string query parameter, trimmed; '' when absent. */
export function queryParam(req: Request, name: string): string {
  const value = req.query[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.normalize('NFC').trim() : '';
}

/** A positive integer route parameter, or undefined. */
export function idParam(req: Request, name = 'id'): number | undefined {
  const value = req.params[name];
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}
