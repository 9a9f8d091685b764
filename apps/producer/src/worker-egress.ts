import { recordEgress } from '@eaio/db';
import { createAnalyzer, createEgress, loadAnonymisationSecret, type Egress } from '@eaio/workers';
import type { Runtime } from './runtime';

/**
 * The workers' privacy boundary wired to this runtime: audit rows into `egress_audit`,
 * the anonymisation key from `EAIO_ANONYMISATION_SECRET` or its file, read (or created)
 * the first time an ENHANCED job leaves, and said where in the log (never the key).
 */
export const createWorkerEgress = (runtime: Runtime): Egress => {
  let secret: string | undefined;
  return createEgress({
    privacy: runtime.config.privacy,
    analyzer: createAnalyzer(runtime.config),
    secret: () => {
      if (secret === undefined) {
        const loaded = loadAnonymisationSecret(runtime.config.privacy.anonymisation);
        runtime.log.info({ source: loaded.source, created: loaded.created }, loaded.created ? 'anonymisation key generated and stored' : 'anonymisation key loaded');
        secret = loaded.secret;
      }
      return secret;
    },
    record: (row) => recordEgress(runtime.database, row),
  });
};
