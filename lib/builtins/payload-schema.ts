import { JSONSchema, targetConstructorToSchema } from 'class-validator-jsonschema';

type Schema = Exclude<Parameters<typeof JSONSchema>[0], (...args: never[]) => unknown>;

/**
 * The JSON Schema of a property whose validator class-validator-jsonschema cannot read (custom validators, nested
 * classes), replacing its guess rather than merging into it.
 */
export const ExactSchema = (schema: Schema) => JSONSchema(() => schema);

/** A list of objects of a class-validator class, inlined so the `types` route needs no `definitions`. */
export const ListOfSchema = (item: new () => object, description?: string) =>
  JSONSchema(() => ({ type: 'array', items: targetConstructorToSchema(item), ...(description ? { description } : {}) }));
