/**
 * Protocol 5.2+ counts cursor positions in Unicode code points; JavaScript strings count
 * UTF-16 units. These convert at the protocol boundary so nothing else has to care.
 */
export function codePointsToUtf16(text: string, cursor: number): number {
  let units = 0;
  for (let cp = 0; cp < cursor && units < text.length; cp++) {
    const c = text.codePointAt(units)!;
    units += c > 0xffff ? 2 : 1;
  }
  return Math.min(units, text.length);
}

export function utf16ToCodePoints(text: string, offset: number): number {
  let cps = 0;
  for (let i = 0; i < offset && i < text.length; cps++) {
    const c = text.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
  }
  return cps;
}
