import type { Request, Response } from 'express';
import { accountOf, type ConsoleDeps, queryParam } from './context.js';
import { formatDate, formatPercent, html, jsonScript } from '../shared/html.js';
import { CHANNEL_LABELS, label, STAGE_LABELS } from './labels.js';
import { sendPage } from './layout.js';
import { dashboardStats, periodFrom } from './stats.js';
import { topicLabel } from '../../escalation/topic-labels.js';

export const CHART_SCRIPT = '/static/vendor/chart.umd.min.js';

/** The dashboard: questions per day by channel, stages, tickets, unhelpful rate, topics and communes over a period. */
export function dashboardHandler(deps: ConsoleDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const period = periodFrom({ from: queryParam(req, 'from'), to: queryParam(req, 'to'), days: queryParam(req, 'days') }, deps.now());
    const s = await dashboardStats(deps.app, period);
    const topTopics = s.topTopics.map((t) => ({ ...t, label: topicLabel(t.label) }));
    const stageN = (stage: string) => s.byStage.find((r) => r.stage === stage)?.n ?? 0;
    const decided = stageN('curated') + stageN('retrieval') + stageN('escalated');
    const share = (n: number, of: number) => (of ? formatPercent(n / of) : '—');
    const chartData = {
      days: s.days.map((d) => formatDate(d).slice(0, 5)),
      channels: Object.entries(s.perDay).map(([channel, counts]) => ({ label: label(CHANNEL_LABELS, channel), counts })),
      stages: ['curated', 'retrieval', 'escalated'].map((stage) => ({ label: STAGE_LABELS[stage], n: stageN(stage) })),
      topics: topTopics,
      communes: s.topCommunes,
    };
    const isAdmin = accountOf(req).role === 'admin';
    const ranked = (rows: { label: string; n: number }[], empty: string) =>
      rows.length
        ? html`<ol class="ranked">${rows.map((r) => html`<li><span>${r.label}</span> <strong>${r.n}</strong></li>`)}</ol>`
        : html`<p class="muted">${empty}</p>`;
    await sendPage(req, res, {
      title: 'Bảng điều khiển',
      nav: 'dashboard',
      scripts: [CHART_SCRIPT],
      body: html`
      <form method="get" action="/console" class="row card filters">
        <label>Từ ngày <input type="date" name="from" value="${period.from}"></label>
        <label>Đến ngày <input type="date" name="to" value="${period.to}"></label>
        <button type="submit">Xem</button>
        <span class="quick">${[7, 30, 90].map((d) => html`<a class="pill" href="/console?days=${d}">${d} ngày</a> `)}</span>
        ${isAdmin ? html`<a class="button secondary" href="/console/export/questions.csv?from=${period.from}&to=${period.to}">Tải nhật ký câu hỏi (CSV)</a>` : ''}
      </form>
      <p class="muted">Từ ${formatDate(period.from)} đến ${formatDate(period.to)}.</p>
      <div class="kpis">
        <div class="kpi"><span>Câu hỏi</span><strong id="kpi-questions">${s.totalQuestions}</strong></div>
        <div class="kpi"><span>Tự trả lời được</span><strong>${share(stageN('curated') + stageN('retrieval'), decided)}</strong></div>
        <div class="kpi"><span>Phiếu đang chờ</span><strong id="kpi-open"><a href="/console/tickets">${s.openTickets}</a></strong></div>
        <div class="kpi${s.overdueTickets ? ' warn' : ''}"><span>Phiếu quá hạn</span><strong id="kpi-overdue"><a href="/console/tickets?age=4h">${s.overdueTickets}</a></strong></div>
        <div class="kpi"><span>Câu trả lời bị chê</span><strong id="kpi-unhelpful">${share(s.unhelpfulAnswers, s.answers)}</strong><small>${s.unhelpfulAnswers}/${s.answers} câu trả lời</small></div>
      </div>
      ${jsonScript('dashboard-data', chartData)}
      <div class="charts">
        <section class="card chart wide"><h2>Câu hỏi mỗi ngày theo kênh</h2><div class="canvas-box"><canvas id="chart-days" aria-label="Biểu đồ số câu hỏi mỗi ngày theo kênh" role="img"></canvas></div></section>
        <section class="card chart"><h2>Cách trả lời</h2><div class="canvas-box"><canvas id="chart-stages" aria-label="Biểu đồ tỉ lệ theo cách trả lời" role="img"></canvas></div>
          <table class="compact"><tbody>${['curated', 'retrieval', 'escalated'].map(
            (stage) => html`<tr><td>${STAGE_LABELS[stage]}</td><td class="num">${stageN(stage)}</td><td class="num">${share(stageN(stage), decided)}</td></tr>`,
          )}</tbody></table></section>
        <section class="card chart"><h2>Chủ đề được hỏi nhiều</h2><div class="canvas-box"><canvas id="chart-topics" aria-label="Biểu đồ chủ đề" role="img"></canvas></div>
          ${ranked(topTopics, 'Chưa có dữ liệu.')}</section>
        <section class="card chart"><h2>Xã hỏi nhiều nhất</h2><div class="canvas-box"><canvas id="chart-communes" aria-label="Biểu đồ các xã hỏi nhiều" role="img"></canvas></div>
          ${ranked(s.topCommunes, 'Chưa có dữ liệu về xã.')}</section>
      </div>`,
    });
  };
}
