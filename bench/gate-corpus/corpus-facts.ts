import { computePortfolioFacts, type PortfolioFacts } from '@eaio/energy';

/** `--meter` values: `path` (electricity) or `<meter>=path`. */
export const meterSpecs = (values: string[]): { meter: string; source: string }[] =>
  values.map((value) => {
    const match = /^([a-z]+)=(.+)$/.exec(value);
    return match ? { meter: match[1], source: match[2] } : { meter: 'electricity', source: value };
  });

/** Facts for every building of the files, computed the production way. */
export const portfolioFromFiles = (meters: { meter: string; source: string }[], metadata: string, weather?: string): Promise<PortfolioFacts> =>
  computePortfolioFacts({ meters: meters as Parameters<typeof computePortfolioFacts>[0]['meters'], metadata, ...(weather ? { weather } : {}) });
