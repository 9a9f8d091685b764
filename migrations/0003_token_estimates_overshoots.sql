-- Hand-written. Reservations keep the prompt size they were priced at (o200k count and the
-- tokens reserved), so the provider's own reported prompt tokens calibrate later ones; a
-- settlement that pushes a capped counter past its cap is recorded and closes that counter
-- to new reservations until its period rolls over or the cap is raised above closed_cap.
ALTER TABLE "budget_reservations" ADD COLUMN "prompt_tokens_counted" integer;--> statement-breakpoint
ALTER TABLE "budget_reservations" ADD COLUMN "prompt_tokens_reserved" integer;--> statement-breakpoint
CREATE INDEX "budget_reservations_calibration" ON "budget_reservations" USING btree ("provider", "model", "closed_at") WHERE "status" = 'settled' AND "prompt_tokens_counted" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "budget_counters" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "budget_counters" ADD COLUMN "closed_cap_micro_usd" bigint;--> statement-breakpoint
CREATE TABLE "budget_overshoots" (
	"attempt_id" text NOT NULL,
	"scope" text NOT NULL,
	"period" text NOT NULL,
	"cap_micro_usd" bigint NOT NULL,
	"spent_micro_usd" bigint NOT NULL,
	"reserved_micro_usd" bigint NOT NULL,
	"over_micro_usd" bigint NOT NULL,
	"held_micro_usd" bigint NOT NULL,
	"cost_micro_usd" bigint NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_overshoots_attempt_id_scope_period_pk" PRIMARY KEY("attempt_id","scope","period")
);
