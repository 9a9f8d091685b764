/**
 * Physical plausibility of an hourly meter reading (kWh in one hour). A reading above
 * either limit is reported (`implausible-reading`, with file, line and field) and the
 * hour counts as missing, as an empty cell would. Negative readings are reported
 * separately (`negative-reading`); zeros are not checked here (whether a zero is a
 * reading or a missing hour is the facts' zero policy per meter, see FACTS.md).
 */
export interface ReadingLimits {
  /**
   * Most kWh one meter of one building can record in one hour (100,000 kWh = a 100 MW
   * average draw, beyond the largest campus or hospital). @defaultValue 100000
   */
  maxKwhPerHour: number;
  /**
   * Most kWh per m² of floor area in one hour, checked where the metadata gives an area
   * (2 kWh/m²·h = 2 kW/m²; dense data halls reach about 1; the Cambridge sample peaks at
   * 0.64). @defaultValue 2
   */
  maxKwhPerHourPerSqm: number;
}

export const DEFAULT_READING_LIMITS: Readonly<ReadingLimits> = { maxKwhPerHour: 100_000, maxKwhPerHourPerSqm: 2 };
