// Option values as commander hands them to a command: checked and converted
// here, so a bad value is refused before the command starts, with a message
// that names the flag and shows the value (quoteValue).
import { InvalidArgumentError } from "commander";
import { quoteValue } from "./user-error";

export function intOption(name: string, min = 1): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${quoteValue(v)}`);
    return n;
  };
}

export function numberOption(
  name: string,
  check: (n: number) => boolean = (n) => n > 0,
  what = "a positive number",
): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || !check(n))
      throw new InvalidArgumentError(`${name} must be ${what}, got ${quoteValue(v)}`);
    return n;
  };
}

export function listOption(v: string): string[] {
  return v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
