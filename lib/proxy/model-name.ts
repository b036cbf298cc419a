/** Ollama's implicit `:latest` tag matches both ways: `llama3` and `llama3:latest` share one key. */
export const modelKey = (model: string) => (model.endsWith(":latest") ? model.slice(0, -7) : model);
