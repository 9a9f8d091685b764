/**
 * Classifies one hourly value. Zeros mean "no reading" in BDG2-style data (loggers write 0
 * for missing), so in a running building a zero hour on an electricity meter is a missing
 * hour. On a meter whose zeros are real readings (`zeroIsMissing` false: heating-only gas
 * read 0 overnight and in summer) a zero is a valid hour of 0 kWh. Negative values cannot
 * be consumption and are always invalid; NaN (absent) is always missing.
 */
export const isValidReading = (value: number, zeroIsMissing = true): boolean => (zeroIsMissing ? value > 0 : value >= 0);
