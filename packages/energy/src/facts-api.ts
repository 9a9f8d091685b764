/**
 * Public surface of meter-data intake, building facts and the synthetic portfolio
 * generator (re-exported from the package index).
 */
export { createIssueSink, type InputIssue, type InputIssueKind, type IssueHandler, type IssueSink, type IssueSinkOptions } from './input/input-issue';
export type { InputSource } from './input/open-text';
export { HourlySeriesBuilder, type HourlySeries } from './input/hourly-series';
export { parseTimestamp, hourToIso, type ParsedTimestamp } from './input/parse-timestamp';
export { readMeterSeries, detectMeterLayout, type BuildingSeries, type MeterReaderOptions, type ReadProgress } from './input/meter-reader';
export { readMetadata, type MetadataReaderOptions } from './input/metadata-reader';
export { readWeather, type WeatherData, type WeatherReaderOptions } from './input/weather-reader';
export { DEFAULT_READING_LIMITS, type ReadingLimits } from './input/reading-limits';
export { readUtf8Lines, readFileChunks, createUtf8LineCheck, firstInvalidUtf8, type TextLine, type Utf8LinesOptions } from './input/utf8-lines';
export { FACTS_VERSION, resolveFactsOptions, type FactsOptions, type ResolvedFactsOptions } from './facts/facts-options';
export { createCalendarCache, type CalendarCache, type LocalCalendar } from './facts/local-calendar';
export { computeFacts, temperatureFor, unknownBuildingMetadata, type ComputeFactsInput, type MeterInput } from './facts/building-facts';
export { computeMeterFacts, type MeterFactsInput, type MeterFactsResult } from './facts/meter-facts';
export { comparePeers, type ComparePeersOptions } from './facts/peers';
export { flattenFacts } from './facts/flatten-facts';
export { computePortfolioFacts, type PortfolioFacts, type PortfolioFactsInput } from './facts/portfolio-facts';
export { generatePortfolio, type GeneratePortfolioOptions, type GeneratedPortfolio, type SyntheticBuilding } from './synthetic/generate-portfolio';
export { SYNTHETIC_USES, USE_PROFILES, type SyntheticUse, type UseProfile } from './synthetic/building-profiles';
export { writeBadInputFixtures, BAD_INPUT_FIXTURES, BAD_FIXTURE_METADATA, type BadInputFixture } from './synthetic/bad-input-fixtures';
