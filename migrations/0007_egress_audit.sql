-- Hand-written. One row per request sent to a non-local endpoint (AUDIT_ALL_API_CALLS), written
-- before the request leaves: attempt, job, tenant, privacy, endpoint, model, the fields of the
-- building it carried and how, and the SHA-256 and size of the body exactly as sent.
CREATE TABLE IF NOT EXISTS "egress_audit" (
	"attempt_id" text NOT NULL,
	"request_seq" integer NOT NULL,
	"job_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"tenant" text NOT NULL,
	"privacy" text NOT NULL,
	"tier" text NOT NULL,
	"provider" text NOT NULL,
	"endpoint" text NOT NULL,
	"model" text NOT NULL,
	"method" text NOT NULL,
	"url" text NOT NULL,
	"fields_sent" jsonb NOT NULL,
	"body_sha256" text NOT NULL,
	"body_bytes" integer NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "egress_audit_attempt_id_request_seq_pk" PRIMARY KEY("attempt_id","request_seq")
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "egress_audit_sent_at" ON "egress_audit" USING btree ("sent_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "egress_audit_batch" ON "egress_audit" USING btree ("batch_id");
