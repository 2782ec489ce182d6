/**
 * log1pf exactly as NumPy gets it from glibc on x86-64 (sysdeps/ieee754/flt-32/s_log1pf.c,
 * fdlibm's float algorithm, no FMA build), because NumPy's float ziggurat tail returns
 * `r - log1pf(-u) / r` in float: any last-bit difference shows up in the sample.
 *
 * Every float operation is emulated with Math.fround: a single +, −, ×, ÷ of two floats
 * done in double and rounded to float gives the correctly rounded float result.
 * test/np-random.test.ts compares it with libm on every input the sampler can pass.
 */

const fr = Math.fround;

const LN2_HI = fr(6.9313812256e-01); // 0x3f317180
const LN2_LO = fr(9.0580006145e-06); // 0x3717f7d1
const LP1 = fr(6.6666668653e-01);
const LP2 = fr(4.0000000596e-01);
const LP3 = fr(2.8571429849e-01);
const LP4 = fr(2.2222198546e-01);
const LP5 = fr(1.8183572590e-01);
const LP6 = fr(1.5313838422e-01);
const LP7 = fr(1.4798198640e-01);
const TWO_THIRDS = fr(0.66666666666666666);

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

function word(x: number): number {
  f32[0] = x;
  return i32[0];
}

function fromWord(w: number): number {
  i32[0] = w;
  return f32[0];
}

/**
 * log(1 + x) for a float x, bit-identical to glibc's log1pf.
 *
 * @example
 * log1pf(Math.fround(-0.5)); // -0.6931471824645996 (the float nearest -ln 2)
 */
export function log1pf(x: number): number {
  x = fr(x);
  const hx = word(x);
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let c = 0;
  let hu = 0;
  if (hx < 0x3ed413d7) {
    // x < 0.41422
    if (ax >= 0x3f800000) return x === -1 ? -Infinity : NaN; // x <= -1
    if (ax < 0x31000000) {
      // |x| < 2**-29
      if (ax < 0x24800000) return x;
      return fr(x - fr(fr(x * x) * 0.5));
    }
    if (hx > 0 || hx <= (0xbe95f61f | 0)) {
      k = 0; // -0.2929 < x < 0.41422
      f = x;
      hu = 1;
    }
  } else if (hx >= 0x7f800000) {
    return fr(x + x);
  }
  if (k !== 0) {
    let u: number;
    if (hx < 0x5a000000) {
      u = fr(1 + x);
      hu = word(u);
      k = (hu >> 23) - 127;
      c = k > 0 ? fr(1 - fr(u - x)) : fr(x - fr(u - 1)); // correction term
      c = fr(c / u);
    } else {
      u = x;
      hu = word(u);
      k = (hu >> 23) - 127;
      c = 0;
    }
    hu &= 0x007fffff;
    if (hu < 0x3504f7) {
      u = fromWord(hu | 0x3f800000); // normalize u
    } else {
      k += 1;
      u = fromWord(hu | 0x3f000000); // normalize u/2
      hu = (0x00800000 - hu) >> 2;
    }
    f = fr(u - 1);
  }
  const hfsq = fr(fr(0.5 * f) * f);
  if (hu === 0) {
    // |f| < 2**-20
    if (f === 0) {
      if (k === 0) return 0;
      c = fr(c + fr(k * LN2_LO));
      return fr(fr(k * LN2_HI) + c);
    }
    const R = fr(hfsq * fr(1 - fr(TWO_THIRDS * f)));
    if (k === 0) return fr(f - R);
    return fr(fr(k * LN2_HI) - fr(fr(R - fr(fr(k * LN2_LO) + c)) - f));
  }
  const s = fr(f / fr(2 + f));
  const z = fr(s * s);
  let R = fr(LP6 + fr(z * LP7));
  R = fr(LP5 + fr(z * R));
  R = fr(LP4 + fr(z * R));
  R = fr(LP3 + fr(z * R));
  R = fr(LP2 + fr(z * R));
  R = fr(LP1 + fr(z * R));
  R = fr(z * R);
  if (k === 0) return fr(f - fr(hfsq - fr(s * fr(hfsq + R))));
  return fr(fr(k * LN2_HI) - fr(fr(hfsq - fr(fr(s * fr(hfsq + R)) + fr(fr(k * LN2_LO) + c))) - f));
}
