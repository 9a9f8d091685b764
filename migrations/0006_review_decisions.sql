-- Hand-written. The review desk (issue 11): every decision a person takes on a job that
-- waits in review (accept an answer, reject, retry on a tier), who took it (the name of
-- the board token, or "cli"), when and why. `rejected` is a new terminal job state; the
-- open-jobs index leaves it out like the other terminal states. A result kept by a
-- person is marked `reviewed`. The cost rollup counts errors, abandoned calls and calls
-- still `started`, so a pass rate can count a provider's errors. Every answered attempt
-- keeps its answer text (`attempts.answer_text`), so a reviewer can read the answers that
-- failed the gate, and accept one.
CREATE TABLE "review_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"decision" text NOT NULL,
	"attempt_id" text,
	"tier" text,
	"decided_by" text NOT NULL,
	"reason" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_decisions_decision_check" CHECK ("decision" IN ('accept', 'reject', 'retry'))
);
--> statement-breakpoint
CREATE INDEX "review_decisions_job" ON "review_decisions" USING btree ("job_id", "decided_at");
--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "reviewed" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "answer_text" text;
--> statement-breakpoint
DROP INDEX IF EXISTS "jobs_open";
--> statement-breakpoint
CREATE INDEX "jobs_open" ON "jobs" USING btree ("current_tier", "id") WHERE "state" NOT IN ('succeeded', 'review', 'failed', 'rejected');
--> statement-breakpoint
ALTER TABLE "cost_report_rollup" ADD COLUMN "errors" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "cost_report_rollup" ADD COLUMN "abandoned" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "cost_report_rollup" ADD COLUMN "started" bigint DEFAULT 0 NOT NULL;
