-- 0010 gained jobs.adaptive_saving_micro_usd after it had been applied to some databases;
-- those get the column here (a no-op where 0010 already made it).
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "adaptive_saving_micro_usd" bigint;
