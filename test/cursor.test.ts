/** cursor_pos counts Unicode code points (protocol 5.2+); JavaScript counts UTF-16 units. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { codePointsToUtf16, utf16ToCodePoints } from "../kernel/protocol/cursor";

test("astral characters count once in code points and twice in UTF-16", () => {
  const s = "const 𝑥 = 1; 𝑥";
  const cp = [...s].length;
  assert.equal(codePointsToUtf16(s, cp), s.length);
  assert.equal(utf16ToCodePoints(s, s.length), cp);
  for (let i = 0; i <= cp; i++) assert.equal(utf16ToCodePoints(s, codePointsToUtf16(s, i)), i);
});
