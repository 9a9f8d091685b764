CREATE TABLE "batches" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"name" text NOT NULL,
	"source" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"job_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"batch_id" text NOT NULL,
	"tenant" text NOT NULL,
	"kind" text NOT NULL,
	"building_id" text,
	"source_id" text,
	"task_type" text NOT NULL,
	"privacy" text NOT NULL,
	"complexity" real NOT NULL,
	"start_tier" text NOT NULL,
	"chain" text[] NOT NULL,
	"route_reason" text NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"current_tier" text,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"simulated" boolean DEFAULT false NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "attempts" (
	"attempt_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"job_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"tenant" text NOT NULL,
	"tier" text NOT NULL,
	"provider" text NOT NULL,
	"endpoint" text NOT NULL,
	"model" text NOT NULL,
	"finished_at" timestamp with time zone,
	"latency_ms" integer,
	"ttft_ms" integer,
	"input_tokens" integer,
	"output_tokens" integer,
	"cached_input_tokens" integer,
	"cache_write_tokens" integer,
	"reasoning_tokens" integer,
	"cost_micro_usd" bigint DEFAULT 0 NOT NULL,
	"reserved_micro_usd" bigint DEFAULT 0 NOT NULL,
	"price_version" text,
	"quality_score" real,
	"quality_checks" jsonb,
	"outcome" text NOT NULL,
	"error_kind" text,
	"error_message" text,
	"finish_reason" text,
	"request_id" text,
	"simulated" boolean DEFAULT false NOT NULL,
	CONSTRAINT "attempts_attempt_id_started_at_pk" PRIMARY KEY("attempt_id","started_at")
);
--> statement-breakpoint
CREATE TABLE "results" (
	"job_id" text PRIMARY KEY NOT NULL,
	"attempt_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"tier" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"answer" jsonb,
	"text" text NOT NULL,
	"quality_score" real NOT NULL,
	"simulated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "host_slot_leases" (
	"lease_id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "spend_ledger" (
	"attempt_id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"tenant" text NOT NULL,
	"tier" text NOT NULL,
	"provider" text NOT NULL,
	"endpoint" text NOT NULL,
	"model" text NOT NULL,
	"kind" text NOT NULL,
	"input_tokens" integer,
	"output_tokens" integer,
	"cached_input_tokens" integer,
	"cache_write_tokens" integer,
	"reasoning_tokens" integer,
	"cost_micro_usd" bigint NOT NULL,
	"reserved_micro_usd" bigint NOT NULL,
	"price_version" text NOT NULL,
	"priced_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "budget_alerts" (
	"scope" text NOT NULL,
	"period" text NOT NULL,
	"used_share" double precision NOT NULL,
	"fired_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_alerts_scope_period_pk" PRIMARY KEY("scope","period")
);
--> statement-breakpoint
CREATE TABLE "budget_counters" (
	"scope" text NOT NULL,
	"period" text NOT NULL,
	"spent_micro_usd" bigint DEFAULT 0 NOT NULL,
	"reserved_micro_usd" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "budget_counters_scope_period_pk" PRIMARY KEY("scope","period")
);
--> statement-breakpoint
CREATE TABLE "budget_reservations" (
	"attempt_id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"tenant" text NOT NULL,
	"tier" text NOT NULL,
	"provider" text NOT NULL,
	"endpoint" text NOT NULL,
	"model" text NOT NULL,
	"amount_micro_usd" bigint NOT NULL,
	"counter_keys" jsonb NOT NULL,
	"price" jsonb NOT NULL,
	"price_version" text NOT NULL,
	"priced_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cost_report_days" (
	"day" date NOT NULL,
	"timezone" text NOT NULL,
	"rolled_up_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cost_report_days_day_timezone_pk" PRIMARY KEY("day","timezone")
);
--> statement-breakpoint
CREATE TABLE "cost_report_rollup" (
	"day" date NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"tier" text NOT NULL,
	"tenant" text NOT NULL,
	"calls" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cached_input_tokens" bigint NOT NULL,
	"cache_write_tokens" bigint NOT NULL,
	"reasoning_tokens" bigint NOT NULL,
	"cost_micro_usd" bigint NOT NULL,
	"latency_sum_ms" bigint NOT NULL,
	"latency_count" bigint NOT NULL,
	"p95_latency_ms" double precision,
	"passed" bigint NOT NULL,
	"gated" bigint NOT NULL,
	"escalations" bigint NOT NULL,
	CONSTRAINT "cost_report_rollup_day_provider_model_tier_tenant_pk" PRIMARY KEY("day","provider","model","tier","tenant")
);
--> statement-breakpoint
CREATE TABLE "cost_reports" (
	"report_date" date NOT NULL,
	"timezone" text NOT NULL,
	"generated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"price_version" text NOT NULL,
	"summary" jsonb NOT NULL,
	"rows" jsonb NOT NULL,
	"markdown" text NOT NULL,
	CONSTRAINT "cost_reports_report_date_timezone_pk" PRIMARY KEY("report_date","timezone")
);
--> statement-breakpoint
CREATE INDEX "jobs_batch_state" ON "jobs" USING btree ("batch_id","state");--> statement-breakpoint
CREATE INDEX "attempts_started_at" ON "attempts" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "attempts_job" ON "attempts" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "host_slot_leases_host" ON "host_slot_leases" USING btree ("host");--> statement-breakpoint
CREATE INDEX "spend_ledger_priced_at" ON "spend_ledger" USING btree ("priced_at");--> statement-breakpoint
CREATE INDEX "budget_reservations_open" ON "budget_reservations" USING btree ("expires_at") WHERE status = 'open';