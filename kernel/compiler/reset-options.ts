/**
 * IPython's `%reset` options and targets, read from the magic's words as IPython reads them,
 * with its errors (kernel/compiler/magics.ts finds the magic; kernel/executor/namespace.ts
 * resets).
 */
import { MagicUsageError } from "./magic-usage-error";

/** `%reset`'s options and targets, IPython's: `-f`, `-s`, then what to reset instead of everything. */
export interface ResetOptions {
  /** No question first. */
  force: boolean;
  /** Delete the variables %who lists, keep the `_` names and `Out`. */
  soft: boolean;
  /** `out`, `array`, or a word IPython says it does not know (lower case, as IPython reads them). */
  targets: string[];
}

/** IPython's UsageError text for an option `%reset` does not have: getopt's message, then what parse_options allows. */
const RESET_ALLOWED = '( allowed: "sf" aggressive)';

/** The targets of IPython's `%reset` lazylab leaves out, and why. */
const REFUSED_TARGETS: Record<string, string> = {
  in: "(the input history) has no counterpart: no In, _i, _ii or _iii are in the namespace here",
  dhist: "(the directory history) has no counterpart: there is no _dh or %cd here",
};

/**
 * `%reset`'s words read as IPython's parse_options reads them (Python's getopt with "sf" and
 * "aggressive"): options up to the first word that is not one (`--` ends them, `-` is a word),
 * switches grouped (`-sf`), a long option by any prefix of its name; then the targets.
 */
export function resetOptions(argument: string, at: number): ResetOptions {
  const words = argument.split(/\s+/).filter(Boolean);
  const options: ResetOptions = { force: false, soft: false, targets: [] };
  const refuse = (what: string, why: string) => new MagicUsageError(`%reset ${what} ${why}; %reset knows -f, -s, out and array`, at);
  let i = 0;
  for (; i < words.length && words[i].startsWith("-") && words[i] !== "-"; i++) {
    const word = words[i];
    if (word === "--") {
      i++;
      break;
    }
    if (word.startsWith("--")) {
      const [name, value] = word.slice(2).split(/=(.*)/s);
      if (!"aggressive".startsWith(name)) throw new MagicUsageError(`option --${name} not recognized ${RESET_ALLOWED}`, at);
      if (value !== undefined) throw new MagicUsageError(`option --aggressive must not have an argument ${RESET_ALLOWED}`, at);
      throw refuse("--aggressive", "(culling Python's sys.modules, so changed modules import anew) has nothing to do: a cell that imports a changed local module loads it again");
    }
    for (const flag of word.slice(1)) {
      if (flag === "f") options.force = true;
      else if (flag === "s") options.soft = true;
      else throw new MagicUsageError(`option -${flag} not recognized ${RESET_ALLOWED}`, at);
    }
  }
  options.targets = words.slice(i).map((w) => w.toLowerCase());
  const refused = options.targets.find((t) => Object.hasOwn(REFUSED_TARGETS, t));
  if (refused) throw refuse(refused, REFUSED_TARGETS[refused]);
  return options;
}
