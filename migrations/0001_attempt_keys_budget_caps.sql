CREATE TABLE "attempt_keys" (
	"attempt_id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"job_id" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "budget_counters" ADD COLUMN "cap_micro_usd" bigint;--> statement-breakpoint
CREATE INDEX "attempts_batch" ON "attempts" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "spend_ledger_batch" ON "spend_ledger" USING btree ("batch_id");--> statement-breakpoint
-- Hand-added: attempts stored before attempt_keys existed keep their first started_at.
INSERT INTO "attempt_keys" ("attempt_id", "started_at", "job_id")
SELECT DISTINCT ON ("attempt_id") "attempt_id", "started_at", "job_id" FROM "attempts" ORDER BY "attempt_id", "started_at"
ON CONFLICT DO NOTHING;
