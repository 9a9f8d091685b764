export { readBatchJobs, readBatch, type JobRecord, type QualityChecks, type ReadJobsOptions, type BatchInfo } from './result-source';
export { toResultLine, reasonWithoutResult, type ResultLine } from './result-line';
export { writeResultsJsonl } from './write-jsonl';
export { writeResultsCsv, CSV_COLUMNS } from './write-csv';
export { writeResults, resultsFileName, RESULT_FORMATS, type ResultFormat } from './write-results';
export { writePortfolioReport, type ReportRenderer, type ReportContext, type WriteReportOptions } from './report/write-report';
export { markdownRenderer } from './report/render-markdown';
export { htmlRenderer } from './report/render-html';
export { localTime, localPeriod, localizeTimestamps } from './local-time';
