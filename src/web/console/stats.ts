import type { ConsoleServices } from './context.js';

/** A period of whole days in Vietnam time (UTC+7), `from` and `to` inclusive, as `YYYY-MM-DD`. */
export interface Period {
  from: string;
  to: string;
}

export interface DashboardStats {
  period: Period;
  days: string[];
  /** Questions per day, per channel (same order as `days`). */
  perDay: Record<string, number[]>;
  totalQuestions: number;
  byStage: { stage: string; n: number }[];
  openTickets: number;
  overdueTickets: number;
  ticketsCreated: number;
  /** Answers given (retrieval or curated) in the period. */
  answers: number;
  /** Of those, answers some user marked unhelpful. */
  unhelpfulAnswers: number;
  helpfulAnswers: number;
  topTopics: { label: string; n: number }[];
  topCommunes: { label: string; n: number }[];
}

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

function vnDay(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC instant a Vietnamese day starts. */
function dayStartUtc(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - VN_OFFSET_MS).toISOString();
}

function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/** The period from the query: explicit `from`/`to` dates, else the last `days` days (default 30, at most 366). */
export function periodFrom(query: { from?: string; to?: string; days?: string }, now: Date): Period {
  const today = vnDay(now);
  if (query.from && query.to && isDay(query.from) && isDay(query.to) && query.from <= query.to) {
    const span = (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS;
    return span <= 366 ? { from: query.from, to: query.to } : { from: addDays(query.to, -366), to: query.to };
  }
  const days = Math.min(366, Math.max(1, Number.parseInt(query.days ?? '', 10) || 30));
  return { from: addDays(today, -(days - 1)), to: today };
}

/** What the dashboard shows, from the reporting repository (question log, feedback and tickets). */
export async function dashboardStats(app: Pick<ConsoleServices, 'repos' | 'escalation'>, period: Period): Promise<DashboardStats> {
  const start = dayStartUtc(period.from);
  const end = dayStartUtc(addDays(period.to, 1));

  const days: string[] = [];
  for (let d = period.from; d <= period.to; d = addDays(d, 1)) days.push(d);
  const index = new Map(days.map((d, i) => [d, i]));
  const perDay: Record<string, number[]> = {};
  const activity = await app.repos.reporting.questionActivity({ start, end });
  for (const row of activity.perDay) {
    const i = index.get(row.day);
    if (i === undefined) continue;
    (perDay[row.channel] ??= days.map(() => 0))[i] = row.n;
  }
  const { byStage } = activity;
  const totalQuestions = byStage.reduce((sum, r) => sum + r.n, 0);
  return {
    period,
    days,
    perDay,
    totalQuestions,
    byStage,
    openTickets: activity.openTickets,
    overdueTickets: (await app.escalation.listOverdue()).length,
    ticketsCreated: activity.ticketsCreated,
    answers: activity.answers,
    unhelpfulAnswers: activity.unhelpfulAnswers,
    helpfulAnswers: activity.helpfulAnswers,
    topTopics: activity.topTopics,
    topCommunes: activity.topCommunes,
  };
}
