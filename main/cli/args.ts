/** A small, strict argv parser: `--name value`, `--name=value`, boolean `--flag`; unknown flags are usage errors. */
export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[], spec: { values: readonly string[]; booleans?: readonly string[] }): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    if (spec.booleans?.includes(name)) {
      flags.set(name, ['true']);
      continue;
    }
    if (!spec.values.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positionals, flags };
}

export function one(args: ParsedArgs, name: string, required: true): string;
export function one(args: ParsedArgs, name: string, required?: false): string | undefined;
export function one(args: ParsedArgs, name: string, required = false): string | undefined {
  const v = args.flags.get(name);
  if (!v?.length) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  return v[v.length - 1];
}

export function many(args: ParsedArgs, name: string): string[] {
  return args.flags.get(name) ?? [];
}

export function env(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[name];
  if (!v) throw new UsageError(`the environment variable ${name} must be set`);
  return v;
}
