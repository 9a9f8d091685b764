-- Hand-written. Each batch counts its jobs that are not yet terminal; a job's move to a
-- terminal state decrements it in the same transaction (`UPDATE … SET open_jobs = open_jobs - 1
-- … RETURNING`), so the last job of a batch closes it even when several finish at once
-- (a NOT EXISTS check under READ COMMITTED missed concurrent completions).
ALTER TABLE "batches" ADD COLUMN "open_jobs" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "batches" AS b SET
  "open_jobs" = counted.n,
  "status" = CASE WHEN counted.n > 0 THEN 'open' ELSE 'done' END,
  "completed_at" = CASE WHEN counted.n > 0 THEN NULL ELSE coalesce(b."completed_at", now()) END
FROM (
  SELECT b2."id", count(j."id") FILTER (WHERE j."state" NOT IN ('succeeded', 'review', 'failed'))::int AS n
  FROM "batches" b2 LEFT JOIN "jobs" j ON j."batch_id" = b2."id"
  GROUP BY b2."id"
) AS counted
WHERE counted."id" = b."id";--> statement-breakpoint
CREATE INDEX "jobs_open" ON "jobs" USING btree ("current_tier", "id") WHERE "state" NOT IN ('succeeded', 'review', 'failed');
--> statement-breakpoint
CREATE INDEX "attempts_open" ON "attempts" USING btree ("started_at") WHERE "outcome" = 'started';
