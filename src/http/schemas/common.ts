/** Schemas shared by every route: the error envelope. */
import { Type } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'machine-readable, e.g. invalid_parameter, unauthorized' }),
      message: Type.String(),
      path: Type.Optional(Type.String({ description: 'JSON pointer to the offending field' })),
    }),
  },
  { $id: 'Error', title: 'Error' },
);

export const errorResponses = {
  400: Type.Ref(ErrorResponse),
  401: Type.Ref(ErrorResponse),
  403: Type.Ref(ErrorResponse),
};
