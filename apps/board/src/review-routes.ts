import express, { type Request, type Response } from 'express';
import type { ReviewAttempt, ReviewJobDetail, ReviewListItem } from '@eaio/db';
import { tokenNameOf } from './board-auth';

/** What the review page and its API need; `apps/producer`'s review desk provides it. */
export interface ReviewDeskPort {
  list(options?: { batchId?: string; limit?: number }): Promise<ReviewListItem[]>;
  show(jobId: string): Promise<(ReviewJobDetail & { retryTiers: string[] }) | undefined>;
  accept(input: { jobId: string; attemptId?: string; by: string; reason: string }): Promise<{ decisionId: number; attemptId: string }>;
  reject(input: { jobId: string; by: string; reason: string }): Promise<{ decisionId: number }>;
  retry(input: { jobId: string; tier: string; by: string; reason: string }): Promise<{ decisionId: number; tier: string; chain: string[] }>;
}

const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:center}
header a{color:#9cc3ff;text-decoration:none}header h1{font-size:17px;margin:0}
main{padding:16px 20px;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e2e5ea;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.attempt{background:#fff;border:1px solid #d9dde3;border-radius:6px;margin:14px 0;padding:10px 14px}
.attempt h3{margin:0 0 6px;font-size:15px}.passed{color:#176b2c}.failed-gate,.error,.abandoned{color:#a3261b}
pre{white-space:pre-wrap;background:#f3f4f6;padding:8px;border-radius:4px;max-height:360px;overflow:auto;font-size:12.5px}
.issues li{color:#7a2a10}.claim-unsupported,.claim-contradiction{color:#a3261b}
form.decide{display:flex;gap:8px;align-items:flex-end;margin:8px 0;flex-wrap:wrap}
textarea{width:360px;height:38px}button{padding:6px 12px;border-radius:4px;border:1px solid #345;background:#2c5d9f;color:#fff;cursor:pointer}
button.reject{background:#a3261b}.note{background:#fff7d6;border:1px solid #e8d27a;padding:8px 12px;border-radius:4px}
.sim{background:#ffe3c2;color:#8a4500;padding:1px 6px;border-radius:3px;font-size:12px}
`;

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
  `<body><header><h1>eaio review desk</h1><a href="/review">Jobs in review</a><a href="/admin/queues">Bull Board</a></header><main>${body}</main></body></html>`;

const subject = (item: ReviewListItem): string => item.buildingId ?? item.sourceId ?? item.jobId;

export const renderReviewList = (items: ReviewListItem[], batchId?: string): string => {
  const rows = items
    .map(
      (item) =>
        `<tr data-job="${escapeHtml(item.jobId)}"><td><a href="/review/${encodeURIComponent(item.jobId)}">${escapeHtml(subject(item))}</a>${item.simulated ? ' <span class="sim">SIMULATED</span>' : ''}</td>` +
        `<td>${escapeHtml(item.analysisType)}</td><td>${escapeHtml(item.privacy)}</td><td><a href="/review?batch=${encodeURIComponent(item.batchId)}">${escapeHtml(item.batchId)}</a></td>` +
        `<td class="num">${item.attempts}</td><td class="num">${item.bestScore === null ? '–' : item.bestScore.toFixed(2)}</td><td>${escapeHtml(item.reason)}</td></tr>`,
    )
    .join('');
  return page(
    'Review desk',
    `<h2>${items.length} job${items.length === 1 ? '' : 's'} waiting in review${batchId ? ` (batch ${escapeHtml(batchId)})` : ''}</h2>` +
      (items.length === 0
        ? '<p>No job waits for a person.</p>'
        : `<table id="review-list"><thead><tr><th>building / source</th><th>analysis</th><th>privacy</th><th>batch</th><th>calls</th><th>best gate</th><th>why it is here</th></tr></thead><tbody>${rows}</tbody></table>`),
  );
};

interface StoredChecks {
  threshold?: number;
  checks?: Record<string, unknown> & { claims?: { where: string; written: string; status: string; note: string }[] };
}

const renderFindings = (attempt: ReviewAttempt): string => {
  const stored = (attempt.qualityChecks ?? {}) as StoredChecks;
  const checks = Object.entries(stored.checks ?? {}).filter(([name, value]) => name !== 'claims' && name !== 'repairs' && typeof value === 'object' && value !== null);
  if (checks.length === 0) return '';
  const rows = checks
    .map(([name, value]) => {
      const check = value as { score?: number; issues?: string[] };
      const issues = Array.isArray(check.issues) && check.issues.length ? `<ul class="issues">${check.issues.map((issue) => `<li>${escapeHtml(issue)}</li>`).join('')}</ul>` : '';
      return `<tr><td>${escapeHtml(name)}</td><td class="num">${typeof check.score === 'number' ? check.score.toFixed(2) : '–'}</td><td>${issues || 'no issue'}</td></tr>`;
    })
    .join('');
  const claims = Array.isArray(stored.checks?.claims) ? stored.checks.claims : [];
  const off = claims.filter((claim) => claim.status === 'unsupported' || claim.status === 'contradiction');
  const claimList = off.length
    ? `<p>${claims.length} figures stated, ${off.length} not grounded:</p><ul>${off.map((claim) => `<li class="claim-${escapeHtml(claim.status)}">${escapeHtml(claim.status)}: “${escapeHtml(claim.written)}” (${escapeHtml(claim.where)}): ${escapeHtml(claim.note)}</li>`).join('')}</ul>`
    : claims.length
      ? `<p>${claims.length} figures stated, all grounded.</p>`
      : '';
  return `<table class="findings"><thead><tr><th>gate check</th><th>score</th><th>findings</th></tr></thead><tbody>${rows}</tbody></table>${claimList}`;
};

export const renderReviewJob = (job: ReviewJobDetail & { retryTiers: string[] }, notice?: string): string => {
  const open = job.state === 'review';
  const jobPath = `/review/${encodeURIComponent(job.jobId)}`;
  const attempts = job.attemptList
    .map((attempt, index) => {
      const accept =
        open && attempt.answerText !== null
          ? `<form class="decide" method="post" action="${jobPath}/accept"><input type="hidden" name="attemptId" value="${escapeHtml(attempt.attemptId)}">` +
            `<label>why<br><textarea name="reason" required></textarea></label><button type="submit" data-action="accept">Accept this answer</button></form>`
          : '';
      return (
        `<section class="attempt" data-attempt="${escapeHtml(attempt.attemptId)}"><h3>Attempt ${index + 1}: ${escapeHtml(attempt.tier)} · ${escapeHtml(attempt.provider)}/${escapeHtml(attempt.model)} · ` +
        `<span class="${escapeHtml(attempt.outcome)}">${escapeHtml(attempt.outcome)}</span>${attempt.qualityScore === null ? '' : ` · gate ${attempt.qualityScore.toFixed(2)}`}</h3>` +
        (attempt.errorMessage ? `<p class="error">${escapeHtml(attempt.errorKind ?? 'error')}: ${escapeHtml(attempt.errorMessage)}</p>` : '') +
        renderFindings(attempt) +
        (attempt.answerText !== null ? `<details open><summary>answer</summary><pre>${escapeHtml(attempt.answerText)}</pre></details>` : '<p>no answer</p>') +
        accept +
        '</section>'
      );
    })
    .join('');
  const decisions = job.decisions.length
    ? `<h3>Decisions</h3><table id="decisions"><thead><tr><th>when</th><th>who</th><th>what</th><th>why</th></tr></thead><tbody>${job.decisions
        .map(
          (decision) =>
            `<tr><td>${escapeHtml(decision.decidedAt.toISOString())}</td><td>${escapeHtml(decision.decidedBy)}</td><td>${escapeHtml(decision.decision)}${decision.attemptId ? ` ${escapeHtml(decision.attemptId)}` : ''}${decision.tier ? ` on ${escapeHtml(decision.tier)}` : ''}</td><td>${escapeHtml(decision.reason)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const decide = open
    ? `<h3>Or</h3><form class="decide" method="post" action="${jobPath}/reject"><label>why<br><textarea name="reason" required></textarea></label><button class="reject" type="submit" data-action="reject">Reject (no result)</button></form>` +
      `<form class="decide" method="post" action="${jobPath}/retry"><label>tier<br><select name="tier">${job.retryTiers.map((tier) => `<option>${escapeHtml(tier)}</option>`).join('')}</select></label>` +
      `<label>why<br><textarea name="reason" required></textarea></label><button type="submit" data-action="retry">Retry on this tier</button></form>`
    : `<p class="note">This job is <b id="job-state">${escapeHtml(job.state)}</b>; nothing left to decide.</p>`;
  return page(
    `Review ${subject(job)}`,
    (notice ? `<p class="note" id="notice">${escapeHtml(notice)}</p>` : '') +
      `<h2>${escapeHtml(subject(job))} · ${escapeHtml(job.analysisType)}${job.simulated ? ' <span class="sim">SIMULATED</span>' : ''}</h2>` +
      `<table class="facts"><tbody><tr><th>job</th><td>${escapeHtml(job.jobId)}</td></tr><tr><th>batch</th><td>${escapeHtml(job.batchId)}</td></tr>` +
      `<tr><th>state</th><td data-state="${escapeHtml(job.state)}">${escapeHtml(job.state)}</td></tr><tr><th>privacy</th><td>${escapeHtml(job.privacy)}</td></tr>` +
      `<tr><th>chain</th><td>${escapeHtml(job.chain.join(' → '))}</td></tr><tr><th>why it is here</th><td>${escapeHtml(job.reason)}</td></tr></tbody></table>` +
      `<h3>${job.attemptList.length} attempt${job.attemptList.length === 1 ? '' : 's'}</h3>${attempts}${decide}${decisions}`,
  );
};

const statusOf = (error: unknown): number => {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
};

const bodyString = (request: Request, name: string): string => {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/**
 * The review desk over HTTP, behind the board's token: a page at `/review` (the jobs)
 * and `/review/:job` (every attempt's answer and the gate's findings, with forms to accept,
 * reject or retry), and JSON at `/api/review`. Decisions are recorded under the name of the
 * token the request presented.
 */
export const createReviewRouters = (desk: ReviewDeskPort): { page: express.Router; api: express.Router } => {
  const pageRouter = express.Router();
  pageRouter.use(express.urlencoded({ extended: false, limit: '64kb' }));
  pageRouter.get('/', async (request, response) => {
    const batchId = typeof request.query.batch === 'string' ? request.query.batch : undefined;
    response.type('html').send(renderReviewList(await desk.list({ batchId }), batchId));
  });
  pageRouter.get('/:jobId', async (request, response) => {
    const job = await desk.show(request.params.jobId);
    if (!job) {
      response
        .status(404)
        .type('html')
        .send(page('Not found', `<p>No job ${escapeHtml(request.params.jobId)}.</p>`));
      return;
    }
    const done = typeof request.query.done === 'string' ? request.query.done : undefined;
    response.type('html').send(renderReviewJob(job, done ? `Recorded: ${done}.` : undefined));
  });
  const decideFromForm = (action: 'accept' | 'reject' | 'retry') => async (request: Request, response: Response) => {
    const jobId = String(request.params.jobId);
    const by = tokenNameOf(response);
    const reason = bodyString(request, 'reason');
    try {
      if (action === 'accept') await desk.accept({ jobId, attemptId: bodyString(request, 'attemptId') || undefined, by, reason });
      if (action === 'reject') await desk.reject({ jobId, by, reason });
      if (action === 'retry') await desk.retry({ jobId, tier: bodyString(request, 'tier'), by, reason });
      response.redirect(303, `/review/${encodeURIComponent(jobId)}?done=${action}`);
    } catch (error) {
      const status = statusOf(error);
      if (status === 500) throw error;
      response
        .status(status)
        .type('html')
        .send(
          page(
            'Not recorded',
            `<p class="note" id="notice">Not recorded: ${escapeHtml((error as Error).message)}</p><p><a href="/review/${encodeURIComponent(jobId)}">back</a></p>`,
          ),
        );
    }
  };
  for (const action of ['accept', 'reject', 'retry'] as const) pageRouter.post(`/:jobId/${action}`, decideFromForm(action));

  const api = express.Router();
  api.use(express.json({ limit: '64kb' }));
  api.get('/', async (request, response) => {
    response.json(await desk.list({ batchId: typeof request.query.batch === 'string' ? request.query.batch : undefined }));
  });
  api.get('/:jobId', async (request, response) => {
    const job = await desk.show(request.params.jobId);
    if (!job) response.status(404).json({ error: 'not_found', message: `no job "${request.params.jobId}"` });
    else response.json(job);
  });
  const decideFromJson = (action: 'accept' | 'reject' | 'retry') => async (request: Request, response: Response) => {
    const jobId = String(request.params.jobId);
    const by = tokenNameOf(response);
    const reason = bodyString(request, 'reason');
    try {
      const result =
        action === 'accept'
          ? await desk.accept({ jobId, attemptId: bodyString(request, 'attemptId') || undefined, by, reason })
          : action === 'reject'
            ? await desk.reject({ jobId, by, reason })
            : await desk.retry({ jobId, tier: bodyString(request, 'tier'), by, reason });
      response.json({ jobId, decision: action, by, ...result });
    } catch (error) {
      const status = statusOf(error);
      if (status === 500) throw error;
      response.status(status).json({ error: status === 404 ? 'not_found' : status === 400 ? 'bad_request' : 'conflict', message: (error as Error).message });
    }
  };
  for (const action of ['accept', 'reject', 'retry'] as const) api.post(`/:jobId/${action}`, decideFromJson(action));
  return { page: pageRouter, api };
};
