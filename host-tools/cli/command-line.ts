// The command line as typed, for a report: each argument quoted where a shell
// would need it, so it can be pasted back to run the same command.
export function commandLine(): string {
  return ["edgefnn", ...process.argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}
