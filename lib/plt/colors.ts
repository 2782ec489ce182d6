/**
 * matplotlib's colour spellings and colormap names, mapped onto what Vega-Lite draws with:
 * single letters ('r', 'k'), the default cycle 'C0'..'C9' (the tab10 palette), 'tab:blue',
 * grey levels ('0.5'), hex, RGB(A) tuples in 0..1, and CSS names (matplotlib's named colours
 * are the CSS4 list, which SVG understands as they are).
 */

/** A value matplotlib rejects (a bad colour, format string, shape or option). */
export class ValueError extends Error {
  override name = "ValueError";
}

/** matplotlib's default property cycle: the tab10 palette, 'C0'..'C9'. */
export const TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"] as const;
const TAB_NAMES = ["blue", "orange", "green", "red", "purple", "brown", "pink", "gray", "olive", "cyan"];

/** matplotlib's BASE_COLORS (its single letters are not CSS's: 'g' is dark green, 'c' is 0.75 cyan). */
const BASE: Record<string, string> = { b: "#0000ff", g: "#008000", r: "#ff0000", c: "#00bfbf", m: "#bf00bf", y: "#bfbf00", k: "#000000", w: "#ffffff" };

/** matplotlib's named colours: the CSS4 list (SVG draws each by its name). */
export const CSS4_NAMES: ReadonlySet<string> = new Set(
  (
  "aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown " +
  "burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue " +
  "darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange " +
  "darkorchid darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise " +
  "darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia " +
  "gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo " +
  "ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan " +
  "lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue " +
  "lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon " +
  "mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue " +
  "mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin " +
  "navajowhite navy oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen " +
  "paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red " +
  "rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue " +
  "slategray slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white " +
  "whitesmoke yellow yellowgreen "
  )
    .split(" ")
    .filter(Boolean),
);

/** A matplotlib colour: a name, letter, 'C3', '#rrggbb', a grey level string, or an RGB(A) tuple in 0..1. */
export type Color = string | readonly [number, number, number] | readonly [number, number, number, number];

/** Python's round(): halves go to the even neighbour (matplotlib's to_hex rounds 0.3 × 255 = 76.5 to 76). */
const roundHalfEven = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
const hex2 = (v: number) => roundHalfEven(v * 255).toString(16).padStart(2, "0");

/** The CSS colour SVG draws for a matplotlib colour. */
export function toCss(color: Color): string {
  if (Array.isArray(color)) {
    const c = color as readonly number[];
    if ((c.length === 3 || c.length === 4) && c.every((v) => typeof v === "number" && v >= 0 && v <= 1)) {
      return `#${c.slice(0, 3).map(hex2).join("")}${c.length === 4 ? hex2(c[3]) : ""}`;
    }
    throw new ValueError(`RGBA values should be within 0-1 range; got [${c.join(", ")}]`);
  }
  if (typeof color !== "string") throw new ValueError(`${String(color)} is not a valid color value: use a name ('red'), a letter (bgrcmykw), 'C0'..'C9', 'tab:blue', '#rrggbb', a grey level ('0.5') or an [r, g, b] tuple in 0..1`);
  const s = color.trim().toLowerCase();
  if (s in BASE) return BASE[s];
  let m = /^c(\d+)$/.exec(s);
  if (m) return TAB10[Number(m[1]) % 10];
  m = /^tab:(\w+)$/.exec(s);
  if (m && TAB_NAMES.includes(m[1])) return TAB10[TAB_NAMES.indexOf(m[1])];
  if (/^#([0-9a-f]{6}|[0-9a-f]{8}|[0-9a-f]{3})$/.test(s)) return s;
  if (/^(0(\.\d*)?|1(\.0*)?|\.\d+)$/.test(s)) return `#${hex2(Number(s)).repeat(3)}`;
  if (CSS4_NAMES.has(s)) return s;
  throw new ValueError(`'${color}' is not a valid color value: use a name ('red'), a letter (bgrcmykw), 'C0'..'C9', 'tab:blue', '#rrggbb', a grey level ('0.5') or an [r, g, b] tuple in 0..1`);
}

/** matplotlib colormap names → Vega colour schemes with the same colours. */
const SCHEMES: Record<string, string> = {
  viridis: "viridis", plasma: "plasma", inferno: "inferno", magma: "magma", cividis: "cividis", turbo: "turbo",
  RdBu: "redblue", RdYlBu: "redyellowblue", RdYlGn: "redyellowgreen", Spectral: "spectral", BrBG: "brownbluegreen",
  PiYG: "pinkyellowgreen", PRGn: "purplegreen", PuOr: "purpleorange", RdGy: "redgrey",
  Blues: "blues", Greens: "greens", Greys: "greys", Oranges: "oranges", Purples: "purples", Reds: "reds",
  YlOrRd: "yelloworangered", YlOrBr: "yelloworangebrown", YlGnBu: "yellowgreenblue", BuPu: "bluepurple",
};

/** The names {@link scheme} accepts (each also with `_r`, reversed, as in matplotlib). */
export const COLORMAPS = Object.keys(SCHEMES);

/** A Vega-Lite scale's scheme for a matplotlib colormap name ('viridis', 'RdBu_r', ...). */
export function scheme(cmap: string): { scheme: string; reverse?: boolean } {
  const reversed = cmap.endsWith("_r");
  const name = reversed ? cmap.slice(0, -2) : cmap;
  const s = SCHEMES[name];
  if (!s) throw new ValueError(`'${cmap}' is not a known colormap name; supported: ${COLORMAPS.join(", ")} (and each with _r)`);
  // Vega's diverging schemes run from their first named colour (red in "redblue"), as matplotlib's do.
  return reversed ? { scheme: s, reverse: true } : { scheme: s };
}
