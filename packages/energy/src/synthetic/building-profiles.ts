/** Building uses the generator knows, with BDG2 `primaryspaceusage` names. */
export const SYNTHETIC_USES = ['Office', 'Education', 'Lodging/residential', 'Laboratory', 'Retail'] as const;
export type SyntheticUse = (typeof SYNTHETIC_USES)[number];

/**
 * Electricity profile of one use. Demand W/m² = base + (occupied − base) × occupancy(local
 * hour, weekday, date) + heating·max(0, heatingBalance − T) + cooling·max(0, T − coolingBalance).
 */
export interface UseProfile {
  use: SyntheticUse;
  /** Median floor area, m² (areas are log-normal around it). */
  medianSqm: number;
  baseWPerSqm: number;
  occupiedWPerSqm: number;
  heatingWPerSqmK: number;
  heatingBalanceC: number;
  coolingWPerSqmK: number;
  coolingBalanceC: number;
  /** Occupancy 0..1 at a local hour (0–23), ISO weekday (1–7) and month (1–12). */
  occupancy(hour: number, weekday: number, month: number, dayOfMonth: number): number;
}

const ramp = (hour: number, open: number, close: number): number => {
  if (hour < open - 1 || hour >= close + 1) return 0;
  if (hour < open) return 0.5;
  if (hour >= close) return 0.4;
  return 1;
};

export const USE_PROFILES: Record<SyntheticUse, UseProfile> = {
  Office: {
    use: 'Office',
    medianSqm: 4000,
    baseWPerSqm: 7,
    occupiedWPerSqm: 28,
    heatingWPerSqmK: 0.5,
    heatingBalanceC: 13,
    coolingWPerSqmK: 1.4,
    coolingBalanceC: 19,
    occupancy: (hour, weekday) => (weekday <= 5 ? ramp(hour, 8, 18) : 0.08 * ramp(hour, 10, 14)),
  },
  Education: {
    use: 'Education',
    medianSqm: 5500,
    baseWPerSqm: 5,
    occupiedWPerSqm: 24,
    heatingWPerSqmK: 0.4,
    heatingBalanceC: 14,
    coolingWPerSqmK: 0.3,
    coolingBalanceC: 22,
    occupancy: (hour, weekday, month, day) => {
      const holiday = (month === 7 && day >= 20) || month === 8 || (month === 12 && day >= 20) || (month === 1 && day <= 3);
      return weekday <= 5 ? ramp(hour, 8, 16) * (holiday ? 0.15 : 1) : 0;
    },
  },
  'Lodging/residential': {
    use: 'Lodging/residential',
    medianSqm: 3000,
    baseWPerSqm: 5,
    occupiedWPerSqm: 16,
    heatingWPerSqmK: 0.9,
    heatingBalanceC: 15.5,
    coolingWPerSqmK: 0,
    coolingBalanceC: 24,
    occupancy: (hour, weekday) => {
      const weekend = weekday >= 6;
      if (hour >= 17 && hour < 23) return 1;
      if (hour >= (weekend ? 8 : 6) && hour < (weekend ? 11 : 9)) return 0.8;
      if (hour >= 9 && hour < 17) return weekend ? 0.6 : 0.3;
      return 0.05;
    },
  },
  Laboratory: {
    use: 'Laboratory',
    medianSqm: 6000,
    baseWPerSqm: 45,
    occupiedWPerSqm: 85,
    heatingWPerSqmK: 0.2,
    heatingBalanceC: 10,
    coolingWPerSqmK: 2.5,
    coolingBalanceC: 16,
    occupancy: (hour, weekday) => (weekday <= 5 ? ramp(hour, 8, 20) : 0.3 * ramp(hour, 10, 16)),
  },
  Retail: {
    use: 'Retail',
    medianSqm: 1500,
    baseWPerSqm: 10,
    occupiedWPerSqm: 45,
    heatingWPerSqmK: 0.3,
    heatingBalanceC: 12,
    coolingWPerSqmK: 2,
    coolingBalanceC: 18,
    occupancy: (hour, weekday) => (weekday === 7 ? ramp(hour, 10, 16) : ramp(hour, 9, 20)),
  },
};
