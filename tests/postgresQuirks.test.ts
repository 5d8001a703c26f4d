import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isClosedSocketWrite } from '../src/team/postgresQuirks.js';
// @ts-expect-error a plain JavaScript fixture
import { writeAfterClose } from './fixtures/postgres/src/connection.js';

describe("the team database client's throw after a lost connection", () => {
  it('is recognised from the error V8 gives for a write on the closed socket in postgres/…/nextWrite', () => {
    let thrown: unknown;
    try {
      writeAfterClose();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(isClosedSocketWrite(thrown)).toBe(true);
  });

  it('also from the built program, where the library is bundled into the team client script', () => {
    const { writeAfterClose: builtWriteAfterClose } = createRequire(import.meta.url)('./fixtures/app/teamClient.cjs') as { writeAfterClose: () => void };
    let thrown: unknown;
    try {
      builtWriteAfterClose();
    } catch (error) {
      thrown = error;
    }
    expect(String((thrown as Error).stack)).toContain('teamClient.cjs');
    expect(isClosedSocketWrite(thrown)).toBe(true);
  });

  it('and nothing else: the same message elsewhere, another TypeError, not an error at all', () => {
    const elsewhere = new TypeError("Cannot read properties of null (reading 'write')");
    expect(isClosedSocketWrite(elsewhere)).toBe(false);
    expect(isClosedSocketWrite(new TypeError('x is not a function'))).toBe(false);
    expect(isClosedSocketWrite("Cannot read properties of null (reading 'write')")).toBe(false);
  });
});
