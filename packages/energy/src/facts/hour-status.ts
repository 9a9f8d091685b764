/**
 * Classifies one hourly value. Zeros mean "no reading" in BDG2-style data (loggers write 0
 * for missing), so in a running building a zero hour is a missing hour. Negative values
 * cannot be consumption and are invalid too. Only positive readings are valid.
 */
export const isValidReading = (value: number): boolean => value > 0;
