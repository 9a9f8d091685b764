/**
 * Public surface of the prompts, answer schema, quality gate and answer synthesizer
 * (re-exported from the package index).
 */
export { buildPrompt, templateTag, TEMPLATE_TAG_PATTERN, type BuiltPrompt } from './prompts/build-prompt';
export { promptTemplate, templateById, type PromptTemplate } from './prompts/prompt-templates';
export { promptData, majorAnomalies, type PromptData, type PromptAnomaly, type PromptDataOptions } from './prompts/prompt-data';
export { DATA_BLOCK_BEGIN, DATA_BLOCK_END, renderDataBlock, extractDataBlock } from './prompts/data-block';
export {
  AnalysisAnswerSchema,
  EvidenceSchema,
  FindingSchema,
  RecommendationSchema,
  DataIssueAddressedSchema,
  PRIORITIES,
  answerSchemaFor,
  answerJsonSchemaFor,
  type AnalysisAnswer,
  type Evidence,
  type Finding,
  type Recommendation,
  type DataIssueAddressed,
} from './answer-schema';
export { parseAnswerText, type ParsedAnswerText } from './answer-parse';
export { evaluateAnswer, type GateResult } from './gate/evaluate-answer';
export {
  DEFAULT_THRESHOLD,
  DEFAULT_WEIGHTS,
  DEFAULT_HARD_CHECKS,
  resolveGateOptions,
  type QualityGateOptions,
  type GateTypeOptions,
  type CheckWeights,
} from './gate/gate-options';
export { CHECK_NAMES, type CheckName, type CheckResult } from './gate/check-types';
export type { NumberToleranceOptions } from './gate/number-tolerance';
export { synthesizeAnswer, type AnswerBehaviour, type SynthesizedAnswer } from './synthesize/synthesize-answer';
export { buildRepairPrompt, buildFormatRepairPrompt, failedOnFormatOnly, type GateFindings, type RepairPromptOptions } from './prompts/repair-prompt';
