-- Hand-written. Circuit breakers, 429 pauses and rate-limit windows per provider, shared by
-- every worker process when the queues run on PostgreSQL (on Redis they live in Redis):
-- one jsonb document per provider, changed in a transaction that holds its row.
CREATE TABLE "provider_guard_states" (
	"key" text PRIMARY KEY NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
