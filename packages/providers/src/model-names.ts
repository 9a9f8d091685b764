/**
 * Whether a listing names a model. Ollama tags without a `:tag` mean `:latest`
 * (`llama3.2` ≡ `llama3.2:latest`); Gemini listings may carry a `models/` prefix.
 */
export const servesModel = (listed: readonly string[], model: string): boolean => {
  const canonical = (name: string): string => {
    const bare = name.replace(/^models\//, '');
    return bare.includes(':') || bare.includes('/') ? bare : `${bare}:latest`;
  };
  const wanted = canonical(model);
  return listed.some((name) => name === model || canonical(name) === wanted);
};
