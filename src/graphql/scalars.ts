import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';
import { DateTimeResolver, JSONObjectResolver, JSONResolver } from 'graphql-scalars';

/**
 * A scalar that accepts any input value unchanged. Record fields use these so that a wrong value
 * becomes a per-record error in the domain layer instead of a coercion error that would abort the
 * whole batch; the expected type is documented on the scalar and the field.
 */
function lenient(name: string, description: string): GraphQLScalarType {
  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
  });
}

export const scalarResolvers = {
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  JSONObject: JSONObjectResolver,
  LenientString: lenient('LenientString', 'Expected: a string (checked per record).'),
  LenientNumber: lenient('LenientNumber', 'Expected: a number (checked per record).'),
  LenientDateTime: lenient('LenientDateTime', 'Expected: a point in time (checked per record).'),
  FieldValue: lenient('FieldValue', 'A dimension value: string, number, boolean, date-time string or null.'),
};
