// One command of `./switchboard <command>`: a file in this folder exporting `command`.
export interface CliCommand {
  /** What `./switchboard help` prints beside the name. */
  readonly summary: string;
  /** Runs with the arguments after the command's name; sets process.exitCode or throws on failure. */
  run(args: string[]): Promise<void>;
}
