ALTER TABLE "batches" ADD COLUMN IF NOT EXISTS "deadline" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "batches" ADD COLUMN IF NOT EXISTS "cancelled_at" timestamp with time zone;--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "provider_batch_items" (
	"attempt_id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"queue_job_id" text NOT NULL,
	"tier" text NOT NULL,
	"provider" text NOT NULL,
	"endpoint" text NOT NULL,
	"model" text NOT NULL,
	"request" jsonb NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"provider_batch_id" text,
	"result" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "provider_batch_items_status" ON "provider_batch_items" USING btree ("status");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "provider_batch_items_provider_batch" ON "provider_batch_items" USING btree ("provider_batch_id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "provider_batch_items_batch" ON "provider_batch_items" USING btree ("batch_id");
