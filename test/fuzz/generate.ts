/**
 * Request `index` of a run with `seed`: its operation (round robin over openapi.yaml's, so every
 * operation gets its share), then a valid request or one of the mutants that apply to it. It
 * depends only on the seed, the index and the fixture, never on earlier answers, so any request
 * can be generated again on its own.
 */
import { build, copyDraft, type BuiltRequest, type GenContext } from './draft.js';
import type { Fixture } from './fixture.js';
import { BODY_MUTANTS } from './mutants-body.js';
import { DOMAIN_MUTANTS } from './mutants-domain.js';
import { HTTP_MUTANTS } from './mutants-http.js';
import { PARAM_MUTANTS, type Mutant } from './mutants-params.js';
import { chance, pick, requestRandom } from './random.js';
import type { Spec } from './spec.js';
import { validDraft } from './valid.js';

/**
 * Mutants by family. A request's mutant is drawn family first, so the few operations with a body
 * get as many body mutants as parameter ones (body mutants count twice).
 */
const FAMILIES: Mutant[][] = [
  PARAM_MUTANTS,
  DOMAIN_MUTANTS,
  BODY_MUTANTS,
  BODY_MUTANTS,
  HTTP_MUTANTS,
];

export const MUTANTS: Mutant[] = [...new Set(FAMILIES.flat())];

/** The share of requests sent as generated, unmutated. */
const VALID_SHARE = 0.3;

export function generateRequest(
  spec: Spec,
  fixture: Fixture,
  seed: number,
  index: number,
): BuiltRequest {
  const op = spec.operations[index % spec.operations.length]!;
  const ctx: GenContext = { r: requestRandom(seed, index), spec, fixture, seed, index };
  const valid = validDraft(op, ctx);
  const families = FAMILIES.map((f) => f.filter((m) => m.applies(op))).filter((f) => f.length > 0);
  if (chance(ctx.r, VALID_SHARE) || families.length === 0) return build(op, valid, ctx, 'valid');
  const mutant = pick(ctx.r, pick(ctx.r, families));
  const draft = copyDraft(valid);
  mutant.apply(op, draft, ctx);
  return build(op, draft, ctx, mutant.name);
}
