-- Hand-written. Routing economics (issue 14): every building job records the hash of its
-- facts, the prompt version it is asked with and its building class, so that adaptive
-- routing can group the attempts history by (analysis type, building class, tier) and the
-- response cache can find a kept result for the same facts, analysis type and prompt
-- version. A result reused from another job names that job (`results.cached_from`); its
-- job made no call. A start adaptive routing moved records the expected saving it was moved
-- for (`adaptive_saving_micro_usd`: the fixed start's expected cost minus the chosen one's).
ALTER TABLE "jobs" ADD COLUMN "facts_hash" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "prompt_version" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "route_class" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "adaptive_saving_micro_usd" bigint;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "cached_from" text;--> statement-breakpoint
CREATE INDEX "jobs_cache_key" ON "jobs" USING btree ("facts_hash","task_type","prompt_version") WHERE "state" = 'succeeded';
