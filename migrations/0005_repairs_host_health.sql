-- Hand-written (issue 10). Second chance before escalation: an attempt that re-asks the same
-- tier records what it repairs — `repair_kind` 'gate' (the answer failed the quality gate and
-- the model was told what the gate found) or 'format' (a local answer that was not valid or
-- complete JSON, asked again in the model's JSON mode) — and `repair_of`, the attempt id of
-- the answer it repairs. Both are null for a tier's first answer.
-- Host health shared by every worker process (queues on PostgreSQL; Redis keys otherwise):
-- the last health check of each local inference host, and who is checking it now, so a host
-- is checked at most once per interval whatever the number of processes.
ALTER TABLE "attempts" ADD COLUMN "repair_kind" text;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "repair_of" text;--> statement-breakpoint
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_repair_kind_check" CHECK ("repair_kind" IS NULL OR "repair_kind" IN ('gate', 'format'));--> statement-breakpoint
CREATE TABLE "host_health" (
	"host" text PRIMARY KEY NOT NULL,
	"ok" boolean NOT NULL,
	"models" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"latency_ms" integer,
	"error" text,
	"checked_at" timestamp with time zone,
	"claimed_until" timestamp with time zone
);
