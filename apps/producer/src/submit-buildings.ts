import { isAnalysisType, jobPrivacy, type AnalysisType, type PrivacyLevel } from '@eaio/core';
import { computePortfolioFacts, promptTemplate, type BuildingFacts, type InputIssue, type MeterType } from '@eaio/energy';
import { buildingClassOf, type BuildingFeatures } from '@eaio/routing';
import type { PipelineJobData } from '@eaio/queues';
import { emptyCounts, intakeRouteContext, loadEvidence, routeJob, storeAndEnqueue } from './enqueue-jobs';
import { batchIdFor, factsHashOf, fileDigest, jobIdFor } from './job-identity';
import { createIssueList, type IntakeIssue } from './issue-list';
import { lazyBatch, type SubmitDeps, type SubmitResult } from './submit-prompts';

export interface SubmitBuildingsInput {
  /** Meter files: electricity by default; `gas=path` style entries name other meters. */
  meters: { meter: MeterType; path: string }[];
  metadataFile?: string;
  weatherFile?: string;
  /** @defaultValue ['building-diagnostic'] */
  analysisTypes?: AnalysisType[];
  tenant: string;
  /**
   * The level of buildings whose metadata row has no `privacy` cell (a cell overrides it).
   * @defaultValue the tenant's `tenants.privacy`, else `config.routing.defaultPrivacy`
   */
  privacy?: PrivacyLevel;
  simulated?: boolean;
  name?: string;
  /** `eaio submit --deadline`: api calls may go through provider batch endpoints at batch prices until close to it (`batchApi`). */
  deadline?: Date;
}

/** Routing features of a building job, from its facts. */
export const featuresOf = (facts: BuildingFacts): BuildingFeatures => {
  const main = facts.meters.find((meter) => meter.meter === 'electricity') ?? facts.meters[0];
  return {
    coverageRatio: main?.coverage.coverageRatio ?? 0,
    anomalyCount: facts.meters.reduce((sum, meter) => sum + meter.anomalies.length, 0),
    meterCount: facts.meters.length,
    hasWeatherModel: facts.meters.some((meter) => meter.weather?.changePoint),
    dataIssueCount: facts.dataIssues.length,
  };
};

const SLICE = 100;

/**
 * Meter data → building facts (streamed) → one job per building and analysis type.
 * Input problems are reported with file and line; the valid buildings still go through.
 */
export const submitBuildings = async (
  input: SubmitBuildingsInput,
  deps: SubmitDeps & { onIssue?: (issue: InputIssue) => void },
): Promise<SubmitResult & { issues: InputIssue[] }> => {
  const analysisTypes = input.analysisTypes ?? ['building-diagnostic'];
  for (const type of analysisTypes) {
    if (!isAnalysisType(type)) throw new Error(`unknown analysis type "${type}": use data-quality-triage, building-diagnostic or retrofit-plan`);
  }
  const privacy = jobPrivacy({ submit: input.privacy, tenant: input.tenant }, deps.config);
  const files = [...input.meters.map((meter) => meter.path), input.metadataFile, input.weatherFile].filter((file): file is string => Boolean(file));
  const digests = await Promise.all(files.map(fileDigest));
  const batchId = batchIdFor({ tenant: input.tenant, fileDigests: digests, options: { analysisTypes, privacy } });
  const batch = lazyBatch(deps, {
    id: batchId,
    tenant: input.tenant,
    name: input.name ?? input.meters.map((meter) => meter.path).join(', '),
    source: { meters: input.meters, metadata: input.metadataFile, weather: input.weatherFile, analysisTypes, privacy, digests },
    deadline: input.deadline,
  });

  let rowsRead = 0;
  const issues = createIssueList(deps.config.intake.maxIssuesListed, deps.onIssue as ((issue: IntakeIssue) => void) | undefined);
  const portfolio = await computePortfolioFacts({
    meters: input.meters.map((meter) => ({ meter: meter.meter, source: meter.path })),
    metadata: input.metadataFile,
    weather: input.weatherFile,
    readingLimits: deps.config.intake.readings,
    onIssue: (issue) => issues.add(issue),
    onProgress: (progress) => {
      rowsRead = progress.rows;
      deps.onProgress?.({ rowsRead, jobsEnqueued: 0 });
    },
  });

  const counts = emptyCounts();
  const context = await intakeRouteContext(deps, input.tenant);
  const evidence = await loadEvidence(deps);
  let slice: PipelineJobData[] = [];
  const flush = async () => {
    if (slice.length > 0) await batch.ensure();
    await storeAndEnqueue(slice, deps, counts);
    slice = [];
    deps.onProgress?.({ rowsRead, jobsEnqueued: counts.created + counts.alreadyKnown });
  };
  for (const facts of portfolio.facts) {
    const buildingId = facts.building.buildingId;
    if (facts.meters.length === 0) continue; // reported as an input issue; nothing to analyse
    // The building's own level (metadata `privacy` column) wins; peers above were computed over the whole portfolio.
    const buildingPrivacy = facts.building.privacy ?? privacy;
    const features = featuresOf(facts);
    const factsHash = factsHashOf(facts);
    for (const analysisType of analysisTypes) {
      const route = routeJob(
        deps.config,
        { kind: 'building', analysisType, features, privacy: buildingPrivacy },
        context,
        evidence,
        `${input.tenant}|${buildingId}|${analysisType}`,
      );
      if (route.adaptiveMoved) counts.adaptiveMoves += 1;
      const template = promptTemplate(analysisType);
      const promptVersion = `${template.templateId}@${template.templateVersion}`;
      slice.push({
        // The prompt version is part of the identity: a new wording is a new job, not a finished one.
        jobId: jobIdFor({ tenant: input.tenant, kind: 'building', taskType: analysisType, key: buildingId, content: { facts, privacy: buildingPrivacy, promptVersion } }),
        batchId,
        tenant: input.tenant,
        kind: 'building',
        privacy: route.privacy,
        taskType: analysisType,
        analysisType,
        chain: route.chain,
        tier: route.startTier === 'review' ? 'local-fast' : route.startTier,
        complexity: route.complexity.score,
        routeReason: route.reason,
        history: [],
        buildingId,
        sourceId: buildingId,
        facts,
        factsHash,
        promptVersion,
        routeClass: buildingClassOf(features),
        adaptiveSavingMicroUsd: route.adaptiveSavingMicroUsd,
        simulated: input.simulated,
      });
      if (slice.length >= SLICE) await flush();
    }
  }
  await flush();
  await batch.finish();
  return { batchId, stored: batch.stored(), counts, issues: issues.listed as InputIssue[], issueCounts: issues.counts() };
};
